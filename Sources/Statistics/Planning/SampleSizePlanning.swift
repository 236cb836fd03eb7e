#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Samples per arm for a fixed-horizon two-sided test to detect a minimum detectable effect δ
/// at level α in (0, 1) with power 1 − β in [0.5, 1), equal allocation; z_q = Φ⁻¹(q).
///
/// Two proportions p₁ (baseline) and p₂ = p₁ + δ, q = 1 − p:
///
/// - `.pooledUnderNull` (default; Fleiss, Levin & Paik, "Statistical Methods for Rates and
///   Proportions", 3rd ed. 2003, eq. 4.14 without continuity correction): the null variance uses
///   the pooled p̄ = (p₁ + p₂)/2, the alternative the two rates,
///
///       n = [z_{1−α/2} √(2 p̄ q̄) + z_{1−β} √(p₁q₁ + p₂q₂)]² / δ²;
///
/// - `.unpooled` (the Wald form): n = (z_{1−α/2} + z_{1−β})² (p₁q₁ + p₂q₂) / δ².
///
/// Means with standard deviations σ_b, σ_c (normal approximation, Chow, Shao & Wang, "Sample
/// Size Calculations in Clinical Research", 2008, §3.2):
///
///       n = (z_{1−α/2} + z_{1−β})² (σ_b² + σ_c²) / δ².
///
/// These plan fixed-horizon tests; to plan an anytime-valid test, use the planned n to tune its
/// mixture (`MixtureTuning`) and expect it to need somewhat more data than n for the same power.
public enum SampleSizePlanning {
    /// How the variance of a difference of proportions enters.
    public enum ProportionVariance: String, Sendable, Hashable, Codable {
        case pooledUnderNull
        case unpooled
    }

    /// A required sample size.
    public struct Result: Sendable, Hashable, Codable {
        /// The formula's value.
        public var exact: Double
        /// Samples per arm: `exact` rounded up, ignoring an excess below 1e-9 relative
        /// (floating-point noise on an exact integer).
        public var perArm: Int
    }

    /// Per-arm n to detect `baselineRate` → `baselineRate + minimumDetectableEffect`.
    public static func twoProportions(baselineRate p1: Double, minimumDetectableEffect delta: Double,
                                      alpha: Double = 0.05, power: Double = 0.8,
                                      variance: ProportionVariance = .pooledUnderNull) throws -> Result {
        try StatisticsError.openUnit(p1, "baselineRate")
        try StatisticsError.check(delta.isFinite && delta != 0, "minimumDetectableEffect must be finite and ≠ 0, got \(delta)")
        let p2 = p1 + delta
        try StatisticsError.check(p2 > 0 && p2 < 1, "baselineRate + minimumDetectableEffect must be in (0, 1), got \(p2)")
        let (zAlpha, zBeta) = try quantiles(alpha: alpha, power: power)
        let alternativeVariance = p1 * (1 - p1) + p2 * (1 - p2)
        let n: Double
        switch variance {
        case .pooledUnderNull:
            let pooled = (p1 + p2) / 2
            let root = zAlpha * (2 * pooled * (1 - pooled)).squareRoot() + zBeta * alternativeVariance.squareRoot()
            n = root * root / (delta * delta)
        case .unpooled:
            n = (zAlpha + zBeta) * (zAlpha + zBeta) * alternativeVariance / (delta * delta)
        }
        return try result(n)
    }

    /// Per-arm n to detect a difference of means `minimumDetectableEffect` with standard deviation
    /// `standardDeviation` in each arm (or `canaryStandardDeviation` for the canary if given).
    public static func twoMeans(minimumDetectableEffect delta: Double, standardDeviation: Double,
                                canaryStandardDeviation: Double? = nil,
                                alpha: Double = 0.05, power: Double = 0.8) throws -> Result {
        try StatisticsError.check(delta.isFinite && delta != 0, "minimumDetectableEffect must be finite and ≠ 0, got \(delta)")
        try StatisticsError.positive(standardDeviation, "standardDeviation")
        let canarySD = canaryStandardDeviation ?? standardDeviation
        try StatisticsError.positive(canarySD, "canaryStandardDeviation")
        let (zAlpha, zBeta) = try quantiles(alpha: alpha, power: power)
        let variance = standardDeviation * standardDeviation + canarySD * canarySD
        return try result((zAlpha + zBeta) * (zAlpha + zBeta) * variance / (delta * delta))
    }

    /// z_{1−α/2} (from the small tail, for accuracy) and z_{1−β}, for α in (0, 1) and power in [0.5, 1).
    private static func quantiles(alpha: Double, power: Double) throws -> (Double, Double) {
        try StatisticsError.openUnit(alpha, "alpha")
        try StatisticsError.check(power >= 0.5 && power < 1, "power must be in [0.5, 1), got \(power)")
        return (-Normal.quantile(alpha / 2), Normal.quantile(power))
    }

    private static func result(_ n: Double) throws -> Result {
        try StatisticsError.check(n.isFinite && n < 9e15, "required sample size \(n) is too large to represent")
        return Result(exact: n, perArm: Int((n * (1 - 1e-9)).rounded(.up)))
    }
}
