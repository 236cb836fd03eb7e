/// A type that ``KubeJSON/decode(_:from:)`` builds from a tree parsed by ``JSONParser``
/// instead of going through `JSONDecoder`: ``JSONValue``, ``DynamicObject`` and the
/// envelopes of lists and watch events around them. Each conformance accepts and rejects
/// what its `Decodable` conformance does; small typed parts of an envelope (`ListMeta`,
/// a watch error's `Status`) are still decoded by `JSONDecoder`.
protocol JSONTreeDecodable: Decodable {
    init(json: JSONValue) throws
}

extension JSONValue: JSONTreeDecodable {
    init(json: JSONValue) { self = json }
}

extension DynamicObject: JSONTreeDecodable {
    init(json: JSONValue) { self.init(json) }
}

extension ObjectList: JSONTreeDecodable where Object: JSONTreeDecodable {
    init(json: JSONValue) throws {
        let members = try json.members(decoding: Self.self, at: [])
        metadata = try members["metadata"]?.nonNull?.decoded(as: ListMeta.self, at: [CodingKeys.metadata]) ?? ListMeta()
        switch members["items"] {
        case nil, .null?:
            items = []
        case .array(let values)?:
            items = try values.map(Object.init(json:))
        case let other?:
            throw other.typeMismatch([Object].self, at: [CodingKeys.items])
        }
    }
}

extension WatchLine: JSONTreeDecodable where Object: JSONTreeDecodable {
    init(json: JSONValue) throws {
        let members = try json.members(decoding: Self.self, at: [])
        guard let typeValue = members["type"] else {
            throw DecodingError.keyNotFound(Keys.type, .init(codingPath: [], debugDescription: "a watch event has no \"type\""))
        }
        guard case .string(let type) = typeValue else { throw typeValue.typeMismatch(String.self, at: [Keys.type]) }
        func object() throws -> JSONValue {
            guard let object = members["object"] else {
                throw DecodingError.keyNotFound(Keys.object, .init(codingPath: [], debugDescription: "a watch event has no \"object\""))
            }
            return object
        }
        switch type {
        case "ADDED": self = .event(.added(try Object(json: object())))
        case "MODIFIED": self = .event(.modified(try Object(json: object())))
        case "DELETED": self = .event(.deleted(try Object(json: object())))
        case "BOOKMARK":
            let bookmark = try object().decoded(as: BookmarkObject.self, at: [Keys.object])
            self = .event(.bookmark(resourceVersion: bookmark.metadata?.resourceVersion ?? ""))
        case "ERROR":
            self = .error(try object().decoded(as: Status.self, at: [Keys.object]))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [Keys.type], debugDescription: "unknown watch event type \"\(type)\""))
        }
    }
}

extension JSONValue {
    /// `nil` for `.null`, as `decodeIfPresent` treats it.
    var nonNull: JSONValue? {
        if case .null = self { return nil }
        return self
    }

    /// The members of an object, or the type mismatch `JSONDecoder` reports for `type`.
    func members<Type>(decoding type: Type.Type, at path: [any CodingKey]) throws -> [String: JSONValue] {
        guard case .object(let members) = self else { throw typeMismatch(type, at: path) }
        return members
    }

    /// Decodes a small typed part through `JSONDecoder` (by writing it out again).
    func decoded<Value: Decodable>(as type: Value.Type, at path: [any CodingKey]) throws -> Value {
        do {
            return try KubeJSON.decoder().decode(type, from: KubeJSON.encoder().encode(self))
        } catch let error as DecodingError {
            throw error.prefixingPath(path)
        }
    }

    func typeMismatch(_ type: Any.Type, at path: [any CodingKey]) -> DecodingError {
        DecodingError.typeMismatch(type, .init(
            codingPath: path, debugDescription: "Expected to decode \(type) but found \(kindDescription) instead."))
    }

    /// "a string", "an object", … for error messages.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension DecodingError {
    /// The same error with `prefix` in front of its coding path.
    func prefixingPath(_ prefix: [any CodingKey]) -> DecodingError {
        guard !prefix.isEmpty else { return self }
        func moved(_ context: Context) -> Context {
            Context(codingPath: prefix + context.codingPath, debugDescription: context.debugDescription,
                    underlyingError: context.underlyingError)
        }
        switch self {
        case .typeMismatch(let type, let context): return .typeMismatch(type, moved(context))
        case .valueNotFound(let type, let context): return .valueNotFound(type, moved(context))
        case .keyNotFound(let key, let context): return .keyNotFound(key, moved(context))
        case .dataCorrupted(let context): return .dataCorrupted(moved(context))
        @unknown default: return self
        }
    }
}
