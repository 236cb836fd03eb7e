import KubeClient
import RolloutCore
import SluiceAPI

/// Builds the rules Sluice adds to an HTTPRoute for header and mirror routes: one per
/// managed route and split rule, each a copy of the split rule (its filters, timeouts and
/// other settings kept) with its own name, matches and backends. Every value the API server
/// would default is written out, so that the stored rule is the rule built.
struct ManagedRuleBuilder {
    let route: HTTPRouteSplit
    /// The split rules, already weighted.
    let splitRules: [JSONValue]

    /// The managed rules for `state`, in precedence order: the order of `order` (the
    /// Rollout's `trafficRouting.managedRoutes`) when given, then header routes and mirror
    /// routes by name.
    func rules(for state: TrafficState, order: [String]?) throws -> [JSONValue] {
        var names = state.headerRoutes.keys.sorted() + state.mirrorRoutes.keys.sorted()
        if let order {
            names = order.filter(names.contains) + names.filter { !order.contains($0) }
        }
        var rules: [JSONValue] = []
        for name in names {
            for (index, split) in splitRules.enumerated() {
                let ruleName = try self.ruleName(for: name, index: index)
                if let header = state.headerRoutes[name] {
                    rules.append(try headerRule(header, name: name, from: split, ruleName: ruleName))
                } else if let mirror = state.mirrorRoutes[name], mirror.effectivePercentage > 0 {
                    rules.append(try mirrorRule(mirror, name: name, from: split, ruleName: ruleName))
                }
            }
        }
        let taken = route.userRules.compactMap { $0["name"]?.stringValue }
        var seen = Set(taken)
        for rule in rules {
            let name = rule["name"]?.stringValue ?? ""
            guard seen.insert(name).inserted else {
                throw TrafficRoutingError.unsupportedRoute(object: route.description, route: name,
                                                           reason: "would need the rule name \"\(name)\", which another rule already has")
            }
        }
        return rules
    }

    /// `sluice-<route>` (a route already named `sluice-…` keeps its name), then `-2`, `-3`
    /// for the second and later split rules.
    private func ruleName(for routeName: String, index: Int) throws -> String {
        let prefix = GatewayAPIRouter.managedRulePrefix
        let base = routeName.hasPrefix(prefix) ? routeName : prefix + routeName
        let name = index == 0 ? base : "\(base)-\(index + 1)"
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
        guard allowed, name.count <= 253, name.last.map({ $0.isLetter || $0.isNumber }) == true else {
            throw TrafficRoutingError.unsupportedRoute(
                object: route.description, route: routeName,
                reason: "cannot name an HTTPRoute rule \"\(name)\": rule names are lower-case letters, digits, '-' and '.', "
                    + "ending in a letter or digit, at most 253 characters")
        }
        return name
    }

    /// Requests the split rule matches that also carry the headers go to the canary.
    private func headerRule(_ header: SetHeaderRoute, name: String, from split: JSONValue, ruleName: String) throws -> JSONValue {
        let conditions = try (header.match ?? []).map { try headerMatch(name: $0.headerName, $0.headerValue, route: name) }
        var rule = split
        rule["name"] = .string(ruleName)
        rule["matches"] = .array(try baseMatches(split).map { try adding(conditions, to: $0, route: name) })
        var canary = (split["backendRefs"]?.arrayValue ?? []).first(where: route.refersToCanary) ?? ["name": .string(route.canaryService)]
        canary["weight"] = 1
        canary["group"] = canary["group"] ?? ""
        canary["kind"] = canary["kind"] ?? "Service"
        rule["backendRefs"] = [canary]
        return rule
    }

    /// Requests the split rule matches (narrowed by the mirror's own matches) keep their
    /// split, and `percent` of them are copied to the canary.
    private func mirrorRule(_ mirror: SetMirrorRoute, name: String, from split: JSONValue, ruleName: String) throws -> JSONValue {
        var rule = split
        rule["name"] = .string(ruleName)
        let base = baseMatches(split)
        if let narrowing = mirror.match, !narrowing.isEmpty {
            var matches: [JSONValue] = []
            for match in base {
                for condition in narrowing { matches.append(try narrowed(match, by: condition, route: name)) }
            }
            rule["matches"] = .array(matches)
        } else {
            rule["matches"] = .array(base)
        }
        let canary = (split["backendRefs"]?.arrayValue ?? []).first(where: route.refersToCanary)
        var target: JSONValue = ["group": "", "kind": "Service", "name": .string(route.canaryService)]
        if let namespace = canary?["namespace"] { target["namespace"] = namespace }
        if let port = canary?["port"] { target["port"] = port }
        let filter: JSONValue = [
            "type": "RequestMirror",
            "requestMirror": ["backendRef": target, "percent": .integer(Int64(mirror.effectivePercentage))],
        ]
        rule["filters"] = .array((split["filters"]?.arrayValue ?? []) + [filter])
        return rule
    }

    /// The split rule's matches; with none, the one the API server defaults to (all paths).
    private func baseMatches(_ split: JSONValue) -> [JSONValue] {
        let matches = split["matches"]?.arrayValue ?? []
        return matches.isEmpty ? [HTTPRouteDefaults.matchAll] : matches
    }

    private func headerMatch(name: String, _ value: StringMatch, route routeName: String) throws -> JSONValue {
        if let exact = value.exact { return ["name": .string(name), "type": "Exact", "value": .string(exact)] }
        if let regex = value.regex { return ["name": .string(name), "type": "RegularExpression", "value": .string(regex)] }
        throw TrafficRoutingError.unsupportedRoute(
            object: route.description, route: routeName,
            reason: "matches header \"\(name)\" by prefix; HTTPRoute header matches are Exact or RegularExpression")
    }

    /// `match` with `conditions` added to its headers; a header it already matches cannot
    /// be matched twice (the API keys header matches by name).
    private func adding(_ conditions: [JSONValue], to match: JSONValue, route routeName: String) throws -> JSONValue {
        var match = match
        var headers = match["headers"]?.arrayValue ?? []
        for condition in conditions {
            let name = condition["name"]?.stringValue ?? ""
            if headers.contains(where: { $0["name"]?.stringValue?.lowercased() == name.lowercased() }) {
                throw TrafficRoutingError.unsupportedRoute(
                    object: route.description, route: routeName,
                    reason: "matches header \"\(name)\", which the split rule already matches; use another header")
            }
            headers.append(condition)
        }
        match["headers"] = .array(headers)
        return match
    }

    /// `match` narrowed by a mirror route's condition: its path and method replace the
    /// split rule's, its headers are added.
    private func narrowed(_ match: JSONValue, by condition: RouteMatch, route routeName: String) throws -> JSONValue {
        var match = match
        if let path = condition.path {
            if let exact = path.exact {
                match["path"] = ["type": "Exact", "value": .string(exact)]
            } else if let prefix = path.prefix {
                match["path"] = ["type": "PathPrefix", "value": .string(prefix)]
            } else if let regex = path.regex {
                match["path"] = ["type": "RegularExpression", "value": .string(regex)]
            }
        }
        if let method = condition.method {
            guard let exact = method.exact else {
                throw TrafficRoutingError.unsupportedRoute(object: route.description, route: routeName,
                                                           reason: "matches the method by pattern; HTTPRoute matches one exact method")
            }
            match["method"] = .string(exact)
        }
        let headers = try (condition.headers ?? [:]).sorted { $0.key < $1.key }.map { try headerMatch(name: $0.key, $0.value, route: routeName) }
        return try adding(headers, to: match, route: routeName)
    }
}
