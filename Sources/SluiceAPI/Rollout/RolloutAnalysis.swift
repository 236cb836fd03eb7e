/// Analysis run by a Rollout (a canary step, or before or after a blue-green promotion):
/// the templates to instantiate and the arguments to pass them.
public struct RolloutAnalysis: Codable, Sendable, Hashable {
    public var templates: [AnalysisTemplateReference]
    public var args: [AnalysisArgument]?

    public init(templates: [AnalysisTemplateReference], args: [AnalysisArgument]? = nil) {
        self.templates = templates
        self.args = args
    }
}

/// Analysis that runs beside a canary's steps from `startingStep` until the update ends.
public struct RolloutAnalysisBackground: Codable, Sendable, Hashable {
    public var templates: [AnalysisTemplateReference]
    public var args: [AnalysisArgument]?
    /// Index of the step at which analysis starts; the first step when absent.
    public var startingStep: Int32?

    public init(templates: [AnalysisTemplateReference], args: [AnalysisArgument]? = nil, startingStep: Int32? = nil) {
        self.templates = templates
        self.args = args
        self.startingStep = startingStep
    }
}

/// An AnalysisTemplate (or, with `clusterScope`, a ClusterAnalysisTemplate) by name.
public struct AnalysisTemplateReference: Codable, Sendable, Hashable {
    public var templateName: String
    public var clusterScope: Bool?

    public init(templateName: String, clusterScope: Bool? = nil) {
        self.templateName = templateName
        self.clusterScope = clusterScope
    }
}

/// An argument a Rollout passes to an analysis: a literal `value`, or a value Sluice fills
/// in when it creates the AnalysisRun (`valueFrom`).
public struct AnalysisArgument: Codable, Sendable, Hashable {
    public var name: String
    public var value: String?
    public var valueFrom: ArgumentValueFrom?

    public init(name: String, value: String? = nil, valueFrom: ArgumentValueFrom? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// Where the controller reads an argument's value: exactly one member.
public struct ArgumentValueFrom: Codable, Sendable, Hashable {
    /// Which ReplicaSet's pod-template hash to pass.
    public enum PodTemplateHashValue: String, Codable, Sendable, Hashable, CaseIterable {
        case stable = "Stable", latest = "Latest"
    }

    public var podTemplateHashValue: PodTemplateHashValue?
    /// A field of the Rollout, e.g. `metadata.labels['app']`.
    public var fieldRef: FieldReference?

    public init(podTemplateHashValue: PodTemplateHashValue? = nil, fieldRef: FieldReference? = nil) {
        self.podTemplateHashValue = podTemplateHashValue
        self.fieldRef = fieldRef
    }
}

/// A field of the owning object, by path.
public struct FieldReference: Codable, Sendable, Hashable {
    public var fieldPath: String

    public init(fieldPath: String) { self.fieldPath = fieldPath }
}

extension RolloutAnalysis: SchemaDescribable {
    public static var schema: Schema {
        .object("Analysis templates to run, and the arguments to pass them.", required: ["templates"], [
            "templates": [AnalysisTemplateReference].field("The templates to run together."),
            "args": [AnalysisArgument].field("Arguments passed to every template."),
        ])
    }
}

extension RolloutAnalysisBackground: SchemaDescribable {
    public static var schema: Schema {
        .object("Analysis that runs beside the steps until the update ends.", required: ["templates"], [
            "templates": [AnalysisTemplateReference].field("The templates to run together."),
            "args": [AnalysisArgument].field("Arguments passed to every template."),
            "startingStep": Int32.field("Index of the step at which analysis starts; the first when absent."),
        ])
    }
}

extension AnalysisTemplateReference: SchemaDescribable {
    public static var schema: Schema {
        .object("An AnalysisTemplate, or a ClusterAnalysisTemplate with clusterScope.", required: ["templateName"], [
            "templateName": String.field("The template's name."),
            "clusterScope": Bool.field("Refer to a ClusterAnalysisTemplate."),
        ])
    }
}

extension AnalysisArgument: SchemaDescribable {
    public static var schema: Schema {
        .object("An argument for the analysis: value, or valueFrom.", required: ["name"], [
            "name": String.field("The argument's name, as the template declares it."),
            "value": String.field("A literal value."),
            "valueFrom": ArgumentValueFrom.schema,
        ])
    }
}

extension ArgumentValueFrom: SchemaDescribable {
    public static var schema: Schema {
        .object("Where the value comes from; exactly one member.", [
            "podTemplateHashValue": .enumeration(PodTemplateHashValue.self, "The Stable or Latest ReplicaSet's pod-template hash."),
            "fieldRef": FieldReference.schema,
        ])
    }
}

extension FieldReference: SchemaDescribable {
    public static var schema: Schema {
        .object("A field of the owning object.", required: ["fieldPath"], [
            "fieldPath": String.field("Path of the field, e.g. metadata.name."),
        ])
    }
}
