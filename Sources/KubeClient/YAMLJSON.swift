import Yams

/// A composed YAML node as a JSON value, the way Kubernetes reads YAML: scalars by YAML
/// 1.1's core schema as Yams resolves them (timestamps and binary stay strings, non-finite
/// floats stay strings), mapping keys must be strings, aliases expanded by the composer but
/// bounded by `budget` values — nine nested aliases of nine would otherwise make half a
/// million values out of 300 bytes.
public enum YAMLJSON {
    /// Why a node cannot become JSON, and where (keys and indices from the document root).
    public enum Problem: Error, Sendable, Hashable {
        case tooManyValues(path: [PathElement])
        case nonStringKey(path: [PathElement])
        case unresolvedAlias(path: [PathElement])

        public var path: [PathElement] {
            switch self {
            case .tooManyValues(let path), .nonStringKey(let path), .unresolvedAlias(let path): path
            }
        }

        public var message: String {
            switch self {
            case .tooManyValues: "the document expands to too many values (nested YAML aliases?)"
            case .nonStringKey: "mapping keys must be strings"
            case .unresolvedAlias: "unresolved YAML alias"
            }
        }
    }

    /// One step of a path: a mapping key or a sequence index.
    public enum PathElement: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The budget for a document of `bytes` bytes: a few values per byte.
    public static func budget(forBytes bytes: Int) -> Int { max(10_000, bytes * 4) }

    public static func value(of node: Node, budget: inout Int, path: [PathElement] = []) throws(Problem) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw .tooManyValues(path: path) }
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
                guard let name = key.string else { throw .nonStringKey(path: path) }
                members[name] = try Self.value(of: value, budget: &budget, path: path + [.key(name)])
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try Self.value(of: item, budget: &budget, path: path + [.index(index)]))
            }
            return .array(items)
        case .alias:
            throw .unresolvedAlias(path: path)
        }
    }
}
