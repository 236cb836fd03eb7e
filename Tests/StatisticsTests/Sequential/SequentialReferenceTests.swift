import Statistics
import Testing

/// Every case of `ReferenceVectors/sequential.json` (scipy, see scripts/reference-vectors/sequential.py)
/// to 1e-9 relative. Log Bayes factors, log likelihood ratios and confidence bounds can be near 0,
/// so they also pass within 1e-12 absolute.
@Suite struct SequentialReferenceTests {
    let vectors: SequentialVectors
    init() throws { vectors = try SequentialVectors.load() }

    private func close(_ actual: Double, _ expected: Double, _ what: @autoclosure () -> String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(actual, expected, relative: 1e-9, absolute: 1e-12, what(), sourceLocation: sourceLocation)
    }

    @Test func normalMixtureSPRT() throws {
        #expect(vectors.normalMixture.count >= 5)
        for c in vectors.normalMixture {
            var test = try NormalMixtureSPRT(tau2: c.tau2, alpha: c.alpha, nullDifference: c.nullDifference)
            for (i, look) in c.looks.enumerated() {
                try test.update(baseline: .init(count: look.baseline.count, mean: look.baseline.mean, variance: look.baseline.variance),
                                canary: .init(count: look.canary.count, mean: look.canary.mean, variance: look.canary.variance))
                let what = "\(c.name) look \(i + 1)"
                close(test.logLikelihoodRatio, look.logLikelihoodRatio, "\(what) log Λ")
                close(test.pValue, look.pValue, "\(what) p")
                close(try #require(test.confidenceSequence).lower, look.lower, "\(what) lower")
                close(try #require(test.confidenceSequence).upper, look.upper, "\(what) upper")
                #expect(test.looks == i + 1)
            }
        }
    }

    @Test func bernoulliMixtureSPRT() throws {
        for c in vectors.bernoulliMixture {
            var test = try BernoulliMixtureSPRT(tau2: c.tau2, alpha: c.alpha, minimumCount: c.minimumCount)
            for (i, look) in c.looks.enumerated() {
                try test.update(baselineSuccesses: look.baselineSuccesses, baselineTrials: look.baselineTrials,
                                canarySuccesses: look.canarySuccesses, canaryTrials: look.canaryTrials)
                let what = "\(c.name) look \(i + 1)"
                #expect(test.isMeaningful == look.meaningful, "\(what)")
                close(test.logLikelihoodRatio, look.logLikelihoodRatio, "\(what) log Λ")
                close(test.pValue, look.pValue, "\(what) p")
                close(test.confidenceSequence.lower, look.lower, "\(what) lower")
                close(test.confidenceSequence.upper, look.upper, "\(what) upper")
            }
        }
    }

    @Test func poissonRatioTest() throws {
        for c in vectors.poissonRatio {
            let alternative = try #require(PoissonRatioTest.Alternative(rawValue: c.alternative))
            var test = try PoissonRatioTest(canaryShare: c.canaryShare, priorAlpha: c.priorAlpha, priorBeta: c.priorBeta,
                                            alternative: alternative, alpha: c.alpha)
            for (i, look) in c.looks.enumerated() {
                try test.update(canaryEvents: look.canaryEvents, baselineEvents: look.baselineEvents)
                let what = "\(c.name) look \(i + 1)"
                close(test.logBayesFactor, look.logBayesFactor, "\(what) log BF")
                close(test.maxLogBayesFactor, look.maxLogBayesFactor, "\(what) max log BF")
                close(test.pValue, look.pValue, "\(what) p")
                #expect(test.rejected == look.rejected, "\(what)")
            }
        }
    }

    @Test func betaMixtureBayesFactors() throws {
        for c in vectors.betaMixture {
            let what = "s \(c.successes) f \(c.failures) p0 \(c.nullProbability) Beta(\(c.priorAlpha), \(c.priorBeta)) oneSided \(c.oneSided)"
            close(try BetaMixture.logBayesFactor(successes: c.successes, failures: c.failures, nullProbability: c.nullProbability,
                                                 priorAlpha: c.priorAlpha, priorBeta: c.priorBeta, oneSided: c.oneSided),
                  c.logBayesFactor, what)
            close(try PoissonRatioTest.logBayesFactor(canaryEvents: c.successes, baselineEvents: c.failures,
                                                      canaryShare: c.nullProbability, priorAlpha: c.priorAlpha,
                                                      priorBeta: c.priorBeta, alternative: c.oneSided ? .canaryHigher : .twoSided),
                  c.logBayesFactor, what)
        }
    }

    @Test func dirichletMultinomialTest() throws {
        for c in vectors.dirichlet {
            var test = try DirichletMultinomialTest(nullWeights: c.nullWeights, prior: c.prior, alpha: c.alpha)
            var totals = Array(repeating: 0, count: c.nullWeights.count)
            for (i, look) in c.looks.enumerated() {
                try test.update(counts: look.counts)
                for j in totals.indices { totals[j] += look.counts[j] }
                let what = "\(c.name) look \(i + 1)"
                close(test.logBayesFactor, look.logBayesFactor, "\(what) log BF")
                close(try DirichletMultinomialTest.logBayesFactor(counts: totals, nullWeights: c.nullWeights, prior: c.prior),
                      look.logBayesFactor, "\(what) static log BF")
                close(test.maxLogBayesFactor, look.maxLogBayesFactor, "\(what) max log BF")
                close(test.pValue, look.pValue, "\(what) p")
                #expect(test.rejected == look.rejected, "\(what)")
                #expect(test.counts == totals)
            }
        }
    }

    @Test func sampleRatioMismatchCheck() throws {
        for c in vectors.sampleRatioMismatch {
            let planned = try #require(c.plannedRequests)
            var check = try SampleRatioMismatchCheck(expectedWeights: c.nullWeights, alpha: c.alpha, plannedRequests: planned)
            for (j, a) in check.test.prior.enumerated() { close(a, c.prior[j], "\(c.name) prior[\(j)]") }
            for (i, look) in c.looks.enumerated() {
                let verdict = try check.update(requests: look.counts)
                let what = "\(c.name) look \(i + 1)"
                close(verdict.pValue, look.pValue, "\(what) p")
                #expect(verdict.mismatch == look.rejected, "\(what)")
            }
        }
    }

    @Test func errorRatioSPRT() throws {
        for c in vectors.errorRatio {
            var test = try ErrorRatioSPRT(threshold: c.threshold, priorAlpha: c.priorAlpha, priorBeta: c.priorBeta, alpha: c.alpha)
            for (i, look) in c.looks.enumerated() {
                try test.update(errors: look.errors, requests: look.requests)
                let what = "\(c.name) look \(i + 1)"
                close(test.logBayesFactor, look.logBayesFactor, "\(what) log BF")
                close(test.maxLogBayesFactor, look.maxLogBayesFactor, "\(what) max log BF")
                close(test.pValue, look.pValue, "\(what) p")
                #expect(test.breached == look.breached, "\(what)")
            }
        }
    }

    @Test func mixtureTuning() throws {
        let t = vectors.tuning
        for c in t.ratios {
            close(try MixtureTuning.optimalVarianceRatio(alpha: c.alpha, dimensions: c.dimensions), c.ratio,
                  "x*(α \(c.alpha), m \(c.dimensions))")
        }
        for c in t.normal {
            close(try MixtureTuning.normalMixtureVariance(plannedVariance: c.plannedVariance, alpha: c.alpha), c.tau2, "τ² V_N \(c.plannedVariance)")
        }
        for c in t.normalArms {
            close(try MixtureTuning.normalMixtureVariance(baselineVariance: c.baselineVariance, canaryVariance: c.canaryVariance,
                                                          plannedSamplesPerArm: c.plannedSamplesPerArm, alpha: c.alpha),
                  c.tau2, "τ² arms N \(c.plannedSamplesPerArm)")
        }
        for c in t.bernoulli {
            close(try MixtureTuning.bernoulliMixtureVariance(rate: c.rate, plannedSamplesPerArm: c.plannedSamplesPerArm, alpha: c.alpha),
                  c.tau2, "τ² Bernoulli p \(c.rate)")
        }
        for c in t.concentration {
            close(try MixtureTuning.betaConcentration(plannedEvents: c.plannedEvents, alpha: c.alpha, dimensions: c.dimensions,
                                                      oneSided: c.oneSided),
                  c.concentration, "c N \(c.plannedEvents) α \(c.alpha) m \(c.dimensions) oneSided \(c.oneSided)")
        }
    }

    @Test func multiplicity() throws {
        for c in vectors.multiplicity {
            let holm = try PValueAdjustment.holm(c.pValues)
            let bh = try PValueAdjustment.benjaminiHochberg(c.pValues)
            #expect(holm.count == c.pValues.count && bh.count == c.pValues.count)
            for i in c.pValues.indices {
                close(holm[i], c.holm[i], "Holm \(c.pValues)[\(i)]")
                close(bh[i], c.benjaminiHochberg[i], "BH \(c.pValues)[\(i)]")
            }
        }
    }

    @Test func burnRates() throws {
        for c in vectors.burnRate.rates {
            close(try BurnRate.rate(errors: c.errors, requests: c.requests, sloTarget: c.sloTarget), c.rate,
                  "burn \(c.errors)/\(c.requests) at \(c.sloTarget)")
        }
        for c in vectors.burnRate.windows {
            let alert = try MultiWindowBurnRateAlert(sloTarget: c.sloTarget, threshold: c.threshold,
                                                     longWindowSeconds: 3_600, shortWindowSeconds: 300)
            let evaluation = try alert.evaluate(longErrors: c.longErrors, longRequests: c.longRequests,
                                                shortErrors: c.shortErrors, shortRequests: c.shortRequests)
            close(evaluation.longBurnRate, c.longBurnRate, "long burn")
            close(evaluation.shortBurnRate, c.shortBurnRate, "short burn")
            #expect(evaluation.firing == c.firing, "\(c.longErrors)/\(c.longRequests), \(c.shortErrors)/\(c.shortRequests)")
        }
    }

    @Test func distributionShift() throws {
        for c in vectors.shift.psiCounts {
            close(try PopulationStabilityIndex.index(expected: c.expected, actual: c.actual, pseudocount: c.pseudocount), c.index,
                  "PSI \(c.expected) \(c.actual) λ \(c.pseudocount)")
        }
        for c in vectors.shift.psiProportions {
            close(try PopulationStabilityIndex.index(expectedProportions: c.expected, actualProportions: c.actual), c.index,
                  "PSI \(c.expected) \(c.actual)")
        }
        for c in vectors.shift.chiSquare {
            let result = try ChiSquareHomogeneity.test(baseline: c.baseline, canary: c.canary)
            close(result.statistic, c.statistic, "χ² \(c.baseline) \(c.canary)")
            close(result.pValue, c.pValue, "p \(c.baseline) \(c.canary)")
            #expect(result.degreesOfFreedom == c.degreesOfFreedom)
            #expect(result.yatesCorrected == c.yatesCorrected)
        }
    }

    @Test func planning() throws {
        for c in vectors.planning.proportions {
            let form = try #require(SampleSizePlanning.ProportionVariance(rawValue: c.variance))
            let n = try SampleSizePlanning.twoProportions(baselineRate: c.baselineRate, minimumDetectableEffect: c.minimumDetectableEffect,
                                                          alpha: c.alpha, power: c.power, variance: form)
            close(n.exact, c.exact, "n \(c.baselineRate) + \(c.minimumDetectableEffect) \(c.variance)")
            #expect(n.perArm == c.perArm)
        }
        for c in vectors.planning.means {
            let n = try SampleSizePlanning.twoMeans(minimumDetectableEffect: c.minimumDetectableEffect,
                                                    standardDeviation: c.standardDeviation,
                                                    canaryStandardDeviation: c.canaryStandardDeviation,
                                                    alpha: c.alpha, power: c.power)
            close(n.exact, c.exact, "n means δ \(c.minimumDetectableEffect)")
            #expect(n.perArm == c.perArm)
        }
    }
}
