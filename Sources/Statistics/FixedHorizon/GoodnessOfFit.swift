/// Pearson's chi-square goodness-of-fit test, as `scipy.stats.chisquare(f_obs, f_exp)` with
/// ddof = 0 (scipy 1.17, `power_divergence` with λ = 1 in `scipy/stats/_stats_py.py`;
/// Pearson 1900):
///
///     χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ,  p = P(χ²_{k−1} > χ²)
///
/// with Eᵢ = mean(O) when no expected frequencies are given, and, as scipy insists, ΣO and ΣE
/// equal to a relative tolerance of √ε ≈ 1.49e-8.
public enum GoodnessOfFit {
    /// The outcome of a goodness-of-fit test.
    public struct Result: Sendable, Equatable {
        /// The chi-square statistic.
        public let chiSquare: Double
        /// The p-value.
        public let pValue: Double
        /// k − 1.
        public let degreesOfFreedom: Int
    }

    /// Tests observed frequencies against expected ones (uniform when `expected` is nil);
    /// formula and source in ``GoodnessOfFit``.
    ///
    /// - Throws: ``StatisticsError`` when there are fewer than 2 categories, a frequency is
    ///   negative or non-finite, the lengths differ, an expected frequency is not positive, or the
    ///   totals disagree.
    public static func test(observed: [Double], expected: [Double]? = nil) throws(StatisticsError) -> Result {
        try StatisticsError.checkSample(observed, name: "observed", minimum: 2)
        if let index = observed.firstIndex(where: { $0 < 0 }) { throw .negativeCount(sample: "observed", index: index) }
        let observedTotal = WelchTTest.compensatedSum(observed)
        guard observedTotal > 0 else { throw .allZero(sample: "observed") }
        let expectedFrequencies: [Double]
        if let expected {
            guard expected.count == observed.count else {
                throw .mismatchedLengths(first: "observed", firstCount: observed.count, second: "expected",
                                         secondCount: expected.count)
            }
            try StatisticsError.checkSample(expected, name: "expected")
            if let index = expected.firstIndex(where: { $0 <= 0 }) {
                throw .degenerate("expected frequency \(index) is \(expected[index]); every one must be positive")
            }
            let expectedTotal = WelchTTest.compensatedSum(expected)
            let relativeDifference = abs(observedTotal - expectedTotal) / min(observedTotal, expectedTotal)
            guard relativeDifference <= Double.ulpOfOne.squareRoot() else {
                throw .degenerate("observed frequencies sum to \(observedTotal) but expected ones to \(expectedTotal); "
                    + "they must agree to a relative tolerance of 1.49e-8")
            }
            expectedFrequencies = expected
        } else {
            expectedFrequencies = Array(repeating: observedTotal / Double(observed.count), count: observed.count)
        }
        let chiSquare = WelchTTest.compensatedSum(zip(observed, expectedFrequencies).lazy.map { o, e in
            (o - e) * (o - e) / e
        })
        let df = observed.count - 1
        return Result(chiSquare: chiSquare, pValue: ChiSquared.sf(chiSquare, df: Double(df)), degreesOfFreedom: df)
    }
}
