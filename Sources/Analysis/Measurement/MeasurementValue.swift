import ConditionLanguage
import KubeClient

/// What one measurement found, before the metric's conditions judge it.
///
/// ``noData`` is its own outcome: an empty query result is neither a pass nor a crash, and
/// the metric's `noDataPhase` decides what it counts as.
public enum MeasurementValue: Sendable, Hashable {
    /// A PromQL scalar.
    case scalar(Double)
    /// A PromQL instant vector (never empty: an empty one is ``noData``).
    case vector([LabeledSample])
    /// A PromQL range result (never empty).
    case matrix([LabeledSeries])
    /// A PromQL string result.
    case string(String)
    /// A web response, or the part of it `jsonPath` selected.
    case json(JSONValue)
    /// A provider that judges by itself (a Job completed or failed), with why.
    case verdict(passed: Bool, detail: String)
    /// The source answered, with nothing: why, e.g. "the query returned an empty vector".
    case noData(reason: String)

    /// What the conditions see as `result`: a scalar is a number, a vector an array of its
    /// sample values (`result[0]`), a matrix an array of arrays of values, JSON as it is,
    /// a verdict a bool, no data `nil`.
    public var conditionValue: ConditionValue {
        switch self {
        case .scalar(let value): .number(value)
        case .vector(let samples): .array(samples.map { .number($0.value) })
        case .matrix(let series): .array(series.map { .array($0.points.map { .number($0.value) }) })
        case .string(let text): .string(text)
        case .json(let json): Self.conditionValue(json)
        case .verdict(let passed, _): .bool(passed)
        case .noData: .null
        }
    }

    private static func conditionValue(_ json: JSONValue) -> ConditionValue {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let number): .number(Double(number))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(conditionValue))
        case .object(let members): .object(members.mapValues(conditionValue))
        }
    }

    /// The value as kept in a measurement's `value` field: `0.004`, `[0.004, 0.2]`, JSON
    /// text; at most ``summaryLimit`` characters.
    public var summary: String {
        let text: String = switch self {
        case .scalar, .vector, .matrix, .string: conditionValue.description
        case .json(let json): (try? KubeJSON.encode(json)).map { String(decoding: $0, as: UTF8.self) } ?? "\(json)"
        case .verdict(let passed, _): passed ? "true" : "false"
        case .noData: ""
        }
        return text.count <= Self.summaryLimit ? text : String(text.prefix(Self.summaryLimit - 1)) + "…"
    }

    /// Longest ``summary``: statuses stay small however large a result is.
    public static let summaryLimit = 512
}

/// One sample of an instant vector: the series' labels and its value.
public struct LabeledSample: Sendable, Hashable {
    public var labels: [String: String]
    public var value: Double
    /// Unix time in seconds.
    public var timestamp: Double

    public init(labels: [String: String], value: Double, timestamp: Double) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }
}

/// One series of a range result.
public struct LabeledSeries: Sendable, Hashable {
    /// A value at a time (Unix seconds).
    public struct Point: Sendable, Hashable {
        public var timestamp: Double
        public var value: Double
        public init(timestamp: Double, value: Double) {
            self.timestamp = timestamp
            self.value = value
        }
    }

    public var labels: [String: String]
    public var points: [Point]

    public init(labels: [String: String], points: [Point]) {
        self.labels = labels
        self.points = points
    }
}
