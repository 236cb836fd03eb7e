import Foundation
import KubeClient
import Yams

/// YAML request bodies (`application/yaml`, an `application/apply-patch+yaml` body that is
/// not JSON) as JSON values. Only the first document counts; anchors and aliases are not
/// supported (nil), and a body that defines an anchor is refused before parsing, since the
/// parser expands aliases and nine nested aliases of nine make half a million nodes.
/// Scalars follow YAML 1.1's core schema as Yams resolves it, except that timestamps and
/// binary stay strings.
enum YAMLBody {
    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard !definesAnchor(bytes), let text = String(validating: bytes, as: UTF8.self),
              let node = try? Yams.compose(yaml: text) else { return nil }
        return convert(node)
    }

    /// An `&name` where YAML allows an anchor: at the start of a line or after a space or
    /// `[ { , : -`. (A plain scalar such as `a &b` is refused too; nothing we serve needs it.)
    static func definesAnchor(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = UInt8(ascii: "\n")
        for (index, byte) in bytes.enumerated() {
            defer { previous = byte }
            guard byte == UInt8(ascii: "&"), index + 1 < bytes.count else { continue }
            let next = bytes[index + 1]
            let opensAnchor = [UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "["),
                               UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "-")].contains(previous)
            if opensAnchor, next != UInt8(ascii: " "), next != UInt8(ascii: "\n"), next != UInt8(ascii: "\t") { return true }
        }
        return false
    }

    static func convert(_ node: Node) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map { .bool($0) } ?? .string(scalar.string)
            case .int: return node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
            case .float:
                guard let value = node.float, value.isFinite else { return .string(scalar.string) }
                return .double(value)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string, let converted = convert(value) else { return nil }
                members[name] = converted
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence {
                guard let converted = convert(item) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .alias:
            return nil
        }
    }
}
