#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bayes factors of beta-binomial mixtures against a point null, in log space: the building
/// block of `PoissonRatioTest` and `ErrorRatioSPRT`.
///
/// For s successes and f failures of independent Bernoulli(p) trials, H₀: p = p₀ and the
/// mixture p ~ Beta(a, b),
///
///     BF = ∫ p^s (1 − p)^f dBeta(a, b) / (p₀^s (1 − p₀)^f) = B(s + a, f + b) / B(a, b) / (p₀^s (1 − p₀)^f).
///
/// One-sided, the prior restricted to p > p₀ and renormalised,
///
///     BF⁺ = BF · (1 − I_{p₀}(s + a, f + b)) / (1 − I_{p₀}(a, b)),
///
/// with I the regularized incomplete beta function. Each component (p/p₀)^s ((1−p)/(1−p₀))^f is
/// a nonnegative martingale under p₀, and a mixture over a fixed prior is one too, so by Ville's
/// inequality P(sup BF ≥ 1/α) ≤ α (Lindon & Malek, "Anytime-valid inference for multinomial
/// count data", NeurIPS 2022). For the one-sided mixture this holds for the whole composite null
/// p ≤ p₀: for p₁ > p₀ the one-trial factor has expectation p·p₁/p₀ + (1 − p)(1 − p₁)/(1 − p₀),
/// linear in p, equal to 1 at p = p₀ and increasing, hence ≤ 1 for every p ≤ p₀ — each
/// component, and so the mixture, is a test supermartingale.
public enum BetaMixture {
    /// log BF (or log BF⁺ when `oneSided`) for `successes` and `failures` against
    /// H₀: p = `nullProbability`, mixture Beta(`priorAlpha`, `priorBeta`).
    public static func logBayesFactor(successes: Int, failures: Int, nullProbability p0: Double,
                                      priorAlpha a: Double, priorBeta b: Double, oneSided: Bool) throws -> Double {
        try StatisticsError.count(successes, "successes")
        try StatisticsError.count(failures, "failures")
        try StatisticsError.openUnit(p0, "nullProbability")
        try StatisticsError.positive(a, "priorAlpha")
        try StatisticsError.positive(b, "priorBeta")
        return uncheckedLogBayesFactor(successes: Double(successes), failures: Double(failures),
                                       nullProbability: p0, priorAlpha: a, priorBeta: b, oneSided: oneSided)
    }

    /// `logBayesFactor` without validation, for callers that have validated their inputs.
    static func uncheckedLogBayesFactor(successes s: Double, failures f: Double, nullProbability p0: Double,
                                        priorAlpha a: Double, priorBeta b: Double, oneSided: Bool) -> Double {
        if s == 0 && f == 0 { return 0 }
        var value = SpecialFunctions.logBeta(s + a, f + b) - SpecialFunctions.logBeta(a, b)
            - s * log(p0) - f * log1p(-p0)
        if oneSided {
            value += logUpperRegularizedBeta(p0, s + a, f + b) - logUpperRegularizedBeta(p0, a, b)
        }
        return value
    }

    /// log(1 − I_x(a, b)) = log I_{1−x}(b, a), without underflow when the tail is tiny.
    static func logUpperRegularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        SpecialFunctions.logRegularizedBeta(x: 1 - x, complement: x, b, a)
    }
}
