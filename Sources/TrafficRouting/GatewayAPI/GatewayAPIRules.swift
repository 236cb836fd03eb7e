import KubeClient
import RolloutCore
import SluiceAPI

extension GatewayAPIRouter {
    /// The Rollout's stable and canary Services, and the rule edits made with them.
    struct Services {
        let stable: String
        let canary: String

        init?(_ rollout: Rollout) {
            guard let canary = rollout.spec.strategy.canary, let stable = canary.stableService,
                  let canaryService = canary.canaryService else { return nil }
            self.stable = stable
            self.canary = canaryService
        }

        func names(in rule: JSONValue) -> [String] {
            (rule["backendRefs"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }

        func bothReferenced(in rule: JSONValue) -> Bool {
            let names = names(in: rule)
            return names.contains(stable) && names.contains(canary)
        }

        /// The canary's percent of the rule's weights (a missing weight is 1, as the spec says).
        func canaryWeight(in rule: JSONValue) -> Int32 {
            let refs = rule["backendRefs"]?.arrayValue ?? []
            let total = refs.reduce(Int64(0)) { $0 + ($1["weight"]?.integerValue ?? 1) }
            let canaryTotal = refs.filter { $0["name"]?.stringValue == canary }.reduce(Int64(0)) { $0 + ($1["weight"]?.integerValue ?? 1) }
            guard total > 0 else { return 0 }
            return Int32((canaryTotal * 100 + total / 2) / total)
        }

        func weighted(_ rule: JSONValue, canaryWeight: Int32) -> JSONValue {
            var rule = rule
            rule["backendRefs"] = .array((rule["backendRefs"]?.arrayValue ?? []).map { ref in
                var ref = ref
                switch ref["name"]?.stringValue {
                case stable?: ref["weight"] = .integer(Int64(100 - canaryWeight))
                case canary?: ref["weight"] = .integer(Int64(canaryWeight))
                default: break
                }
                return ref
            })
            return rule
        }

        /// The canary's backendRef as the rule refers to it (same port, group, kind).
        func canaryRef(in rule: JSONValue) -> JSONValue {
            var ref = (rule["backendRefs"]?.arrayValue ?? []).first { $0["name"]?.stringValue == canary } ?? ["name": .string(canary)]
            ref["weight"] = nil
            ref["filters"] = nil
            return ref
        }

        func headerRule(name: String, route: SetHeaderRoute, template: JSONValue) -> JSONValue {
            let headers: [JSONValue] = (route.match ?? []).map { match in
                let (type, value) = Self.headerValue(match.headerValue)
                return ["name": .string(match.headerName), "type": .string(type), "value": .string(value)]
            }
            let userMatches = template["matches"]?.arrayValue ?? [[:]]
            let matches: [JSONValue] = userMatches.map { match in
                var match = match
                match["headers"] = .array((match["headers"]?.arrayValue ?? []) + headers)
                return match
            }
            var ref = canaryRef(in: template)
            ref["weight"] = 1
            return ["name": .string(GatewayAPIRouter.managedPrefix + "header-" + name), "matches": .array(matches),
                    "backendRefs": [ref]]
        }

        func mirrorRule(name: String, route: SetMirrorRoute, template: JSONValue) -> JSONValue {
            var rule = template
            rule["name"] = .string(GatewayAPIRouter.managedPrefix + "mirror-" + name)
            if let stepMatches = route.match, !stepMatches.isEmpty {
                rule["matches"] = .array(stepMatches.map(Self.match))
            }
            var backendRef = canaryRef(in: template)
            backendRef["weight"] = nil
            let mirror: JSONValue = [
                "type": "RequestMirror",
                "requestMirror": ["backendRef": backendRef, "percent": .integer(Int64(route.effectivePercentage))],
            ]
            rule["filters"] = .array((template["filters"]?.arrayValue ?? []) + [mirror])
            return rule
        }

        /// A step's match as an HTTPRouteMatch.
        static func match(_ match: RouteMatch) -> JSONValue {
            var result: [String: JSONValue] = [:]
            if let path = match.path {
                let (type, value) = pathValue(path)
                result["path"] = ["type": .string(type), "value": .string(value)]
            }
            if let method = match.method?.exact { result["method"] = .string(method) }
            if let headers = match.headers, !headers.isEmpty {
                result["headers"] = .array(headers.sorted { $0.key < $1.key }.map { name, value in
                    let (type, text) = headerValue(value)
                    return ["name": .string(name), "type": .string(type), "value": .string(text)]
                })
            }
            return .object(result)
        }

        /// Gateway API header matches are Exact or RegularExpression (validation refuses prefix).
        static func headerValue(_ value: StringMatch) -> (String, String) {
            if let exact = value.exact { return ("Exact", exact) }
            if let regex = value.regex { return ("RegularExpression", regex) }
            return ("RegularExpression", "^" + escapeRegex(value.prefix ?? "") + ".*")
        }

        static func pathValue(_ value: StringMatch) -> (String, String) {
            if let exact = value.exact { return ("Exact", exact) }
            if let prefix = value.prefix { return ("PathPrefix", prefix) }
            return ("RegularExpression", value.regex ?? "/")
        }

        static func escapeRegex(_ text: String) -> String {
            text.map { "\\.^$|?*+()[]{}".contains($0) ? "\\\($0)" : String($0) }.joined()
        }
    }
}

/// The split a route carries, as JSON in the route's annotation.
enum TrafficStateJSON {
    static func encode(_ state: TrafficState) throws -> String {
        let value: JSONValue = [
            "canaryWeight": .integer(Int64(state.canaryWeight)),
            "headerRoutes": .object(try state.headerRoutes.mapValues { try KubeJSON.value(of: $0) }),
            "mirrorRoutes": .object(try state.mirrorRoutes.mapValues { try KubeJSON.value(of: $0) }),
        ]
        return String(decoding: try KubeJSON.encode(value), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> TrafficState {
        let value = try KubeJSON.decode(JSONValue.self, from: Array(text.utf8))
        guard let weight = value["canaryWeight"]?.integerValue else { throw TrafficRoutingError("no canaryWeight") }
        func routes<T: Decodable>(_ key: String, _ type: T.Type) throws -> [String: T] {
            try (value[key]?.objectValue ?? [:]).mapValues { try KubeJSON.decode(T.self, from: KubeJSON.encode($0)) }
        }
        return TrafficState(canaryWeight: Int32(weight), headerRoutes: try routes("headerRoutes", SetHeaderRoute.self),
                            mirrorRoutes: try routes("mirrorRoutes", SetMirrorRoute.self))
    }
}
