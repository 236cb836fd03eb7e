/// Pearson's chi-square test of homogeneity on a 2 × k table of class counts (baseline row,
/// canary row): do both models predict the classes in the same proportions?
///
///     Eᵢⱼ = Rᵢ Cⱼ / N,   χ² = Σᵢⱼ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ,   dof = k − 1,   p = P(χ²_dof > χ²)
///
/// Same as `scipy.stats.chi2_contingency(table)` with its default `correction=True`: only when
/// dof = 1 (two classes) is Yates' continuity correction applied, moving each Oᵢⱼ towards Eᵢⱼ by
/// min(0.5, |Oᵢⱼ − Eᵢⱼ|). Classes empty in both rows carry no information and would make some
/// Eᵢⱼ = 0 (scipy raises); they are dropped first, so dof counts the remaining classes. With a
/// single class left, dof = 0 and, as in scipy, χ² = 0 and p = 1.
public enum ChiSquareHomogeneity {
    /// The test's outcome.
    public struct Result: Sendable, Hashable, Codable {
        /// χ² (after Yates' correction when applied).
        public var statistic: Double
        /// k − 1 for the k non-empty classes.
        public var degreesOfFreedom: Int
        /// P(χ²_dof > statistic); 1 when dof = 0.
        public var pValue: Double
        /// Whether Yates' correction was applied (dof = 1).
        public var yatesCorrected: Bool
    }

    /// Tests `baseline` against `canary` counts, class by class.
    public static func test(baseline: [Int], canary: [Int]) throws -> Result {
        try StatisticsError.check(baseline.count == canary.count,
                                       "baseline has \(baseline.count) classes, canary \(canary.count)")
        for i in baseline.indices {
            try StatisticsError.count(baseline[i], "baseline[\(i)]")
            try StatisticsError.count(canary[i], "canary[\(i)]")
        }
        let columns = baseline.indices.filter { baseline[$0] + canary[$0] > 0 }
        let rows = [columns.map { Double(baseline[$0]) }, columns.map { Double(canary[$0]) }]
        let rowTotals = rows.map { $0.reduce(0, +) }
        try StatisticsError.check(rowTotals[0] > 0 && rowTotals[1] > 0, "baseline and canary must each have a count > 0")
        let dof = columns.count - 1
        if dof == 0 { return Result(statistic: 0, degreesOfFreedom: 0, pValue: 1, yatesCorrected: false) }
        let statistic = PearsonTable.chiSquare(rows, yatesCorrection: dof == 1).statistic
        return Result(statistic: statistic, degreesOfFreedom: dof,
                      pValue: ChiSquared.sf(statistic, df: Double(dof)), yatesCorrected: dof == 1)
    }
}
