/// The exact binomial test, as `scipy.stats.binomtest(k, n, p, alternative).pvalue` (scipy 1.17,
/// `scipy/stats/_binomtest.py`):
///
///     less:      P(X ≤ k)
///     greater:   P(X ≥ k)
///     two-sided: Σ P(X = i) over every i with P(X = i) ≤ P(X = k)·(1 + 1e-7), capped at 1
///
/// for X ~ B(n, p). Two-sided, the terms on the far side of the mode are found by scipy's binary
/// search over the (unimodal) pmf, so the cost is O(log n) pmf evaluations plus two tails.
public enum BinomialTest {
    /// The p-value of k successes in n trials against success probability p; formula and source
    /// in ``BinomialTest``.
    ///
    /// - Throws: ``StatisticsError`` when n < 1, k is outside 0...n, or p is outside (0, 1).
    public static func pValue(successes k: Int, trials n: Int, probability p: Double,
                              alternative: Alternative = .twoSided) throws(StatisticsError) -> Double {
        guard n >= 1 else { throw .tooFewObservations(sample: "trials", count: n, minimum: 1) }
        guard (0...n).contains(k) else { throw .countOutOfRange(name: "successes", value: k, trials: n) }
        try StatisticsError.checkOpenUnit(p, name: "success probability")
        switch alternative {
        case .less:
            return Binomial.cdf(k, n: n, p: p)
        case .greater:
            return Binomial.sf(atLeast: k, n: n, p: p)
        case .twoSided:
            let d = Binomial.pmf(k, n: n, p: p)
            let relativeError = 1 + 1e-7
            let mean = p * Double(n)
            let pValue: Double
            if Double(k) == mean {
                pValue = 1
            } else if Double(k) < mean {
                let ix = binarySearch(-d * relativeError, lo: Int(mean.rounded(.up)), hi: n) {
                    -Binomial.pmf($0, n: n, p: p)
                }
                let y = n - ix + (d * relativeError == Binomial.pmf(ix, n: n, p: p) ? 1 : 0)
                pValue = Binomial.cdf(k, n: n, p: p) + Binomial.sf(atLeast: n - y + 1, n: n, p: p)
            } else {
                let ix = binarySearch(d * relativeError, lo: 0, hi: Int(mean.rounded(.down))) {
                    Binomial.pmf($0, n: n, p: p)
                }
                let y = ix + 1
                pValue = Binomial.cdf(y - 1, n: n, p: p) + Binomial.sf(atLeast: k, n: n, p: p)
            }
            return min(1, pValue)
        }
    }

    /// scipy's `_binary_search_for_binom_tst`: the i in lo...hi with a(i) ≤ d < a(i + 1), for `a`
    /// ascending over the range.
    private static func binarySearch(_ d: Double, lo low: Int, hi high: Int, _ a: (Int) -> Double) -> Int {
        var lo = low
        var hi = high
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let value = a(mid)
            if value < d {
                lo = mid + 1
            } else if value > d {
                hi = mid - 1
            } else {
                return mid
            }
        }
        return a(lo) <= d ? lo : lo - 1
    }
}
