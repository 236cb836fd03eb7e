import Foundation
import Hummingbird
import KubeClient

/// What the handler answers before Hummingbird turns it into a `Response`.
struct APIReply: Sendable {
    var code: Int
    var body: JSONValue

    init(_ code: Int = 200, _ body: JSONValue) {
        self.code = code
        self.body = body
    }

    init(_ error: APIError) {
        self.code = error.code
        var status = error.status
        status.kind = "Status"
        status.apiVersion = "v1"
        if status.status == nil { status.status = "Failure" }
        self.body = (try? KubeJSON.value(of: status)) ?? ["kind": "Status", "code": .integer(Int64(error.code))]
        if case .object(var members) = body, members["metadata"] == nil {
            members["metadata"] = .object([:])
            body = .object(members)
        }
    }

    var response: Response {
        var bytes = (try? KubeJSON.encode(body)) ?? Array("{}".utf8)
        bytes.append(UInt8(ascii: "\n"))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: code), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The parsed query string (values percent-decoded, `+` as space, last value wins).
struct QueryParameters: Sendable {
    var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            values[key] = value
        }
    }

    static func decode(_ text: Substring) -> String {
        let plus = text.replacingOccurrences(of: "+", with: " ")
        return plus.removingPercentEncoding ?? plus
    }

    subscript(_ key: String) -> String? { values[key] }

    /// `true`/`1` (kube's boolean query parsing, loosely).
    func flag(_ key: String) -> Bool {
        guard let value = values[key]?.lowercased() else { return false }
        return value == "true" || value == "1" || value == "t" || value == "y" || value == "yes"
    }
}

/// Where a request path points.
enum APIPath: Sendable, Equatable {
    case version
    case apiVersions
    case apiGroupList
    case apiGroup(group: String)
    case resourceList(group: String, version: String)
    case resource(ResourcePath)
    case unknown
}

struct ResourcePath: Sendable, Equatable {
    var group: String
    var version: String
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?
}

extension APIPath {
    /// Parses `/api/v1/namespaces/ns/configmaps/x/status` and friends. `isPlural` tells a
    /// namespaced path (`namespaces/ns/<plural>`) from a namespace's own subresource.
    static func parse(_ path: String, isPlural: (String, String) -> Bool) -> APIPath {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).removingPercentEncoding ?? String($0) }
        guard let first = segments.first else { return .unknown }
        var group = ""
        var version = ""
        var rest: ArraySlice<String>
        switch first {
        case "version" where segments.count == 1:
            return .version
        case "api":
            if segments.count == 1 { return .apiVersions }
            version = segments[1]
            if segments.count == 2 { return .resourceList(group: "", version: version) }
            rest = segments[2...]
        case "apis":
            if segments.count == 1 { return .apiGroupList }
            group = segments[1]
            if segments.count == 2 { return .apiGroup(group: group) }
            version = segments[2]
            if segments.count == 3 { return .resourceList(group: group, version: version) }
            rest = segments[3...]
        default:
            return .unknown
        }
        let parts = Array(rest)
        var namespace: String?
        var tail = parts[...]
        if parts.count >= 3, parts[0] == "namespaces", isPlural(group, parts[2]) {
            namespace = parts[1]
            tail = parts[2...]
        }
        guard !tail.isEmpty, tail.count <= 3 else { return .unknown }
        let items = Array(tail)
        return .resource(ResourcePath(group: group, version: version, namespace: namespace, plural: items[0],
                                      name: items.count > 1 ? items[1] : nil,
                                      subresource: items.count > 2 ? items[2] : nil))
    }
}

extension APIError {
    static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    static func requestEntityTooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }
}
