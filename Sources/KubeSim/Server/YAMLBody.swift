import Foundation
import KubeClient
import Yams

/// YAML request bodies (`application/yaml`, an `application/apply-patch+yaml` body that is
/// not JSON) as JSON values. Only the first document counts; anchors and aliases are not
/// supported (nil). Scalars follow YAML 1.1's core schema as Yams resolves it, except that
/// timestamps and binary stay strings.
enum YAMLBody {
    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard let text = String(validating: bytes, as: UTF8.self),
              let node = try? Yams.compose(yaml: text) else { return nil }
        return convert(node)
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
