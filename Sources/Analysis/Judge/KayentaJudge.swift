import Foundation
import SluiceAPI
import Statistics

/// A Kayenta-compatible judge, for teams migrating from Spinnaker: the semantics of Kayenta's
/// `NetflixACAJudge-v1.0` (kayenta-judge: `NetflixACAJudge`, `MannWhitneyClassifier`,
/// `WeightedSumScorer`, `ThresholdScoreClassifier`, `IQRDetector`) over the time series of each
/// metric per arm (one value per query step), judged once over the whole interval.
///
/// Per metric:
/// 1. NaNs are removed (or, with `.replace`, set to 0), then outliers beyond
///    [min(P1, Q1 − 3·IQR), max(P99, Q3 + 3·IQR)] are removed (percentiles as Apache Commons
///    Math's `StatUtils.percentile`, the legacy estimator: position p(n + 1)/100, linear between
///    order statistics, clamped to the extremes).
/// 2. Either arm empty: `Nodata` (critical if the metric is), or `NodataFailMetric` when the
///    metric must have data and is not critical; with `.replace`, `Pass`. Identical data (as
///    multisets), or a single distinct value overall: `Pass`.
/// 3. The Hodges-Lehmann shift of canary over baseline with its 98% interval (R's
///    `wilcox.test(conf.int = TRUE, correct = TRUE, exact = FALSE)`, `HodgesLehmann`); when each
///    arm is constant, Gaussian noise of standard deviation 1e-5 × the value is added first, as
///    Kayenta does — from a fixed-seed generator here, so the judge is deterministic.
/// 4. Deviation = mean(canary) / mean(baseline) (1 when the baseline mean is 0). `High` when the
///    direction allows an increase, the interval's lower bound exceeds 0.25 × |estimate| and the
///    deviation is ≥ `allowedIncrease`; `Low` symmetrically (upper bound < −0.25 × |estimate|,
///    deviation ≤ `allowedDecrease`); otherwise `Pass`. A critical metric's High (Low) is
///    critical when the deviation is ≥ `criticalIncrease` (≤ `criticalDecrease`). A computation
///    that fails is `Error`.
///
/// Scores: a group's score is 100 × Pass / (Pass + High + Low + NodataFailMetric) of its
/// metrics (a group with none of those counts as 100 in the summary); the summary is the sum of
/// group scores × weight / 100, groups without a configured weight sharing (100 − Σ weights)
/// equally, rounded half-up to 2 decimals. A critical failure, or Nodata on ≥ 50% of the
/// metrics, scores 0. The summary is `Pass` at ≥ `passThreshold`, `Marginal` at ≥
/// `marginalThreshold`, else `Fail`; Sluice maps Marginal to Inconclusive.
public enum KayentaJudge {
    /// Kayenta's classifier constants: the CI level and the tolerance on the estimate.
    public static let confidenceLevel = 0.98
    public static let tolerance = 0.25

    /// Which change counts against the canary (Kayenta `direction`).
    public typealias Direction = KayentaMetricSpec.Direction

    /// What happens to NaN values (Kayenta `nanStrategy`).
    public typealias NaNStrategy = KayentaMetricSpec.NaNStrategy

    /// One metric's classification settings (Kayenta's `analysisConfigurations.canary`).
    public struct MetricConfiguration: Sendable, Hashable, Codable {
        public var name: String
        public var groups: [String]
        public var direction: Direction
        public var nanStrategy: NaNStrategy
        public var critical: Bool
        public var mustHaveData: Bool
        /// `effectSize.allowedIncrease` / `allowedDecrease`: deviation bounds for High / Low.
        public var allowedIncrease: Double
        public var allowedDecrease: Double
        /// `effectSize.criticalIncrease` / `criticalDecrease`.
        public var criticalIncrease: Double
        public var criticalDecrease: Double

        public init(name: String, groups: [String], direction: Direction = .either, nanStrategy: NaNStrategy = .remove,
                    critical: Bool = false, mustHaveData: Bool = false, allowedIncrease: Double = 1, allowedDecrease: Double = 1,
                    criticalIncrease: Double = 1, criticalDecrease: Double = 1) {
            self.name = name
            self.groups = groups
            self.direction = direction
            self.nanStrategy = nanStrategy
            self.critical = critical
            self.mustHaveData = mustHaveData
            self.allowedIncrease = allowedIncrease
            self.allowedDecrease = allowedDecrease
            self.criticalIncrease = criticalIncrease
            self.criticalDecrease = criticalDecrease
        }
    }

    /// The canary config's classifier: metrics, group weights and score thresholds.
    public struct Configuration: Sendable, Hashable, Codable {
        public var metrics: [MetricConfiguration]
        /// Percent weight per group; groups not listed share the rest equally.
        public var groupWeights: [String: Double]
        /// Summary score for Pass, and for Marginal.
        public var passThreshold: Double
        public var marginalThreshold: Double

        public init(metrics: [MetricConfiguration], groupWeights: [String: Double] = [:], passThreshold: Double = 95,
                    marginalThreshold: Double = 75) {
            self.metrics = metrics
            self.groupWeights = groupWeights
            self.passThreshold = passThreshold
            self.marginalThreshold = marginalThreshold
        }

        /// Throws `JudgeError.invalidConfiguration` naming the first bad field.
        public func validate() throws {
            try JudgeError.require(!metrics.isEmpty, "metrics", "must list at least one metric")
            var seen = Set<String>()
            for (index, metric) in metrics.enumerated() {
                try JudgeError.require(!metric.name.isEmpty, "metrics[\(index)].name", "must not be empty")
                try JudgeError.require(seen.insert(metric.name).inserted, "metrics[\(index)].name", "duplicates metric \(metric.name)")
                for (field, value) in [("allowedIncrease", metric.allowedIncrease), ("allowedDecrease", metric.allowedDecrease),
                                       ("criticalIncrease", metric.criticalIncrease), ("criticalDecrease", metric.criticalDecrease)] {
                    try JudgeError.require(value.isFinite && value >= 0, "metrics[\(index)].effectSize.\(field)",
                                           "must be a finite ratio ≥ 0, got \(value)")
                }
            }
            for (group, weight) in groupWeights.sorted(by: { $0.key < $1.key }) {
                try JudgeError.require(weight.isFinite && weight >= 0, "groupWeights.\(group)", "must be finite and ≥ 0, got \(weight)")
            }
            let total = groupWeights.values.reduce(0, +)
            try JudgeError.require(total <= 100, "groupWeights", "must sum to at most 100, got \(total)")
            try JudgeError.require(passThreshold.isFinite && passThreshold >= 0 && passThreshold <= 100, "passThreshold",
                                   "must be in [0, 100], got \(passThreshold)")
            try JudgeError.require(marginalThreshold.isFinite && marginalThreshold >= 0 && marginalThreshold <= passThreshold,
                                   "marginalThreshold", "must be in [0, passThreshold], got \(marginalThreshold)")
        }
    }

    /// A metric's classification (Kayenta's labels).
    public enum Classification: String, Sendable, Hashable, Codable, CaseIterable {
        case pass = "Pass", high = "High", low = "Low", nodata = "Nodata", nodataFailMetric = "NodataFailMetric", error = "Error"
    }

    /// The summary classification.
    public enum ScoreClassification: String, Sendable, Hashable, Codable, CaseIterable {
        case pass = "Pass", marginal = "Marginal", fail = "Fail"
    }

    /// One metric's result.
    public struct MetricResult: Sendable, Hashable, Codable {
        public var name: String
        public var classification: Classification
        public var reason: String?
        /// A critical failure: scores the canary 0.
        public var critical: Bool
        /// mean(canary) / mean(baseline) (Kayenta's `ratio`).
        public var deviation: Double
        /// The Hodges-Lehmann shift and its 98% interval, when computed.
        public var estimate: Double?
        public var lower: Double?
        public var upper: Double?
        /// Values left per arm after NaN and outlier removal.
        public var samples: ArmPair<Int>
    }

    /// One group's score.
    public struct GroupScore: Sendable, Hashable, Codable {
        public var name: String
        public var score: Double
        /// No Pass, High, Low or NodataFailMetric in the group.
        public var noData: Bool
    }

    /// The judgement.
    public struct Result: Sendable, Hashable, Codable {
        /// 0–100.
        public var score: Double
        public var classification: ScoreClassification
        public var reason: String?
        /// Sorted by name.
        public var groups: [GroupScore]
        /// In configuration order.
        public var metrics: [MetricResult]

        /// Pass → pass, Marginal → inconclusive, Fail → fail.
        public var verdict: JudgeVerdict {
            switch classification {
            case .pass: .pass
            case .marginal: .inconclusive
            case .fail: .fail
            }
        }
    }

    /// Judges every configured metric on its series per arm (`values[name]`: baseline =
    /// Kayenta's control, canary = its experiment) and scores the canary.
    public static func judge(_ configuration: Configuration, values: [String: ArmPair<[Double]>]) throws -> Result {
        try configuration.validate()
        var results: [MetricResult] = []
        for metric in configuration.metrics {
            guard let series = values[metric.name] else { throw JudgeError.missingObservation(metric: metric.name) }
            results.append(classify(metric, control: series.baseline, experiment: series.canary))
        }
        if let name = Set(values.keys).subtracting(configuration.metrics.map(\.name)).sorted().first {
            throw JudgeError.invalidObservation("metric \(name) has values but is not configured for the Kayenta judge")
        }
        return score(results, configuration: configuration)
    }

    /// Kayenta's per-metric classification (steps 1–4 above).
    public static func classify(_ metric: MetricConfiguration, control rawControl: [Double], experiment rawExperiment: [Double]) -> MetricResult {
        let control = transform(rawControl, metric.nanStrategy)
        let experiment = transform(rawExperiment, metric.nanStrategy)
        let samples = ArmPair(baseline: control.count, canary: experiment.count)
        func result(_ classification: Classification, _ reason: String?, deviation: Double = 1, critical: Bool = false,
                    interval: HodgesLehmann.Result? = nil) -> MetricResult {
            MetricResult(name: metric.name, classification: classification, reason: reason, critical: critical, deviation: deviation,
                         estimate: interval?.estimate, lower: interval?.lower, upper: interval?.upper, samples: samples)
        }
        if experiment.isEmpty || control.isEmpty {
            guard metric.nanStrategy == .remove else { return result(.pass, nil) }
            let reason = "Missing data for \(metric.name)"
            if metric.mustHaveData && !metric.critical { return result(.nodataFailMetric, reason) }
            return result(.nodata, reason, critical: metric.critical)
        }
        if experiment.sorted() == control.sorted() {
            return result(.pass, "The Canary and Baseline data are identical")
        }
        if Set(experiment + control).count == 1 { return result(.pass, nil) }

        // Kayenta adds noise when each arm is constant, so the rank statistics are defined.
        var x = experiment, y = control
        if Set(x).count == 1 && Set(y).count == 1 {
            var random = SeededRandom(seed: 0x4B41_5945_4E54_41)
            x = addNoise(x, &random)
            y = addNoise(y, &random)
        }
        let interval: HodgesLehmann.Result
        do {
            interval = try HodgesLehmann.estimate(experiment: x, control: y, confidenceLevel: confidenceLevel)
        } catch {
            return result(.error, "Metric Classification Failed: \(error)")
        }
        let controlMean = mean(y)
        let deviation = controlMean == 0 ? 1 : mean(x) / controlMean
        let bound = tolerance * abs(interval.estimate)
        let isHigh = metric.direction != .decrease && interval.lower > bound && deviation >= metric.allowedIncrease
        let isLow = metric.direction != .increase && interval.upper < -bound && deviation <= metric.allowedDecrease
        if isHigh {
            let critical = metric.critical && deviation >= metric.criticalIncrease
            return result(.high, "\(metric.name) was classified as High\(critical ? " (Critical)" : "")", deviation: deviation,
                          critical: critical, interval: interval)
        }
        if isLow {
            let critical = metric.critical && deviation <= metric.criticalDecrease
            return result(.low, "\(metric.name) was classified as Low\(critical ? " (Critical)" : "")", deviation: deviation,
                          critical: critical, interval: interval)
        }
        return result(.pass, nil, deviation: deviation, interval: interval)
    }

    /// `WeightedSumScorer` and `ThresholdScoreClassifier`.
    static func score(_ results: [MetricResult], configuration: Configuration) -> Result {
        var labels: [String: [Classification]] = [:]
        for (metric, result) in zip(configuration.metrics, results) {
            for group in metric.groups { labels[group, default: []].append(result.classification) }
        }
        let groups = labels.keys.sorted().map { name -> GroupScore in
            let counted = labels[name]!.filter { [.pass, .high, .low, .nodataFailMetric].contains($0) }
            let passes = counted.filter { $0 == .pass }.count
            return GroupScore(name: name, score: counted.isEmpty ? 0 : 100 * Double(passes) / Double(counted.count),
                              noData: counted.isEmpty)
        }
        let unweighted = groups.filter { configuration.groupWeights[$0.name] == nil }.count
        let sharedWeight = unweighted > 0 ? (100 - configuration.groupWeights.values.reduce(0, +)) / Double(unweighted) : 0

        let score: Double
        var reason: String?
        if let critical = results.first(where: { $0.critical && $0.classification != .pass }) {
            score = 0
            reason = "Canary Failed: \(critical.reason ?? "\(critical.name) was classified as \(critical.classification.rawValue)")"
        } else if Double(results.filter { $0.classification == .nodata }.count) / Double(results.count) * 100 >= 50 {
            score = 0
            reason = "Canary Failed: 50% or more metrics returned NODATA"
        } else {
            var sum = 0.0
            for group in groups {
                sum += (group.noData ? 100 : group.score) * (configuration.groupWeights[group.name] ?? sharedWeight) / 100
            }
            score = (sum * 100).rounded(.toNearestOrAwayFromZero) / 100
        }
        let classification: ScoreClassification =
            score >= configuration.passThreshold ? .pass : score >= configuration.marginalThreshold ? .marginal : .fail
        if reason == nil {
            let flagged = results.filter { $0.classification != .pass }.map { "\($0.name) \($0.classification.rawValue)" }
            reason = "score \(score.formatted(significantDigits: 4)) (pass ≥ \(configuration.passThreshold.formatted(significantDigits: 4)), "
                + "marginal ≥ \(configuration.marginalThreshold.formatted(significantDigits: 4)))"
                + (flagged.isEmpty ? "" : ": \(flagged.joined(separator: ", "))")
        }
        return Result(score: score, classification: classification, reason: reason, groups: groups, metrics: results)
    }

    /// NaN handling, then `IQRDetector(factor: 3, reduceSensitivity: true)`.
    static func transform(_ values: [Double], _ strategy: NaNStrategy) -> [Double] {
        let clean = strategy == .remove ? values.filter { !$0.isNaN } : values.map { $0.isNaN ? 0 : $0 }
        guard !clean.isEmpty else { return clean }
        let sorted = clean.sorted()
        let q1 = percentile(sorted, 25), q3 = percentile(sorted, 75)
        let iqr = q3 - q1
        let lower = min(percentile(sorted, 1), q1 - 3 * iqr)
        let upper = max(percentile(sorted, 99), q3 + 3 * iqr)
        return clean.filter { !($0 > upper || $0 < lower) }
    }

    /// Commons Math `Percentile` with the legacy estimator, on sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let n = sorted.count
        if n == 1 { return sorted[0] }
        let position = p * Double(n + 1) / 100
        if position < 1 { return sorted[0] }
        if position >= Double(n) { return sorted[n - 1] }
        let whole = position.rounded(.down)
        let lower = sorted[Int(whole) - 1], upper = sorted[Int(whole)]
        return lower + (position - whole) * (upper - lower)
    }

    private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    private static func addNoise(_ values: [Double], _ random: inout SeededRandom) -> [Double] {
        let scale = values[0] * 1e-5
        return values.map { value in
            let u1 = (Double(random.next() >> 11) + 1) * 0x1p-53, u2 = Double(random.next() >> 11) * 0x1p-53
            return value + scale * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }
}
