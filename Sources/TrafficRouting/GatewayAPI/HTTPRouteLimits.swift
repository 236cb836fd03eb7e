import KubeClient

/// Values the API server fills in when an HTTPRoute is stored (the `default:`s of the v1
/// CRD). Sluice writes them out in the rules it builds, so that the rule stored is the rule
/// built and reading it back shows no difference.
enum HTTPRouteDefaults {
    /// The match of a rule without matches: every path.
    static let matchAll: JSONValue = ["path": ["type": "PathPrefix", "value": "/"]]
}

/// The API's limits on HTTPRoute rules, checked before writing so that the error names
/// the route and the limit rather than coming back as a rejected update.
enum HTTPRouteLimits {
    static let maxRules = 16
    static let maxMatchesPerRule = 64
    static let maxMatches = 128

    static func check(_ rules: [JSONValue], object: String) throws {
        if rules.count > maxRules {
            throw TrafficRoutingError.tooLarge(
                object: object, reason: "with Sluice's header and mirror rules it would have \(rules.count) rules; an HTTPRoute has at most \(maxRules)")
        }
        let counts = rules.map { max(1, $0["matches"]?.arrayValue?.count ?? 1) }
        if let index = counts.firstIndex(where: { $0 > maxMatchesPerRule }) {
            throw TrafficRoutingError.tooLarge(
                object: object, reason: "rule \(index) would have \(counts[index]) matches; a rule has at most \(maxMatchesPerRule)")
        }
        let total = counts.reduce(0, +)
        if total > maxMatches {
            throw TrafficRoutingError.tooLarge(
                object: object, reason: "with Sluice's header and mirror rules it would have \(total) matches; an HTTPRoute has at most \(maxMatches)")
        }
    }
}
