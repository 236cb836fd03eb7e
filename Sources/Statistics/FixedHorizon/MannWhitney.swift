/// The Mann-Whitney U test (Wilcoxon rank-sum test) by its normal approximation with tie
/// correction, computed exactly as `scipy.stats.mannwhitneyu(x, y, use_continuity=…,
/// alternative=…, method='asymptotic')` (scipy 1.17, `scipy/stats/_mannwhitneyu.py`), from raw
/// samples in O(n) (radix sort) or from histogram bucket counts in O(buckets).
///
/// With ranks averaged over ties, R₁ the rank sum of `x`, tᵢ the tie-group sizes and
/// n = n₁ + n₂:
///
///     U₁ = R₁ − n₁(n₁+1)/2,  U₂ = n₁n₂ − U₁
///     U  = U₁ (greater), U₂ (less), max(U₁, U₂) (two-sided)
///     σ  = √( n₁n₂/12 · ((n+1) − Σ(tᵢ³ − tᵢ) / (n(n−1))) )
///     z  = (U − n₁n₂/2 − ½·[continuity]) / σ
///     p  = f · (1 − Φ(z)), f = 2 for two-sided else 1, clipped to [0, 1]
///
/// (Mann & Whitney 1947; tie correction as in scipy's reference [2], Wikipedia "Mann–Whitney
/// U test", "Normal approximation and tie correction".)
public enum MannWhitney {
    /// The outcome of a Mann-Whitney U test.
    public struct Result: Sendable, Equatable {
        /// scipy's `statistic`: U₁, the U statistic of the first sample (pairs (xᵢ, yⱼ) with
        /// xᵢ > yⱼ, ties counting ½).
        public let u: Double
        /// The standardized statistic whose upper tail gives the p-value (scipy's internal
        /// `_get_mwu_z` for the chosen alternative: built from U₁ for `.greater`, U₂ for `.less`
        /// and max(U₁, U₂) for `.twoSided`).
        public let z: Double
        /// The p-value.
        public let pValue: Double
        /// The common-language effect size U₁ / (n₁ n₂) = P(X > Y) + ½ P(X = Y).
        public let effectSize: Double
        /// The number of observations in the first sample.
        public let n1: Int
        /// The number of observations in the second sample.
        public let n2: Int
    }

    /// Tests raw samples `x` and `y`: sorts each (an LSD radix sort, O(n); comparison sort below
    /// 512 values), then merges them to rank the pooled sample with average ranks for ties. Formula and source: see ``MannWhitney``; matches
    /// `scipy.stats.mannwhitneyu(x, y, use_continuity=continuity, alternative=…,
    /// method='asymptotic')`.
    ///
    /// - Throws: ``StatisticsError`` when a sample is empty or holds NaN or an infinity, or when
    ///   every observation is tied (σ = 0).
    public static func test(_ x: [Double], _ y: [Double], alternative: Alternative = .twoSided,
                            continuity: Bool = true) throws(StatisticsError) -> Result {
        try StatisticsError.checkSample(x, name: "x")
        try StatisticsError.checkSample(y, name: "y")
        let sortedX = RadixSort.sorted(x)
        let sortedY = RadixSort.sorted(y)
        var ranks = RankAccumulator()
        var i = 0
        var j = 0
        while i < sortedX.count || j < sortedY.count {
            let value = j == sortedY.count || (i < sortedX.count && sortedX[i] <= sortedY[j]) ? sortedX[i] : sortedY[j]
            var inX = 0
            while i < sortedX.count, sortedX[i] == value {
                inX += 1
                i += 1
            }
            var inY = 0
            while j < sortedY.count, sortedY[j] == value {
                inY += 1
                j += 1
            }
            ranks.addTieGroup(inX: inX, inY: inY)
        }
        return try result(ranks, n1: x.count, n2: y.count, alternative: alternative, continuity: continuity)
    }

    /// Tests two histograms over the same ordered buckets (for instance the per-bucket counts of
    /// two Prometheus latency histograms, de-accumulated): bucket k holds `countsX[k]`
    /// observations of `x` and `countsY[k]` of `y`, and each bucket is one tie group. O(buckets),
    /// whatever the counts. Equal to ``test(_:_:alternative:continuity:)`` on the expanded
    /// samples, and so to scipy's `mannwhitneyu` on them.
    ///
    /// - Throws: ``StatisticsError`` when the vectors differ in length, a count is negative,
    ///   either histogram is all zero, or all observations fall in one bucket.
    public static func test(histogramCounts countsX: [Int], _ countsY: [Int], alternative: Alternative = .twoSided,
                            continuity: Bool = true) throws(StatisticsError) -> Result {
        guard countsX.count == countsY.count else {
            throw .mismatchedLengths(first: "countsX", firstCount: countsX.count, second: "countsY",
                                     secondCount: countsY.count)
        }
        if let index = countsX.firstIndex(where: { $0 < 0 }) { throw .negativeCount(sample: "countsX", index: index) }
        if let index = countsY.firstIndex(where: { $0 < 0 }) { throw .negativeCount(sample: "countsY", index: index) }
        var ranks = RankAccumulator()
        var n1 = 0
        var n2 = 0
        for (inX, inY) in zip(countsX, countsY) where inX + inY > 0 {
            ranks.addTieGroup(inX: inX, inY: inY)
            n1 += inX
            n2 += inY
        }
        guard n1 > 0 else { throw .allZero(sample: "countsX") }
        guard n2 > 0 else { throw .allZero(sample: "countsY") }
        return try result(ranks, n1: n1, n2: n2, alternative: alternative, continuity: continuity)
    }

    /// Rank sum of the first sample and Σ(t³ − t) over tie groups, fed group by group in order.
    private struct RankAccumulator {
        var position = 0
        var rankSumX = 0.0
        var tieTerm = 0.0

        /// A group of `inX + inY` equal values following every value fed so far; each gets the
        /// average rank position + (t + 1) / 2.
        mutating func addTieGroup(inX: Int, inY: Int) {
            let t = Double(inX + inY)
            let averageRank = Double(position) + (t + 1) / 2
            rankSumX += Double(inX) * averageRank
            tieTerm += t * t * t - t
            position += inX + inY
        }
    }

    private static func result(_ ranks: RankAccumulator, n1: Int, n2: Int, alternative: Alternative,
                               continuity: Bool) throws(StatisticsError) -> Result {
        let m = Double(n1)
        let k = Double(n2)
        let n = m + k
        let u1 = ranks.rankSumX - m * (m + 1) / 2
        let u2 = m * k - u1
        let u: Double
        switch alternative {
        case .greater: u = u1
        case .less: u = u2
        case .twoSided: u = max(u1, u2)
        }
        let sigma = (m * k / 12 * ((n + 1) - ranks.tieTerm / (n * (n - 1)))).squareRoot()
        guard sigma > 0 else {
            throw .degenerate("all \(n1 + n2) observations are tied, so the Mann-Whitney statistic has no variance")
        }
        var numerator = u - m * k / 2
        if continuity { numerator -= 0.5 }
        let z = numerator / sigma
        let factor = alternative == .twoSided ? 2.0 : 1.0
        let p = min(1, max(0, factor * Normal.sf(z)))
        return Result(u: u1, z: z, pValue: p, effectSize: u1 / (m * k), n1: n1, n2: n2)
    }
}
