import Foundation
import KubeClient
import Yams

/// YAML request bodies (`application/yaml`, an `application/apply-patch+yaml` body that is
/// not JSON) as JSON values. Only the first document counts. Aliases are expanded, but the
/// result may have at most a few values per byte of the body: nine nested aliases of nine
/// would make half a million nodes out of 300 bytes, and are refused (nil) instead.
/// Scalars follow YAML 1.1's core schema as Yams resolves it, except that timestamps and
/// binary stay strings.
enum YAMLBody {
    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard let text = String(validating: bytes, as: UTF8.self),
              let node = try? Yams.compose(yaml: text) else { return nil }
        var budget = max(10_000, bytes.count * 4)
        return convert(node, budget: &budget)
    }

    static func convert(_ node: Node, budget: inout Int) -> JSONValue? {
        budget -= 1
        guard budget >= 0 else { return nil }
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
                guard let name = key.string, let converted = convert(value, budget: &budget) else { return nil }
                members[name] = converted
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence {
                guard let converted = convert(item, budget: &budget) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .alias:
            return nil
        }
    }
}
