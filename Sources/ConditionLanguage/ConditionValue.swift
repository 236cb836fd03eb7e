/// A value a condition works with: what `result` holds, and what its sub-expressions give.
///
/// Numbers are all `Double` (as JSON's and PromQL's are). A Prometheus scalar is a
/// `.number`, an instant vector an `.array` of numbers (so `result[0]` is the first
/// sample), a web provider's JSON whatever the JSON is.
public enum ConditionValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ConditionValue])
    case object([String: ConditionValue])

    /// The kind, as messages name it: `a number`, `a string`, ...
    public var kindDescription: String {
        switch self {
        case .null: "nil"
        case .bool: "a bool"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as a condition would write it: `0.5`, `"ok"`, `[1, 2]`, `{"a": 1}`.
    public var description: String {
        switch self {
        case .null: "nil"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.format(value)
        case .string(let value): "\"\(value)\""
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// Integers without a fraction (`3`, not `3.0`); NaN and infinities as PromQL writes them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
