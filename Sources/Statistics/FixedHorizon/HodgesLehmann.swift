/// The Hodges-Lehmann shift of experiment over control and its confidence interval, computed as
/// Kayenta's Mann-Whitney classifier does: a port of R's two-sample
/// `wilcox.test(x = experiment, y = control, conf.int = TRUE, exact = FALSE, correct = TRUE,
/// conf.level = …)` (R src/library/stats/R/wilcox.test.R; Kayenta
/// kayenta-mannwhitney/…/MannWhitney.scala), with R's Brent root finder ported exactly
/// (`R_zeroin2` from R src/library/stats/src/zeroin.c, tol = 1e-4).
///
/// For a shift d, rank the pooled sample (x − d, y) with average ranks for ties (tie sizes tᵢ):
///
///     dz(d) = Σ rank(xᵢ − d) − nₓ(nₓ+1)/2 − nₓn_y/2
///     σ(d)  = √( nₓn_y/12 · ((nₓ+n_y+1) − Σ(tᵢ³ − tᵢ) / ((nₓ+n_y)(nₓ+n_y−1))) )
///     W(d)  = (dz − ½·sign(dz)·[correction]) / σ
///
/// W falls from W(mumin) to W(mumax) over mumin = min(x) − max(y), mumax = max(x) − min(y).
/// A bound is the root of W(d) = z_q, with z_q = qnorm(α/2, upper tail) for the lower bound and
/// qnorm(α/2) for the upper, α = 1 − confidence; if W(mumin) − z_q ≤ 0 it is mumin, if
/// W(mumax) − z_q ≥ 0 it is mumax, otherwise `uniroot(…, tol = 1e-4)`. The estimate is the root
/// of W(d) = 0 over [mumin, mumax].
public enum HodgesLehmann {
    /// Which W the point estimate solves W(d) = 0 for.
    public enum EstimateMethod: String, Sendable, Hashable, CaseIterable {
        /// Kayenta's: the same (continuity-corrected, when correction is on) W as the interval,
        /// i.e. `uniroot(wdiff, c(mumin, mumax), tol = 1e-4, zq = 0)$root`.
        case kayenta
        /// R's `wilcox.test` `estimate`: R sets `correct <- FALSE` before solving, so W has no
        /// continuity correction.
        case rWilcoxTest
    }

    /// A two-sided confidence interval for the location shift experiment − control and its estimate.
    public struct Result: Sendable, Equatable {
        /// The estimated shift (the root of W(d) = 0).
        public let estimate: Double
        /// The lower confidence bound.
        public let lower: Double
        /// The upper confidence bound.
        public let upper: Double
        /// The confidence level the interval was asked for.
        public let confidenceLevel: Double
    }

    /// The Hodges-Lehmann interval and estimate of experiment − control; formula and sources in
    /// ``HodgesLehmann``. Sorts both samples once; each W evaluation is then an
    /// O(n) merge, and the root finder needs a few dozen evaluations.
    ///
    /// - Parameters:
    ///   - experiment: R's `x` (the canary).
    ///   - control: R's `y` (the baseline).
    ///   - confidenceLevel: R's `conf.level`, in (0, 1).
    ///   - continuityCorrection: R's `correct`.
    ///   - estimateMethod: ``EstimateMethod/kayenta`` (the default) or R's own estimate.
    /// - Throws: ``StatisticsError`` when a sample is empty or non-finite, the confidence level is
    ///   outside (0, 1), both samples are constant (mumin = mumax: R's `uniroot` refuses), or every
    ///   observation is tied at some shift.
    public static func estimate(experiment: [Double], control: [Double], confidenceLevel: Double = 0.95,
                                continuityCorrection: Bool = true,
                                estimateMethod: EstimateMethod = .kayenta) throws(StatisticsError) -> Result {
        try StatisticsError.checkSample(experiment, name: "experiment")
        try StatisticsError.checkSample(control, name: "control")
        try StatisticsError.checkOpenUnit(confidenceLevel, name: "confidence level")
        let w = RankShift(x: RadixSort.sorted(experiment), y: RadixSort.sorted(control))
        let muMin = w.x[0] - w.y[w.y.count - 1]
        let muMax = w.x[w.x.count - 1] - w.y[0]
        guard muMin < muMax else {
            throw .degenerate("both samples are constant, so every shift ties them; the interval is undefined")
        }
        let alpha = 1 - confidenceLevel
        let wMuMin = try w(muMin, correct: continuityCorrection)
        let wMuMax = try w(muMax, correct: continuityCorrection)

        func root(_ zq: Double) throws(StatisticsError) -> Double {
            let fLower = wMuMin - zq
            if fLower <= 0 { return muMin }
            let fUpper = wMuMax - zq
            if fUpper >= 0 { return muMax }
            return try RNumerics.zeroin2(muMin, muMax, fa: fLower, fb: fUpper, tolerance: 1e-4) {
                (d: Double) throws(StatisticsError) -> Double in
                try w(d, correct: continuityCorrection) - zq
            }
        }
        let lower = try root(RNumerics.qnorm(alpha / 2, lowerTail: false))
        let upper = try root(RNumerics.qnorm(alpha / 2, lowerTail: true))

        let correctEstimate = estimateMethod == .kayenta && continuityCorrection
        let fLower = try w(muMin, correct: correctEstimate)
        let fUpper = try w(muMax, correct: correctEstimate)
        // uniroot's check; unreachable for non-constant samples, kept so a violation is loud.
        guard !(fLower > 0 && fUpper > 0), !(fLower < 0 && fUpper < 0) else {
            throw .degenerate("W has the same sign at both ends of [\(muMin), \(muMax)]; no estimate")
        }
        let estimate = try RNumerics.zeroin2(muMin, muMax, fa: fLower, fb: fUpper, tolerance: 1e-4) {
            (d: Double) throws(StatisticsError) -> Double in
            try w(d, correct: correctEstimate)
        }
        return Result(estimate: estimate, lower: lower, upper: upper, confidenceLevel: confidenceLevel)
    }

    /// W(d) over sorted samples: x − d stays sorted, so ranking the pooled sample is a merge.
    private struct RankShift {
        let x: [Double]
        let y: [Double]

        func callAsFunction(_ d: Double, correct: Bool) throws(StatisticsError) -> Double {
            let nx = Double(x.count)
            let ny = Double(y.count)
            var i = 0
            var j = 0
            var position = 0
            var rankSum = 0.0
            var tieSum = 0.0
            while i < x.count || j < y.count {
                let value = j == y.count || (i < x.count && x[i] - d <= y[j]) ? x[i] - d : y[j]
                var inX = 0
                while i < x.count, x[i] - d == value {
                    inX += 1
                    i += 1
                }
                var inY = 0
                while j < y.count, y[j] == value {
                    inY += 1
                    j += 1
                }
                let t = Double(inX + inY)
                rankSum += Double(inX) * (Double(position) + (t + 1) / 2)
                tieSum += t * t * t - t
                position += inX + inY
            }
            let dz = rankSum - nx * (nx + 1) / 2 - nx * ny / 2
            let correction = correct ? (dz > 0 ? 0.5 : dz < 0 ? -0.5 : 0) : 0
            let sigma = ((nx * ny / 12) * ((nx + ny + 1) - tieSum / ((nx + ny) * (nx + ny - 1)))).squareRoot()
            guard sigma > 0 else {
                throw .degenerate("cannot compute confidence interval when all observations are tied")
            }
            return (dz - correction) / sigma
        }
    }
}
