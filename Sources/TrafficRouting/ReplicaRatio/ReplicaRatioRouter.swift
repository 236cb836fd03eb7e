import KubeClient
import RolloutCore
import SluiceAPI

/// No router: the canary's weight is its share of pods, which the planner reaches by
/// scaling ReplicaSets. There is no object to read or edit; header and mirror routes are
/// validation errors for such Rollouts, never silent no-ops.
public struct ReplicaRatioRouter: TrafficRouter {
    public init() {}

    public var capabilities: TrafficRouterCapabilities { .replicaRatio }

    public func routeObject(for rollout: Rollout) -> RouteObjectReference? { nil }

    /// Always nil: nothing carries a split.
    public func observe(_ routeObject: JSONValue, rollout: Rollout) -> TrafficState? { nil }

    /// Always throws ``TrafficRoutingError/noRouteObject(rollout:)``: the planner never asks
    /// a Rollout without a router to set traffic.
    public func apply(_ state: TrafficState, to routeObject: JSONValue, rollout: Rollout) throws -> JSONValue {
        throw TrafficRoutingError.noRouteObject(rollout: rollout.metadata.name ?? "?")
    }
}
