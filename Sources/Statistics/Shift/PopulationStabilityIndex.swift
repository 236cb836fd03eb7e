#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Population stability index between an expected (baseline model) and an actual (shadow model)
/// distribution over the same classes or bins:
///
///     PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ),
///
/// with eᵢ, aᵢ the proportions in bin i: the symmetrised Kullback-Leibler divergence
/// KL(a‖e) + KL(e‖a) (Siddiqi, "Credit Risk Scorecards", Wiley 2006; Yurdakul, "Statistical
/// properties of population stability index", 2018). Rule of thumb: < 0.1 stable, 0.1–0.25
/// moderate shift, ≥ 0.25 significant shift.
///
/// Empty bins: ln(0) is undefined, so counts are smoothed additively (Laplace/Lidstone) before
/// forming proportions, pᵢ = (cᵢ + λ) / (N + kλ), with the same pseudocount λ (default 0.5, the
/// Jeffreys prior) in every bin of both distributions — not only in empty ones, so the index
/// changes continuously as a bin empties. λ = 0 gives the raw index and then requires every bin
/// to be non-empty.
public enum PopulationStabilityIndex {
    /// The conventional reading of an index.
    public enum Level: String, Sendable, Hashable, Codable {
        /// PSI < 0.1.
        case stable
        /// 0.1 ≤ PSI < 0.25.
        case moderateShift
        /// PSI ≥ 0.25.
        case significantShift
    }

    /// PSI from per-bin counts, smoothed with `pseudocount` λ ≥ 0.
    public static func index(expected: [Int], actual: [Int], pseudocount: Double = 0.5) throws -> Double {
        try StatisticsError.check(expected.count == actual.count,
                                       "expected has \(expected.count) bins, actual \(actual.count)")
        try StatisticsError.check(expected.count >= 2, "need at least 2 bins, got \(expected.count)")
        try StatisticsError.nonNegative(pseudocount, "pseudocount")
        for i in expected.indices {
            try StatisticsError.count(expected[i], "expected[\(i)]")
            try StatisticsError.count(actual[i], "actual[\(i)]")
        }
        let k = Double(expected.count)
        let expectedTotal = expected.reduce(0.0) { $0 + Double($1) }, actualTotal = actual.reduce(0.0) { $0 + Double($1) }
        try StatisticsError.check(expectedTotal > 0 && actualTotal > 0, "expected and actual must each have a count > 0")
        if pseudocount == 0 {
            try StatisticsError.check(!expected.contains(0) && !actual.contains(0),
                                           "an empty bin needs pseudocount > 0")
        }
        var sum = 0.0
        for i in expected.indices {
            let e = (Double(expected[i]) + pseudocount) / (expectedTotal + k * pseudocount)
            let a = (Double(actual[i]) + pseudocount) / (actualTotal + k * pseudocount)
            sum += (a - e) * log(a / e)
        }
        try StatisticsError.check(sum.isFinite, "PSI is not finite; pseudocount \(pseudocount) out of range")
        return sum
    }

    /// PSI from proportions (or any positive weights; each side is normalised to sum to 1).
    /// Every entry must be > 0: smooth empty bins first.
    public static func index(expectedProportions: [Double], actualProportions: [Double]) throws -> Double {
        try StatisticsError.check(expectedProportions.count == actualProportions.count,
                                       "expected has \(expectedProportions.count) bins, actual \(actualProportions.count)")
        try StatisticsError.check(expectedProportions.count >= 2, "need at least 2 bins, got \(expectedProportions.count)")
        for i in expectedProportions.indices {
            try StatisticsError.positive(expectedProportions[i], "expectedProportions[\(i)]")
            try StatisticsError.positive(actualProportions[i], "actualProportions[\(i)]")
        }
        let expectedTotal = expectedProportions.reduce(0, +), actualTotal = actualProportions.reduce(0, +)
        var sum = 0.0
        for i in expectedProportions.indices {
            let e = expectedProportions[i] / expectedTotal, a = actualProportions[i] / actualTotal
            sum += (a - e) * log(a / e)
        }
        try StatisticsError.check(sum.isFinite, "PSI is not finite; proportions out of range")
        return sum
    }

    /// The rule-of-thumb level of `psi`.
    public static func level(_ psi: Double) -> Level {
        psi < 0.1 ? .stable : psi < 0.25 ? .moderateShift : .significantShift
    }
}
