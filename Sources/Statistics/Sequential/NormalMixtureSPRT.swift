#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two-sample mixture sequential probability ratio test (mSPRT) for a difference of means, with
/// its confidence sequence; valid however often it is looked at.
///
/// With Δ̂ = x̄_canary − x̄_baseline and V = σ²_baseline / n_baseline + σ²_canary / n_canary (σ²
/// known, or supplied at each look), Δ̂ ~ N(Δ, V). Mixing the likelihood ratio of Δ against
/// θ₀ over Δ ~ N(θ₀, τ²) gives
///
///     Λ = √(V / (V + τ²)) · exp(τ² (Δ̂ − θ₀)² / (2 V (V + τ²)))
///
/// (Robbins 1970; Johari, Koomen, Pekelis & Walsh, "Always valid inference: continuous monitoring
/// of A/B tests", Operations Research 70(3), 2022). Λ is a nonnegative martingale with mean 1
/// under H₀: Δ = θ₀, so by Ville's inequality P(sup Λ ≥ 1/α) ≤ α whenever and however often one
/// looks. The always-valid p-value is the running minimum over looks of min(1, 1/Λ).
///
/// Inverting the test at every θ₀ gives the (1 − α) confidence sequence
///
///     Δ̂ ± √(V (V + τ²) / τ² · (log((V + τ²) / V) − 2 log α)),
///
/// which covers Δ at all looks simultaneously with probability ≥ 1 − α, so it may be intersected
/// over looks (running maximum of the lower and minimum of the upper bound; Howard, Ramdas,
/// McAuliffe & Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences",
/// Ann. Statist. 49(2), 2021). An empty intersection (lower > upper) happens with probability
/// ≤ α under the model and means the data contradict it (e.g. the variance is misstated).
///
/// τ² sets the effect size the test is tuned to; `MixtureTuning.normalMixtureVariance` picks the
/// τ² that makes the sequence tightest at a planned sample size. State is O(1): the controller
/// keeps the value in status and calls `update` at every look.
public struct NormalMixtureSPRT: Sendable, Hashable, Codable {
    /// Cumulative summary of one arm at a look: sample size, mean and (known or estimated)
    /// variance of a single observation.
    public struct Arm: Sendable, Hashable, Codable {
        /// Observations so far (≥ 1).
        public var count: Int
        /// Their mean.
        public var mean: Double
        /// Variance σ² of one observation (known, or estimated at this look).
        public var variance: Double

        /// A summary of `count` observations.
        public init(count: Int, mean: Double, variance: Double) {
            self.count = count
            self.mean = mean
            self.variance = variance
        }
    }

    /// A closed interval [lower, upper]; lower > upper means the sequence became empty.
    public struct Interval: Sendable, Hashable, Codable {
        /// Lower bound.
        public var lower: Double
        /// Upper bound.
        public var upper: Double

        /// The interval [lower, upper].
        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// Mixture variance τ² > 0.
    public let tau2: Double
    /// Significance level α: reject when the p-value is ≤ α; the sequence has coverage 1 − α.
    public let alpha: Double
    /// Null difference θ₀ (canary − baseline) the p-value tests.
    public let nullDifference: Double
    /// Number of looks so far.
    public private(set) var looks = 0
    /// Δ̂ at the latest look.
    public private(set) var difference = 0.0
    /// V at the latest look (0 before the first).
    public private(set) var variance = 0.0
    /// log Λ at the latest look (0 before the first).
    public private(set) var logLikelihoodRatio = 0.0
    /// Running minimum over looks of min(1, 1/Λ).
    public private(set) var pValue = 1.0
    /// Intersection over looks of the (1 − α) confidence intervals for Δ; nil before the first look.
    public private(set) var confidenceSequence: Interval?

    /// Whether H₀: Δ = θ₀ is rejected at α (equivalently sup Λ ≥ 1/α).
    public var rejected: Bool { pValue <= alpha }

    /// A test with mixture variance `tau2`, level `alpha` and null difference `nullDifference`.
    public init(tau2: Double, alpha: Double = 0.05, nullDifference: Double = 0) throws {
        try StatisticsError.positive(tau2, "tau2")
        try StatisticsError.openUnit(alpha, "alpha")
        try StatisticsError.finite(nullDifference, "nullDifference")
        self.tau2 = tau2
        self.alpha = alpha
        self.nullDifference = nullDifference
    }

    /// One look from cumulative arm summaries (totals since the start, not increments):
    /// Δ̂ = canary.mean − baseline.mean, V = baseline.variance / baseline.count + canary.variance / canary.count.
    public mutating func update(baseline: Arm, canary: Arm) throws {
        for (arm, name) in [(baseline, "baseline"), (canary, "canary")] {
            try StatisticsError.check(arm.count >= 1, "\(name).count must be ≥ 1, got \(arm.count)")
            try StatisticsError.finite(arm.mean, "\(name).mean")
            try StatisticsError.nonNegative(arm.variance, "\(name).variance")
        }
        try update(difference: canary.mean - baseline.mean,
                   variance: baseline.variance / Double(baseline.count) + canary.variance / Double(canary.count))
    }

    /// One look from the estimate Δ̂ and its variance V directly.
    public mutating func update(difference: Double, variance: Double) throws {
        try StatisticsError.finite(difference, "difference")
        try StatisticsError.check(variance.isFinite && variance > 0,
                                       "variance of the difference must be finite and > 0, got \(variance)")
        let logLR = Self.logLikelihoodRatio(difference: difference - nullDifference, variance: variance, tau2: tau2)
        let radius = Self.radius(variance: variance, tau2: tau2, alpha: alpha)
        try StatisticsError.check(!logLR.isNaN && radius.isFinite,
                                       "variance \(variance) with tau2 \(tau2) is out of the representable range")
        looks += 1
        self.difference = difference
        self.variance = variance
        logLikelihoodRatio = logLR
        pValue = min(pValue, exp(-logLR))
        let interval = Interval(lower: difference - radius, upper: difference + radius)
        if let previous = confidenceSequence {
            confidenceSequence = Interval(lower: max(previous.lower, interval.lower), upper: min(previous.upper, interval.upper))
        } else {
            confidenceSequence = interval
        }
    }

    /// log Λ = ½ log(V / (V + τ²)) + τ² d² / (2 V (V + τ²)) for an observed deviation d = Δ̂ − θ₀.
    public static func logLikelihoodRatio(difference d: Double, variance v: Double, tau2: Double) -> Double {
        -0.5 * log1p(tau2 / v) + tau2 * d * d / (2 * v * (v + tau2))
    }

    /// Half-width √(V (V + τ²) / τ² · (log((V + τ²) / V) − 2 log α)) of the (1 − α) interval at one look.
    public static func radius(variance v: Double, tau2: Double, alpha: Double) -> Double {
        (v * (v + tau2) / tau2 * (log1p(tau2 / v) - 2 * log(alpha))).squareRoot()
    }
}
