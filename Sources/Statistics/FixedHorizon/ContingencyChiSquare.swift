/// Pearson's chi-square test of independence on a 2×2 table, as
/// `scipy.stats.chi2_contingency([[a, b], [c, d]], correction=…)` (scipy 1.17,
/// `scipy/stats/contingency.py`):
///
///     Eᵢⱼ = rowᵢ · colⱼ / N
///     Yates (correction = true): Oᵢⱼ ← Oᵢⱼ + sign(Eᵢⱼ − Oᵢⱼ) · min(½, |Eᵢⱼ − Oᵢⱼ|)
///     χ²  = Σ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ,  p = P(χ²₁ > χ²)
public enum ContingencyChiSquare {
    /// The outcome of a 2×2 chi-square test.
    public struct Result: Sendable, Equatable {
        /// The (possibly Yates-corrected) chi-square statistic.
        public let chiSquare: Double
        /// The p-value, P(χ²₁ > statistic).
        public let pValue: Double
        /// The degrees of freedom, always 1 for a 2×2 table.
        public let degreesOfFreedom: Int
        /// The expected frequencies under independence, row by row.
        public let expected: [[Double]]
    }

    /// Tests the table [[a, b], [c, d]] (rows: groups, columns: outcomes); formula and source in
    /// ``ContingencyChiSquare``. `yatesCorrection` is scipy's `correction`.
    ///
    /// - Throws: ``StatisticsError`` when a cell is negative or a row or column total is zero
    ///   (scipy: "expected frequencies has a zero element").
    public static func test(_ a: Int, _ b: Int, _ c: Int, _ d: Int,
                            yatesCorrection: Bool = true) throws(StatisticsError) -> Result {
        let observed = [[a, b], [c, d]]
        for (index, cell) in [a, b, c, d].enumerated() where cell < 0 {
            throw .negativeCount(sample: "table", index: index)
        }
        let rows = observed.map { Double($0[0] + $0[1]) }
        let columns = [Double(a + c), Double(b + d)]
        guard rows.allSatisfy({ $0 > 0 }), columns.allSatisfy({ $0 > 0 }) else {
            throw .degenerate("a row or column of the 2×2 table sums to zero, so an expected frequency is zero")
        }
        let (chiSquare, expected) = PearsonTable.chiSquare(observed.map { $0.map(Double.init) },
                                                          yatesCorrection: yatesCorrection)
        return Result(chiSquare: chiSquare, pValue: ChiSquared.sf(chiSquare, df: 1), degreesOfFreedom: 1,
                      expected: expected)
    }
}
