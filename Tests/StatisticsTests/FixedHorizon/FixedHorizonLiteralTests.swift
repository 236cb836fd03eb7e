import Statistics
import Testing

/// The vectors the issue names, written out, and every refusal of bad input.
@Suite struct FixedHorizonLiteralTests {
    @Test func kayentaHodgesLehmann() throws {
        // Kayenta's MannWhitneySuite: experiment [10, 20, 30, 40] vs control [1, 2, 3, 4] at 95 %.
        let r = try HodgesLehmann.estimate(experiment: [10, 20, 30, 40], control: [1, 2, 3, 4], confidenceLevel: 0.95)
        #expect(r.lower == 6)
        #expect(r.upper == 39)
        #expect(r.estimate == 22.5)
        #expect(r.confidenceLevel == 0.95)
    }

    @Test func welchRequiredVector() throws {
        let r = try WelchTTest.test([10.1, 9.8, 10.4, 10.0, 9.9], [10.9, 11.2, 10.7, 11.5, 10.8, 11.0])
        expectClose(r.t, -6.192137243673154, "t")
        expectClose(r.pValue, 1.612962776208187e-4, "p")
        expectClose(r.degreesOfFreedom, 8.9877280045323, "df")
    }

    @Test func goodnessOfFitRequiredVector() throws {
        let r = try GoodnessOfFit.test(observed: [600, 400], expected: [500, 500])
        #expect(r.chiSquare == 40)
        expectClose(r.pValue, 2.5396285894708634e-10, "p")
        #expect(r.degreesOfFreedom == 1)
    }

    @Test(arguments: [
        // scipy.stats.mannwhitneyu([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], method='asymptotic', alternative=…)
        (Alternative.twoSided, true, 4.5, 0.066015431521231),
        (Alternative.less, true, 4.5, 0.0330077157606155),
        (Alternative.greater, true, 4.5, 0.9784196103697714),
        (Alternative.twoSided, false, 4.5, 0.05357774928971018),
    ])
    func mannWhitneyLiteral(alternative: Alternative, continuity: Bool, u: Double, p: Double) throws {
        let r = try MannWhitney.test([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], alternative: alternative, continuity: continuity)
        #expect(r.u == u)
        expectClose(r.pValue, p, "p")
        expectClose(r.effectSize, u / 30, "effect size")
        // The same data as a histogram over buckets 1...8.
        let h = try MannWhitney.test(histogramCounts: [1, 1, 1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1, 1, 1],
                                     alternative: alternative, continuity: continuity)
        #expect(h == r)
    }

    /// Large samples (radix-sorted) with negatives, ±0 and heavy ties against U counted pair by
    /// pair and the tie term counted by dictionary.
    @Test(arguments: [(600, 700, UInt64(1)), (2000, 513, UInt64(2)), (512, 511, UInt64(3))])
    func mannWhitneyAgainstPairCounting(n1: Int, n2: Int, seed: UInt64) throws {
        var state = seed
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let draw = Int(state >> 33) % 2001 - 1000  // -1000...1000
            return draw == 0 ? (state & 1 == 0 ? 0.0 : -0.0) : Double(draw) / 8 + (draw % 7 == 0 ? 1e-9 : 0)
        }
        let x = (0..<n1).map { _ in next() }
        let y = (0..<n2).map { _ in next() + 3 }
        var u1 = 0.0
        for a in x {
            for b in y { u1 += a > b ? 1 : a == b ? 0.5 : 0 }
        }
        var groups: [Double: Int] = [:]
        for v in x + y { groups[v == 0 ? 0 : v, default: 0] += 1 }
        let tieTerm = groups.values.reduce(0.0) { $0 + Double($1) * Double($1) * Double($1) - Double($1) }
        let n = Double(n1 + n2)
        let sigma = (Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        let z = (max(u1, Double(n1 * n2) - u1) - Double(n1 * n2) / 2 - 0.5) / sigma
        let r = try MannWhitney.test(x, y)
        #expect(r.u == u1)
        expectClose(r.z, z, "z")
        expectClose(r.pValue, min(1, 2 * Normal.sf(z)), "p")
    }

    @Test func contingencyAndProportionsAgree() throws {
        // scipy.stats.chi2_contingency([[10, 90], [20, 80]], correction=False/True)
        let plain = try ContingencyChiSquare.test(10, 90, 20, 80, yatesCorrection: false)
        expectClose(plain.chiSquare, 3.9215686274509807, "chi2")
        expectClose(plain.pValue, 0.04767038065616147, "p")
        let yates = try ContingencyChiSquare.test(10, 90, 20, 80)
        expectClose(yates.chiSquare, 3.1764705882352944, "chi2 Yates")
        expectClose(yates.pValue, 0.07470593331213068, "p Yates")
        #expect(yates.expected == [[15, 85], [15, 85]])
        let z = try TwoProportionZTest.test(successes1: 10, trials1: 100, successes2: 20, trials2: 100)
        expectClose(z.z * z.z, plain.chiSquare, "z² = χ²")
        expectClose(z.pValue, plain.pValue, "p")
        #expect(z.z < 0)
        #expect(z.difference == 0.1 - 0.2)
    }

    @Test(arguments: [
        // scipy.stats.binomtest(k, n, p, alternative).pvalue
        (3, 10, 0.5, Alternative.twoSided, 0.34375),
        (7, 10, 0.5, Alternative.twoSided, 0.34375),
        (5, 10, 0.5, Alternative.twoSided, 1.0),
        (682, 925, 0.75, Alternative.twoSided, 0.3824915595748517),
        (682, 925, 0.75, Alternative.less, 0.19600926705388308),
        (682, 925, 0.75, Alternative.greater, 0.8240891223524226),
    ])
    func binomialLiteral(k: Int, n: Int, p: Double, alternative: Alternative, expected: Double) throws {
        expectClose(try BinomialTest.pValue(successes: k, trials: n, probability: p, alternative: alternative),
                    expected, "binomtest(\(k), \(n), \(p), \(alternative))")
    }

    // MARK: - Refusals

    static let errorCases: [(String, @Sendable () throws -> Void, StatisticsError)] = [
        ("MWU empty x", { _ = try MannWhitney.test([], [1]) },
         .tooFewObservations(sample: "x", count: 0, minimum: 1)),
        ("MWU empty y", { _ = try MannWhitney.test([1], []) },
         .tooFewObservations(sample: "y", count: 0, minimum: 1)),
        ("MWU NaN", { _ = try MannWhitney.test([1, .nan], [1]) }, .nonFiniteValue(sample: "x", index: 1)),
        ("MWU infinity", { _ = try MannWhitney.test([1], [.infinity]) }, .nonFiniteValue(sample: "y", index: 0)),
        ("MWU all tied", { _ = try MannWhitney.test([2, 2], [2, 2, 2]) },
         .degenerate("all 5 observations are tied, so the Mann-Whitney statistic has no variance")),
        ("histogram lengths", { _ = try MannWhitney.test(histogramCounts: [1, 2], [1, 2, 3]) },
         .mismatchedLengths(first: "countsX", firstCount: 2, second: "countsY", secondCount: 3)),
        ("histogram negative", { _ = try MannWhitney.test(histogramCounts: [1, 2], [1, -2]) },
         .negativeCount(sample: "countsY", index: 1)),
        ("histogram all zero", { _ = try MannWhitney.test(histogramCounts: [0, 0], [1, 2]) },
         .allZero(sample: "countsX")),
        ("histogram empty", { _ = try MannWhitney.test(histogramCounts: [], []) }, .allZero(sample: "countsX")),
        ("histogram one bucket", { _ = try MannWhitney.test(histogramCounts: [0, 4], [0, 3]) },
         .degenerate("all 7 observations are tied, so the Mann-Whitney statistic has no variance")),
        ("HL empty control", { _ = try HodgesLehmann.estimate(experiment: [1], control: []) },
         .tooFewObservations(sample: "control", count: 0, minimum: 1)),
        ("HL confidence 1", { _ = try HodgesLehmann.estimate(experiment: [1, 2], control: [3], confidenceLevel: 1) },
         .probabilityOutOfRange(name: "confidence level", value: 1)),
        ("HL constant samples", { _ = try HodgesLehmann.estimate(experiment: [5, 5], control: [3, 3]) },
         .degenerate("both samples are constant, so every shift ties them; the interval is undefined")),
        ("Welch one observation", { _ = try WelchTTest.test([1], [1, 2]) },
         .tooFewObservations(sample: "x", count: 1, minimum: 2)),
        ("Welch constant", { _ = try WelchTTest.test([1, 1], [2, 2, 2]) },
         .degenerate("both samples are constant, so the standard error of the difference is zero")),
        ("proportion successes > trials",
         { _ = try TwoProportionZTest.test(successes1: 11, trials1: 10, successes2: 1, trials2: 10) },
         .countOutOfRange(name: "successes1", value: 11, trials: 10)),
        ("proportion zero trials",
         { _ = try TwoProportionZTest.test(successes1: 0, trials1: 10, successes2: 0, trials2: 0) },
         .tooFewObservations(sample: "trials2", count: 0, minimum: 1)),
        ("proportion pooled zero",
         { _ = try TwoProportionZTest.test(successes1: 0, trials1: 10, successes2: 0, trials2: 10) },
         .degenerate("the pooled proportion is 0, so the difference has no variance")),
        ("2×2 negative", { _ = try ContingencyChiSquare.test(1, -1, 2, 3) }, .negativeCount(sample: "table", index: 1)),
        ("2×2 zero column", { _ = try ContingencyChiSquare.test(0, 5, 0, 3) },
         .degenerate("a row or column of the 2×2 table sums to zero, so an expected frequency is zero")),
        ("GOF one category", { _ = try GoodnessOfFit.test(observed: [3]) },
         .tooFewObservations(sample: "observed", count: 1, minimum: 2)),
        ("GOF all zero", { _ = try GoodnessOfFit.test(observed: [0, 0, 0]) }, .allZero(sample: "observed")),
        ("GOF negative", { _ = try GoodnessOfFit.test(observed: [1, -1]) }, .negativeCount(sample: "observed", index: 1)),
        ("GOF lengths", { _ = try GoodnessOfFit.test(observed: [1, 2], expected: [3]) },
         .mismatchedLengths(first: "observed", firstCount: 2, second: "expected", secondCount: 1)),
        ("GOF totals", { _ = try GoodnessOfFit.test(observed: [1, 2], expected: [1, 1]) },
         .degenerate("observed frequencies sum to 3.0 but expected ones to 2.0; they must agree to a relative tolerance of 1.49e-8")),
        ("GOF zero expected", { _ = try GoodnessOfFit.test(observed: [1, 0], expected: [1, 0]) },
         .degenerate("expected frequency 1 is 0.0; every one must be positive")),
        ("binomial p = 0", { _ = try BinomialTest.pValue(successes: 1, trials: 10, probability: 0) },
         .probabilityOutOfRange(name: "success probability", value: 0)),
        ("binomial p = 1.5", { _ = try BinomialTest.pValue(successes: 1, trials: 10, probability: 1.5) },
         .probabilityOutOfRange(name: "success probability", value: 1.5)),
        ("binomial p NaN", { _ = try BinomialTest.pValue(successes: 1, trials: 10, probability: .nan) },
         .probabilityOutOfRange(name: "success probability", value: .nan)),
        ("binomial k > n", { _ = try BinomialTest.pValue(successes: 11, trials: 10, probability: 0.5) },
         .countOutOfRange(name: "successes", value: 11, trials: 10)),
        ("binomial n = 0", { _ = try BinomialTest.pValue(successes: 0, trials: 0, probability: 0.5) },
         .tooFewObservations(sample: "trials", count: 0, minimum: 1)),
    ]

    @Test(arguments: 0..<errorCases.count)
    func refusesBadInput(index: Int) {
        let (name, body, expected) = Self.errorCases[index]
        do {
            try body()
            Issue.record("\(name): no error thrown")
        } catch let error as StatisticsError {
            // NaN never equals itself, so compare descriptions.
            #expect(error.description == expected.description, "\(name)")
            #expect(!error.description.isEmpty)
        } catch {
            Issue.record("\(name): threw \(error), not a StatisticsError")
        }
    }
}
