import TestSupport
import Analysis
import Testing

@Suite struct ExperimentMonitorTests {
    static func run(rates: [Double], weights: [Double] = [50, 50], seed: UInt64, batch: Int = 200, looks: Int = 400,
                    policy: ExperimentPolicy) throws -> ExperimentReport {
        var random = SimulationRandom(seed: seed)
        var monitor = try ExperimentMonitor(policy: policy)
        var totals = rates.map { _ in EventCounts(events: 0, total: 0) }
        var report: ExperimentReport?
        for look in 1...looks {
            let split = random.multinomialFast(batch, weights.map { $0 / weights.reduce(0, +) })
            for i in totals.indices {
                totals[i].total += split[i]
                totals[i].events += random.binomialFast(split[i], rates[i])
            }
            let counts = Dictionary(uniqueKeysWithValues: zip(policy.variants.map(\.name), totals))
            let current = try monitor.look(elapsedSeconds: Double(look * 10), counts: counts)
            report = current
            if current.decision != .running { break }
        }
        return try #require(report)
    }

    static let ab = ExperimentPolicy(variants: [.init(name: "a", weight: 50), .init(name: "b", weight: 50)],
                                     plannedSamplesPerVariant: 5_000, maxDurationSeconds: 4_000)

    /// Conversion 12% against 10%: B wins with significance, and the report carries the lift
    /// and a confidence sequence that excludes 0.
    @Test func betterConversionWins() throws {
        let report = try Self.run(rates: [0.10, 0.12], seed: 42, policy: Self.ab)
        #expect(report.decision == .winner("b"), "\(report.reason)")
        let b = try #require(report.comparisons.first)
        #expect(b.adjustedPValue <= 0.05)
        #expect(try #require(b.confidenceSequence).lower > 0)
        let lift = try #require(b.lift)
        #expect(lift > 0.05 && lift < 0.4)
        #expect(report.reason.hasPrefix("b wins: b 1"), "\(report.reason)")
        print("A/B 12% vs 10%: \(report.reason) after \(b.counts.total + report.controlCounts.total) requests")
    }

    /// Identical variants reach the maximum duration without a winner: the configured action.
    @Test func noDifferenceEndsInconclusive() throws {
        var policy = Self.ab
        policy.inconclusiveAction = .pause
        policy.maxDurationSeconds = 1_000
        let report = try Self.run(rates: [0.10, 0.10], seed: 8, policy: policy)
        #expect(report.decision == .inconclusive(.pause), "\(report.reason)")
        #expect(report.reason.contains("no significant difference after 1000 s"), "\(report.reason)")
    }

    /// Three variants: the one clearly better than the control wins.
    @Test func bestOfThreeWins() throws {
        let policy = ExperimentPolicy(variants: [.init(name: "control", weight: 1), .init(name: "b", weight: 1), .init(name: "c", weight: 1)],
                                      plannedSamplesPerVariant: 5_000, maxDurationSeconds: 10_000)
        let report = try Self.run(rates: [0.10, 0.10, 0.14], weights: [1, 1, 1], seed: 5, batch: 300, looks: 600, policy: policy)
        #expect(report.decision == .winner("c"), "\(report.reason)")
    }

    /// 45/55 traffic configured as 50/50 holds the experiment.
    @Test func wrongSplitHolds() throws {
        let report = try Self.run(rates: [0.10, 0.10], weights: [45, 55], seed: 2, policy: Self.ab)
        #expect(report.decision == .hold(.sampleRatioMismatch), "\(report.reason)")
        #expect(report.reason.contains("expected a 50%, b 50%"), "\(report.reason)")
    }

    @Test func missingVariantIsAnError() throws {
        var monitor = try ExperimentMonitor(policy: Self.ab)
        #expect(throws: JudgeError.missingObservation(metric: "b")) {
            try monitor.look(elapsedSeconds: 1, counts: ["a": EventCounts(events: 1, total: 10)])
        }
    }
}

@Suite struct ShadowComparisonTests {
    static let bounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, .infinity]
    static let latency = CumulativeHistogram(upperBounds: bounds, bucketCounts: [400, 350, 150, 70, 25, 5])
    static let classes = ["cat", "dog", "bird"]

    static func observation(candidateErrors: Int = 10, candidateLatency: CumulativeHistogram = latency,
                            candidatePredictions: [Int] = [500, 300, 200]) -> ShadowObservation {
        ShadowObservation(
            errors: ArmPair(baseline: EventCounts(events: 10, total: 1_000), canary: EventCounts(events: candidateErrors, total: 1_000)),
            latency: ArmPair(baseline: latency, canary: candidateLatency),
            predictions: ArmPair(baseline: [500, 300, 200], canary: candidatePredictions),
            predictionClasses: classes)
    }

    @Test func identicalCandidatePasses() throws {
        let report = try ShadowComparison.decide(ShadowPolicy(), Self.observation())
        #expect(report.verdict == .pass, "\(report.reason)")
        #expect(report.checks.map(\.name) == ["errors", "latency", "predictions"])
    }

    /// A model whose class distribution moved fails, and the reason says which class moved.
    @Test func shiftedPredictionsFail() throws {
        let report = try ShadowComparison.decide(ShadowPolicy(), Self.observation(candidatePredictions: [300, 250, 450]))
        #expect(report.verdict == .fail)
        #expect(report.checks.filter(\.failed).map(\.name) == ["predictions"])
        #expect(report.reason.contains("bird 20% → 45%"), "\(report.reason)")
        #expect(try #require(report.checks.last?.effect) >= 0.25)
    }

    /// A large PSI on a handful of predictions is noise: chi-square is not significant.
    @Test func psiAloneOnFewPredictionsDoesNotFail() throws {
        var observation = Self.observation()
        observation.predictions = ArmPair(baseline: [5, 3, 2], canary: [2, 3, 5])
        let report = try ShadowComparison.decide(ShadowPolicy(), observation)
        let predictions = try #require(report.checks.last)
        #expect(try #require(predictions.effect) >= 0.25 && !predictions.failed)
        #expect(report.verdict == .pass)
    }

    @Test func moreErrorsFail() throws {
        let report = try ShadowComparison.decide(ShadowPolicy(), Self.observation(candidateErrors: 50))
        #expect(report.verdict == .fail)
        #expect(report.checks.filter(\.failed).map(\.name) == ["errors"])
    }

    /// A slower candidate fails on latency only when the p99 shift exceeds the tolerance.
    @Test func slowerCandidateFailsBeyondTolerance() throws {
        let slower = CumulativeHistogram(upperBounds: Self.bounds, bucketCounts: [200, 350, 250, 120, 60, 20])
        let strict = try ShadowComparison.decide(ShadowPolicy(), Self.observation(candidateLatency: slower))
        #expect(strict.checks.filter(\.failed).map(\.name) == ["latency"], "\(strict.reason)")
        let lenient = try ShadowComparison.decide(ShadowPolicy(latencyTolerance: 10), Self.observation(candidateLatency: slower))
        #expect(lenient.verdict == .pass, "\(lenient.reason)")
    }

    @Test func tooFewRequestsIsInsufficient() throws {
        let report = try ShadowComparison.decide(ShadowPolicy(minimumRequests: 5_000), Self.observation())
        #expect(report.verdict == .insufficient)
        #expect(report.reason == "shadow comparison needs 5000 requests on each side; the primary has 1000, the candidate 1000")
    }
}
