#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Anytime-valid test that canary and baseline produce events (errors, timeouts, crashes) at the
/// same rate per unit of traffic, from counts alone.
///
/// If the events of the two arms are Poisson processes with rates proportional to traffic, and
/// the canary receives a share ρ₀ of the traffic, then given the total, each event lands in the
/// canary independently with probability ρ₀ under H₀ (equal rates), and with some ρ ≠ ρ₀
/// otherwise. For a canary events and b baseline events, the Bayes factor of a Beta(α₁, β₁)
/// mixture over ρ against ρ₀ is
///
///     BF = [B(a + α₁, b + β₁) / B(α₁, β₁)] / (ρ₀^a (1 − ρ₀)^b),
///
/// a nonnegative martingale with mean 1 under H₀ in the order events arrive, so by Ville's
/// inequality the always-valid p-value min(1, 1 / max BF over looks) is valid at every look
/// (Lindon & Malek, "Anytime-valid inference for multinomial count data", NeurIPS 2022; the
/// two-cell case of `DirichletMultinomialTest`). Everything is computed in log space.
///
/// `.canaryHigher` ("canary has MORE events") restricts the mixture to ρ > ρ₀, renormalised with
/// the regularized incomplete beta function; see `BetaMixture` for why this is a test
/// supermartingale for the whole composite null ρ ≤ ρ₀ (canary no worse). It is the test to
/// gate a rollout on: it spends no power on the canary being better.
///
/// ρ₀ is the configured traffic split, not the observed one; the split itself is checked by
/// `SampleRatioMismatchCheck`. The default prior is centred on ρ₀, Beta(cρ₀, c(1 − ρ₀)), with
/// c = `MixtureTuning.betaConcentration(plannedEvents:)`; the default of 100 planned events
/// detects a 2× error-rate regression at 0.1% baseline errors and 10 requests/s per arm within
/// 60 minutes in about 85% of runs at α = 0.05 (one-sided), and a 5× one in a median 5.3 minutes
/// (ContinuousMonitoringSimulationTests).
///
/// `update` takes increments (events since the previous look); the state keeps the totals, O(1).
public struct PoissonRatioTest: Sendable, Hashable, Codable {
    /// Which departures from ρ₀ the mixture covers.
    public enum Alternative: String, Sendable, Hashable, Codable {
        /// ρ ≠ ρ₀: the full Beta prior.
        case twoSided
        /// ρ > ρ₀, the canary has more events: the prior truncated to (ρ₀, 1).
        case canaryHigher
    }

    /// Share ρ₀ of the traffic that goes to the canary.
    public let canaryShare: Double
    /// Beta prior parameters α₁, β₁ of the mixture.
    public let priorAlpha: Double
    public let priorBeta: Double
    /// Two-sided, or one-sided "canary has more events".
    public let alternative: Alternative
    /// Significance level α.
    public let alpha: Double
    /// Cumulative events of each arm.
    public private(set) var canaryEvents = 0
    public private(set) var baselineEvents = 0
    /// Number of looks so far.
    public private(set) var looks = 0
    /// log BF at the latest look (0 before the first).
    public private(set) var logBayesFactor = 0.0
    /// Maximum of log BF over looks, and over the start (BF = 1): always ≥ 0.
    public private(set) var maxLogBayesFactor = 0.0

    /// min(1, 1 / max BF).
    public var pValue: Double { exp(-maxLogBayesFactor) }
    /// Whether H₀ is rejected at α (max BF ≥ 1/α).
    public var rejected: Bool { pValue <= alpha }

    /// A test with the prior centred on ρ₀ and tuned for `plannedEvents` total events.
    public init(canaryShare: Double, alternative: Alternative = .canaryHigher, alpha: Double = 0.05,
                plannedEvents: Double = 100) throws {
        try StatisticsError.openUnit(canaryShare, "canaryShare")
        let c = try MixtureTuning.betaConcentration(plannedEvents: plannedEvents, alpha: alpha,
                                                    oneSided: alternative == .canaryHigher)
        try self.init(canaryShare: canaryShare, priorAlpha: c * canaryShare, priorBeta: c * (1 - canaryShare),
                      alternative: alternative, alpha: alpha)
    }

    /// A test with an explicit Beta(`priorAlpha`, `priorBeta`) mixture.
    public init(canaryShare: Double, priorAlpha: Double, priorBeta: Double,
                alternative: Alternative = .canaryHigher, alpha: Double = 0.05) throws {
        try StatisticsError.openUnit(canaryShare, "canaryShare")
        try StatisticsError.positive(priorAlpha, "priorAlpha")
        try StatisticsError.positive(priorBeta, "priorBeta")
        try StatisticsError.openUnit(alpha, "alpha")
        self.canaryShare = canaryShare
        self.priorAlpha = priorAlpha
        self.priorBeta = priorBeta
        self.alternative = alternative
        self.alpha = alpha
    }

    /// One look: events of each arm since the previous look.
    public mutating func update(canaryEvents a: Int, baselineEvents b: Int) throws {
        try StatisticsError.count(a, "canaryEvents")
        try StatisticsError.count(b, "baselineEvents")
        let totalA = try StatisticsError.add(canaryEvents, a, "canaryEvents")
        let totalB = try StatisticsError.add(baselineEvents, b, "baselineEvents")
        canaryEvents = totalA
        baselineEvents = totalB
        looks += 1
        // BF depends on the totals only: a look without events leaves it unchanged.
        if a == 0 && b == 0 { return }
        logBayesFactor = BetaMixture.uncheckedLogBayesFactor(
            successes: Double(totalA), failures: Double(totalB), nullProbability: canaryShare,
            priorAlpha: priorAlpha, priorBeta: priorBeta, oneSided: alternative == .canaryHigher)
        maxLogBayesFactor = max(maxLogBayesFactor, logBayesFactor)
    }

    /// log BF for cumulative counts `canaryEvents` and `baselineEvents` (one look, no maximum).
    public static func logBayesFactor(canaryEvents: Int, baselineEvents: Int, canaryShare: Double,
                                      priorAlpha: Double, priorBeta: Double, alternative: Alternative) throws -> Double {
        try BetaMixture.logBayesFactor(successes: canaryEvents, failures: baselineEvents, nullProbability: canaryShare,
                                       priorAlpha: priorAlpha, priorBeta: priorBeta, oneSided: alternative == .canaryHigher)
    }
}
