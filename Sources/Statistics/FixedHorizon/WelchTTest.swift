/// Welch's unequal-variances t test, as `scipy.stats.ttest_ind(x, y, equal_var=False,
/// alternative=…)` (scipy 1.17, `_unequal_var_ttest_denom` in `scipy/stats/_stats_py.py`;
/// Welch 1947):
///
///     vₓ = s²ₓ/nₓ,  v_y = s²_y/n_y   (s² with ddof = 1)
///     t  = (x̄ − ȳ) / √(vₓ + v_y)
///     ν  = (vₓ + v_y)² / (vₓ²/(nₓ−1) + v_y²/(n_y−1))   (Welch–Satterthwaite)
///     p  = 2·P(T_ν > |t|) two-sided, P(T_ν < t) less, P(T_ν > t) greater
public enum WelchTTest {
    /// The outcome of a Welch t test.
    public struct Result: Sendable, Equatable {
        /// The t statistic, positive when mean(x) > mean(y).
        public let t: Double
        /// The Welch–Satterthwaite degrees of freedom (fractional).
        public let degreesOfFreedom: Double
        /// The p-value.
        public let pValue: Double
        /// mean(x) − mean(y).
        public let meanDifference: Double
        /// √(s²ₓ/nₓ + s²_y/n_y), the standard error of the difference.
        public let standardError: Double
    }

    /// Welch's t test of mean(x) against mean(y); formula and source in ``WelchTTest``. Means
    /// and variances use compensated (Neumaier) sums, two passes.
    ///
    /// - Throws: ``StatisticsError`` when a sample has fewer than 2 observations or a
    ///   non-finite one, or when both samples are constant (zero standard error: scipy returns NaN).
    public static func test(_ x: [Double], _ y: [Double],
                            alternative: Alternative = .twoSided) throws(StatisticsError) -> Result {
        try StatisticsError.checkSample(x, name: "x", minimum: 2)
        try StatisticsError.checkSample(y, name: "y", minimum: 2)
        let (meanX, varianceX) = meanAndVariance(x)
        let (meanY, varianceY) = meanAndVariance(y)
        let nx = Double(x.count)
        let ny = Double(y.count)
        let vx = varianceX / nx
        let vy = varianceY / ny
        let standardError = (vx + vy).squareRoot()
        guard standardError > 0, standardError.isFinite else {
            throw .degenerate("both samples are constant, so the standard error of the difference is zero")
        }
        let df = (vx + vy) * (vx + vy) / (vx * vx / (nx - 1) + vy * vy / (ny - 1))
        let difference = meanX - meanY
        let t = difference / standardError
        let p: Double
        switch alternative {
        case .twoSided: p = min(1, 2 * StudentT.sf(abs(t), df: df))
        case .less: p = StudentT.cdf(t, df: df)
        case .greater: p = StudentT.sf(t, df: df)
        }
        return Result(t: t, degreesOfFreedom: df, pValue: p, meanDifference: difference, standardError: standardError)
    }

    /// The mean and the ddof = 1 variance, two-pass with compensated sums.
    static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = compensatedSum(values) / Double(values.count)
        let squares = compensatedSum(values.lazy.map { ($0 - mean) * ($0 - mean) })
        return (mean, squares / Double(values.count - 1))
    }

    /// Neumaier's compensated sum.
    static func compensatedSum<S: Sequence<Double>>(_ values: S) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for value in values {
            let next = sum + value
            if abs(sum) >= abs(value) {
                compensation += (sum - next) + value
            } else {
                compensation += (value - next) + sum
            }
            sum = next
        }
        return sum + compensation
    }
}
