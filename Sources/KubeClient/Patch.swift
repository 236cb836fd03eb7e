/// A change to send with PATCH. Each kind has its own content type and semantics.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch: objects merge, `null` deletes, arrays replace.
    case merge(JSONValue)
    /// RFC 6902 JSON patch: an ordered list of operations, `test` included.
    case json([JSONPatchOperation])
    /// Kubernetes strategic merge patch (built-in kinds only; custom resources answer 415).
    case strategicMerge(JSONValue)

    /// The `Content-Type` the server dispatches on.
    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        }
    }

    /// Whether sending it twice leaves the object as sending it once does. JSON patches
    /// can append to lists, so they are never retried after they may have reached the server.
    public var isIdempotent: Bool {
        if case .json = self { return false }
        return true
    }

    func body() throws -> [UInt8] {
        switch self {
        case .merge(let value), .strategicMerge(let value): try KubeJSON.encode(value)
        case .json(let operations): try KubeJSON.encode(operations)
        }
    }
}

/// One RFC 6902 operation.
public struct JSONPatchOperation: Codable, Sendable, Hashable {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    public var op: String
    /// A JSON pointer (RFC 6901), e.g. `/spec/replicas` or `/metadata/labels/app~1name`.
    public var path: String
    public var value: JSONValue?
    public var from: String?

    public init(op: String, path: String, value: JSONValue? = nil, from: String? = nil) {
        self.op = op
        self.path = path
        self.value = value
        self.from = from
    }

    public static func add(_ path: String, _ value: JSONValue) -> Self { Self(op: "add", path: path, value: value) }
    public static func replace(_ path: String, _ value: JSONValue) -> Self { Self(op: "replace", path: path, value: value) }
    public static func remove(_ path: String) -> Self { Self(op: "remove", path: path) }
    public static func test(_ path: String, _ value: JSONValue) -> Self { Self(op: "test", path: path, value: value) }
    public static func move(from: String, to path: String) -> Self { Self(op: "move", path: path, from: from) }
    public static func copy(from: String, to path: String) -> Self { Self(op: "copy", path: path, from: from) }

    /// Escapes a key for use in a JSON pointer (`~` → `~0`, `/` → `~1`).
    public static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

import Foundation
