import KubeClient
import SluiceAPI

/// An HTTPRoute read for one Rollout: its rules split into Sluice's managed rules and the
/// user's, and which of the user's rules carry the stable/canary split.
struct HTTPRouteSplit {
    /// `HTTPRoute "default/web"`, for messages.
    let description: String
    let stableService: String
    let canaryService: String
    /// Where Services without a namespace in a backendRef live.
    let routeNamespace: String
    let rolloutNamespace: String
    /// The rules Sluice does not manage, in order.
    let userRules: [JSONValue]
    /// Indices in ``userRules`` of the rules naming both Services.
    let splitRuleIndices: [Int]

    init(_ object: JSONValue, rollout: Rollout) throws {
        let namespace = object[path: "metadata", "namespace"]?.stringValue ?? "default"
        let name = object[path: "metadata", "name"]?.stringValue ?? "?"
        description = "HTTPRoute \"\(namespace)/\(name)\""
        guard object["kind"]?.stringValue ?? "HTTPRoute" == "HTTPRoute", let rules = object[path: "spec", "rules"]?.arrayValue else {
            throw TrafficRoutingError.notARouteObject(
                object: "\(object["kind"]?.stringValue ?? "object") \"\(namespace)/\(name)\"", expected: "a Gateway API HTTPRoute with spec.rules")
        }
        guard let canary = rollout.spec.strategy.canary, let stable = canary.stableService, let canaryService = canary.canaryService else {
            throw TrafficRoutingError.servicesNotSet(rollout: rollout.metadata.name ?? "?")
        }
        stableService = stable
        self.canaryService = canaryService
        routeNamespace = namespace
        let rolloutNamespace = rollout.metadata.namespace ?? "default"
        self.rolloutNamespace = rolloutNamespace
        let userRules = rules.filter { !Self.isManaged($0) }
        self.userRules = userRules
        splitRuleIndices = userRules.indices.filter { index in
            let refs = userRules[index]["backendRefs"]?.arrayValue ?? []
            return refs.contains { Self.refers($0, to: stable, namespace, rolloutNamespace) }
                && refs.contains { Self.refers($0, to: canaryService, namespace, rolloutNamespace) }
        }
    }

    /// A rule Sluice owns: its name starts with `sluice-`.
    static func isManaged(_ rule: JSONValue) -> Bool {
        rule["name"]?.stringValue?.hasPrefix(GatewayAPIRouter.managedRulePrefix) ?? false
    }

    /// A backendRef to the core Service `service` in the Rollout's namespace.
    static func refers(_ ref: JSONValue, to service: String, _ routeNamespace: String, _ rolloutNamespace: String) -> Bool {
        ref["name"]?.stringValue == service
            && (ref["kind"]?.stringValue ?? "Service") == "Service"
            && (ref["group"]?.stringValue ?? "") == ""
            && (ref["namespace"]?.stringValue ?? routeNamespace) == rolloutNamespace
    }

    func refersToStable(_ ref: JSONValue) -> Bool { Self.refers(ref, to: stableService, routeNamespace, rolloutNamespace) }
    func refersToCanary(_ ref: JSONValue) -> Bool { Self.refers(ref, to: canaryService, routeNamespace, rolloutNamespace) }

    /// `rule` with the stable refs at `100 - weight` and the canary refs at `weight`.
    func weighted(_ rule: JSONValue, canaryWeight weight: Int32) -> JSONValue {
        var rule = rule
        rule["backendRefs"] = .array((rule["backendRefs"]?.arrayValue ?? []).map { ref in
            var ref = ref
            if refersToStable(ref) { ref["weight"] = .integer(Int64(100 - weight)) }
            if refersToCanary(ref) { ref["weight"] = .integer(Int64(weight)) }
            return ref
        })
        return rule
    }

    /// The canary's percentage as the split rules carry it: nil unless every split rule
    /// gives stable and canary weights adding up to 100 and all agree.
    var canaryWeight: Int32? {
        var weights: Set<Int64> = []
        for index in splitRuleIndices {
            let refs = userRules[index]["backendRefs"]?.arrayValue ?? []
            let stable = refs.filter(refersToStable).reduce(Int64(0)) { $0 + ($1["weight"]?.integerValue ?? 1) }
            let canary = refs.filter(refersToCanary).reduce(Int64(0)) { $0 + ($1["weight"]?.integerValue ?? 1) }
            guard stable + canary == 100 else { return nil }
            weights.insert(canary)
        }
        guard weights.count == 1, let weight = weights.first else { return nil }
        return Int32(weight)
    }
}
