#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Statistics

/// What one metric's evidence says at a look, before the judge combines the metrics.
struct MetricLook {
    /// Canary − baseline in the metric's unit (ratio, mean, quantile); nil before any data.
    var effect: Double?
    /// The confidence sequence for the effect, when the metric has one.
    var confidenceSequence: NormalMixtureSPRT.Interval?
    /// Always-valid p-value for "canary no worse".
    var pValue: Double
    var samples: ArmPair<Int>
    /// Whether the metric's pass rule holds (enough data and no regression beyond tolerance).
    var meetsPassRule: Bool
    /// A short account of the figures for the reason texts.
    var detail: String
}

/// A metric's running evidence, O(1) in the number of looks.
enum MetricEvidence: Sendable, Hashable, Codable {
    case counts(CountsEvidence)
    case histogram(HistogramEvidence)
    case moments(MomentsEvidence)

    init(kind: JudgedMetric.Kind) {
        switch kind {
        case .counts: self = .counts(CountsEvidence())
        case .histogram: self = .histogram(HistogramEvidence())
        case .moments: self = .moments(MomentsEvidence())
        }
    }

    var kind: JudgedMetric.Kind {
        switch self {
        case .counts: .counts
        case .histogram: .histogram
        case .moments: .moments
        }
    }

    mutating func update(_ observation: MetricObservation, metric: JudgedMetric, context: LookContext) throws -> MetricLook {
        switch (self, observation) {
        case (.counts(var evidence), .counts(let pair)):
            let look = try evidence.update(pair, metric: metric, context: context)
            self = .counts(evidence)
            return look
        case (.histogram(var evidence), .histogram(let pair)):
            let look = try evidence.update(pair, metric: metric, context: context)
            self = .histogram(evidence)
            return look
        case (.moments(var evidence), .moments(let pair)):
            let look = try evidence.update(pair, metric: metric, context: context)
            self = .moments(evidence)
            return look
        default:
            throw JudgeError.wrongKind(metric: metric.name, expected: kind.rawValue, got: observation.kind.rawValue)
        }
    }
}

/// What every metric's update needs to know about the look.
struct LookContext {
    /// Canary share of the traffic, in (0, 1).
    var canaryShare: Double
    /// Level of each metric's confidence sequence: α / m, so that all m hold together.
    var perMetricAlpha: Double
    var minimumSamplesPerArm: Int
}

private func regressionSide(_ difference: Double, _ worse: JudgedMetric.Worse) -> Bool {
    worse == .higher ? difference > 0 : difference < 0
}

/// Whether the confidence sequence rules out a regression larger than `tolerance`.
private func excludesRegression(_ interval: NormalMixtureSPRT.Interval?, beyond tolerance: Double?, _ worse: JudgedMetric.Worse) -> Bool {
    guard let interval, let tolerance, interval.lower <= interval.upper else { return false }
    return worse == .higher ? interval.upper <= tolerance : interval.lower >= -tolerance
}

private func format(_ value: Double) -> String {
    value.formatted(significantDigits: 4)
}

/// Counts: the Bernoulli mixture SPRT on p_canary − p_baseline (effect, confidence sequence) and
/// the one-sided Poisson two-arm Bayes factor on the events, which is exact for small counts. The
/// metric's p-value is the Bonferroni combination min(1, 2 min(p_Bernoulli, p_Poisson)).
struct CountsEvidence: Sendable, Hashable, Codable {
    /// Cumulative counts at the previous look.
    private(set) var previous: ArmPair<EventCounts>?
    /// Created once every arm has 5 events and 5 non-events, with τ² tuned to the pooled ratio
    /// then and the planned sample (a nuisance parameter, not the effect).
    private(set) var bernoulli: BernoulliMixtureSPRT?
    private(set) var bernoulliRegression = DirectionalPValue()
    private(set) var poisson: SegmentedPoissonEvidence?

    mutating func update(_ pair: ArmPair<EventCounts>, metric: JudgedMetric, context: LookContext) throws -> MetricLook {
        try pair.baseline.validate("metric \(metric.name), baseline")
        try pair.canary.validate("metric \(metric.name), canary")
        let before = previous ?? ArmPair(baseline: EventCounts(events: 0, total: 0), canary: EventCounts(events: 0, total: 0))
        for (now, then, arm) in [(pair.baseline, before.baseline, "baseline"), (pair.canary, before.canary, "canary")]
        where now.events < then.events || now.total < then.total {
            throw JudgeError.invalidObservation(
                "metric \(metric.name), \(arm): cumulative counts went down from \(then.events)/\(then.total) to \(now.events)/\(now.total); counts must be totals since the canary started")
        }
        let increments = ArmPair(
            baseline: (events: pair.baseline.events - before.baseline.events, total: pair.baseline.total - before.baseline.total),
            canary: (events: pair.canary.events - before.canary.events, total: pair.canary.total - before.canary.total))

        try JudgeError.naming(metric.name) {
            // Poisson: "the worse arm has more events than its share of the traffic".
            if metric.worse == .higher {
                if poisson == nil { poisson = try SegmentedPoissonEvidence(share: context.canaryShare, alpha: context.perMetricAlpha) }
                try poisson!.update(share: context.canaryShare, testedEvents: increments.canary.events,
                                    otherEvents: increments.baseline.events)
            } else {
                if poisson == nil { poisson = try SegmentedPoissonEvidence(share: 1 - context.canaryShare, alpha: context.perMetricAlpha) }
                try poisson!.update(share: 1 - context.canaryShare, testedEvents: increments.baseline.events,
                                    otherEvents: increments.canary.events)
            }

            if var test = bernoulli {
                try test.update(baselineSuccesses: increments.baseline.events, baselineTrials: increments.baseline.total,
                                canarySuccesses: increments.canary.events, canaryTrials: increments.canary.total)
                bernoulli = test
            } else if Self.meaningful(pair) {
                let pooled = Double(pair.baseline.events + pair.canary.events) / Double(pair.baseline.total + pair.canary.total)
                let tau2 = try MixtureTuning.bernoulliMixtureVariance(
                    rate: pooled, plannedSamplesPerArm: Double(metric.plannedSamplesPerArm), alpha: context.perMetricAlpha)
                var test = try BernoulliMixtureSPRT(tau2: tau2, alpha: context.perMetricAlpha)
                try test.update(baselineSuccesses: pair.baseline.events, baselineTrials: pair.baseline.total,
                                canarySuccesses: pair.canary.events, canaryTrials: pair.canary.total)
                bernoulli = test
            }
            if let test = bernoulli, test.isMeaningful, test.normal.looks > 0 {
                bernoulliRegression.record(logLikelihoodRatio: test.logLikelihoodRatio,
                                           regressionSide: regressionSide(test.normal.difference, metric.worse))
            }
        }
        previous = pair

        let samples = pair.map(\.total)
        let pValue = min(1, 2 * min(bernoulliRegression.value, poisson?.pValue ?? 1))
        let effect: Double? = samples.baseline > 0 && samples.canary > 0 ? pair.canary.ratio - pair.baseline.ratio : nil
        let interval = bernoulli.flatMap { $0.isMeaningful ? $0.confidenceSequence : nil }
        let enough = min(samples.baseline, samples.canary) >= context.minimumSamplesPerArm
        let horizon = min(samples.baseline, samples.canary) >= metric.plannedSamplesPerArm
        var detail = "canary \(pair.canary.events)/\(pair.canary.total) (\(format(100 * pair.canary.ratio))%) vs baseline "
            + "\(pair.baseline.events)/\(pair.baseline.total) (\(format(100 * pair.baseline.ratio))%)"
        if let interval { detail += ", difference in [\(format(interval.lower)), \(format(interval.upper))]" }
        detail += "; Poisson p = \(format(poisson?.pValue ?? 1)), Bernoulli p = \(format(bernoulliRegression.value))"
        return MetricLook(effect: effect, confidenceSequence: interval, pValue: pValue, samples: samples,
                          meetsPassRule: enough && (horizon || excludesRegression(interval, beyond: metric.tolerance, metric.worse)),
                          detail: detail)
    }

    /// Every arm has ≥ 5 events and ≥ 5 non-events (`BernoulliMixtureSPRT`'s default minimum).
    private static func meaningful(_ pair: ArmPair<EventCounts>) -> Bool {
        [pair.baseline, pair.canary].allSatisfy { $0.events >= 5 && $0.total - $0.events >= 5 }
    }
}

/// Moments: the normal mixture SPRT on mean_canary − mean_baseline with variances estimated from
/// the sums of squares at each look.
struct MomentsEvidence: Sendable, Hashable, Codable {
    /// Created at the first look where both arms have the minimum sample and a positive
    /// variance, with τ² tuned to those variances and the planned sample.
    private(set) var test: NormalMixtureSPRT?
    private(set) var regression = DirectionalPValue()

    mutating func update(_ pair: ArmPair<Moments>, metric: JudgedMetric, context: LookContext) throws -> MetricLook {
        try pair.baseline.validate("metric \(metric.name), baseline")
        try pair.canary.validate("metric \(metric.name), canary")
        let samples = pair.map(\.count)
        let enough = min(samples.baseline, samples.canary) >= max(2, context.minimumSamplesPerArm)
        let variance = pair.baseline.variance / Double(max(1, samples.baseline)) + pair.canary.variance / Double(max(1, samples.canary))
        if enough && variance > 0 {
            try JudgeError.naming(metric.name) {
                if test == nil {
                    let tau2 = try MixtureTuning.normalMixtureVariance(
                        plannedVariance: (pair.baseline.variance + pair.canary.variance) / Double(metric.plannedSamplesPerArm),
                        alpha: context.perMetricAlpha)
                    test = try NormalMixtureSPRT(tau2: tau2, alpha: context.perMetricAlpha)
                }
                try test!.update(difference: pair.canary.mean - pair.baseline.mean, variance: variance)
                regression.record(logLikelihoodRatio: test!.logLikelihoodRatio,
                                  regressionSide: regressionSide(test!.difference, metric.worse))
            }
        }
        let effect: Double? = samples.baseline > 0 && samples.canary > 0 ? pair.canary.mean - pair.baseline.mean : nil
        let interval = test?.confidenceSequence
        let horizon = min(samples.baseline, samples.canary) >= metric.plannedSamplesPerArm
        var detail = "canary mean \(format(pair.canary.mean)) vs baseline \(format(pair.baseline.mean))"
        if let interval { detail += ", difference in [\(format(interval.lower)), \(format(interval.upper))]" }
        return MetricLook(effect: effect, confidenceSequence: interval, pValue: regression.value, samples: samples,
                          meetsPassRule: enough && (horizon || excludesRegression(interval, beyond: metric.tolerance, metric.worse)),
                          detail: detail)
    }
}

/// Histograms: the Mann-Whitney U test on the bucket counts (one-sided: the canary
/// stochastically worse), made valid under repeated looks by weighted Bonferroni over a
/// geometric look schedule.
///
/// The U test is fixed-horizon: its p-value is valid at a sample size chosen in advance, not at
/// a look chosen because the data look bad. So it is only *counted* at looks fixed by the sample
/// size alone: the first look with the minimum sample per arm, every look where the smaller arm
/// has at least doubled since the last counted one, and the first look at the planned horizon.
/// Counted look j spends wⱼ = 6/(π² j²) of α (Σ wⱼ = 1), and the metric's p-value is
/// min over counted looks of pⱼ / wⱼ: P(some pⱼ ≤ wⱼ α) ≤ Σ wⱼ α = α under H₀, whatever the
/// dependence between looks. Doubling keeps the number of counted looks logarithmic in the
/// sample (about 10 from 100 to 100,000 per arm), so the spending costs little power, where
/// Bonferroni over every look (one every few seconds) would cost nearly all. Looks in between
/// update the reported quantile shift only.
struct HistogramEvidence: Sendable, Hashable, Codable {
    private(set) var countedLooks = 0
    /// Smaller arm's sample at the last counted look.
    private(set) var lastCountedSamples = 0
    /// min over counted looks of pⱼ / wⱼ, capped at 1.
    private(set) var pValue = 1.0
    /// The U test's p-value at the last counted look.
    private(set) var lastMannWhitneyPValue: Double?

    /// The share of α that counted look `j` (from 1) spends.
    static func spending(look j: Int) -> Double { 6 / (Double.pi * Double.pi * Double(j * j)) }

    mutating func update(_ pair: ArmPair<CumulativeHistogram>, metric: JudgedMetric, context: LookContext) throws -> MetricLook {
        try pair.baseline.validate("metric \(metric.name), baseline")
        try pair.canary.validate("metric \(metric.name), canary")
        guard pair.baseline.upperBounds == pair.canary.upperBounds else {
            throw JudgeError.invalidObservation(
                "metric \(metric.name): canary and baseline histograms have different buckets (\(pair.canary.upperBounds) vs \(pair.baseline.upperBounds))")
        }
        let samples = pair.map(\.count)
        let smaller = min(samples.baseline, samples.canary)
        let enough = smaller >= context.minimumSamplesPerArm
        let horizon = smaller >= metric.plannedSamplesPerArm
        let scheduled = countedLooks == 0 || smaller >= 2 * lastCountedSamples
            || (horizon && lastCountedSamples < metric.plannedSamplesPerArm)
        if enough && scheduled {
            countedLooks += 1
            lastCountedSamples = smaller
            let canaryBuckets = pair.canary.bucketCounts, baselineBuckets = pair.baseline.bucketCounts
            let occupied = zip(canaryBuckets, baselineBuckets).filter { $0 + $1 > 0 }.count
            // Every observation in one bucket: the U statistic has no variance and there is no
            // evidence of a shift.
            let p = occupied <= 1 ? 1 : try JudgeError.naming(metric.name) {
                try MannWhitney.test(histogramCounts: canaryBuckets, baselineBuckets,
                                     alternative: metric.worse == .higher ? .greater : .less).pValue
            }
            lastMannWhitneyPValue = p
            pValue = min(pValue, min(1, p / Self.spending(look: countedLooks)))
        }
        let q = metric.quantile
        let shift: Double? = pair.canary.quantile(q).flatMap { c in pair.baseline.quantile(q).map { c - $0 } }
        var withinTolerance = true
        if let tolerance = metric.tolerance {
            guard let shift else { return look(nil, samples, false, metric) }
            withinTolerance = metric.worse == .higher ? shift <= tolerance : shift >= -tolerance
        }
        return look(shift, samples, enough && horizon && withinTolerance, metric)
    }

    private func look(_ shift: Double?, _ samples: ArmPair<Int>, _ passes: Bool, _ metric: JudgedMetric) -> MetricLook {
        var detail = "p\(format(100 * metric.quantile)) shift \(shift.map(format) ?? "unknown")"
        if let last = lastMannWhitneyPValue { detail += ", Mann-Whitney p = \(format(last)) at counted look \(countedLooks)" }
        return MetricLook(effect: shift, confidenceSequence: nil, pValue: pValue, samples: samples, meetsPassRule: passes,
                          detail: detail)
    }
}

extension Double {
    /// The value rounded to `significantDigits` significant digits, trailing zeros dropped:
    /// positional for magnitudes in [1e-4, 1e9), otherwise with an exponent (`1.23e-07`).
    /// Hand-rolled: the judge formats its reasons at every look, and Foundation's
    /// `String(format:)` would dominate the cost of a look.
    func formatted(significantDigits digits: Int) -> String {
        guard isFinite else { return "\(self)" }
        if self == 0 { return "0" }
        let sign = self < 0 ? "-" : ""
        let magnitude = abs(self)
        var exponent = Int(log10(magnitude).rounded(.down))
        if magnitude >= 1e-4 && magnitude < 1e9 {
            let decimals = max(0, digits - 1 - exponent)
            let scaled = Int((magnitude * Self.powerOfTen(decimals)).rounded())
            return sign + Self.insertPoint(String(scaled), decimals: decimals)
        }
        var mantissa = Int((magnitude / Self.powerOfTen(exponent) * Self.powerOfTen(digits - 1)).rounded())
        if mantissa >= Int(Self.powerOfTen(digits)) {
            mantissa /= 10
            exponent += 1
        }
        let exponentText = String(abs(exponent))
        return sign + Self.insertPoint(String(mantissa), decimals: digits - 1) + "e" + (exponent < 0 ? "-" : "+")
            + (exponentText.count < 2 ? "0" : "") + exponentText
    }

    private static func powerOfTen(_ n: Int) -> Double {
        n >= 0 ? pow(10, Double(n)) : 1 / pow(10, Double(-n))
    }

    /// `digits` (an integer's text) with a decimal point `decimals` places from the right,
    /// trailing zeros after the point dropped.
    private static func insertPoint(_ digits: String, decimals: Int) -> String {
        guard decimals > 0 else { return digits }
        var text = digits
        if text.count <= decimals { text = String(repeating: "0", count: decimals - text.count + 1) + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
