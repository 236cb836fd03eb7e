/// An A/B experiment: fixed-weight variants, run until the analyses decide or the duration
/// ends. Sluice runs the variants on the stable and canary ReplicaSets themselves (no extra
/// pods): the canary variant's `weight` is the canary's share of traffic while the step runs,
/// its pods following that weight as for `setWeight`, and the stable variant is the control,
/// with the rest of the traffic. After the step the canary is back at the weight the steps
/// before it set.
public struct ExperimentStep: Codable, Sendable, Hashable {
    /// The longest the experiment runs.
    public var duration: DurationString?
    public var templates: [ExperimentTemplate]
    public var analyses: [ExperimentAnalysis]?

    public init(duration: DurationString? = nil, templates: [ExperimentTemplate], analyses: [ExperimentAnalysis]? = nil) {
        self.duration = duration
        self.templates = templates
        self.analyses = analyses
    }
}

/// One variant of an experiment: the stable or the canary ReplicaSet (at most one variant each).
public struct ExperimentTemplate: Codable, Sendable, Hashable {
    /// Which pod template a variant runs.
    public enum SpecRef: String, Codable, Sendable, Hashable, CaseIterable {
        case stable, canary
    }

    public var name: String
    public var specRef: SpecRef
    /// Argo Rollouts' pods for the variant; not supported by Sluice (the variant's pods are its
    /// ReplicaSet's), so validation rejects it.
    public var replicas: Int32?
    /// Percent of traffic for this variant (needs a traffic router): required for the canary
    /// variant; the stable variant gets the rest (100 minus the canary's) and may only say so.
    public var weight: Int32?

    public init(name: String, specRef: SpecRef, replicas: Int32? = nil, weight: Int32? = nil) {
        self.name = name
        self.specRef = specRef
        self.replicas = replicas
        self.weight = weight
    }
}

/// An analysis that runs during an experiment.
public struct ExperimentAnalysis: Codable, Sendable, Hashable {
    public var name: String
    public var templateName: String
    public var clusterScope: Bool?
    public var args: [AnalysisArgument]?
    /// The experiment ends when this analysis completes.
    public var requiredForCompletion: Bool?

    public init(name: String, templateName: String, clusterScope: Bool? = nil, args: [AnalysisArgument]? = nil, requiredForCompletion: Bool? = nil) {
        self.name = name
        self.templateName = templateName
        self.clusterScope = clusterScope
        self.args = args
        self.requiredForCompletion = requiredForCompletion
    }
}

extension ExperimentStep {
    /// The variant on the canary ReplicaSet: its weight is the canary's during the step.
    public var canaryVariant: ExperimentTemplate? { templates.first { $0.specRef == .canary } }
    /// The variant on the stable ReplicaSet: the control.
    public var stableVariant: ExperimentTemplate? { templates.first { $0.specRef == .stable } }

    /// Each variant's percent of live traffic while the step runs: the canary variant's
    /// weight, and the rest for the stable variant.
    public var variantWeights: [String: Int32] {
        guard let canary = canaryVariant, let weight = canary.weight else { return [:] }
        var weights = [canary.name: weight]
        if let stable = stableVariant { weights[stable.name] = 100 - weight }
        return weights
    }
}

extension ExperimentStep: SchemaDescribable {
    public static var schema: Schema {
        .object("An A/B experiment of fixed-weight variants, run on the stable and canary ReplicaSets.", required: ["templates"], [
            "duration": DurationString.field("The longest the experiment runs."),
            "templates": [ExperimentTemplate].field("The variants."),
            "analyses": [ExperimentAnalysis].field("Analyses that judge the variants."),
        ])
    }
}

extension ExperimentTemplate: SchemaDescribable {
    public static var schema: Schema {
        .object("One variant: the stable or the canary ReplicaSet.", required: ["name", "specRef"], [
            "name": String.field("The variant's name."),
            "specRef": .enumeration(SpecRef.self, "Which ReplicaSet the variant is: stable or canary (one variant each)."),
            "replicas": Int32.field("Not supported by Sluice (Argo Rollouts' variant pods): the variant's pods are its ReplicaSet's."),
            "weight": Int32.field("Percent of traffic: the canary's during the step; the stable variant gets the rest."),
        ])
    }
}

extension ExperimentAnalysis: SchemaDescribable {
    public static var schema: Schema {
        .object("An analysis that runs during the experiment.", required: ["name", "templateName"], [
            "name": String.field("The analysis's name within the experiment."),
            "templateName": String.field("Name of the AnalysisTemplate (or ClusterAnalysisTemplate)."),
            "clusterScope": Bool.field("Refer to a ClusterAnalysisTemplate."),
            "args": [AnalysisArgument].field("Arguments passed to the template."),
            "requiredForCompletion": Bool.field("The experiment ends when this analysis completes."),
        ])
    }
}
