/// Pearson's χ² statistic of a two-way table whose row and column totals are all non-zero:
///
///     Eᵢⱼ = Rᵢ Cⱼ / N,   χ² = Σᵢⱼ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ
///
/// With Yates' correction each Oᵢⱼ first moves towards Eᵢⱼ by min(½, |Eᵢⱼ − Oᵢⱼ|), as
/// `scipy.stats.contingency.chi2_contingency` does. Shared by ``ContingencyChiSquare`` and
/// ``ChiSquareHomogeneity``, which validate their tables first.
enum PearsonTable {
    static func chiSquare(_ observed: [[Double]], yatesCorrection: Bool) -> (statistic: Double, expected: [[Double]]) {
        let rowTotals = observed.map { $0.reduce(0, +) }
        let columnTotals = observed[0].indices.map { column in observed.reduce(0) { $0 + $1[column] } }
        let total = rowTotals.reduce(0, +)
        var statistic = 0.0
        var expected: [[Double]] = []
        for (row, cells) in observed.enumerated() {
            var expectedRow: [Double] = []
            for (column, cell) in cells.enumerated() {
                let e = rowTotals[row] * columnTotals[column] / total
                var o = cell
                if yatesCorrection {
                    let difference = e - o
                    let magnitude = min(0.5, abs(difference))
                    o += difference > 0 ? magnitude : difference < 0 ? -magnitude : 0
                }
                statistic += (o - e) * (o - e) / e
                expectedRow.append(e)
            }
            expected.append(expectedRow)
        }
        return (statistic, expected)
    }
}
