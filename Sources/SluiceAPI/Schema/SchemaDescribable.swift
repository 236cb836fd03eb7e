import KubeClient

/// A type whose JSON form has a structural schema, stated beside the type.
///
/// ```swift
/// extension RolloutPause: SchemaDescribable {
///     public static var schema: Schema {
///         .object("Waits for a duration, or until promoted.", [
///             "duration": DurationString.schema,
///         ])
///     }
/// }
/// ```
/// Every key of `properties` must be a stored property (and coding key) of the type, and
/// every stored property must appear in `properties`; `SchemaConformanceTests` checks both.
public protocol SchemaDescribable {
    /// The schema of this type's JSON form.
    static var schema: Schema { get }
}

extension String: SchemaDescribable {
    public static var schema: Schema { .string() }
}

extension Bool: SchemaDescribable {
    public static var schema: Schema { .boolean() }
}

extension Int32: SchemaDescribable {
    public static var schema: Schema { .int32() }
}

extension Int64: SchemaDescribable {
    public static var schema: Schema { .int64() }
}

extension Double: SchemaDescribable {
    public static var schema: Schema { .number() }
}

extension Array: SchemaDescribable where Element: SchemaDescribable {
    public static var schema: Schema { .array(of: Element.schema) }
}

extension Dictionary: SchemaDescribable where Key == String, Value: SchemaDescribable {
    public static var schema: Schema { .map(of: Value.schema) }
}

extension Optional: SchemaDescribable where Wrapped: SchemaDescribable {
    public static var schema: Schema { Wrapped.schema }
}

extension SchemaDescribable {
    /// This type's schema with its own description: `Int32.field("Desired pods.")`.
    public static func field(_ description: String) -> Schema {
        schema.describing(description)
    }
}

extension ObjectMeta: SchemaDescribable {
    /// Top-level `metadata` is the API server's own; a CRD may only say it is an object.
    public static var schema: Schema { .object(nil, [:]) }
}

extension ObjectMeta {
    /// Metadata inside a template (pods, jobs): labels and annotations are checked, other
    /// members are kept as written.
    public static var templateSchema: Schema {
        .object("Labels and annotations of the objects made from this template.", preservesUnknownFields: true, [
            "labels": [String: String].schema,
            "annotations": [String: String].schema,
        ])
    }
}
