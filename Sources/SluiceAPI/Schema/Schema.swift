import KubeClient

/// A structural OpenAPI v3 schema: the shape of one JSON value, as a CustomResourceDefinition
/// states it (`type` on every node, `properties` for objects, `items` for arrays).
///
/// Each API type states its own schema beside its declaration (``SchemaDescribable``), so
/// the CRDs, the local structural check (``StructuralCheck``) and the Swift types come from
/// one place. A test walks every schema against its Swift type to keep them in step.
public struct Schema: Sendable, Hashable {
    /// The JSON type of a node; `intOrString` and `preserved` are the two Kubernetes
    /// extensions that stand in for `type`.
    public enum ValueType: String, Sendable, Hashable {
        case object, array, string, integer, number, boolean
        /// `x-kubernetes-int-or-string: true`: an integer or a string.
        case intOrString
    }

    public var type: ValueType
    public var description: String?
    /// `int32`, `int64`, `double`, `date-time`.
    public var format: String?
    /// Named members of an object. Empty with `additionalProperties` for a map.
    public var properties: [String: Schema]
    /// Members an object must have.
    public var required: [String]
    /// Allowed string values, in the order the documentation lists them.
    public var enumValues: [String]
    /// `x-kubernetes-preserve-unknown-fields: true`: members not in `properties` are kept
    /// (pod templates, job specs).
    public var preservesUnknownFields: Bool
    // One-element arrays give the recursive members value semantics without boxes.
    private var itemStorage: [Schema]
    private var valueStorage: [Schema]

    public init(
        type: ValueType, description: String? = nil, format: String? = nil,
        properties: [String: Schema] = [:], required: [String] = [], items: Schema? = nil,
        additionalProperties: Schema? = nil, enumValues: [String] = [], preservesUnknownFields: Bool = false
    ) {
        self.type = type
        self.description = description
        self.format = format
        self.properties = properties
        self.required = required
        self.enumValues = enumValues
        self.preservesUnknownFields = preservesUnknownFields
        self.itemStorage = items.map { [$0] } ?? []
        self.valueStorage = additionalProperties.map { [$0] } ?? []
    }

    /// The schema of each element of an array.
    public var items: Schema? {
        get { itemStorage.first }
        set { itemStorage = newValue.map { [$0] } ?? [] }
    }

    /// The schema of each value of a map (`additionalProperties`).
    public var additionalProperties: Schema? {
        get { valueStorage.first }
        set { valueStorage = newValue.map { [$0] } ?? [] }
    }

    /// The same schema with `description` replaced.
    public func describing(_ text: String) -> Schema {
        var copy = self
        copy.description = text
        return copy
    }
}

extension Schema {
    /// An object with named members.
    public static func object(
        _ description: String? = nil, required: [String] = [], preservesUnknownFields: Bool = false,
        _ properties: [String: Schema]
    ) -> Schema {
        Schema(type: .object, description: description, properties: properties, required: required,
               preservesUnknownFields: preservesUnknownFields)
    }

    /// A map from strings to `values`.
    public static func map(of values: Schema, _ description: String? = nil) -> Schema {
        Schema(type: .object, description: description, additionalProperties: values)
    }

    /// An array of `items`.
    public static func array(of items: Schema, _ description: String? = nil) -> Schema {
        Schema(type: .array, description: description, items: items)
    }

    /// An object kept as written (`x-kubernetes-preserve-unknown-fields`).
    public static func preservedObject(_ description: String? = nil) -> Schema {
        Schema(type: .object, description: description, preservesUnknownFields: true)
    }

    public static func string(_ description: String? = nil, format: String? = nil) -> Schema {
        Schema(type: .string, description: description, format: format)
    }

    /// A string that must be one of `values`.
    public static func oneOf(_ values: [String], _ description: String? = nil) -> Schema {
        Schema(type: .string, description: description, enumValues: values)
    }

    /// A string enumeration backed by a Swift enum.
    public static func enumeration<E: CaseIterable & RawRepresentable>(_ type: E.Type, _ description: String? = nil) -> Schema
    where E.RawValue == String {
        oneOf(E.allCases.map(\.rawValue), description)
    }

    public static func int32(_ description: String? = nil) -> Schema {
        Schema(type: .integer, description: description, format: "int32")
    }

    public static func int64(_ description: String? = nil) -> Schema {
        Schema(type: .integer, description: description, format: "int64")
    }

    public static func number(_ description: String? = nil) -> Schema {
        Schema(type: .number, description: description, format: "double")
    }

    public static func boolean(_ description: String? = nil) -> Schema {
        Schema(type: .boolean, description: description)
    }

    /// An integer or a string (`x-kubernetes-int-or-string`).
    public static func intOrString(_ description: String? = nil) -> Schema {
        Schema(type: .intOrString, description: description)
    }
}
