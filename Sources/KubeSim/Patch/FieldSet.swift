import KubeClient

/// One step of a field path, as structured-merge-diff names it in `fieldsV1`:
/// `f:name` (a field), `k:{"name":"app"}` (a list element by its keys), `v:"value"` (an
/// element of a set), `i:3` (a list position).
public struct FieldPathElement: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The `fieldsV1` spelling, canonical (key JSON sorted and compact).
    public let encoded: String

    private init(encoded: String) { self.encoded = encoded }

    public static func field(_ name: String) -> FieldPathElement { FieldPathElement(encoded: "f:" + name) }

    public static func key(_ fields: [String: JSONValue]) -> FieldPathElement {
        FieldPathElement(encoded: "k:" + PatchJSON.canonical(.object(fields)))
    }

    public static func value(_ value: JSONValue) -> FieldPathElement {
        FieldPathElement(encoded: "v:" + PatchJSON.canonical(value))
    }

    public static func index(_ index: Int) -> FieldPathElement { FieldPathElement(encoded: "i:\(index)") }

    /// Parses a `fieldsV1` key; `nil` for anything else (including `.`).
    public init?(parsing text: String) {
        let body = String(text.dropFirst(2))
        switch text.prefix(2) {
        case "f:": self = .field(body)
        case "k:":
            guard case .object(let fields)? = PatchJSON.parse(body) else { return nil }
            self = .key(fields)
        case "v:":
            guard let value = PatchJSON.parse(body) else { return nil }
            self = .value(value)
        case "i:":
            guard let index = Int(body) else { return nil }
            self = .index(index)
        default: return nil
        }
    }

    public var fieldName: String? { encoded.hasPrefix("f:") ? String(encoded.dropFirst(2)) : nil }

    public var keyFields: [String: JSONValue]? {
        encoded.hasPrefix("k:") ? PatchJSON.parse(String(encoded.dropFirst(2)))?.objectValue : nil
    }

    public var setValue: JSONValue? { encoded.hasPrefix("v:") ? PatchJSON.parse(String(encoded.dropFirst(2))) : nil }

    public var listIndex: Int? { encoded.hasPrefix("i:") ? Int(encoded.dropFirst(2)) : nil }

    /// structured-merge-diff's path notation: `.name`, `[name="app"]`, `[="value"]`, `[3]`.
    public var description: String {
        if let name = fieldName { return "." + name }
        if let fields = keyFields {
            return "[" + fields.keys.sorted().map { "\($0)=\(PatchJSON.canonical(fields[$0]!))" }.joined(separator: ",") + "]"
        }
        if let value = setValue { return "[=" + PatchJSON.canonical(value) + "]" }
        return "[" + encoded.dropFirst(2) + "]"
    }

    public static func < (lhs: FieldPathElement, rhs: FieldPathElement) -> Bool { lhs.encoded < rhs.encoded }
}

/// A path from the object root: `[.field("spec"), .field("replicas")]`.
public typealias FieldPath = [FieldPathElement]

extension Array where Element == FieldPathElement {
    /// `.spec.template.spec.containers[name="app"].image`
    public var pathString: String { map(\.description).joined() }
}

/// A set of field paths as a tree, the model of a `managedFields` entry's `fieldsV1`.
///
/// A path is a *member* when it is owned itself; *children* hold deeper paths. In `fieldsV1`
/// a member without children is `{}`, a member with children carries `".": {}` beside them.
public struct FieldSet: Hashable, Sendable, CustomStringConvertible {
    public var members: Set<FieldPathElement>
    public var children: [FieldPathElement: FieldSet]

    public init() {
        members = []
        children = [:]
    }

    public init(_ paths: [FieldPath]) {
        self.init()
        for path in paths { insert(path) }
    }

    public var isEmpty: Bool { members.isEmpty && children.values.allSatisfy(\.isEmpty) }

    public mutating func insert(_ path: FieldPath) {
        guard let first = path.first else { return }
        if path.count == 1 {
            members.insert(first)
        } else {
            children[first, default: FieldSet()].insert(Array(path.dropFirst()))
        }
    }

    public func contains(_ path: FieldPath) -> Bool {
        guard let first = path.first else { return false }
        if path.count == 1 { return members.contains(first) }
        return children[first]?.contains(Array(path.dropFirst())) ?? false
    }

    /// Whether the set holds `path` or anything below it.
    public func containsPrefix(_ path: FieldPath) -> Bool {
        guard let first = path.first else { return !isEmpty }
        if path.count == 1, members.contains(first) { return true }
        return children[first]?.containsPrefix(Array(path.dropFirst())) ?? false
    }

    public func union(_ other: FieldSet) -> FieldSet {
        var result = self
        result.members.formUnion(other.members)
        for (element, child) in other.children {
            result.children[element] = result.children[element].map { $0.union(child) } ?? child
        }
        return result
    }

    /// Members of `self` not members of `other`, level by level.
    public func subtracting(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.members = members.subtracting(other.members)
        for (element, child) in children {
            let rest = other.children[element].map { child.subtracting($0) } ?? child
            if !rest.isEmpty { result.children[element] = rest }
        }
        return result
    }

    public func intersection(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.members = members.intersection(other.members)
        for (element, child) in children {
            guard let otherChild = other.children[element] else { continue }
            let common = child.intersection(otherChild)
            if !common.isEmpty { result.children[element] = common }
        }
        return result
    }

    /// Every member path, in `fieldsV1` order.
    public var paths: [FieldPath] {
        var result: [FieldPath] = []
        for element in Set(members).union(children.keys).sorted() {
            if members.contains(element) { result.append([element]) }
            if let child = children[element] {
                result += child.paths.map { [element] + $0 }
            }
        }
        return result
    }

    /// The `fieldsV1` object.
    public var fieldsV1: JSONValue {
        var object: [String: JSONValue] = [:]
        for element in members where children[element]?.isEmpty ?? true {
            object[element.encoded] = .object([:])
        }
        for (element, child) in children where !child.isEmpty {
            var nested = child.fieldsV1.objectValue ?? [:]
            if members.contains(element) { nested["."] = .object([:]) }
            object[element.encoded] = .object(nested)
        }
        return .object(object)
    }

    /// Reads a `fieldsV1` object.
    public init(fieldsV1: JSONValue) throws(PatchError) {
        self.init()
        guard case .object(let object) = fieldsV1 else {
            throw PatchError.badRequest("invalid managedFields: fieldsV1 is not an object")
        }
        for (key, value) in object where key != "." {
            guard let element = FieldPathElement(parsing: key), case .object(let nested) = value else {
                throw PatchError.badRequest("invalid managedFields: bad fieldsV1 key \(key)")
            }
            if nested.isEmpty || nested["."] != nil { members.insert(element) }
            if nested.keys.contains(where: { $0 != "." }) {
                children[element] = try FieldSet(fieldsV1: value)
            }
        }
    }

    public var description: String { paths.map(\.pathString).joined(separator: "\n") }
}
