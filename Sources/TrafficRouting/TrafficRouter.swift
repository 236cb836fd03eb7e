import KubeClient
import RolloutCore
import SluiceAPI

/// A traffic router: reads and edits the object that splits a Rollout's traffic between
/// its stable and canary Services (an HTTPRoute, a VirtualService ...). Both requirements
/// are pure functions of their arguments, safe to call from any thread; the controller
/// reads the object, calls ``apply(_:to:rollout:)`` and writes the result back.
///
/// A router implements everything its ``capabilities`` claim (validation rejects steps a
/// router cannot carry out, so none is ever ignored at run time).
public protocol TrafficRouter: Sendable {
    /// What the router can do; the same value validation checks steps against.
    var capabilities: TrafficRouterCapabilities { get }

    /// The object that carries `rollout`'s split; nil when there is none (no router).
    func routeObject(for rollout: Rollout) -> RouteObjectReference?

    /// The split `routeObject` carries for `rollout` — weights, header and mirror routes
    /// exactly as ``apply(_:to:rollout:)`` would write them — or nil when the object does
    /// not carry a split Sluice wrote (never written yet, edited by someone, rules that
    /// disagree): the planner then asks for the split again. Never throws.
    func observe(_ routeObject: JSONValue, rollout: Rollout) -> TrafficState?

    /// `routeObject` edited to carry `state` for `rollout`. Idempotent: applying the same
    /// state to the result returns it unchanged. Everything Sluice does not manage is left
    /// as it was. Throws ``TrafficRoutingError`` when the object cannot carry the state
    /// (no rule names the Rollout's Services, say), naming the object and what was expected.
    func apply(_ state: TrafficState, to routeObject: JSONValue, rollout: Rollout) throws -> JSONValue
}

/// Where a router object lives: its kind, namespace and name.
public struct RouteObjectReference: Sendable, Hashable, CustomStringConvertible {
    public var resource: ResourceType
    public var namespace: String
    public var name: String

    public init(resource: ResourceType, namespace: String, name: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    /// `HTTPRoute "default/web"`.
    public var description: String { "\(resource.kind) \"\(namespace)/\(name)\"" }
}

/// The routers Sluice has.
public enum TrafficRouters {
    /// The router for `rollout`'s canary `trafficRouting`: ``GatewayAPIRouter`` for
    /// `gatewayAPI`, ``ReplicaRatioRouter`` when there is no `trafficRouting` (or the
    /// strategy is blue-green), nil when it names a router Sluice does not implement yet
    /// (the planner reports that as InvalidSpec when told `hasRouter: false`).
    public static func router(for rollout: Rollout) -> (any TrafficRouter)? {
        guard let routing = rollout.spec.strategy.canary?.trafficRouting else { return ReplicaRatioRouter() }
        guard routing.presentRouters.count == 1 else { return nil }
        if routing.gatewayAPI != nil { return GatewayAPIRouter() }
        return nil
    }

    /// Whether the planner has a router for `rollout` (its `hasRouter` argument).
    public static func hasRouter(for rollout: Rollout) -> Bool {
        router(for: rollout)?.capabilities.splitsTraffic ?? false
    }
}
