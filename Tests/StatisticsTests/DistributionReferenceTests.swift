import Statistics
import Testing

/// Every case of `ReferenceVectors/distributions.json` (scipy 1.17, written by
/// `scripts/reference-vectors/fixed_horizon.py`) against Sources/Statistics/Distributions, to 1e-9
/// relative (1e-300 absolute, so results that underflow to subnormals only need to be tiny).
@Suite struct DistributionReferenceTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let function: String
        let args: [Double]
        let expected: Double

        var testDescription: String { "\(function)(\(args.map { "\($0)" }.joined(separator: ", ")))" }
    }

    struct File: Decodable {
        let cases: [Case]
    }

    static let cases: [Case] = (try? referenceVectors("distributions", as: File.self).cases) ?? []

    /// The Swift function a scipy function name stands for; `binom.sf(k, n, p)` is scipy's P(X > k).
    static func evaluate(_ c: Case) -> Double? {
        let a = c.args
        switch c.function {
        case "norm.cdf": return Normal.cdf(a[0])
        case "norm.sf": return Normal.sf(a[0])
        case "norm.pdf": return Normal.pdf(a[0])
        case "norm.twoSidedP": return Normal.twoSidedP(a[0])
        case "norm.ppf": return Normal.quantile(a[0])
        case "t.sf": return StudentT.sf(a[0], df: a[1])
        case "t.cdf": return StudentT.cdf(a[0], df: a[1])
        case "t.twoSidedP": return StudentT.twoSidedP(a[0], df: a[1])
        case "chi2.sf": return ChiSquared.sf(a[0], df: a[1])
        case "chi2.cdf": return ChiSquared.cdf(a[0], df: a[1])
        case "betainc": return SpecialFunctions.regularizedBeta(a[2], a[0], a[1])
        case "betaincc": return SpecialFunctions.regularizedBetaComplement(a[2], a[0], a[1])
        case "betaln": return SpecialFunctions.logBeta(a[0], a[1])
        case "gammainc": return SpecialFunctions.regularizedGammaP(a[0], a[1])
        case "gammaincc": return SpecialFunctions.regularizedGammaQ(a[0], a[1])
        case "gammaln": return SpecialFunctions.logGamma(a[0])
        case "binom.logpmf": return Binomial.logPMF(Int(a[0]), n: Int(a[1]), p: a[2])
        case "binom.pmf": return Binomial.pmf(Int(a[0]), n: Int(a[1]), p: a[2])
        case "binom.cdf": return Binomial.cdf(Int(a[0]), n: Int(a[1]), p: a[2])
        case "binom.sf": return Binomial.sf(atLeast: Int(a[0]) + 1, n: Int(a[1]), p: a[2])
        default: return nil
        }
    }

    @Test func vectorsLoadAndCoverEveryFunction() throws {
        let file = try referenceVectors("distributions", as: File.self)
        #expect(file.cases.count > 1000)
        let functions = Set(file.cases.map(\.function))
        #expect(functions.count == 20, "functions: \(functions.sorted())")
        for c in file.cases {
            #expect(Self.evaluate(c) != nil, "no Swift counterpart for \(c.function)")
        }
    }

    /// Cases the current StudentT cannot get to 1e-9, and why; they are still checked, as known
    /// issues, so a fix shows up. Both come from `StudentT` going through the incomplete beta:
    /// - |t| < 1e-5 with ν ≥ 1e4: x = t²/(ν + t²) is below 1e-13, and `regularizedBetaComplement`
    ///   forms 1 − x, which keeps only a few digits of x (at t = 1e-6, ν = 1e5 it rounds to 1 and
    ///   the result is exactly 0.5 instead of 0.4999996, 8e-7 relative);
    /// - ν ≥ 1e6: ln B(ν/2, ½) = lnΓ(ν/2) + lnΓ(½) − lnΓ((ν+1)/2) cancels terms of size ~ν ln ν,
    ///   leaving an absolute error of ~1e-16·ν ln ν in the exponent (1e-9 to 1e-8 relative at ν = 1e7).
    @Test(arguments: cases)
    func matchesScipy(_ c: Case) throws {
        let actual = try #require(Self.evaluate(c))
        expectClose(actual, c.expected, c.testDescription)
    }
}
