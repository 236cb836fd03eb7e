import Foundation
import KubeClient

/// JSON helpers shared by the patch engines.
enum PatchJSON {
    /// Equality as JSON sees it: `1` and `1.0` are the same number; object key order is irrelevant.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a == b
        case (.integer(let a), .double(let b)), (.double(let b), .integer(let a)): return Double(a) == b
        case (.double(let a), .double(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b[key], equal(value, other) else { return false }
            }
            return true
        default: return lhs == rhs
        }
    }

    /// Integral doubles become integers, recursively, so encodings and hashes agree.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let d):
            if d.rounded() == d, let i = Int64(exactly: d) { return .integer(i) }
            return value
        case .array(let items): return .array(items.map(normalized))
        case .object(let members): return .object(members.mapValues(normalized))
        default: return value
        }
    }

    /// Compact JSON with sorted keys: `{"containerPort":80,"protocol":"TCP"}`.
    static func canonical(_ value: JSONValue) -> String {
        let encoder = KubeJSON.encoder()
        guard let data = try? encoder.encode(normalized(value)) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses JSON text into a value.
    static func parse(_ text: String) -> JSONValue? {
        try? KubeJSON.decoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
