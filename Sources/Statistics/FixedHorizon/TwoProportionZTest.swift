#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pooled two-proportion z test (e.g. canary vs baseline error rates), as statsmodels'
/// `proportions_ztest([s₁, s₂], [n₁, n₂], alternative=…)` with its default pooled variance; its
/// two-sided p-value equals `scipy.stats.chi2_contingency(…, correction=False)` on the 2×2 table
/// (z² = χ²):
///
///     p̂₁ = s₁/n₁,  p̂₂ = s₂/n₂,  p̂ = (s₁ + s₂)/(n₁ + n₂)
///     z  = (p̂₁ − p̂₂) / √( p̂(1 − p̂)(1/n₁ + 1/n₂) )
///     p  = 2(1 − Φ(|z|)) two-sided, Φ(z) less, 1 − Φ(z) greater
public enum TwoProportionZTest {
    /// The outcome of a two-proportion z test.
    public struct Result: Sendable, Equatable {
        /// The z statistic, positive when the first proportion is the larger.
        public let z: Double
        /// The p-value.
        public let pValue: Double
        /// p̂₁ − p̂₂.
        public let difference: Double
    }

    /// Tests s₁/n₁ against s₂/n₂; formula and source in ``TwoProportionZTest``.
    ///
    /// - Throws: ``StatisticsError`` when a trial count is below 1, successes are outside
    ///   0...trials, or the pooled proportion is 0 or 1 (no variance).
    public static func test(successes1: Int, trials1: Int, successes2: Int, trials2: Int,
                            alternative: Alternative = .twoSided) throws(StatisticsError) -> Result {
        guard trials1 >= 1 else { throw .tooFewObservations(sample: "trials1", count: trials1, minimum: 1) }
        guard trials2 >= 1 else { throw .tooFewObservations(sample: "trials2", count: trials2, minimum: 1) }
        guard (0...trials1).contains(successes1) else {
            throw .countOutOfRange(name: "successes1", value: successes1, trials: trials1)
        }
        guard (0...trials2).contains(successes2) else {
            throw .countOutOfRange(name: "successes2", value: successes2, trials: trials2)
        }
        let n1 = Double(trials1)
        let n2 = Double(trials2)
        let pooled = Double(successes1 + successes2) / (n1 + n2)
        guard pooled > 0, pooled < 1 else {
            throw .degenerate("the pooled proportion is \(pooled == 0 ? 0 : 1), so the difference has no variance")
        }
        let difference = Double(successes1) / n1 - Double(successes2) / n2
        let z = difference / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        let p: Double
        switch alternative {
        case .twoSided: p = Normal.twoSidedP(z)
        case .less: p = Normal.cdf(z)
        case .greater: p = Normal.sf(z)
        }
        return Result(z: z, pValue: p, difference: difference)
    }
}
