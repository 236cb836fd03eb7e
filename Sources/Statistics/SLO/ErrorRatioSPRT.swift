#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-sided anytime-valid test that an error ratio is above a threshold p*, for SLO burn-rate
/// decisions on small counts.
///
/// H₀: p ≤ p* against p > p*, from e errors out of n requests. The mixture over p > p* is a
/// Beta(a, b) prior truncated to (p*, 1) and renormalised:
///
///     BF = [B(e + a, n − e + b) / B(a, b)] · (1 − I_{p*}(e + a, n − e + b)) / (1 − I_{p*}(a, b))
///          / (p*^e (1 − p*)^(n − e)).
///
/// Each component (p/p*)^e ((1 − p)/(1 − p*))^(n − e) with p > p* is a supermartingale under
/// every p ≤ p* (one request multiplies it by a factor with expectation
/// q·p/p* + (1 − q)(1 − p)/(1 − p*) ≤ 1 for a true ratio q ≤ p*), so the mixture is a test
/// supermartingale for the composite null, and by Ville's inequality
/// P(sup BF ≥ 1/α) ≤ α: `breached` (BF ≥ 1/α at some look) is a false alarm with probability
/// ≤ α however often one looks (Wald 1945; Robbins 1970; Howard et al., Ann. Statist. 2021).
/// `BetaMixture` has the computation.
///
/// With a threshold p* = burn rate × (1 − SLO target) it answers "is the budget burning faster
/// than that rate?" with exact small-count error control, where the burn-rate ratio alone
/// (`MultiWindowBurnRateAlert`) flaps on a handful of errors. The default prior is
/// Beta(c p*, c (1 − p*)), c = `MixtureTuning.betaConcentration(plannedEvents: plannedRequests,
/// oneSided: true)`. `update` takes increments; O(1) state.
public struct ErrorRatioSPRT: Sendable, Hashable, Codable {
    /// The error ratio p* that H₀ says is not exceeded.
    public let threshold: Double
    /// Beta prior parameters before truncation to (p*, 1).
    public let priorAlpha: Double
    public let priorBeta: Double
    /// Significance level α.
    public let alpha: Double
    /// Cumulative errors and requests.
    public private(set) var errors = 0
    public private(set) var requests = 0
    /// Number of looks so far.
    public private(set) var looks = 0
    /// log BF at the latest look (0 before the first).
    public private(set) var logBayesFactor = 0.0
    /// Maximum of log BF over looks and the start: ≥ 0.
    public private(set) var maxLogBayesFactor = 0.0

    /// min(1, 1 / max BF).
    public var pValue: Double { exp(-maxLogBayesFactor) }
    /// Whether the error ratio has been shown to exceed p* at level α (sticky).
    public var breached: Bool { pValue <= alpha }

    /// A test of `threshold` with the prior tuned for `plannedRequests`.
    public init(threshold: Double, alpha: Double = 0.05, plannedRequests: Double = 1_000) throws {
        try StatisticsError.openUnit(threshold, "threshold")
        let c = try MixtureTuning.betaConcentration(plannedEvents: plannedRequests, alpha: alpha, oneSided: true)
        try self.init(threshold: threshold, priorAlpha: c * threshold, priorBeta: c * (1 - threshold), alpha: alpha)
    }

    /// A test of `threshold` with an explicit Beta(`priorAlpha`, `priorBeta`) prior, truncated to (p*, 1).
    public init(threshold: Double, priorAlpha: Double, priorBeta: Double, alpha: Double = 0.05) throws {
        try StatisticsError.openUnit(threshold, "threshold")
        try StatisticsError.positive(priorAlpha, "priorAlpha")
        try StatisticsError.positive(priorBeta, "priorBeta")
        try StatisticsError.openUnit(alpha, "alpha")
        self.threshold = threshold
        self.priorAlpha = priorAlpha
        self.priorBeta = priorBeta
        self.alpha = alpha
    }

    /// One look: errors and requests since the previous look.
    public mutating func update(errors e: Int, requests n: Int) throws {
        try StatisticsError.count(e, "errors")
        try StatisticsError.check(n >= e, "requests (\(n)) must be ≥ errors (\(e))")
        let totalErrors = try StatisticsError.add(errors, e, "errors")
        let totalRequests = try StatisticsError.add(requests, n, "requests")
        errors = totalErrors
        requests = totalRequests
        looks += 1
        logBayesFactor = BetaMixture.uncheckedLogBayesFactor(
            successes: Double(totalErrors), failures: Double(totalRequests - totalErrors), nullProbability: threshold,
            priorAlpha: priorAlpha, priorBeta: priorBeta, oneSided: true)
        maxLogBayesFactor = max(maxLogBayesFactor, logBayesFactor)
    }
}
