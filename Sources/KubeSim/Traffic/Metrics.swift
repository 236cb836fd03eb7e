import Foundation
import KubeClient

/// The identity of one serving pod's series (the labels every metric carries).
public struct SeriesLabels: Sendable, Hashable, Comparable {
    public var namespace: String
    public var pod: String
    public var service: String
    public var podTemplateHash: String
    public var version: String
    public var mirrored: Bool

    public init(namespace: String, pod: String, service: String, podTemplateHash: String, version: String, mirrored: Bool = false) {
        self.namespace = namespace
        self.pod = pod
        self.service = service
        self.podTemplateHash = podTemplateHash
        self.version = version
        self.mirrored = mirrored
    }

    var pairs: [(String, String)] {
        [("namespace", namespace), ("pod", pod), ("service", service),
         ("rollouts_pod_template_hash", podTemplateHash), ("version", version), ("mirrored", mirrored ? "true" : "false")]
    }

    public static func < (a: SeriesLabels, b: SeriesLabels) -> Bool {
        a.pairs.map(\.1).lexicographicallyPrecedes(b.pairs.map(\.1))
    }
}

/// Counters and histograms per serving pod, as the simulated application would export them.
public struct MetricsRegistry: Sendable, Equatable {
    /// Prometheus client default buckets (upper bounds, seconds); +Inf is implicit.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public struct Series: Sendable, Equatable {
        /// `http_requests_total` by status code.
        public var requestsByCode: [Int: Int] = [:]
        /// Non-cumulative counts per bucket of `buckets`, plus one for +Inf at the end.
        public var bucketCounts: [Int]
        public var durationSum: Double = 0
        public var durationCount: Int = 0
        public var conversions: Int = 0
        public var predictions: [String: Int] = [:]

        init(bucketCount: Int) { bucketCounts = Array(repeating: 0, count: bucketCount + 1) }

        public var requests: Int { requestsByCode.values.reduce(0, +) }
    }

    public let buckets: [Double]
    public private(set) var series: [SeriesLabels: Series] = [:]

    public init(buckets: [Double] = MetricsRegistry.defaultBuckets) { self.buckets = buckets }

    /// Records one served request.
    public mutating func record(
        _ labels: SeriesLabels, code: Int, duration: Double, converted: Bool = false, prediction: String? = nil
    ) {
        var entry = series[labels] ?? Series(bucketCount: buckets.count)
        entry.requestsByCode[code, default: 0] += 1
        let index = buckets.firstIndex { duration <= $0 } ?? buckets.count
        entry.bucketCounts[index] += 1
        entry.durationSum += duration
        entry.durationCount += 1
        if converted { entry.conversions += 1 }
        if let prediction { entry.predictions[prediction, default: 0] += 1 }
        series[labels] = entry
    }

    /// Drops the series of pods that are gone (`namespace/name` not in `pods`), as their
    /// metrics vanish with them in a real cluster.
    public mutating func retainSeries(ofPods pods: Set<String>) {
        let isLive = { (labels: SeriesLabels) in pods.contains(labels.namespace + "/" + labels.pod) }
        guard !series.keys.allSatisfy(isLive) else { return }
        series = series.filter { isLive($0.key) }
    }

    /// Sum of requests over series passing `filter`.
    public func requests(where filter: (SeriesLabels) -> Bool = { _ in true }) -> Int {
        series.filter { filter($0.key) }.values.reduce(0) { $0 + $1.requests }
    }

    public func conversions(where filter: (SeriesLabels) -> Bool = { _ in true }) -> Int {
        series.filter { filter($0.key) }.values.reduce(0) { $0 + $1.conversions }
    }

    // MARK: Exposition

    static func escapeLabel(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    static func labelText(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// Prometheus text exposition format 0.0.4; families without series are omitted.
    public func prometheusText() -> String {
        let sorted = series.sorted { $0.key < $1.key }
        var out = ""
        func header(_ name: String, _ help: String, _ type: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        if !sorted.isEmpty {
            header("conversions_total", "Requests that led to a user conversion (mirrored requests never convert).", "counter")
            for (labels, entry) in sorted {
                out += "conversions_total\(Self.labelText(labels.pairs)) \(entry.conversions)\n"
            }
            header("http_request_duration_seconds", "Time to serve HTTP requests.", "histogram")
            for (labels, entry) in sorted {
                var cumulative = 0
                for (index, bound) in (buckets + [Double.infinity]).enumerated() {
                    cumulative += entry.bucketCounts[index]
                    out += "http_request_duration_seconds_bucket\(Self.labelText(labels.pairs + [("le", formatNumber(bound))])) \(cumulative)\n"
                }
                out += "http_request_duration_seconds_sum\(Self.labelText(labels.pairs)) \(formatNumber(entry.durationSum))\n"
                out += "http_request_duration_seconds_count\(Self.labelText(labels.pairs)) \(entry.durationCount)\n"
            }
            header("http_requests_total", "HTTP requests served, by status code.", "counter")
            for (labels, entry) in sorted {
                for (code, count) in entry.requestsByCode.sorted(by: { $0.key < $1.key }) {
                    out += "http_requests_total\(Self.labelText(labels.pairs + [("code", String(code))])) \(count)\n"
                }
            }
        }
        let withPredictions = sorted.filter { !$0.value.predictions.isEmpty }
        if !withPredictions.isEmpty {
            header("predictions_total", "Model predictions served, by class.", "counter")
            for (labels, entry) in withPredictions {
                for (label, count) in entry.predictions.sorted(by: { $0.key < $1.key }) {
                    out += "predictions_total\(Self.labelText(labels.pairs + [("class", label)])) \(count)\n"
                }
            }
        }
        return out
    }

    /// The same data as JSON: `{"series": [{"labels": {...}, "http_requests_total": {"200": n},
    /// "http_request_duration_seconds": {"buckets": [{"le": "0.005", "count": cumulative}], "sum", "count"},
    /// "conversions_total": n, "predictions_total": {"class": n}}]}`.
    public func json() -> JSONValue {
        let items: [JSONValue] = series.sorted { $0.key < $1.key }.map { labels, entry in
            var labelObject: [String: JSONValue] = [:]
            for (key, value) in labels.pairs { labelObject[key] = .string(value) }
            var cumulative = 0
            var bucketItems: [JSONValue] = []
            for (index, bound) in (buckets + [Double.infinity]).enumerated() {
                cumulative += entry.bucketCounts[index]
                bucketItems.append(["le": .string(formatNumber(bound)), "count": .integer(Int64(cumulative))])
            }
            return .object([
                "labels": .object(labelObject),
                "http_requests_total": .object(Dictionary(uniqueKeysWithValues: entry.requestsByCode.map {
                    (String($0.key), JSONValue.integer(Int64($0.value)))
                })),
                "http_request_duration_seconds": [
                    "buckets": .array(bucketItems),
                    "sum": .double(entry.durationSum),
                    "count": .integer(Int64(entry.durationCount)),
                ],
                "conversions_total": .integer(Int64(entry.conversions)),
                "predictions_total": .object(entry.predictions.mapValues { .integer(Int64($0)) }),
            ])
        }
        return ["series": .array(items)]
    }
}
