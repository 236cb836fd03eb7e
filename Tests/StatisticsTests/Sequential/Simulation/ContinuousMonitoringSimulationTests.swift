import TestSupport
import Statistics
import Testing

/// Seeded simulations of the anytime-valid tests under continuous monitoring.
///
/// A/A: both arms identical, a look after every batch, 100+ looks, 2,000 runs. Each anytime-valid
/// test must reject in at most α + 3 standard errors of the runs; a naive two-proportion z-test
/// repeated at every look must exceed 2α — the inflation that motivates the design.
///
/// Power: 0.1% baseline error ratio, 10 requests/s per arm, a look every 10 s, judged by the
/// one-sided `PoissonRatioTest` (canary share 0.5, α = 0.05, Beta(c/2, c/2) truncated to ρ > ½,
/// c = 14.06 from `MixtureTuning.betaConcentration(plannedEvents: 100, oneSided: true)`: 100
/// events is about the total a 2× regression produces in an hour, 36 baseline + 72 canary).
@Suite struct ContinuousMonitoringSimulationTests {
    static let alpha = 0.05
    static let runs = 2_000
    static let looks = 100

    /// The A/A acceptance bound α + 3 √(α (1 − α) / runs).
    static let bound = alpha + 3 * (alpha * (1 - alpha) / Double(runs)).squareRoot()

    /// Fraction of `runs` runs in which `run` (given a seeded generator) reports a rejection.
    static func rejectionRate(seed: UInt64, _ run: (inout SimulationRandom) throws -> Bool) rethrows -> Double {
        var random = SimulationRandom(seed: seed)
        var rejections = 0
        for _ in 0..<runs where try run(&random) { rejections += 1 }
        return Double(rejections) / Double(runs)
    }

    static func check(_ name: String, _ rate: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        print("A/A \(name): false-positive rate \(rate) over \(runs) runs × \(looks) looks (bound \(bound))")
        #expect(rate <= bound, "\(name): \(rate) > \(bound)", sourceLocation: sourceLocation)
    }

    @Test func normalMixtureAA() throws {
        let tau2 = try MixtureTuning.normalMixtureVariance(baselineVariance: 1, canaryVariance: 1,
                                                           plannedSamplesPerArm: 1_000, alpha: Self.alpha)
        let batch = 10
        let rate = try Self.rejectionRate(seed: 1) { random in
            var test = try NormalMixtureSPRT(tau2: tau2, alpha: Self.alpha)
            var sumB = 0.0, sumC = 0.0
            for look in 1...Self.looks {
                // The sum of a batch of N(0, 1) observations is N(0, batch).
                sumB += Double(batch).squareRoot() * random.normal()
                sumC += Double(batch).squareRoot() * random.normal()
                let n = Double(batch * look)
                try test.update(difference: sumC / n - sumB / n, variance: 2 / n)
                if test.rejected { return true }
            }
            return false
        }
        Self.check("normal mSPRT", rate)
    }

    @Test func bernoulliMixtureAA() throws {
        let tau2 = try MixtureTuning.bernoulliMixtureVariance(rate: 0.2, plannedSamplesPerArm: 5_000, alpha: Self.alpha)
        let rate = try Self.rejectionRate(seed: 2) { random in
            var test = try BernoulliMixtureSPRT(tau2: tau2, alpha: Self.alpha)
            for _ in 1...Self.looks {
                try test.update(baselineSuccesses: random.binomial(50, 0.2), baselineTrials: 50,
                                canarySuccesses: random.binomial(50, 0.2), canaryTrials: 50)
                if test.rejected { return true }
            }
            return false
        }
        Self.check("Bernoulli mSPRT", rate)
    }

    @Test func poissonRatioAA() throws {
        // One-sided with a 10% canary, and two-sided with an even split.
        let oneSided = try Self.rejectionRate(seed: 3) { random in
            var test = try PoissonRatioTest(canaryShare: 0.1, alternative: .canaryHigher, alpha: Self.alpha)
            for _ in 1...Self.looks {
                try test.update(canaryEvents: random.poisson(0.3), baselineEvents: random.poisson(2.7))
                if test.rejected { return true }
            }
            return false
        }
        Self.check("Poisson two-arm, one-sided, share 0.1", oneSided)
        let twoSided = try Self.rejectionRate(seed: 4) { random in
            var test = try PoissonRatioTest(canaryShare: 0.5, alternative: .twoSided, alpha: Self.alpha)
            for _ in 1...Self.looks {
                try test.update(canaryEvents: random.poisson(1), baselineEvents: random.poisson(1))
                if test.rejected { return true }
            }
            return false
        }
        Self.check("Poisson two-arm, two-sided, share 0.5", twoSided)
    }

    @Test func sampleRatioMismatchAA() throws {
        let weights = [0.2, 0.3, 0.5]
        let rate = try Self.rejectionRate(seed: 5) { random in
            var check = try SampleRatioMismatchCheck(expectedWeights: weights, alpha: Self.alpha)
            for _ in 1...Self.looks {
                if try check.update(requests: random.multinomial(100, weights)).mismatch { return true }
            }
            return false
        }
        Self.check("Dirichlet SRM, 3 arms", rate)
    }

    @Test func errorRatioSPRTAA() throws {
        // The hardest null: the true error ratio sits exactly at the threshold.
        let rate = try Self.rejectionRate(seed: 6) { random in
            var test = try ErrorRatioSPRT(threshold: 0.01, alpha: Self.alpha)
            for _ in 1...Self.looks {
                try test.update(errors: random.binomial(100, 0.01), requests: 100)
                if test.breached { return true }
            }
            return false
        }
        Self.check("one-sided SLO SPRT at p = p*", rate)
    }

    @Test func naiveRepeatedZTestInflates() {
        let rate = Self.rejectionRate(seed: 7) { random in
            var successesB = 0, successesC = 0
            for look in 1...Self.looks {
                successesB += random.binomial(50, 0.2)
                successesC += random.binomial(50, 0.2)
                let n = Double(50 * look)
                let pooled = Double(successesB + successesC) / (2 * n)
                let z = (Double(successesC) - Double(successesB)) / n / (pooled * (1 - pooled) * 2 / n).squareRoot()
                if Normal.twoSidedP(z) <= Self.alpha { return true }
            }
            return false
        }
        print("A/A naive z-test at every look: false-positive rate \(rate) (α = \(Self.alpha))")
        #expect(rate > 2 * Self.alpha, "the naive repeated z-test should inflate: \(rate)")
    }

    // MARK: - Power

    /// Looks (10 s each) until the one-sided Poisson test rejects, up to `maxLooks`; nil if never.
    static func detectionLook(_ random: inout SimulationRandom, regression: Double, maxLooks: Int) throws -> Int? {
        var test = try PoissonRatioTest(canaryShare: 0.5, alternative: .canaryHigher, alpha: alpha)
        for look in 1...maxLooks {
            // 10 requests/s per arm for 10 s; 0.1% baseline error ratio.
            try test.update(canaryEvents: random.binomial(100, 0.001 * regression), baselineEvents: random.binomial(100, 0.001))
            if test.rejected { return look }
        }
        return nil
    }

    @Test func fiveFoldRegressionIsCaughtWithinTenMinutes() throws {
        var random = SimulationRandom(seed: 8)
        let runs = 1_000
        var minutes = [Double]()
        for _ in 0..<runs {
            let look = try Self.detectionLook(&random, regression: 5, maxLooks: 360)
            minutes.append(look.map { Double($0) * 10 / 60 } ?? .infinity)
        }
        minutes.sort()
        let median = minutes[runs / 2]
        let withinTen = Double(minutes.filter { $0 <= 10 }.count) / Double(runs)
        print("Power 5×: median detection \(median) min, \(withinTen) within 10 min, over \(runs) runs")
        #expect(median <= 10)
    }

    @Test func twoFoldRegressionIsCaughtWithinAnHour() throws {
        var random = SimulationRandom(seed: 9)
        let runs = 2_000
        var detected = 0
        var minutes = [Double]()
        for _ in 0..<runs {
            if let look = try Self.detectionLook(&random, regression: 2, maxLooks: 360) {
                detected += 1
                minutes.append(Double(look) * 10 / 60)
            }
        }
        minutes.sort()
        let rate = Double(detected) / Double(runs)
        print("Power 2×: \(rate) detected within 60 min over \(runs) runs, median among detected \(minutes[minutes.count / 2]) min")
        #expect(rate >= 0.75)
    }
}
