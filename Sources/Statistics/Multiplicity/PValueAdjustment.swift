/// Adjusted p-values for judging several metrics at once, with `statsmodels.stats.multitest.multipletests`
/// semantics: returned in the input order, monotone in the sorted p-values, capped at 1. Reject
/// hypothesis i at family-wise (Holm) or false-discovery (Benjamini-Hochberg) level α when its
/// adjusted p-value is ≤ α. Ties get equal adjusted values, so the sort order of ties is irrelevant.
public enum PValueAdjustment {
    /// Holm's step-down procedure (Holm, "A simple sequentially rejective multiple test procedure",
    /// Scand. J. Statist. 6, 1979), controlling the family-wise error rate. With p₍₁₎ ≤ … ≤ p₍ₘ₎,
    ///
    ///     p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1) p₍ⱼ₎)        (statsmodels method "holm").
    public static func holm(_ pValues: [Double]) throws -> [Double] {
        try validate(pValues)
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, Double(m - rank) * pValues[index])
            adjusted[index] = min(1, running)
        }
        return adjusted
    }

    /// Benjamini-Hochberg step-up (Benjamini & Hochberg, "Controlling the false discovery rate",
    /// J. R. Statist. Soc. B 57, 1995), controlling the false discovery rate for independent or
    /// positively dependent tests. With p₍₁₎ ≤ … ≤ p₍ₘ₎,
    ///
    ///     p̃₍ᵢ₎ = min(1, min_{j ≥ i} m p₍ⱼ₎ / j)               (statsmodels method "fdr_bh").
    public static func benjaminiHochberg(_ pValues: [Double]) throws -> [Double] {
        try validate(pValues)
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        var running = Double.infinity
        for rank in stride(from: m - 1, through: 0, by: -1) {
            let index = order[rank]
            running = min(running, pValues[index] / (Double(rank + 1) / Double(m)))
            adjusted[index] = min(1, running)
        }
        return adjusted
    }

    /// Every p-value in [0, 1] (NaN rejected).
    private static func validate(_ pValues: [Double]) throws {
        for (i, p) in pValues.enumerated() {
            try StatisticsError.check(p >= 0 && p <= 1, "pValues[\(i)] must be in [0, 1], got \(p)")
        }
    }
}
