/// Why a router object cannot carry a split. Each description names the object and says
/// what was expected.
public enum TrafficRoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The object is not the kind the router edits (or has no `spec.rules`).
    case notARouteObject(object: String, expected: String)
    /// No rule's backendRefs name both the stable and the canary Service.
    case noRuleForServices(object: String, stableService: String, canaryService: String)
    /// The Rollout names no stable or canary Service (validation requires them with a router).
    case servicesNotSet(rollout: String)
    /// A managed route cannot be expressed on this object.
    case unsupportedRoute(object: String, route: String, reason: String)
    /// The edited object would break a limit of the API.
    case tooLarge(object: String, reason: String)
    /// The router has no object to edit (no trafficRouting: weights are replica ratios).
    case noRouteObject(rollout: String)

    public var description: String {
        switch self {
        case .notARouteObject(let object, let expected):
            "\(object) is not \(expected)"
        case .noRuleForServices(let object, let stable, let canary):
            "\(object) has no rule whose backendRefs name both the stable Service \"\(stable)\" and the canary Service \"\(canary)\"; "
                + "add both to the rule that should be split (the canary with weight 0)"
        case .servicesNotSet(let rollout):
            "rollout \"\(rollout)\" needs spec.strategy.canary.stableService and canaryService to split traffic"
        case .unsupportedRoute(let object, let route, let reason):
            "\(object): route \"\(route)\" \(reason)"
        case .tooLarge(let object, let reason):
            "\(object): \(reason)"
        case .noRouteObject(let rollout):
            "rollout \"\(rollout)\" has no trafficRouting: its weights are replica ratios and there is no router object to edit"
        }
    }
}
