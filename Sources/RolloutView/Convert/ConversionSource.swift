import KubeClient
import SluiceAPI

/// A step into a JSON document: a member or an array element.
enum PathStep: Hashable, Sendable {
    case key(String)
    case index(Int)
}

/// A place in a source document, printed as validation paths are (`spec.steps[2].pause`).
struct SourcePath: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    var steps: [PathStep]

    init(_ steps: [PathStep]) { self.steps = steps }
    init(arrayLiteral elements: String...) { steps = elements.map(PathStep.key) }

    subscript(key: String) -> SourcePath { SourcePath(steps + [.key(key)]) }
    subscript(index: Int) -> SourcePath { SourcePath(steps + [.index(index)]) }

    var description: String {
        steps.reduce(FieldPath.root) { path, step in
            switch step {
            case .key(let key): path[key]
            case .index(let index): path[index]
            }
        }.description
    }

    /// `self` is `other` or lies inside it.
    func isWithin(_ other: SourcePath) -> Bool { steps.starts(with: other.steps) }

    var lastKey: String? {
        if case .key(let key)? = steps.last { return key }
        return nil
    }
}

/// One thing `rollout convert` could not carry over as written: where it was in the source
/// and why. Rendered as a YAML comment above the converted document.
public struct ConversionNote: Sendable, Hashable, CustomStringConvertible {
    /// The field in the source document (`spec.strategy.canary.canaryMetadata`), or empty for the document.
    public var path: String
    public var message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A source document being converted. Every read that carries a field over marks it used;
/// ``leftovers(explaining:)`` then reports every field no read used, so nothing the user
/// wrote is dropped without a note, including fields this converter has never heard of.
struct ConversionSource {
    let root: JSONValue
    private var used: [SourcePath] = []
    private(set) var notes: [ConversionNote] = []

    init(_ root: JSONValue) { self.root = root }

    func get(_ path: SourcePath) -> JSONValue? {
        var value: JSONValue? = root
        for step in path.steps {
            switch step {
            case .key(let key): value = value?[key]
            case .index(let index):
                guard let items = value?.arrayValue, items.indices.contains(index) else { return nil }
                value = items[index]
            }
        }
        return value
    }

    func string(_ path: SourcePath) -> String? { get(path)?.stringValue }

    /// The value at `path`, marked as carried over.
    mutating func take(_ path: SourcePath) -> JSONValue? {
        guard let value = get(path) else { return nil }
        used.append(path)
        return value
    }

    /// Marks `path` as dealt with, without a note (a value read only to decide something).
    mutating func use(_ path: SourcePath) { if get(path) != nil { used.append(path) } }

    /// A note about `path`; the field counts as dealt with.
    mutating func note(_ path: SourcePath, _ message: String) {
        if get(path) != nil { used.append(path) }
        notes.append(ConversionNote(path: path.description, message: message))
    }

    /// A note about the document as a whole.
    mutating func note(_ message: String) { notes.append(ConversionNote(path: "", message: message)) }

    /// The value at `path` reduced to what `schema` allows, each kept member marked as
    /// carried over; members the schema does not know, and values of the wrong type or
    /// outside an enumeration, are left for ``leftovers(explaining:)``.
    mutating func takeKnown(_ path: SourcePath, _ schema: Schema) -> JSONValue? {
        guard let value = get(path) else { return nil }
        return copy(value, at: path, schema)
    }

    private mutating func copy(_ value: JSONValue, at path: SourcePath, _ schema: Schema) -> JSONValue? {
        switch (schema.type, value) {
        case (.object, .object(let members)):
            if schema.preservesUnknownFields || (schema.properties.isEmpty && schema.additionalProperties == nil) {
                used.append(path)
                return value
            }
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let memberSchema = schema.properties[key] ?? schema.additionalProperties else { continue }
                if let copied = copy(member, at: path[key], memberSchema) { result[key] = copied }
            }
            return .object(result)
        case (.array, .array(let items)):
            guard let itemSchema = schema.items else { return nil }
            return .array(items.enumerated().compactMap { copy($0.element, at: path[$0.offset], itemSchema) })
        case (.string, .string(let text)):
            guard schema.enumValues.isEmpty || schema.enumValues.contains(text) else { return nil }
            used.append(path)
            return value
        case (.integer, .integer), (.number, .integer), (.number, .double), (.boolean, .bool),
             (.intOrString, .integer), (.intOrString, .string):
            used.append(path)
            return value
        default:
            return nil
        }
    }

    /// Notes for every field no read used, whole subtrees at once; `explaining` gives the
    /// reason for well-known fields by name.
    func leftovers(explaining reasons: [String: String]) -> [ConversionNote] {
        var found: [ConversionNote] = []
        func walk(_ value: JSONValue, _ path: SourcePath) {
            if used.contains(where: { path.isWithin($0) }) { return }
            let touched = used.contains { $0.isWithin(path) }
            if touched {
                switch value {
                case .object(let members):
                    for key in members.keys.sorted() { walk(members[key]!, path[key]) }
                    return
                case .array(let items):
                    for (index, item) in items.enumerated() { walk(item, path[index]) }
                    return
                default:
                    return
                }
            }
            let reason = path.lastKey.flatMap { reasons[$0] } ?? "no Sluice equivalent; not converted"
            found.append(ConversionNote(path: path.description, message: "\(reason) (was \(Self.show(value, at: path)))"))
        }
        walk(root, SourcePath([]))
        return found
    }

    /// A value for a comment: compact JSON cut at 100 characters; never a value under a
    /// key that may hold a credential.
    static func show(_ value: JSONValue, at path: SourcePath) -> String {
        let sensitive = ["secret", "token", "password", "auth", "credential", "key", "headers", "cookie"]
        func isSensitive(_ key: String) -> Bool { sensitive.contains { key.lowercased().contains($0) } }
        func hasSensitiveKey(_ value: JSONValue) -> Bool {
            switch value {
            case .object(let members): members.contains { isSensitive($0.key) || hasSensitiveKey($0.value) }
            case .array(let items): items.contains(where: hasSensitiveKey)
            default: false
            }
        }
        let onPath = path.steps.contains { if case .key(let key) = $0 { isSensitive(key) } else { false } }
        if onPath || hasSensitiveKey(value) { return "value not shown" }
        let text = (try? KubeJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return text.count > 100 ? String(text.prefix(97)) + "..." : text
    }
}
