import Foundation
import Statistics
import Testing

/// The required vectors written out, properties the reference vectors do not show, and errors.
@Suite struct SequentialLiteralTests {
    @Test func requiredNormalMixtureVector() throws {
        // σ² = 1, 1000 per arm, difference 0.1, τ² = 0.01.
        var test = try NormalMixtureSPRT(tau2: 0.01, alpha: 0.05)
        try test.update(baseline: .init(count: 1000, mean: 0, variance: 1), canary: .init(count: 1000, mean: 0.1, variance: 1))
        expectClose(exp(test.logLikelihoodRatio), 3.278722, relative: 1e-6, "Λ")
        expectClose(test.pValue, 0.304997, relative: 1e-5, "always-valid p")
        let interval = try #require(test.confidenceSequence)
        expectClose(interval.lower, -0.036674, relative: 1e-5, "lower")
        expectClose(interval.upper, 0.236674, relative: 1e-5, "upper")
        #expect(!test.rejected)
    }

    @Test func requiredHolmVector() throws {
        let adjusted = try PValueAdjustment.holm([0.01, 0.04, 0.03, 0.005])
        for (a, e) in zip(adjusted, [0.03, 0.06, 0.06, 0.02]) { expectClose(a, e, relative: 1e-12, "Holm") }
        let bh = try PValueAdjustment.benjaminiHochberg([0.01, 0.04, 0.03, 0.005])
        for (a, e) in zip(bh, [0.02, 0.04, 0.04, 0.02]) { expectClose(a, e, relative: 1e-12, "BH") }
        #expect(try PValueAdjustment.holm([]).isEmpty)
    }

    @Test func confidenceSequenceOnlyNarrowsAndPValueOnlyFalls() throws {
        var test = try NormalMixtureSPRT(tau2: 0.01)
        var previous: NormalMixtureSPRT.Interval?
        var previousP = 1.0
        for look in 1...50 {
            let n = 20 * look
            let wobble = 0.05 * sin(Double(look))
            try test.update(baseline: .init(count: n, mean: 0, variance: 1), canary: .init(count: n, mean: wobble, variance: 1))
            let interval = try #require(test.confidenceSequence)
            if let previous { #expect(interval.lower >= previous.lower && interval.upper <= previous.upper) }
            #expect(test.pValue <= previousP)
            previous = interval
            previousP = test.pValue
        }
    }

    @Test func poissonTwoSidedIsTheTwoCellDirichlet() throws {
        for (a, b, share, alpha1, beta1) in [(7, 3, 0.5, 2.0, 2.0), (1, 40, 0.1, 0.5, 4.5), (30, 30, 0.3, 3.0, 7.0)] {
            let poisson = try PoissonRatioTest.logBayesFactor(canaryEvents: a, baselineEvents: b, canaryShare: share,
                                                              priorAlpha: alpha1, priorBeta: beta1, alternative: .twoSided)
            let dirichlet = try DirichletMultinomialTest.logBayesFactor(counts: [a, b], nullWeights: [share, 1 - share],
                                                                        prior: [alpha1, beta1])
            expectClose(poisson, dirichlet, relative: 1e-11, absolute: 1e-12, "\(a), \(b)")
        }
    }

    @Test func oneSidedMixtureIgnoresACanaryWithFewerEvents() throws {
        var test = try PoissonRatioTest(canaryShare: 0.5)
        #expect(test.alternative == .canaryHigher)
        try test.update(canaryEvents: 0, baselineEvents: 60)
        #expect(test.logBayesFactor < -3 && test.pValue == 1 && !test.rejected)
        var twoSided = try PoissonRatioTest(canaryShare: 0.5, alternative: .twoSided)
        try twoSided.update(canaryEvents: 0, baselineEvents: 60)
        #expect(twoSided.rejected)
    }

    @Test func extremeCountsStayFinite() throws {
        for (a, b) in [(0, 1_000_000), (1_000_000, 0), (500_000, 499_000), (3, 10_000_000)] {
            for share in [0.001, 0.5, 0.999] {
                for alternative in [PoissonRatioTest.Alternative.twoSided, .canaryHigher] {
                    let value = try PoissonRatioTest.logBayesFactor(canaryEvents: a, baselineEvents: b, canaryShare: share,
                                                                    priorAlpha: 5 * share, priorBeta: 5 * (1 - share),
                                                                    alternative: alternative)
                    #expect(value.isFinite, "\(a) \(b) \(share) \(alternative): \(value)")
                }
            }
        }
        var slo = try ErrorRatioSPRT(threshold: 1e-4)
        try slo.update(errors: 0, requests: 50_000_000)
        #expect(slo.logBayesFactor.isFinite && slo.pValue == 1)
        try slo.update(errors: 50_000, requests: 50_000)
        #expect(slo.breached && slo.pValue >= 0)
    }

    @Test func tunedNormalVarianceMinimisesTheRadius() throws {
        // Golden-section search on log τ² of the radius agrees with the first-order condition.
        for (v, alpha) in [(0.002, 0.05), (1.0, 0.01), (1e-5, 0.2)] {
            let tau2 = try MixtureTuning.normalMixtureVariance(plannedVariance: v, alpha: alpha)
            let radius = { (logTau2: Double) in NormalMixtureSPRT.radius(variance: v, tau2: exp(logTau2), alpha: alpha) }
            var lo = log(v) - 10, hi = log(v) + 15
            let phi = (5.0.squareRoot() - 1) / 2
            for _ in 0..<200 {
                let m1 = hi - phi * (hi - lo), m2 = lo + phi * (hi - lo)
                if radius(m1) < radius(m2) { hi = m2 } else { lo = m1 }
            }
            expectClose(exp((lo + hi) / 2), tau2, relative: 1e-4, "golden section vs x* at V \(v)")
            #expect(radius(log(tau2)) <= radius((lo + hi) / 2) * (1 + 1e-15))
        }
        expectClose(try MixtureTuning.optimalVarianceRatio(alpha: 0.05), 8.2, relative: 0.01, "x*(0.05)")
    }

    @Test func defaultInitialisersUseTheTuning() throws {
        let c = try MixtureTuning.betaConcentration(plannedEvents: 100, alpha: 0.05, oneSided: true)
        let poisson = try PoissonRatioTest(canaryShare: 0.2)
        expectClose(poisson.priorAlpha, 0.2 * c, relative: 1e-15, "α₁")
        expectClose(poisson.priorBeta, 0.8 * c, relative: 1e-15, "β₁")
        let slo = try ErrorRatioSPRT(threshold: 0.01, plannedRequests: 1_000)
        let cs = try MixtureTuning.betaConcentration(plannedEvents: 1_000, alpha: 0.05, oneSided: true)
        expectClose(slo.priorAlpha, 0.01 * cs, relative: 1e-15, "SLO prior")
        let srm = try SampleRatioMismatchCheck(expectedWeights: [90, 10])
        #expect(srm.test.nullWeights == [0.9, 0.1] && srm.test.alpha == 0.001)
    }

    @Test func bernoulliWaitsForMinimumCounts() throws {
        var test = try BernoulliMixtureSPRT(tau2: 1e-3)
        try test.update(baselineSuccesses: 0, baselineTrials: 100, canarySuccesses: 4, canaryTrials: 100)
        #expect(!test.isMeaningful && test.pValue == 1 && test.confidenceSequence == .init(lower: -1, upper: 1))
        try test.update(baselineSuccesses: 5, baselineTrials: 100, canarySuccesses: 30, canaryTrials: 100)
        #expect(test.isMeaningful && test.pValue < 1 && test.looks == 2 && test.canarySuccesses == 34)
    }

    @Test func srmDetectsAShiftedSplit() throws {
        var check = try SampleRatioMismatchCheck(expectedWeights: [50, 50], alpha: 0.001)
        var verdict = try check.update(requests: [5_000, 5_000])
        #expect(!verdict.mismatch && verdict.pValue == 1)
        verdict = try check.update(requests: [5_300, 4_700])
        #expect(verdict.mismatch && verdict.pValue < 0.001)
    }

    @Test func burnRateAndMultiWindow() throws {
        expectClose(try BurnRate.rate(errorRatio: 0.0144, sloTarget: 0.999), 14.4, relative: 1e-12, "burn")
        let page = try MultiWindowBurnRateAlert.workbookPolicies(sloTarget: 0.999)[0]
        #expect(try page.evaluate(longErrorRatio: 0.02, shortErrorRatio: 0.02).firing)
        #expect(try !page.evaluate(longErrorRatio: 0.02, shortErrorRatio: 0.001).firing) // recovered: short window resets
        #expect(try !page.evaluate(longErrorRatio: 0.001, shortErrorRatio: 0.5).firing)  // a blip: long window not burnt
        #expect(try !page.evaluate(longErrors: 0, longRequests: 0, shortErrors: 0, shortRequests: 0).firing)
    }

    @Test func shiftAndPlanningSpotValues() throws {
        #expect(try PopulationStabilityIndex.index(expected: [10, 20, 30], actual: [10, 20, 30]) == 0)
        #expect(PopulationStabilityIndex.level(0.05) == .stable && PopulationStabilityIndex.level(0.2) == .moderateShift
            && PopulationStabilityIndex.level(0.25) == .significantShift)
        // Textbook: 80% power, α 0.05, σ 1, δ 0.5 → 2 (1.96 + 0.8416)² / 0.25 ≈ 62.8 → 63 per arm.
        #expect(try SampleSizePlanning.twoMeans(minimumDetectableEffect: 0.5, standardDeviation: 1).perArm == 63)
    }

    @Test func statesRoundTripThroughJSON() throws {
        var poisson = try PoissonRatioTest(canaryShare: 0.5)
        try poisson.update(canaryEvents: 10, baselineEvents: 2)
        var normal = try NormalMixtureSPRT(tau2: 0.01)
        try normal.update(difference: 0.1, variance: 0.002)
        var slo = try ErrorRatioSPRT(threshold: 0.01)
        try slo.update(errors: 3, requests: 100)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        #expect(try decoder.decode(PoissonRatioTest.self, from: encoder.encode(poisson)) == poisson)
        #expect(try decoder.decode(NormalMixtureSPRT.self, from: encoder.encode(normal)) == normal)
        #expect(try decoder.decode(ErrorRatioSPRT.self, from: encoder.encode(slo)) == slo)
    }

    // MARK: - Invalid inputs throw StatisticsError

    private func expectInputError(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                                  _ body: () throws -> Void) {
        #expect(throws: StatisticsError.self, "\(what)", sourceLocation: sourceLocation) { try body() }
    }

    @Test func invalidInputsThrow() throws {
        expectInputError("τ² = 0") { _ = try NormalMixtureSPRT(tau2: 0) }
        expectInputError("α = 1") { _ = try NormalMixtureSPRT(tau2: 1, alpha: 1) }
        expectInputError("α NaN") { _ = try NormalMixtureSPRT(tau2: 1, alpha: .nan) }
        var normal = try NormalMixtureSPRT(tau2: 0.01)
        expectInputError("zero variance") { try normal.update(difference: 0.1, variance: 0) }
        expectInputError("NaN difference") { try normal.update(difference: .nan, variance: 1) }
        expectInputError("empty arm") {
            try normal.update(baseline: .init(count: 0, mean: 0, variance: 1), canary: .init(count: 5, mean: 0, variance: 1))
        }
        expectInputError("negative variance") {
            try normal.update(baseline: .init(count: 5, mean: 0, variance: -1), canary: .init(count: 5, mean: 0, variance: 1))
        }
        #expect(normal.looks == 0 && normal.confidenceSequence == nil)

        var bernoulli = try BernoulliMixtureSPRT(tau2: 0.001)
        expectInputError("successes > trials") {
            try bernoulli.update(baselineSuccesses: 5, baselineTrials: 4, canarySuccesses: 0, canaryTrials: 1)
        }
        try bernoulli.update(baselineSuccesses: 1, baselineTrials: Int.max - 1, canarySuccesses: 0, canaryTrials: 1)
        expectInputError("overflow") {
            try bernoulli.update(baselineSuccesses: 0, baselineTrials: 10, canarySuccesses: 0, canaryTrials: 1)
        }
        #expect(bernoulli.looks == 1 && bernoulli.canaryTrials == 1) // a failed update changes nothing
        expectInputError("minimumCount 0") { _ = try BernoulliMixtureSPRT(tau2: 0.001, minimumCount: 0) }

        expectInputError("share 1") { _ = try PoissonRatioTest(canaryShare: 1) }
        expectInputError("prior 0") { _ = try PoissonRatioTest(canaryShare: 0.5, priorAlpha: 0, priorBeta: 1) }
        expectInputError("planned < x*") { _ = try PoissonRatioTest(canaryShare: 0.5, plannedEvents: 3) }
        var poisson = try PoissonRatioTest(canaryShare: 0.5)
        expectInputError("negative events") { try poisson.update(canaryEvents: -1, baselineEvents: 0) }
        expectInputError("static negative") {
            _ = try BetaMixture.logBayesFactor(successes: 1, failures: -2, nullProbability: 0.5, priorAlpha: 1, priorBeta: 1, oneSided: false)
        }

        expectInputError("one cell") { _ = try DirichletMultinomialTest(nullWeights: [1]) }
        expectInputError("zero weight") { _ = try DirichletMultinomialTest(nullWeights: [1, 0]) }
        expectInputError("prior length") { _ = try DirichletMultinomialTest(nullWeights: [1, 1], prior: [1]) }
        var srm = try SampleRatioMismatchCheck(expectedWeights: [1, 1, 1])
        expectInputError("counts length") { try srm.update(requests: [1, 2]) }
        expectInputError("negative count") { try srm.update(requests: [1, -2, 3]) }

        expectInputError("threshold 0") { _ = try ErrorRatioSPRT(threshold: 0) }
        expectInputError("one-sided α ≥ 0.5") { _ = try ErrorRatioSPRT(threshold: 0.1, alpha: 0.6) }
        var slo = try ErrorRatioSPRT(threshold: 0.01)
        expectInputError("errors > requests") { try slo.update(errors: 3, requests: 2) }

        expectInputError("dimensions 0") { _ = try MixtureTuning.optimalVarianceRatio(alpha: 0.05, dimensions: 0) }
        expectInputError("planned variance 0") { _ = try MixtureTuning.normalMixtureVariance(plannedVariance: 0, alpha: 0.05) }
        expectInputError("rate 0") { _ = try MixtureTuning.bernoulliMixtureVariance(rate: 0, plannedSamplesPerArm: 10, alpha: 0.05) }

        expectInputError("p > 1") { _ = try PValueAdjustment.holm([0.5, 1.5]) }
        expectInputError("p NaN") { _ = try PValueAdjustment.benjaminiHochberg([.nan]) }

        expectInputError("burn ratio > 1") { _ = try BurnRate.rate(errorRatio: 1.2, sloTarget: 0.999) }
        expectInputError("target 1") { _ = try BurnRate.rate(errorRatio: 0.1, sloTarget: 1) }
        expectInputError("errors without requests") { _ = try BurnRate.rate(errors: 1, requests: 0, sloTarget: 0.99) }
        expectInputError("short ≥ long") {
            _ = try MultiWindowBurnRateAlert(sloTarget: 0.999, threshold: 14.4, longWindowSeconds: 300, shortWindowSeconds: 3_600)
        }

        expectInputError("bins differ") { _ = try PopulationStabilityIndex.index(expected: [1, 2], actual: [1, 2, 3]) }
        expectInputError("empty bin, no smoothing") {
            _ = try PopulationStabilityIndex.index(expected: [0, 2], actual: [1, 2], pseudocount: 0)
        }
        expectInputError("empty side") { _ = try PopulationStabilityIndex.index(expected: [0, 0], actual: [1, 2]) }
        expectInputError("zero proportion") {
            _ = try PopulationStabilityIndex.index(expectedProportions: [0, 1], actualProportions: [0.5, 0.5])
        }
        expectInputError("empty row") { _ = try ChiSquareHomogeneity.test(baseline: [0, 0], canary: [3, 4]) }
        expectInputError("negative class") { _ = try ChiSquareHomogeneity.test(baseline: [1, -1], canary: [3, 4]) }

        expectInputError("δ = 0") { _ = try SampleSizePlanning.twoProportions(baselineRate: 0.1, minimumDetectableEffect: 0) }
        expectInputError("p₂ ≥ 1") { _ = try SampleSizePlanning.twoProportions(baselineRate: 0.9, minimumDetectableEffect: 0.1) }
        expectInputError("power 0.3") {
            _ = try SampleSizePlanning.twoMeans(minimumDetectableEffect: 1, standardDeviation: 1, power: 0.3)
        }
        expectInputError("σ 0") { _ = try SampleSizePlanning.twoMeans(minimumDetectableEffect: 1, standardDeviation: 0) }
        expectInputError("too large") {
            _ = try SampleSizePlanning.twoMeans(minimumDetectableEffect: 1e-300, standardDeviation: 1)
        }
    }

    @Test func errorMessagesNameTheProblem() {
        do {
            _ = try NormalMixtureSPRT(tau2: -1)
            Issue.record("no error")
        } catch let error as StatisticsError {
            #expect(error == .invalidInput("tau2 must be finite and > 0, got -1.0"))
            #expect(error.description == "tau2 must be finite and > 0, got -1.0")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
