import SluiceAPI

/// One metric the canary judge compares between canary and baseline.
public struct JudgedMetric: Sendable, Hashable, Codable {
    /// What is observed per arm, and so which tests judge it: the spec's kinds (SluiceAPI).
    public typealias Kind = JudgedMetricSpec.Kind
    /// Which direction of change is a regression: the spec's (SluiceAPI).
    public typealias Worse = JudgedMetricSpec.Worse

    /// The metric's name, as the observations are keyed.
    public var name: String
    public var kind: Kind
    /// Which direction fails the canary; the other direction never does.
    public var worse: Worse
    /// The largest regression accepted as "no regression", in the effect's unit (difference of
    /// ratios for counts, of means for moments, of the quantile for histograms). With it the
    /// metric can pass early, once the data rule out anything worse; without it, it passes only at
    /// `plannedSamplesPerArm`.
    public var tolerance: Double?
    /// The horizon: samples per arm (of the smaller arm) after which the metric passes if no
    /// regression was found. Also tunes the mixtures.
    public var plannedSamplesPerArm: Int
    /// For histograms, the quantile whose shift is reported (and held to `tolerance`).
    public var quantile: Double

    /// A judged metric; `quantile` matters for histograms only.
    public init(name: String, kind: Kind, worse: Worse = .higher, tolerance: Double? = nil,
                plannedSamplesPerArm: Int = 10_000, quantile: Double = 0.99) {
        self.name = name
        self.kind = kind
        self.worse = worse
        self.tolerance = tolerance
        self.plannedSamplesPerArm = plannedSamplesPerArm
        self.quantile = quantile
    }
}

/// How the canary judge decides: the metrics, the levels, the minimum sample.
public struct JudgeConfiguration: Sendable, Hashable, Codable {
    /// The metrics, judged together (Holm across them).
    public var metrics: [JudgedMetric]
    /// Family-wise error rate for failing a canary that is not worse: the chance, over the whole
    /// analysis however often it looks, of a false Fail.
    public var alpha: Double
    /// No verdict before every metric has this many samples in each arm.
    public var minimumSamplesPerArm: Int
    /// Level of the sequential sample-ratio-mismatch check (strict, as is conventional).
    public var sampleRatioAlpha: Double
    /// Requests the sample-ratio check's mixture is tuned for.
    public var plannedRequests: Int

    /// A configuration; `validate()` checks it.
    public init(metrics: [JudgedMetric], alpha: Double = 0.05, minimumSamplesPerArm: Int = 100,
                sampleRatioAlpha: Double = 0.001, plannedRequests: Int = 10_000) {
        self.metrics = metrics
        self.alpha = alpha
        self.minimumSamplesPerArm = minimumSamplesPerArm
        self.sampleRatioAlpha = sampleRatioAlpha
        self.plannedRequests = plannedRequests
    }

    /// Throws `JudgeError.invalidConfiguration` naming the first field out of range.
    public func validate() throws {
        try JudgeError.require(!metrics.isEmpty, "metrics", "must list at least one metric")
        try JudgeError.requireOpenUnit(alpha, "alpha")
        try JudgeError.require(alpha < 0.5, "alpha", "must be below 0.5 for one-sided tests, got \(alpha)")
        try JudgeError.requireOpenUnit(sampleRatioAlpha, "sampleRatioAlpha")
        try JudgeError.require(minimumSamplesPerArm >= 1, "minimumSamplesPerArm", "must be ≥ 1, got \(minimumSamplesPerArm)")
        try JudgeError.require(plannedRequests >= 100, "plannedRequests", "must be ≥ 100, got \(plannedRequests)")
        var seen = Set<String>()
        for (index, metric) in metrics.enumerated() {
            let path = "metrics[\(index)]"
            try JudgeError.require(!metric.name.isEmpty, "\(path).name", "must not be empty")
            try JudgeError.require(seen.insert(metric.name).inserted, "\(path).name", "duplicates metric \(metric.name)")
            if let tolerance = metric.tolerance {
                try JudgeError.require(tolerance.isFinite && tolerance >= 0, "\(path).tolerance",
                                       "must be finite and ≥ 0 (a size of regression, not a direction), got \(tolerance)")
            }
            try JudgeError.require(metric.plannedSamplesPerArm >= minimumSamplesPerArm, "\(path).plannedSamplesPerArm",
                                   "must be ≥ minimumSamplesPerArm (\(minimumSamplesPerArm)), got \(metric.plannedSamplesPerArm)")
            try JudgeError.require(metric.plannedSamplesPerArm >= 20, "\(path).plannedSamplesPerArm",
                                   "must be ≥ 20, got \(metric.plannedSamplesPerArm)")
            if metric.kind == .histogram { try JudgeError.requireOpenUnit(metric.quantile, "\(path).quantile") }
        }
    }
}
