/// Why a statistics routine refused its input. Every test validates its input and throws one
/// of these instead of trapping or returning NaN; `description` is a sentence for an operator
/// naming the parameter and the offending value.
public enum StatisticsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sample has fewer observations than the test needs.
    case tooFewObservations(sample: String, count: Int, minimum: Int)
    /// A sample holds NaN or an infinity.
    case nonFiniteValue(sample: String, index: Int)
    /// Two vectors that must be parallel (histogram buckets, observed and expected) differ in length.
    case mismatchedLengths(first: String, firstCount: Int, second: String, secondCount: Int)
    /// A count is negative.
    case negativeCount(sample: String, index: Int)
    /// Every count of a sample is zero, so it holds no observations.
    case allZero(sample: String)
    /// A probability or confidence level lies outside the open interval (0, 1).
    case probabilityOutOfRange(name: String, value: Double)
    /// A count of successes is not in 0...trials.
    case countOutOfRange(name: String, value: Int, trials: Int)
    /// The data make the statistic undefined (zero variance, all observations tied, a zero
    /// expected frequency, sums that disagree); the associated text says which.
    case degenerate(String)
    /// Any other unusable parameter, e.g. "alpha must be in (0, 1), got 1.5".
    case invalidInput(String)

    /// A one-sentence explanation naming the offending input.
    public var description: String {
        switch self {
        case let .tooFewObservations(sample, count, minimum):
            "sample '\(sample)' has \(count) observation\(count == 1 ? "" : "s"); the test needs at least \(minimum)"
        case let .nonFiniteValue(sample, index):
            "sample '\(sample)' holds a NaN or infinite value at index \(index)"
        case let .mismatchedLengths(first, firstCount, second, secondCount):
            "'\(first)' has \(firstCount) entries but '\(second)' has \(secondCount); they must match"
        case let .negativeCount(sample, index):
            "'\(sample)' holds a negative count at index \(index)"
        case let .allZero(sample):
            "every count in '\(sample)' is zero; there is nothing to test"
        case let .probabilityOutOfRange(name, value):
            "\(name) must lie strictly between 0 and 1, not \(value)"
        case let .countOutOfRange(name, value, trials):
            "\(name) must lie in 0...\(trials), not \(value)"
        case let .degenerate(reason), let .invalidInput(reason):
            reason
        }
    }
}

extension StatisticsError {
    /// Throws unless `sample` has at least `minimum` observations, all finite.
    static func checkSample(_ sample: [Double], name: String, minimum: Int = 1) throws(StatisticsError) {
        guard sample.count >= minimum else {
            throw .tooFewObservations(sample: name, count: sample.count, minimum: minimum)
        }
        if let index = sample.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(sample: name, index: index)
        }
    }

    /// Throws unless 0 < `value` < 1.
    static func checkOpenUnit(_ value: Double, name: String) throws(StatisticsError) {
        guard value > 0, value < 1 else { throw .probabilityOutOfRange(name: name, value: value) }
    }
}

extension StatisticsError {
    /// Throws `message` unless `condition` holds.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw StatisticsError.invalidInput(message()) }
    }

    /// A finite value.
    static func finite(_ value: Double, _ name: String) throws {
        try check(value.isFinite, "\(name) must be finite, got \(value)")
    }

    /// A finite value > 0.
    static func positive(_ value: Double, _ name: String) throws {
        try check(value.isFinite && value > 0, "\(name) must be finite and > 0, got \(value)")
    }

    /// A finite value ≥ 0.
    static func nonNegative(_ value: Double, _ name: String) throws {
        try check(value.isFinite && value >= 0, "\(name) must be finite and ≥ 0, got \(value)")
    }

    /// A significance level or probability strictly between 0 and 1.
    static func openUnit(_ value: Double, _ name: String) throws {
        try check(value > 0 && value < 1, "\(name) must be in (0, 1), got \(value)")
    }

    /// A count ≥ 0.
    static func count(_ value: Int, _ name: String) throws {
        try check(value >= 0, "\(name) must be ≥ 0, got \(value)")
    }

    /// `total + increment`, or an error if it overflows `Int`.
    static func add(_ total: Int, _ increment: Int, _ name: String) throws -> Int {
        let (sum, overflow) = total.addingReportingOverflow(increment)
        try check(!overflow, "\(name) overflows Int (\(total) + \(increment))")
        return sum
    }
}
