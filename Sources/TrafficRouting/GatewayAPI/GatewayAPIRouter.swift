import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// Gateway API HTTPRoute (`gateway.networking.k8s.io/v1`).
///
/// - Weights: every rule whose backendRefs name both the stable and the canary Service gets
///   weights `100 - w` and `w` on those two refs; nothing else in it changes.
/// - `setHeaderRoute`: a rule per split rule, named `sluice-<route>`, placed before the
///   user's rules, matching what the split rule matches plus the header conditions (Exact
///   or RegularExpression), sending everything to the canary.
/// - `setMirrorRoute`: a rule per split rule, named `sluice-<route>`, placed before the
///   user's rules, carrying the same split plus a `RequestMirror` filter that copies
///   `percent` of the matching requests to the canary.
///
/// Rules whose names start with `sluice-` belong to Sluice and are rewritten on every
/// change; all other rules are left exactly as the user wrote them (apart from the two
/// weights). The managed routes are also recorded in the annotation
/// ``managedRoutesAnnotation``, so that ``observe(_:rollout:)`` can return them exactly.
public struct GatewayAPIRouter: TrafficRouter {
    public static let httpRoutes = ResourceType(group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")
    /// The HTTPRoute annotation that records the header and mirror routes Sluice added.
    public static let managedRoutesAnnotation = "rollout.sluice.dev/managed-routes"
    /// Names of the rules Sluice owns start with this.
    public static let managedRulePrefix = "sluice-"

    public init() {}

    public var capabilities: TrafficRouterCapabilities { .gatewayAPI }

    public func routeObject(for rollout: Rollout) -> RouteObjectReference? {
        guard let gatewayAPI = rollout.spec.strategy.canary?.trafficRouting?.gatewayAPI else { return nil }
        return RouteObjectReference(resource: Self.httpRoutes, namespace: gatewayAPI.namespace ?? rollout.metadata.namespace ?? "default",
                                    name: gatewayAPI.httpRoute)
    }

    public func observe(_ routeObject: JSONValue, rollout: Rollout) -> TrafficState? {
        guard let route = try? HTTPRouteSplit(routeObject, rollout: rollout), let weight = route.canaryWeight,
            let record = ManagedRoutesRecord(annotationOf: routeObject)
        else { return nil }
        let candidate = TrafficState(canaryWeight: weight, headerRoutes: record.header ?? [:], mirrorRoutes: record.mirror ?? [:])
        // The object carries `candidate` only if writing it would change nothing: managed
        // rules that no longer copy the split rule, or were edited, are not the split.
        guard let rewritten = try? apply(candidate, to: routeObject, rollout: rollout), rewritten == routeObject else { return nil }
        return candidate
    }

    public func apply(_ state: TrafficState, to routeObject: JSONValue, rollout: Rollout) throws -> JSONValue {
        let route = try HTTPRouteSplit(routeObject, rollout: rollout)
        guard !route.splitRuleIndices.isEmpty else {
            throw TrafficRoutingError.noRuleForServices(object: route.description, stableService: route.stableService,
                                                        canaryService: route.canaryService)
        }
        var userRules = route.userRules
        for index in route.splitRuleIndices {
            userRules[index] = route.weighted(userRules[index], canaryWeight: min(max(state.canaryWeight, 0), 100))
        }
        let builder = ManagedRuleBuilder(route: route, splitRules: route.splitRuleIndices.map { userRules[$0] })
        let managed = try builder.rules(for: state, order: rollout.spec.strategy.canary?.trafficRouting?.managedRoutes?.map(\.name))
        let rules = managed + userRules
        try HTTPRouteLimits.check(rules, object: route.description)

        var edited = routeObject
        edited["spec"]?["rules"] = .array(rules)
        ManagedRoutesRecord(state).write(to: &edited)
        return edited
    }
}
