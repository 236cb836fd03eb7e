/// Counts since a decision's first look, from raw cumulative counters (Prometheus counters as
/// queried, without `increase`). Per key — a metric, or a metric and a label value (a bucket,
/// a class) — it keeps the last raw value and the total counted so far:
///
/// - the first look at a metric sets the origin: every key starts at 0;
/// - after that, a key's increment is raw − last, or raw when raw < last (the counter was
///   reset: a restarted pod starts from 0, and PromQL's `increase` reads it the same way);
/// - a key that appears later (the first error, a new class) starts from 0, so its whole
///   value counts; a key missing from a look (no data, a series between scrapes) keeps its
///   last value and adds nothing.
///
/// A reset of one series under a `sum` is seen only when the sum drops, and then the whole
/// sum is counted again: query counters by the labels that matter, not across restarting pods,
/// when that matters.
public struct CounterAccumulator: Sendable, Hashable, Codable {
    /// One key's counter.
    struct Counter: Sendable, Hashable, Codable {
        var last: Double
        var total: Double
    }

    /// Metric → key → counter.
    private var metrics: [String: [String: Counter]] = [:]

    public init() {}

    /// Adds one look at `metric`'s raw values. With `counting` false the look only moves the
    /// origin: the counters follow the raw values, the totals stay (traffic that must not count,
    /// as while the canary's weight is 0).
    public mutating func observe(_ metric: String, raw: [String: Double], counting: Bool = true) {
        guard var counters = metrics[metric] else {
            metrics[metric] = raw.mapValues { Counter(last: $0, total: 0) }
            return
        }
        for (key, value) in raw {
            var counter = counters[key] ?? Counter(last: 0, total: 0)
            if counting { counter.total += value >= counter.last ? value - counter.last : value }
            counter.last = value
            counters[key] = counter
        }
        metrics[metric] = counters
    }

    /// Whether `metric` has been looked at.
    public func hasObserved(_ metric: String) -> Bool { metrics[metric] != nil }

    /// `metric`'s totals by key; empty before any count.
    public func totals(_ metric: String) -> [String: Double] {
        (metrics[metric] ?? [:]).mapValues(\.total)
    }

    /// `metric`'s total, over all keys.
    public func total(_ metric: String) -> Double {
        (metrics[metric] ?? [:]).values.reduce(0) { $0 + $1.total }
    }

    /// Every total, metric → key → total: what a window's start is remembered by.
    public var snapshot: CounterSnapshot {
        metrics.mapValues { $0.mapValues(\.total) }
    }
}

/// Totals at one look: metric → key → total since the decision's first look.
public typealias CounterSnapshot = [String: [String: Double]]
