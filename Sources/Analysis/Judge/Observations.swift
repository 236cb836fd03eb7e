import Statistics

/// One value per arm: the baseline (stable, primary, control) and the canary (candidate,
/// treatment).
public struct ArmPair<Value> {
    /// The arm the canary is compared against.
    public var baseline: Value
    /// The arm being judged.
    public var canary: Value

    /// The pair (`baseline`, `canary`).
    public init(baseline: Value, canary: Value) {
        self.baseline = baseline
        self.canary = canary
    }

    /// Both values transformed by `transform`.
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> ArmPair<T> {
        ArmPair<T>(baseline: try transform(baseline), canary: try transform(canary))
    }
}

extension ArmPair: Sendable where Value: Sendable {}
extension ArmPair: Equatable where Value: Equatable {}
extension ArmPair: Hashable where Value: Hashable {}
extension ArmPair: Codable where Value: Codable {}

/// Cumulative counts of one arm: `events` (errors, conversions, slow requests) out of `total`
/// (requests), both counted since the comparison started.
public struct EventCounts: Sendable, Hashable, Codable {
    /// Requests with the event.
    public var events: Int
    /// All requests.
    public var total: Int

    /// `events` out of `total`.
    public init(events: Int, total: Int) {
        self.events = events
        self.total = total
    }

    /// events / total; 0 without requests.
    public var ratio: Double { total > 0 ? Double(events) / Double(total) : 0 }

    /// Throws unless 0 ≤ events ≤ total.
    func validate(_ what: @autoclosure () -> String) throws {
        guard events >= 0, total >= events else {
            throw JudgeError.invalidObservation("\(what()): need 0 ≤ events ≤ total, got \(events) events out of \(total)")
        }
    }
}

/// Sum, count and sum of squares of one arm's observations since the comparison started: what a
/// Prometheus summary or a pair of counters gives for a mean (e.g. `_sum`, `_count` and a
/// recorded sum of squares).
public struct Moments: Sendable, Hashable, Codable {
    /// Observations.
    public var count: Int
    /// Their sum.
    public var sum: Double
    /// The sum of their squares.
    public var sumOfSquares: Double

    /// The moments of `count` observations.
    public init(count: Int, sum: Double, sumOfSquares: Double) {
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// The mean; 0 without observations.
    public var mean: Double { count > 0 ? sum / Double(count) : 0 }

    /// The sample variance (n − 1 denominator), never negative; 0 below two observations.
    public var variance: Double {
        guard count >= 2 else { return 0 }
        let n = Double(count)
        return max(0, (sumOfSquares - sum * sum / n) / (n - 1))
    }

    func validate(_ what: @autoclosure () -> String) throws {
        guard count >= 0, sum.isFinite, sumOfSquares.isFinite, sumOfSquares >= 0 else {
            throw JudgeError.invalidObservation(
                "\(what()): need count ≥ 0 and finite sums with sumOfSquares ≥ 0, got count \(count), sum \(sum), sumOfSquares \(sumOfSquares)")
        }
    }
}

/// A Prometheus-style histogram of one arm since the comparison started: ascending `le` upper
/// bounds (the last may be +Inf) and the cumulative count at each (`_bucket{le=…}`).
public struct CumulativeHistogram: Sendable, Hashable, Codable {
    /// Ascending upper bounds; the last is usually +Inf. Encoded as Prometheus writes them
    /// (`"+Inf"` for infinity), so the value is also valid JSON.
    public var upperBounds: [Double]
    /// Observations ≤ each bound: non-decreasing.
    public var cumulativeCounts: [Int]

    /// A histogram with counts cumulative over `upperBounds`.
    public init(upperBounds: [Double], cumulativeCounts: [Int]) {
        self.upperBounds = upperBounds
        self.cumulativeCounts = cumulativeCounts
    }

    /// A histogram from per-bucket (not cumulative) counts.
    public init(upperBounds: [Double], bucketCounts: [Int]) {
        self.upperBounds = upperBounds
        var running = 0
        cumulativeCounts = bucketCounts.map { running += $0; return running }
    }

    /// All observations: the count at the last bound.
    public var count: Int { cumulativeCounts.last ?? 0 }

    /// Observations in each bucket (de-accumulated).
    public var bucketCounts: [Int] {
        cumulativeCounts.indices.map { $0 == 0 ? cumulativeCounts[0] : cumulativeCounts[$0] - cumulativeCounts[$0 - 1] }
    }

    /// Observations above `threshold`, counted conservatively from the smallest bound ≥
    /// `threshold` (observations between the threshold and that bound are not counted), and
    /// that bound. A bound within 1e-9 (relative) of the threshold counts as equal to it, so
    /// 0.3 s parsed from "300ms" matches the bucket `le="0.3"`. Nil when every finite bound is
    /// below the threshold.
    public func count(above threshold: Double) -> (count: Int, bound: Double)? {
        let slack = abs(threshold) * 1e-9
        guard let index = upperBounds.firstIndex(where: { $0 >= threshold - slack }), upperBounds[index].isFinite else { return nil }
        return (count - cumulativeCounts[index], upperBounds[index])
    }

    /// The `q` quantile by linear interpolation within its bucket, as PromQL's
    /// `histogram_quantile`: the first bucket starts at 0 (or at its bound when that is ≤ 0), and a
    /// quantile in the +Inf bucket is the largest finite bound. Nil without observations.
    public func quantile(_ q: Double) -> Double? {
        let total = count
        guard total > 0, q >= 0, q <= 1, !upperBounds.isEmpty else { return nil }
        let rank = q * Double(total)
        guard let index = cumulativeCounts.firstIndex(where: { Double($0) >= rank }) else { return nil }
        let upper = upperBounds[index]
        if upper.isInfinite { return upperBounds.last(where: { $0.isFinite }) }
        if index == 0 && upper <= 0 { return upper }
        let lower = index == 0 ? 0 : upperBounds[index - 1]
        let below = index == 0 ? 0 : cumulativeCounts[index - 1]
        let inBucket = cumulativeCounts[index] - below
        guard inBucket > 0 else { return upper }
        return lower + (upper - lower) * (rank - Double(below)) / Double(inBucket)
    }

    func validate(_ what: @autoclosure () -> String) throws {
        let name = what()
        guard !upperBounds.isEmpty, upperBounds.count == cumulativeCounts.count else {
            throw JudgeError.invalidObservation(
                "\(name): need as many cumulative counts as upper bounds (at least one), got \(cumulativeCounts.count) and \(upperBounds.count)")
        }
        for i in upperBounds.indices {
            if upperBounds[i].isNaN || (i > 0 && !(upperBounds[i] > upperBounds[i - 1])) {
                throw JudgeError.invalidObservation("\(name): upper bounds must be strictly ascending, got \(upperBounds)")
            }
            if cumulativeCounts[i] < 0 || (i > 0 && cumulativeCounts[i] < cumulativeCounts[i - 1]) {
                throw JudgeError.invalidObservation(
                    "\(name): cumulative counts must be ≥ 0 and non-decreasing, got \(cumulativeCounts)")
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case upperBounds, cumulativeCounts }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        upperBounds = try container.decode([PrometheusBound].self, forKey: .upperBounds).map(\.value)
        cumulativeCounts = try container.decode([Int].self, forKey: .cumulativeCounts)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(upperBounds.map(PrometheusBound.init), forKey: .upperBounds)
        try container.encode(cumulativeCounts, forKey: .cumulativeCounts)
    }
}

/// A bucket bound as JSON: a number, or "+Inf" (JSON has no infinity).
private struct PrometheusBound: Codable {
    var value: Double

    init(_ value: Double) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else {
            let text = try container.decode(String.self)
            guard let parsed = text == "+Inf" ? Double.infinity : Double(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a bucket bound: \(text)")
            }
            value = parsed
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isInfinite { try container.encode(value > 0 ? "+Inf" : "-Inf") } else { try container.encode(value) }
    }
}

/// What the judge observes of one metric at a look, per arm and cumulative since the canary
/// started.
public enum MetricObservation: Sendable, Hashable, Codable {
    /// Events out of requests (errors, timeouts).
    case counts(ArmPair<EventCounts>)
    /// Latency (or any) histograms with the same buckets.
    case histogram(ArmPair<CumulativeHistogram>)
    /// Count, sum and sum of squares, for a mean.
    case moments(ArmPair<Moments>)

    /// The kind of metric this observation feeds.
    public var kind: JudgedMetric.Kind {
        switch self {
        case .counts: .counts
        case .histogram: .histogram
        case .moments: .moments
        }
    }

    /// Observations per arm: requests, histogram observations or moment count.
    public var samples: ArmPair<Int> {
        switch self {
        case .counts(let pair): pair.map(\.total)
        case .histogram(let pair): pair.map(\.count)
        case .moments(let pair): pair.map(\.count)
        }
    }
}
