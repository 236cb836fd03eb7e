#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Choosing the mixture parameter of the anytime-valid tests for a planned sample size.
///
/// For the normal mixture (`NormalMixtureSPRT`) the (1 − α) confidence-sequence radius at a look
/// with variance V is r² = V (V + τ²)/τ² · (log((V + τ²)/V) − 2 log α). Writing x = τ²/V,
/// r² = V · (1 + x)/x · (log(1 + x) − 2 log α), so the τ² that makes the sequence tightest at the
/// planned variance V_N is τ² = x*·V_N where x* minimises (1 + x)/x · (log(1 + x) + L),
/// L = −2 log α. Setting the derivative to zero gives the first-order condition
///
///     x − log(1 + x) = L,
///
/// whose left side is convex and increasing on x > 0, so the root is unique and is the minimum
/// (x* ≈ 8.2 at α = 0.05). It is solved by Newton's method to machine precision rather than by a
/// golden-section search on log τ², which only locates a flat minimum to about √ε; the tests
/// check the two agree. (Closed form: x* = −W₋₁(−e^{−(1+L)}) − 1 with Lambert's W.)
///
/// With m = k − 1 free dimensions (a Gaussian mixture on a k-cell multinomial), the log term is
/// m log(1 + x) and the condition becomes x − log(1 + x) = L/m.
///
/// Beta and Dirichlet concentrations: with N planned events, the shares p̂ are approximately
/// normal with covariance (diag ρ₀ − ρ₀ρ₀ᵀ)/N, and a Dirichlet(c·ρ₀) prior (Beta(cρ₀, c(1 − ρ₀))
/// for two cells) has covariance (diag ρ₀ − ρ₀ρ₀ᵀ)/(c + 1), the same shape. By the Laplace
/// approximation the Dirichlet-multinomial Bayes factor is then the Gaussian mixture with
/// τ²/V = N/(c + 1), so the analogous choice is c = N/x* − 1 (requires N > x*). For a one-sided
/// (truncated) mixture, which doubles the Bayes factor of the two-sided one when the estimate is
/// well inside the alternative, the boundary 1/α of the two-sided mixture becomes 1/(2α): tune
/// with 2α.
public enum MixtureTuning {
    /// x* = argmin over x > 0 of (1 + x)/x · (m log(1 + x) − 2 log α), the root of
    /// x − log(1 + x) = −2 log α / m, for m = `dimensions` ≥ 1.
    public static func optimalVarianceRatio(alpha: Double, dimensions: Int = 1) throws -> Double {
        try StatisticsError.openUnit(alpha, "alpha")
        try StatisticsError.check(dimensions >= 1, "dimensions must be ≥ 1, got \(dimensions)")
        let target = -2 * log(alpha) / Double(dimensions)
        // g(x) = x − log(1 + x) − L is convex and increasing for x > 0 with g(0) = −L < 0, and
        // g(L + log(1 + L) + 1) > 0: Newton from there decreases monotonically to the root.
        var x = target + log1p(target) + 1
        for _ in 0..<200 {
            let g = x - log1p(x) - target
            let next = x - g * (1 + x) / x
            if !(next < x) || next <= 0 { break }
            x = next
        }
        return x
    }

    /// τ² = x*(α) · V_N: the mixture variance that minimises the (1 − α) confidence-sequence
    /// radius of `NormalMixtureSPRT` when the variance of the difference is V_N = `plannedVariance`.
    public static func normalMixtureVariance(plannedVariance: Double, alpha: Double) throws -> Double {
        try StatisticsError.positive(plannedVariance, "plannedVariance")
        return try optimalVarianceRatio(alpha: alpha) * plannedVariance
    }

    /// τ² for two arms of `plannedSamplesPerArm` observations each with variances σ²_b and σ²_c:
    /// V_N = (σ²_b + σ²_c)/N.
    public static func normalMixtureVariance(baselineVariance: Double, canaryVariance: Double,
                                             plannedSamplesPerArm: Double, alpha: Double) throws -> Double {
        try StatisticsError.positive(baselineVariance, "baselineVariance")
        try StatisticsError.positive(canaryVariance, "canaryVariance")
        try StatisticsError.positive(plannedSamplesPerArm, "plannedSamplesPerArm")
        return try normalMixtureVariance(plannedVariance: (baselineVariance + canaryVariance) / plannedSamplesPerArm,
                                         alpha: alpha)
    }

    /// τ² for `BernoulliMixtureSPRT` at an expected `rate` p and `plannedSamplesPerArm` N:
    /// V_N = 2 p (1 − p)/N.
    public static func bernoulliMixtureVariance(rate: Double, plannedSamplesPerArm: Double, alpha: Double) throws -> Double {
        try StatisticsError.openUnit(rate, "rate")
        try StatisticsError.positive(plannedSamplesPerArm, "plannedSamplesPerArm")
        return try normalMixtureVariance(plannedVariance: 2 * rate * (1 - rate) / plannedSamplesPerArm, alpha: alpha)
    }

    /// Concentration c = N/x* − 1 of a Beta(cρ₀, c(1 − ρ₀)) or Dirichlet(c·ρ₀) mixture for
    /// N = `plannedEvents`, with x* for m = `dimensions` (cells − 1) and 2α when `oneSided`.
    public static func betaConcentration(plannedEvents: Double, alpha: Double, dimensions: Int = 1,
                                         oneSided: Bool = false) throws -> Double {
        try StatisticsError.positive(plannedEvents, "plannedEvents")
        try StatisticsError.openUnit(alpha, "alpha")
        if oneSided { try StatisticsError.check(alpha < 0.5, "alpha must be < 0.5 for a one-sided mixture, got \(alpha)") }
        let ratio = try optimalVarianceRatio(alpha: oneSided ? 2 * alpha : alpha, dimensions: dimensions)
        try StatisticsError.check(plannedEvents > ratio,
                                       "plannedEvents must exceed x* = \(ratio) for a positive concentration, got \(plannedEvents)")
        return plannedEvents / ratio - 1
    }
}
