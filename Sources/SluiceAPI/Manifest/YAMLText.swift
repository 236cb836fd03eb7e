import KubeClient
import Yams

/// YAML in and out for manifests: documents as ``JSONValue``s, and JSON values as YAML text
/// with sorted keys (stable output for generated files).
public enum YAMLText {
    /// `value` as one YAML document, keys sorted.
    public static func render(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), indent: 2, width: -1, allowUnicode: true, sortKeys: true)
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let number): return Node(String(number), Tag(.int))
        case .double(let number): return (try? number.represented()) ?? Node(String(number), Tag(.float))
        case .string(let text): return (try? text.represented()) ?? Node(text, Tag(.str))
        case .array(let items): return Node(items.map(node))
        case .object(let members): return Node(members.sorted { $0.key < $1.key }.map { (Node($0.key), node($0.value)) })
        }
    }

    /// Every non-empty document of a YAML stream, as JSON values. Scalars follow YAML 1.1 as
    /// Yams resolves them (timestamps and binary stay strings). Aliases are expanded, up to a
    /// budget proportional to the text, so that a few nested aliases cannot expand to billions
    /// of values.
    public static func documents(_ text: String) throws(ManifestError) -> [JSONValue] {
        var documents: [JSONValue] = []
        var budget = 1_000 + 10 * text.utf8.count
        do {
            let parser = try Parser(yaml: text)
            while let document = try parser.nextRoot() {
                let value = try convert(document, at: FieldPath.root, document: documents.count, budget: &budget)
                if value != .null { documents.append(value) }
            }
        } catch let error as ManifestError {
            throw error
        } catch let error as YamlError {
            throw ManifestError.yaml(describe(error))
        } catch {
            throw ManifestError.yaml("\(type(of: error))")
        }
        return documents
    }

    private static func convert(_ node: Node, at path: FieldPath, document: Int, budget: inout Int) throws(ManifestError) -> JSONValue {
        do {
            return try YAMLJSON.value(of: node, budget: &budget)
        } catch {
            let at = error.path.reduce(path) { path, element in
                switch element {
                case .key(let key): path[key]
                case .index(let index): path[index]
                }
            }
            throw ManifestError.unsupported(document: document, path: at, error.message)
        }
    }

    /// A Yams failure without echoing the document (its own description quotes the line,
    /// which could hold a secret).
    static func describe(_ error: YamlError) -> String {
        func at(_ mark: Mark) -> String { "line \(mark.line), column \(mark.column)" }
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "invalid YAML at \(at(mark)): \(problem)"
        case let .reader(problem, offset, _, _):
            return "invalid YAML at offset \(offset.map(String.init) ?? "?"): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "invalid YAML at \(at(context.mark)): duplicated key(s) \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "invalid YAML: not valid UTF-8"
        default:
            return "invalid YAML: \(error)"
        }
    }
}

/// A manifest that cannot be read as YAML documents at all.
public enum ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    case yaml(String)
    case unsupported(document: Int, path: FieldPath, String)

    public var description: String {
        switch self {
        case .yaml(let detail): detail
        case .unsupported(let document, let path, let detail):
            "document \(document + 1)\(path.isRoot ? "" : ", \(path)"): \(detail)"
        }
    }
}
