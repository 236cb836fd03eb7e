import KubeClient
import RolloutCore
import SluiceAPI

/// Gateway API HTTPRoute (gateway.networking.k8s.io/v1).
///
/// - Weights: every rule whose `backendRefs` name both the stable and the canary Service
///   gets weights `100 - w` and `w`.
/// - `setHeaderRoute`: a rule named `sluice-header-<route>`, placed before the user's rules,
///   with the user's matches plus the header matches, sending to the canary only.
/// - `setMirrorRoute`: a rule named `sluice-mirror-<route>`, placed before the user's rules,
///   with the step's matches (or the user's), the same weighted backends, and a
///   `RequestMirror` filter to the canary at the step's percentage.
/// - What was applied is kept in the annotation `rollout.sluice.dev/traffic`, so the split the
///   route carries is read back exactly; it counts only while the weights still agree.
///
/// Rules without the `sluice-` name prefix that do not reference both Services are never touched.
public struct GatewayAPIRouter: TrafficRouter {
    public static let httpRoutes = ResourceType(group: "gateway.networking.k8s.io", version: "v1",
                                                plural: "httproutes", kind: "HTTPRoute")
    public static let managedPrefix = "sluice-"
    public static let stateAnnotation = "rollout.sluice.dev/traffic"

    public init() {}

    public var resource: ResourceType { Self.httpRoutes }

    public func locate(_ rollout: Rollout) -> (namespace: String, name: String)? {
        guard let gatewayAPI = rollout.spec.strategy.canary?.trafficRouting?.gatewayAPI else { return nil }
        return (gatewayAPI.namespace ?? rollout.metadata.namespace ?? "default", gatewayAPI.httpRoute)
    }

    public func observe(_ object: JSONValue, rollout: Rollout) -> TrafficState? {
        guard let services = Services(rollout),
              let text = object[path: "metadata", "annotations", Self.stateAnnotation]?.stringValue,
              let recorded = try? TrafficStateJSON.decode(text) else { return nil }
        let rules = object[path: "spec", "rules"]?.arrayValue ?? []
        let weighted = rules.filter { !Self.isManaged($0) && services.bothReferenced(in: $0) }
        guard !weighted.isEmpty,
              weighted.allSatisfy({ services.canaryWeight(in: $0) == recorded.canaryWeight }) else { return nil }
        return recorded
    }

    public func apply(_ state: TrafficState, to object: JSONValue, rollout: Rollout) throws -> JSONValue {
        let routeName = object[path: "metadata", "name"]?.stringValue ?? "?"
        guard let services = Services(rollout) else {
            throw TrafficRoutingError("rollout \"\(rollout.metadata.name ?? "?")\" names no stableService and canaryService")
        }
        var userRules = (object[path: "spec", "rules"]?.arrayValue ?? []).filter { !Self.isManaged($0) }
        let weightedIndices = userRules.indices.filter { services.bothReferenced(in: userRules[$0]) }
        guard let primaryIndex = weightedIndices.first else {
            throw TrafficRoutingError("HTTPRoute \"\(routeName)\": no rule has backendRefs to both \"\(services.stable)\" and \"\(services.canary)\"; add one with both Services (weights are set by Sluice)")
        }
        for index in weightedIndices {
            userRules[index] = services.weighted(userRules[index], canaryWeight: state.canaryWeight)
        }
        let primary = userRules[primaryIndex]
        var managed: [JSONValue] = []
        for (name, route) in state.headerRoutes.sorted(by: { $0.key < $1.key }) {
            managed.append(services.headerRule(name: name, route: route, template: primary))
        }
        for (name, route) in state.mirrorRoutes.sorted(by: { $0.key < $1.key }) {
            managed.append(services.mirrorRule(name: name, route: route, template: primary))
        }
        var edited = object
        edited["spec"]?["rules"] = .array(managed + userRules)
        var annotations = edited[path: "metadata", "annotations"]?.objectValue ?? [:]
        annotations[Self.stateAnnotation] = .string(try TrafficStateJSON.encode(state))
        edited["metadata"]?["annotations"] = .object(annotations)
        return edited
    }

    static func isManaged(_ rule: JSONValue) -> Bool {
        rule["name"]?.stringValue?.hasPrefix(managedPrefix) ?? false
    }
}
