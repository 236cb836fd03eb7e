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
