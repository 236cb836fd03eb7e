import Statistics
import Testing

/// Every case of `ReferenceVectors/fixed_horizon.json` (scipy 1.17 and a Python port of R's
/// wilcox.test, written by `scripts/reference-vectors/fixed_horizon.py`), to 1e-9 relative.
@Suite struct FixedHorizonReferenceTests {
    struct MannWhitneySampleCase: Decodable, Sendable {
        let name: String
        let x: [Double]
        let y: [Double]
        let continuity: Bool
        let alternative: Alternative
        let u: Double
        let z: Double
        let p: Double
        let effectSize: Double
    }

    struct MannWhitneyHistogramCase: Decodable, Sendable {
        let name: String
        let countsX: [Int]
        let countsY: [Int]
        let continuity: Bool
        let alternative: Alternative
        let u: Double
        let z: Double
        let p: Double
        let effectSize: Double
    }

    struct HodgesLehmannCase: Decodable, Sendable {
        let name: String
        let experiment: [Double]
        let control: [Double]
        let confidenceLevel: Double
        let continuityCorrection: Bool
        let estimateMethod: String
        let lower: Double
        let upper: Double
        let estimate: Double
    }

    struct WelchCase: Decodable, Sendable {
        let name: String
        let x: [Double]
        let y: [Double]
        let alternative: Alternative
        let t: Double
        let df: Double
        let p: Double
    }

    struct TwoProportionCase: Decodable, Sendable {
        let successes1: Int
        let trials1: Int
        let successes2: Int
        let trials2: Int
        let alternative: Alternative
        let z: Double
        let p: Double
    }

    struct ContingencyCase: Decodable, Sendable {
        let table: [[Int]]
        let correction: Bool
        let chi2: Double
        let p: Double
    }

    struct GoodnessOfFitCase: Decodable, Sendable {
        let observed: [Double]
        let expected: [Double]?
        let chi2: Double
        let p: Double
    }

    struct BinomialTestCase: Decodable, Sendable {
        let k: Int
        let n: Int
        let probability: Double
        let alternative: Alternative
        let p: Double
    }

    struct File: Decodable, Sendable {
        let mannWhitneySamples: [MannWhitneySampleCase]
        let mannWhitneyHistograms: [MannWhitneyHistogramCase]
        let hodgesLehmann: [HodgesLehmannCase]
        let welch: [WelchCase]
        let twoProportion: [TwoProportionCase]
        let contingency2x2: [ContingencyCase]
        let goodnessOfFit: [GoodnessOfFitCase]
        let binomialTest: [BinomialTestCase]
    }

    let file: File

    init() throws {
        file = try referenceVectors("fixed_horizon", as: File.self)
    }

    @Test func everySectionHasCases() {
        #expect(file.mannWhitneySamples.count >= 60)
        #expect(file.mannWhitneyHistograms.count >= 30)
        #expect(file.hodgesLehmann.count >= 100)
        #expect(file.welch.count >= 20)
        #expect(file.twoProportion.count >= 20)
        #expect(file.contingency2x2.count >= 20)
        #expect(file.goodnessOfFit.count >= 10)
        #expect(file.binomialTest.count >= 50)
    }

    @Test func mannWhitneyFromSamples() throws {
        for c in file.mannWhitneySamples {
            let what = "\(c.name), \(c.alternative), continuity \(c.continuity)"
            let r = try MannWhitney.test(c.x, c.y, alternative: c.alternative, continuity: c.continuity)
            expectClose(r.u, c.u, "U " + what)
            expectClose(r.z, c.z, "z " + what)
            expectClose(r.pValue, c.p, "p " + what)
            expectClose(r.effectSize, c.effectSize, "effect size " + what)
            #expect(r.n1 == c.x.count && r.n2 == c.y.count)
        }
    }

    @Test func mannWhitneyFromHistograms() throws {
        for c in file.mannWhitneyHistograms {
            let what = "\(c.name), \(c.alternative), continuity \(c.continuity)"
            let r = try MannWhitney.test(histogramCounts: c.countsX, c.countsY, alternative: c.alternative,
                                         continuity: c.continuity)
            expectClose(r.u, c.u, "U " + what)
            expectClose(r.z, c.z, "z " + what)
            expectClose(r.pValue, c.p, "p " + what)
            expectClose(r.effectSize, c.effectSize, "effect size " + what)
            #expect(r.n1 == c.countsX.reduce(0, +) && r.n2 == c.countsY.reduce(0, +))
        }
    }

    /// The histogram form is the sample form on the expanded samples, bit for bit.
    @Test func histogramEqualsExpandedSamples() throws {
        for c in file.mannWhitneyHistograms {
            let x = c.countsX.enumerated().flatMap { Array(repeating: Double($0.offset), count: $0.element) }
            let y = c.countsY.enumerated().flatMap { Array(repeating: Double($0.offset), count: $0.element) }
            let fromSamples = try MannWhitney.test(x, y, alternative: c.alternative, continuity: c.continuity)
            let fromCounts = try MannWhitney.test(histogramCounts: c.countsX, c.countsY, alternative: c.alternative,
                                                  continuity: c.continuity)
            #expect(fromSamples == fromCounts, "\(c.name)")
        }
    }

    @Test func hodgesLehmann() throws {
        for c in file.hodgesLehmann {
            let method = try #require(HodgesLehmann.EstimateMethod(rawValue: c.estimateMethod))
            let what = "\(c.name), conf \(c.confidenceLevel), correct \(c.continuityCorrection), \(method)"
            let r = try HodgesLehmann.estimate(experiment: c.experiment, control: c.control,
                                               confidenceLevel: c.confidenceLevel,
                                               continuityCorrection: c.continuityCorrection, estimateMethod: method)
            expectClose(r.lower, c.lower, absolute: 1e-12, "lower " + what)
            expectClose(r.upper, c.upper, absolute: 1e-12, "upper " + what)
            expectClose(r.estimate, c.estimate, absolute: 1e-12, "estimate " + what)
        }
    }

    @Test func welch() throws {
        for c in file.welch {
            let what = "\(c.name), \(c.alternative)"
            let r = try WelchTTest.test(c.x, c.y, alternative: c.alternative)
            expectClose(r.t, c.t, "t " + what)
            expectClose(r.degreesOfFreedom, c.df, "df " + what)
            expectClose(r.pValue, c.p, "p " + what)
        }
    }

    @Test func twoProportion() throws {
        for c in file.twoProportion {
            let what = "\(c.successes1)/\(c.trials1) vs \(c.successes2)/\(c.trials2), \(c.alternative)"
            let r = try TwoProportionZTest.test(successes1: c.successes1, trials1: c.trials1,
                                                successes2: c.successes2, trials2: c.trials2,
                                                alternative: c.alternative)
            expectClose(r.z, c.z, absolute: 1e-15, "z " + what)
            expectClose(r.pValue, c.p, "p " + what)
        }
    }

    @Test func contingency() throws {
        for c in file.contingency2x2 {
            let what = "\(c.table), correction \(c.correction)"
            let r = try ContingencyChiSquare.test(c.table[0][0], c.table[0][1], c.table[1][0], c.table[1][1],
                                                  yatesCorrection: c.correction)
            expectClose(r.chiSquare, c.chi2, absolute: 1e-15, "chi2 " + what)
            expectClose(r.pValue, c.p, "p " + what)
            #expect(r.degreesOfFreedom == 1)
        }
    }

    @Test func goodnessOfFit() throws {
        for c in file.goodnessOfFit {
            let what = "\(c.observed) vs \(c.expected.map { "\($0)" } ?? "uniform")"
            let r = try GoodnessOfFit.test(observed: c.observed, expected: c.expected)
            expectClose(r.chiSquare, c.chi2, absolute: 1e-15, "chi2 " + what)
            expectClose(r.pValue, c.p, "p " + what)
            #expect(r.degreesOfFreedom == c.observed.count - 1)
        }
    }

    @Test func binomialTest() throws {
        for c in file.binomialTest {
            let what = "k \(c.k), n \(c.n), p \(c.probability), \(c.alternative)"
            let p = try BinomialTest.pValue(successes: c.k, trials: c.n, probability: c.probability,
                                            alternative: c.alternative)
            expectClose(p, c.p, "p " + what)
        }
    }
}
