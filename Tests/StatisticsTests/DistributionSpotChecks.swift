import Statistics
import Testing

/// A few hand-picked values from scipy 1.17, checked before the full reference vectors.
@Suite struct DistributionSpotChecks {
    static func close(_ actual: Double, _ expected: Double, relative: Double = 1e-9) -> Bool {
        expected == 0 ? abs(actual) < 1e-300 : abs(actual - expected) <= relative * abs(expected)
    }

    @Test(arguments: [
        ("norm.sf(37.5)", Normal.sf(37.5), 4.605353009581954e-308),
        ("norm.cdf(-1.5)", Normal.cdf(-1.5), 0.06680720126885807),
        ("norm.ppf(1e-10)", Normal.quantile(1e-10), -6.361340902404056),
        ("norm.ppf(0.975)", Normal.quantile(0.975), 1.959963984540054),
        ("2 t.sf(6.19, 8.99)", 2 * StudentT.sf(6.192137243673154, df: 8.9877280045323), 0.0001612962776208187),
        ("t.cdf(0.3, 1000)", StudentT.cdf(0.3, df: 1000), 0.617880247916378),
        ("t.sf(40, 3)", StudentT.sf(40, df: 3), 1.7190340394579253e-05),
        ("chi2.sf(40, 1)", ChiSquared.sf(40, df: 1), 2.5396285894708634e-10),
        ("chi2.cdf(0.5, 3)", ChiSquared.cdf(0.5, df: 3), 0.08110858834532418),
        ("betainc(2.5, 3.5, 0.3)", SpecialFunctions.regularizedBeta(0.3, 2.5, 3.5), 0.29675298929566646),
        ("binom.cdf(3, 20, 0.4)", Binomial.cdf(3, n: 20, p: 0.4), 0.01596116279000825),
        ("binom.sf(14, 20, 0.4)", Binomial.sf(atLeast: 15, n: 20, p: 0.4), 0.001611524643456288),
    ])
    func matchesScipy(name: String, actual: Double, expected: Double) {
        #expect(Self.close(actual, expected), "\(name): \(actual) vs \(expected)")
    }
}
