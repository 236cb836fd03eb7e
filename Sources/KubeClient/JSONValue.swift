import Foundation

/// Any JSON value, for objects Sluice has no Swift type for (custom resources, patches).
///
/// Integers stay integers (`int64` fields such as `generation` must not round-trip through
/// `Double`). Object keys keep no order; encoding sorts them for stable output.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value. ``KubeJSON/decode(_:from:)`` does not come here for a
    /// `JSONValue` (it parses the bytes itself); this serves `JSONValue` fields of `Codable`
    /// types. A decoder can only be asked "is it a …?" by trying, and each failed try throws,
    /// so the order matters: with ``KubeJSON/decoder()``, whose scalars are never coerced,
    /// strings and containers (most of any Kubernetes object) are tried first; with other
    /// decoders (YAML's, which would read `3` as a string) booleans and numbers come first.
    public init(from decoder: any Decoder) throws {
        if decoder.userInfo[KubeJSON.strictScalarsKey] as? Bool == true {
            self = try Self.decodeStrict(decoder)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Strings, objects and arrays first; errors inside a container are not swallowed.
    private static func decodeStrict(_ decoder: any Decoder) throws -> JSONValue {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { return .null }
        if let value = try? container.decode(String.self) { return .string(value) }
        if let object = try? decoder.container(keyedBy: MemberKey.self) {
            let keys = object.allKeys
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(keys.count)
            for key in keys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            return .object(members)
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            items.reserveCapacity(array.count ?? 0)
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            return .array(items)
        }
        if let value = try? container.decode(Bool.self) { return .bool(value) }
        if let value = try? container.decode(Int64.self) { return .integer(value) }
        return .double(try container.decode(Double.self))
    }

    /// Any object key.
    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member `key` of an object, `nil` otherwise.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let members) = self { return members[key] }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// Follows a path of object keys, e.g. `value[path: "metadata", "name"]`.
    public subscript(path keys: String...) -> JSONValue? {
        keys.reduce(Optional(self)) { $0?[$1] }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value) where value.rounded() == value: Int64(exactly: value)
        default: nil
        }
    }

    /// A number as a Double (an integer converts).
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// The JSON coding used on the wire: sorted keys (stable bodies), no escaped slashes.
///
/// ``decode(_:from:)`` parses ``JSONValue``, ``DynamicObject`` and lists and watch events of
/// them with ``JSONParser`` (strict RFC 8259; on a 4.9 MB list about 6 times faster than
/// `JSONDecoder` in a debug build and 15 to 20 times in a release build, because
/// `JSONDecoder` must try each JSON type in turn for every value: `make bench`); every
/// other type goes through ``decoder()``.
public enum KubeJSON {
    /// Marks a decoder that never coerces one JSON scalar type into another, so that
    /// ``JSONValue`` may try strings first.
    static let strictScalarsKey = CodingUserInfoKey(rawValue: "sluice.KubeJSON.strictScalars")!

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A `JSONDecoder` whose ``JSONValue`` fields decode strings and containers first.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo[strictScalarsKey] = true
        return decoder
    }

    /// Encodes `value` to bytes.
    public static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        Array(try encoder().encode(value))
    }

    /// Re-expresses any `Encodable` as a ``JSONValue`` tree.
    public static func value<Value: Encodable>(of value: Value) throws -> JSONValue {
        try JSONParser.parse(try encoder().encode(value))
    }

    /// Decodes `Value` from bytes. Malformed JSON throws `DecodingError.dataCorrupted`
    /// whose description names the byte offset and what was expected there.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        if let treeType = type as? any JSONTreeDecodable.Type,
           let value = try treeType.init(json: JSONParser.parse(bytes)) as? Value {
            return value
        }
        return try decodeWithFoundation(type, from: bytes)
    }

    /// ``decode(_:from:)`` for a slice (a line of a watch stream).
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: ArraySlice<UInt8>) throws -> Value {
        if let treeType = type as? any JSONTreeDecodable.Type,
           let value = try treeType.init(json: JSONParser.parse(bytes)) as? Value {
            return value
        }
        return try decoder().decode(type, from: Data(bytes))
    }

    /// Decodes through `JSONDecoder` alone: the path every type took before ``JSONParser``,
    /// kept for the types it does not build and for tests that compare the two.
    static func decodeWithFoundation<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try decoder().decode(type, from: Data(bytes))
    }
}
