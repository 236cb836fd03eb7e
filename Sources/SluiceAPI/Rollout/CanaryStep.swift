/// One step of a canary. Exactly one member is set; ``kind`` names it.
public struct CanaryStep: Codable, Sendable, Hashable {
    /// Percent of traffic (or, without a router, of pods) for the canary, 0...100.
    public var setWeight: Int32?
    public var pause: RolloutPause?
    public var setCanaryScale: SetCanaryScale?
    public var setHeaderRoute: SetHeaderRoute?
    public var setMirrorRoute: SetMirrorRoute?
    public var analysis: RolloutAnalysis?
    public var experiment: ExperimentStep?

    public init(
        setWeight: Int32? = nil, pause: RolloutPause? = nil, setCanaryScale: SetCanaryScale? = nil,
        setHeaderRoute: SetHeaderRoute? = nil, setMirrorRoute: SetMirrorRoute? = nil,
        analysis: RolloutAnalysis? = nil, experiment: ExperimentStep? = nil
    ) {
        self.setWeight = setWeight
        self.pause = pause
        self.setCanaryScale = setCanaryScale
        self.setHeaderRoute = setHeaderRoute
        self.setMirrorRoute = setMirrorRoute
        self.analysis = analysis
        self.experiment = experiment
    }

    /// The step as one value, for code that switches over step kinds.
    public enum Kind: Sendable, Hashable {
        case setWeight(Int32)
        case pause(RolloutPause)
        case setCanaryScale(SetCanaryScale)
        case setHeaderRoute(SetHeaderRoute)
        case setMirrorRoute(SetMirrorRoute)
        case analysis(RolloutAnalysis)
        case experiment(ExperimentStep)
    }

    /// The member that is set; `nil` unless exactly one is (validation reports those).
    public var kind: Kind? {
        let kinds: [Kind] = [
            setWeight.map(Kind.setWeight), pause.map(Kind.pause), setCanaryScale.map(Kind.setCanaryScale),
            setHeaderRoute.map(Kind.setHeaderRoute), setMirrorRoute.map(Kind.setMirrorRoute),
            analysis.map(Kind.analysis), experiment.map(Kind.experiment),
        ].compactMap { $0 }
        return kinds.count == 1 ? kinds[0] : nil
    }

    /// The names of the members that are set, in declaration order.
    public var presentKinds: [String] {
        [
            ("setWeight", setWeight != nil), ("pause", pause != nil), ("setCanaryScale", setCanaryScale != nil),
            ("setHeaderRoute", setHeaderRoute != nil), ("setMirrorRoute", setMirrorRoute != nil),
            ("analysis", analysis != nil), ("experiment", experiment != nil),
        ].filter(\.1).map(\.0)
    }

    static let kindNames = ["setWeight", "pause", "setCanaryScale", "setHeaderRoute", "setMirrorRoute", "analysis", "experiment"]
}

/// Waits for `duration`, or, without one, until the Rollout is promoted.
public struct RolloutPause: Codable, Sendable, Hashable {
    public var duration: DurationString?

    public init(duration: DurationString? = nil) { self.duration = duration }
}

/// Sets the canary's pod count apart from its traffic weight: exactly one member.
public struct SetCanaryScale: Codable, Sendable, Hashable {
    /// Percent of `spec.replicas`.
    public var weight: Int32?
    /// An absolute number of pods.
    public var replicas: Int32?
    /// Back to pods in proportion to the traffic weight.
    public var matchTrafficWeight: Bool?

    public init(weight: Int32? = nil, replicas: Int32? = nil, matchTrafficWeight: Bool? = nil) {
        self.weight = weight
        self.replicas = replicas
        self.matchTrafficWeight = matchTrafficWeight
    }
}

/// Sends requests that match headers to the canary, whatever the weight. Without `match`
/// (or with an empty one) the route is removed.
public struct SetHeaderRoute: Codable, Sendable, Hashable {
    /// The managed route's name; ``defaultName`` when absent.
    public var name: String?
    public var match: [HeaderRoutingMatch]?

    public init(name: String? = nil, match: [HeaderRoutingMatch]? = nil) {
        self.name = name
        self.match = match
    }

    public static let defaultName = "sluice-header-route"
    public var routeName: String { name ?? Self.defaultName }
}

/// One header condition of a header route.
public struct HeaderRoutingMatch: Codable, Sendable, Hashable {
    public var headerName: String
    public var headerValue: StringMatch

    public init(headerName: String, headerValue: StringMatch) {
        self.headerName = headerName
        self.headerValue = headerValue
    }
}

/// How a string is matched: exactly one of `exact`, `prefix` and `regex`.
public struct StringMatch: Codable, Sendable, Hashable {
    public var exact: String?
    public var prefix: String?
    public var regex: String?

    public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
        self.exact = exact
        self.prefix = prefix
        self.regex = regex
    }

    /// The kinds of match a router may or may not support.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case exact, prefix, regex
    }

    /// The kinds that are set, in declaration order.
    public var presentKinds: [Kind] {
        [(Kind.exact, exact), (.prefix, prefix), (.regex, regex)].filter { $0.1 != nil }.map(\.0)
    }
}

/// Copies (mirrors) a percentage of matching requests to the canary; responses from the
/// canary are dropped. `percentage: 0` removes the mirror route.
public struct SetMirrorRoute: Codable, Sendable, Hashable {
    /// The managed route's name; ``defaultName`` when absent.
    public var name: String?
    /// Percent of matching requests to copy, 0...100; 100 when absent.
    public var percentage: Int32?
    /// Which requests to mirror; all when absent.
    public var match: [RouteMatch]?

    public init(name: String? = nil, percentage: Int32? = nil, match: [RouteMatch]? = nil) {
        self.name = name
        self.percentage = percentage
        self.match = match
    }

    public static let defaultName = "sluice-mirror-route"
    public var routeName: String { name ?? Self.defaultName }
    public var effectivePercentage: Int32 { percentage ?? 100 }
}

/// A request condition of a mirror route: every member set must match.
public struct RouteMatch: Codable, Sendable, Hashable {
    public var method: StringMatch?
    public var path: StringMatch?
    public var headers: [String: StringMatch]?

    public init(method: StringMatch? = nil, path: StringMatch? = nil, headers: [String: StringMatch]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
    }
}

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

extension CanaryStep: SchemaDescribable {
    public static var schema: Schema {
        .object("One canary step; exactly one member is set.", [
            "setWeight": Int32.field("Percent of traffic for the canary, 0 to 100."),
            "pause": RolloutPause.schema,
            "setCanaryScale": SetCanaryScale.schema,
            "setHeaderRoute": SetHeaderRoute.schema,
            "setMirrorRoute": SetMirrorRoute.schema,
            "analysis": RolloutAnalysis.schema,
            "experiment": ExperimentStep.schema,
        ])
    }
}

extension RolloutPause: SchemaDescribable {
    public static var schema: Schema {
        .object("Waits for duration, or until promoted when no duration is given.", [
            "duration": DurationString.field("How long to wait, e.g. 30s or 10m; an integer is seconds."),
        ])
    }
}

extension SetCanaryScale: SchemaDescribable {
    public static var schema: Schema {
        .object("Sets the canary's pod count apart from its weight; exactly one member.", [
            "weight": Int32.field("Percent of spec.replicas."),
            "replicas": Int32.field("An absolute number of pods."),
            "matchTrafficWeight": Bool.field("Back to pods in proportion to the traffic weight."),
        ])
    }
}

extension SetHeaderRoute: SchemaDescribable {
    public static var schema: Schema {
        .object("Sends requests whose headers match to the canary; without match the route is removed.", [
            "name": String.field("The managed route's name."),
            "match": [HeaderRoutingMatch].field("Header conditions; all must hold."),
        ])
    }
}

extension HeaderRoutingMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("One header condition.", required: ["headerName", "headerValue"], [
            "headerName": String.field("The HTTP header's name."),
            "headerValue": StringMatch.schema,
        ])
    }
}

extension StringMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("Exactly one of exact, prefix and regex.", [
            "exact": String.field("The whole value."),
            "prefix": String.field("The start of the value."),
            "regex": String.field("A regular expression the value must match."),
        ])
    }
}

extension SetMirrorRoute: SchemaDescribable {
    public static var schema: Schema {
        .object("Copies a percentage of matching requests to the canary; percentage 0 removes the route.", [
            "name": String.field("The managed route's name."),
            "percentage": Int32.field("Percent of matching requests to copy, 0 to 100; 100 when absent."),
            "match": [RouteMatch].field("Which requests to mirror; all when absent."),
        ])
    }
}

extension RouteMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("A request condition; every member set must match.", [
            "method": StringMatch.field("The HTTP method."),
            "path": StringMatch.field("The request path."),
            "headers": [String: StringMatch].field("Headers by name."),
        ])
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
