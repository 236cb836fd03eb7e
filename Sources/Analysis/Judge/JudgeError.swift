import Statistics

/// Why a statistical decision (judge, Kayenta mode, SLO guard, experiment, shadow comparison)
/// refused its configuration or a look. Each case's text names the field or metric and what
/// was expected; a refused look leaves the decision's state unchanged.
public enum JudgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is out of range; the text names the field path.
    case invalidConfiguration(field: String, reason: String)
    /// An observation is malformed (negative counts, unsorted buckets, a counter that went down).
    case invalidObservation(String)
    /// A configured metric has no observation at this look.
    case missingObservation(metric: String)
    /// A metric was observed as another kind than configured.
    case wrongKind(metric: String, expected: String, got: String)
    /// A stored state does not belong to this configuration.
    case stateMismatch(String)
    /// The statistics refused the data; the text names the metric.
    case statistics(metric: String, StatisticsError)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, reason): "\(field): \(reason)"
        case let .invalidObservation(text): text
        case let .missingObservation(metric): "metric \(metric): no observation at this look"
        case let .wrongKind(metric, expected, got): "metric \(metric): configured as \(expected) but observed as \(got)"
        case let .stateMismatch(text): "stored judge state does not match the configuration: \(text)"
        case let .statistics(metric, error): "metric \(metric): \(error)"
        }
    }

    /// Runs `body`, turning a `StatisticsError` into `.statistics(metric:…)`.
    static func naming<T>(_ metric: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StatisticsError {
            throw JudgeError.statistics(metric: metric, error)
        }
    }

    /// Throws `.invalidConfiguration` unless `condition` holds.
    static func require(_ condition: Bool, _ field: @autoclosure () -> String, _ reason: @autoclosure () -> String) throws {
        if !condition { throw JudgeError.invalidConfiguration(field: field(), reason: reason()) }
    }

    /// Throws unless `value` is in (0, 1).
    static func requireOpenUnit(_ value: Double, _ field: @autoclosure () -> String) throws {
        try require(value > 0 && value < 1, field(), "must be between 0 and 1 (exclusive), got \(value)")
    }
}
