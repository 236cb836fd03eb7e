/// An A/B experiment: fixed-weight variants, run until the analyses decide or the duration
/// ends.
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

/// One variant of an experiment: pods from the stable or the canary template.
public struct ExperimentTemplate: Codable, Sendable, Hashable {
    /// Which pod template a variant runs.
    public enum SpecRef: String, Codable, Sendable, Hashable, CaseIterable {
        case stable, canary
    }

    public var name: String
    public var specRef: SpecRef
    /// Pods for this variant; 1 when absent.
    public var replicas: Int32?
    /// Percent of traffic for this variant (needs a traffic router).
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

extension ExperimentStep: SchemaDescribable {
    public static var schema: Schema {
        .object("An A/B experiment of fixed-weight variants.", required: ["templates"], [
            "duration": DurationString.field("The longest the experiment runs."),
            "templates": [ExperimentTemplate].field("The variants."),
            "analyses": [ExperimentAnalysis].field("Analyses that judge the variants."),
        ])
    }
}

extension ExperimentTemplate: SchemaDescribable {
    public static var schema: Schema {
        .object("One variant: pods from the stable or canary template.", required: ["name", "specRef"], [
            "name": String.field("The variant's name."),
            "specRef": .enumeration(SpecRef.self, "Which pod template the variant runs: stable or canary."),
            "replicas": Int32.field("Pods for the variant; 1 when absent."),
            "weight": Int32.field("Percent of traffic for the variant."),
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
