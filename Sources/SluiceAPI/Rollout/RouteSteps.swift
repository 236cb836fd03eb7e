/// Sends requests that match headers to the canary, whatever the weight. Without `match`
/// (or with an empty one) the route is removed.
public struct SetHeaderRoute: Codable, Sendable, Hashable {
    /// The managed route's name; ``defaultName`` when absent.
    public var name: String?
    public var match: [HeaderRoutingMatch]?

    public init(name: String? = nil, match: [HeaderRoutingMatch]? = nil) {
        self.name = name
        self.match = match
    }

    public static let defaultName = "sluice-header-route"
    public var routeName: String { name ?? Self.defaultName }
}

/// One header condition of a header route.
public struct HeaderRoutingMatch: Codable, Sendable, Hashable {
    public var headerName: String
    public var headerValue: StringMatch

    public init(headerName: String, headerValue: StringMatch) {
        self.headerName = headerName
        self.headerValue = headerValue
    }
}

/// How a string is matched: exactly one of `exact`, `prefix` and `regex`.
public struct StringMatch: Codable, Sendable, Hashable {
    public var exact: String?
    public var prefix: String?
    public var regex: String?

    public init(exact: String? = nil, prefix: String? = nil, regex: String? = nil) {
        self.exact = exact
        self.prefix = prefix
        self.regex = regex
    }

    /// The kinds of match a router may or may not support.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case exact, prefix, regex
    }

    /// The kinds that are set, in declaration order.
    public var presentKinds: [Kind] {
        [(Kind.exact, exact), (.prefix, prefix), (.regex, regex)].filter { $0.1 != nil }.map(\.0)
    }
}

/// Copies (mirrors) a percentage of matching requests to the canary; responses from the
/// canary are dropped. `percentage: 0` removes the mirror route.
public struct SetMirrorRoute: Codable, Sendable, Hashable {
    /// The managed route's name; ``defaultName`` when absent.
    public var name: String?
    /// Percent of matching requests to copy, 0...100; 100 when absent.
    public var percentage: Int32?
    /// Which requests to mirror; all when absent.
    public var match: [RouteMatch]?

    public init(name: String? = nil, percentage: Int32? = nil, match: [RouteMatch]? = nil) {
        self.name = name
        self.percentage = percentage
        self.match = match
    }

    public static let defaultName = "sluice-mirror-route"
    public var routeName: String { name ?? Self.defaultName }
    public var effectivePercentage: Int32 { percentage ?? 100 }
}

/// A request condition of a mirror route: every member set must match.
public struct RouteMatch: Codable, Sendable, Hashable {
    public var method: StringMatch?
    public var path: StringMatch?
    public var headers: [String: StringMatch]?

    public init(method: StringMatch? = nil, path: StringMatch? = nil, headers: [String: StringMatch]? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
    }
}

extension SetHeaderRoute: SchemaDescribable {
    public static var schema: Schema {
        .object("Sends requests whose headers match to the canary; without match the route is removed.", [
            "name": String.field("The managed route's name."),
            "match": [HeaderRoutingMatch].field("Header conditions; all must hold."),
        ])
    }
}

extension HeaderRoutingMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("One header condition.", required: ["headerName", "headerValue"], [
            "headerName": String.field("The HTTP header's name."),
            "headerValue": StringMatch.schema,
        ])
    }
}

extension StringMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("Exactly one of exact, prefix and regex.", [
            "exact": String.field("The whole value."),
            "prefix": String.field("The start of the value."),
            "regex": String.field("A regular expression the value must match."),
        ])
    }
}

extension SetMirrorRoute: SchemaDescribable {
    public static var schema: Schema {
        .object("Copies a percentage of matching requests to the canary; percentage 0 removes the route.", [
            "name": String.field("The managed route's name."),
            "percentage": Int32.field("Percent of matching requests to copy, 0 to 100; 100 when absent."),
            "match": [RouteMatch].field("Which requests to mirror; all when absent."),
        ])
    }
}

extension RouteMatch: SchemaDescribable {
    public static var schema: Schema {
        .object("A request condition; every member set must match.", [
            "method": StringMatch.field("The HTTP method."),
            "path": StringMatch.field("The request path."),
            "headers": [String: StringMatch].field("Headers by name."),
        ])
    }
}
