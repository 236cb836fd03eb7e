/// How a decision reads one metric's measurement.
public enum DecisionReading: Sendable, Hashable {
    /// One cumulative count: a scalar, or the sum of a vector's samples.
    case count
    /// A cumulative histogram: a vector's samples by their `le` label
    /// (`sum by (le) (..._bucket)`).
    case histogram
    /// Cumulative counts per class: a vector's samples by the label named (`sum by (class)`).
    case classes(label: String)
    /// A time series (Kayenta): the values of a matrix (a range query), or of a vector.
    case series

    /// What the reading is, for messages.
    var noun: String {
        switch self {
        case .count: "a count"
        case .histogram: "a histogram"
        case .classes(let label): "class counts by `\(label)`"
        case .series: "a series"
        }
    }

    /// What the reading needs, for messages: "a histogram needs a vector with an `le` label".
    var requirement: String {
        switch self {
        case .count: "a count needs a scalar or a vector"
        case .histogram: "a histogram needs a vector with an `le` label"
        case .classes(let label): "class counts need a vector with a `\(label)` label"
        case .series: "a series needs a matrix (a range query) or a vector"
        }
    }
}

extension MeasurementValue {
    /// The raw counter values of a `count`, `histogram` or `classes` reading, by key: `""` for
    /// a count, the `le` label's text for a histogram, the class label's value for classes.
    /// Values are as the source gives them — cumulative counters — and the decision takes
    /// their increments. No data is no key: an empty counter query (`sum(x{code=~"5.."})`
    /// before the first error) counts as 0. Samples with the same key are summed.
    ///
    /// Throws when the shape does not fit, naming `metric`: "metric canary-latency: a
    /// histogram needs a vector with an `le` label, got a scalar".
    public func counterValues(as reading: DecisionReading, metric: String) throws(DecisionError) -> [String: Double] {
        let label: String?
        switch reading {
        case .count: label = nil
        case .histogram: label = "le"
        case .classes(let name): label = name
        case .series:
            throw DecisionError("metric \(metric): a series is not a counter")
        }
        var values: [String: Double] = [:]
        switch self {
        case .noData:
            return [:]
        case .scalar(let value) where label == nil:
            values[""] = try Self.counter(value, metric: metric)
        case .vector(let samples):
            for sample in samples {
                let value = try Self.counter(sample.value, metric: metric)
                guard let label else {
                    values["", default: 0] += value
                    continue
                }
                guard let key = sample.labels[label] else {
                    throw DecisionError("metric \(metric): \(reading.requirement), got a sample without one (\(Self.describe(sample.labels)))")
                }
                if reading == .histogram, Self.bucketBound(key) == nil {
                    throw DecisionError("metric \(metric): bucket bound le=\"\(key)\" is not a number")
                }
                values[key, default: 0] += value
            }
        default:
            throw DecisionError("metric \(metric): \(reading.requirement), got \(shapeDescription)")
        }
        return values
    }

    /// The values of a series reading: a matrix's one series (several are summed point by
    /// point, by timestamp), a vector's sample values, a scalar as one value; none for no data.
    public func seriesValues(metric: String) throws(DecisionError) -> [Double] {
        switch self {
        case .noData: return []
        case .scalar(let value): return [value]
        case .vector(let samples): return samples.map(\.value)
        case .matrix(let series):
            if series.count == 1 { return series[0].points.map(\.value) }
            var sums: [Double: Double] = [:]
            for point in series.flatMap(\.points) { sums[point.timestamp, default: 0] += point.value }
            return sums.sorted { $0.key < $1.key }.map(\.value)
        default:
            throw DecisionError("metric \(metric): \(DecisionReading.series.requirement), got \(shapeDescription)")
        }
    }

    /// The kind of value, for messages: "a scalar", "a vector", "no data".
    var shapeDescription: String {
        switch self {
        case .scalar: "a scalar"
        case .vector: "a vector"
        case .matrix: "a matrix"
        case .string: "a string"
        case .json: "JSON"
        case .verdict: "a Job's verdict"
        case .noData: "no data"
        }
    }

    /// A bucket bound from its `le` text: a number, or `+Inf`.
    static func bucketBound(_ text: String) -> Double? {
        if ["+Inf", "Inf", "+inf", "inf"].contains(text) { return .infinity }
        guard let value = Double(text), !value.isNaN else { return nil }
        return value
    }

    private static func counter(_ value: Double, metric: String) throws(DecisionError) -> Double {
        guard value.isFinite, value >= 0 else {
            throw DecisionError("metric \(metric): a counter must be a finite number >= 0, got \(value)")
        }
        return value
    }

    private static func describe(_ labels: [String: String]) -> String {
        "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
    }
}
