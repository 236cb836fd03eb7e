/// What one traffic router can do. Validation uses it so that a step a router cannot
/// carry out is an error in the spec, never a silent no-op at run time; routers in the
/// TrafficRouting module must implement everything their entry here claims.
public struct TrafficRouterCapabilities: Sendable, Hashable {
    /// How the router is named in messages: `gatewayAPI`, or `no trafficRouting`.
    public var name: String
    /// Weights are traffic percentages (false: replica ratios).
    public var splitsTraffic: Bool
    public var headerRoutes: Bool
    /// Kinds of header-value match the router supports.
    public var headerMatchKinds: Set<StringMatch.Kind>
    /// Most header matches in one header route; unlimited when nil.
    public var maxHeaderMatches: Int?
    public var mirrorRoutes: Bool
    public var mirrorMethodMatchKinds: Set<StringMatch.Kind>
    public var mirrorPathMatchKinds: Set<StringMatch.Kind>
    public var mirrorHeaderMatchKinds: Set<StringMatch.Kind>
    /// Experiment variants can get their own traffic weights.
    public var experimentWeights: Bool

    /// Gateway API HTTPRoute: weighted backendRefs, a header-match rule per header route (Exact and
    /// RegularExpression header matches), and a RequestMirror filter with a percentage.
    public static let gatewayAPI = TrafficRouterCapabilities(
        name: "gatewayAPI", splitsTraffic: true, headerRoutes: true, headerMatchKinds: [.exact, .regex], maxHeaderMatches: nil,
        mirrorRoutes: true, mirrorMethodMatchKinds: [.exact], mirrorPathMatchKinds: [.exact, .prefix, .regex],
        mirrorHeaderMatchKinds: [.exact, .regex], experimentWeights: true)

    /// Istio VirtualService: every kind of match for header and mirror routes.
    public static let istio = TrafficRouterCapabilities(
        name: "istio", splitsTraffic: true, headerRoutes: true, headerMatchKinds: Set(StringMatch.Kind.allCases), maxHeaderMatches: nil,
        mirrorRoutes: true, mirrorMethodMatchKinds: Set(StringMatch.Kind.allCases), mirrorPathMatchKinds: Set(StringMatch.Kind.allCases),
        mirrorHeaderMatchKinds: Set(StringMatch.Kind.allCases), experimentWeights: true)

    /// ingress-nginx canary annotations: one header, by exact value or pattern; no mirroring
    /// by percentage; one canary backend.
    public static let nginx = TrafficRouterCapabilities(
        name: "nginx", splitsTraffic: true, headerRoutes: true, headerMatchKinds: [.exact, .regex], maxHeaderMatches: 1,
        mirrorRoutes: false, mirrorMethodMatchKinds: [], mirrorPathMatchKinds: [], mirrorHeaderMatchKinds: [], experimentWeights: false)

    /// SMI TrafficSplit: weights only.
    public static let smi = TrafficRouterCapabilities(
        name: "smi", splitsTraffic: true, headerRoutes: false, headerMatchKinds: [], maxHeaderMatches: nil,
        mirrorRoutes: false, mirrorMethodMatchKinds: [], mirrorPathMatchKinds: [], mirrorHeaderMatchKinds: [], experimentWeights: true)

    /// No router: weights become replica ratios; nothing else is possible.
    public static let replicaRatio = TrafficRouterCapabilities(
        name: "no trafficRouting", splitsTraffic: false, headerRoutes: false, headerMatchKinds: [], maxHeaderMatches: nil,
        mirrorRoutes: false, mirrorMethodMatchKinds: [], mirrorPathMatchKinds: [], mirrorHeaderMatchKinds: [], experimentWeights: false)

    static let all: [TrafficRouterCapabilities] = [.gatewayAPI, .istio, .nginx, .smi]

    /// `(routers that can: gatewayAPI, istio, nginx)`, for messages about what a router cannot do.
    static func routersThatCan(_ condition: (TrafficRouterCapabilities) -> Bool) -> String {
        "(routers that can: \(all.filter(condition).map(\.name).joined(separator: ", ")))"
    }

    /// `the gatewayAPI router` or `a Rollout without trafficRouting`, for messages.
    var subject: String { splitsTraffic ? "the \(name) router" : "a Rollout without trafficRouting" }
}

extension TrafficRouting {
    /// The routers that are set, by field name.
    public var presentRouters: [String] {
        [("gatewayAPI", gatewayAPI != nil), ("istio", istio != nil), ("nginx", nginx != nil), ("smi", smi != nil)]
            .filter(\.1).map(\.0)
    }

    /// The capabilities of the one router set; nil unless exactly one is.
    public var capabilities: TrafficRouterCapabilities? {
        guard presentRouters.count == 1 else { return nil }
        if gatewayAPI != nil { return .gatewayAPI }
        if istio != nil { return .istio }
        if nginx != nil { return .nginx }
        return .smi
    }
}

extension CanaryStrategy {
    /// What the configured router (or the lack of one) can do.
    public var routerCapabilities: TrafficRouterCapabilities {
        trafficRouting?.capabilities ?? .replicaRatio
    }
}
