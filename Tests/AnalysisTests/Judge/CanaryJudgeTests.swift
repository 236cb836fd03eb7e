import Analysis
import KubeClient
import SluiceAPI
import Testing

/// The judge's rules on hand-made looks.
@Suite struct CanaryJudgeTests {
    static let errorsOnly = JudgeConfiguration(metrics: [JudgedMetric(name: "errors", kind: .counts, tolerance: 0.01)],
                                               minimumSamplesPerArm: 100)

    static func counts(canary: (Int, Int), baseline: (Int, Int), weight: Double = 50) -> JudgeObservations {
        JudgeObservations(canaryWeight: weight, requests: ArmPair(baseline: baseline.1, canary: canary.1), metrics: [
            "errors": .counts(ArmPair(baseline: EventCounts(events: baseline.0, total: baseline.1),
                                      canary: EventCounts(events: canary.0, total: canary.1))),
        ])
    }

    @Test func holdsUntilTheMinimumSample() throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        let report = try judge.look(Self.counts(canary: (0, 40), baseline: (0, 45)))
        #expect(report.verdict == .hold(.insufficientSamples))
        #expect(report.reason == "not enough samples yet: errors has 40 canary and 45 baseline samples; needs 100 per arm")
        #expect(report.metrics[0].outcome == .insufficientSamples)
    }

    /// Verdicts on single looks: clean arms pass by tolerance once the sequence is tight; a
    /// canary far worse fails; one far better passes (its sequence rules out any regression); in
    /// between is inconclusive.
    @Test(arguments: [
        ((5, 20_000), (5, 20_000), JudgeVerdict.pass),
        ((400, 2_000), (20, 2_000), .fail),
        ((20, 2_000), (400, 2_000), .pass),
        ((12, 1_000), (10, 1_000), .inconclusive),
    ] as [((Int, Int), (Int, Int), JudgeVerdict)])
    func singleLookVerdicts(canary: (Int, Int), baseline: (Int, Int), expected: JudgeVerdict) throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        let report = try judge.look(Self.counts(canary: canary, baseline: baseline))
        #expect(report.verdict == expected, "\(report.reason)")
    }

    @Test func failReasonNamesTheMetricAndFigures() throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        let report = try judge.look(Self.counts(canary: (400, 2_000), baseline: (20, 2_000)))
        #expect(report.reason.hasPrefix("canary is worse than baseline on errors (canary 400/2000 (20%) vs baseline 20/2000 (1%)"),
                "\(report.reason)")
        let errors = report.metrics[0]
        #expect(errors.effect == 0.19)
        #expect(errors.samples == ArmPair(baseline: 2_000, canary: 2_000))
    }

    /// Lower-is-worse metrics (success counts) fail on a drop, not on a rise.
    @Test func lowerIsWorseFailsOnADrop() throws {
        let configuration = JudgeConfiguration(metrics: [JudgedMetric(name: "errors", kind: .counts, worse: .lower)])
        var drop = try CanaryJudge(configuration: configuration)
        #expect(try drop.look(Self.counts(canary: (800, 2_000), baseline: (1_000, 2_000))).verdict == .fail)
        var rise = try CanaryJudge(configuration: configuration)
        #expect(try rise.look(Self.counts(canary: (1_200, 2_000), baseline: (1_000, 2_000))).verdict != .fail)
    }

    @Test(arguments: [
        (JudgeConfiguration(metrics: []), "metrics: must list at least one metric"),
        (JudgeConfiguration(metrics: [JudgedMetric(name: "a", kind: .counts)], alpha: 1.2), "alpha: must be between 0 and 1 (exclusive), got 1.2"),
        (JudgeConfiguration(metrics: [JudgedMetric(name: "a", kind: .counts), JudgedMetric(name: "a", kind: .moments)]),
         "metrics[1].name: duplicates metric a"),
        (JudgeConfiguration(metrics: [JudgedMetric(name: "a", kind: .counts, tolerance: -1)]),
         "metrics[0].tolerance: must be finite and ≥ 0 (a size of regression, not a direction), got -1.0"),
        (JudgeConfiguration(metrics: [JudgedMetric(name: "a", kind: .histogram, quantile: 1)]),
         "metrics[0].quantile: must be between 0 and 1 (exclusive), got 1.0"),
        (JudgeConfiguration(metrics: [JudgedMetric(name: "a", kind: .counts, plannedSamplesPerArm: 50)]),
         "metrics[0].plannedSamplesPerArm: must be ≥ minimumSamplesPerArm (100), got 50"),
    ])
    func badConfigurationsNameTheField(configuration: JudgeConfiguration, message: String) {
        #expect(throws: JudgeError.self) { try CanaryJudge(configuration: configuration) }
        do { _ = try CanaryJudge(configuration: configuration) } catch { #expect("\(error)" == message) }
    }

    @Test func badLooksAreErrorsAndLeaveTheStateAlone() throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        _ = try judge.look(Self.counts(canary: (5, 500), baseline: (5, 500)))
        let state = judge.state
        #expect(throws: JudgeError.self) { try judge.look(Self.counts(canary: (4, 500), baseline: (5, 500))) }
        #expect(throws: JudgeError.missingObservation(metric: "errors")) {
            try judge.look(JudgeObservations(canaryWeight: 50, requests: ArmPair(baseline: 600, canary: 600), metrics: [:]))
        }
        #expect(throws: JudgeError.wrongKind(metric: "errors", expected: "counts", got: "moments")) {
            try judge.look(JudgeObservations(canaryWeight: 50, requests: ArmPair(baseline: 600, canary: 600), metrics: [
                "errors": .moments(ArmPair(baseline: Moments(count: 1, sum: 1, sumOfSquares: 1), canary: Moments(count: 1, sum: 1, sumOfSquares: 1))),
            ]))
        }
        #expect(throws: JudgeError.self) { try judge.look(Self.counts(canary: (5, 600), baseline: (5, 600), weight: 100)) }
        #expect(judge.state == state)
    }

    /// The weight moves 10% → 50% between steps: the sample-ratio check follows it (no false
    /// mismatch) and reports the split of the current step.
    @Test func weightChangesRestartTheSplitCheck() throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        let first = try judge.look(Self.counts(canary: (1, 1_000), baseline: (9, 9_000), weight: 10))
        #expect(!first.sampleRatio.mismatch)
        let second = try judge.look(Self.counts(canary: (6, 6_000), baseline: (14, 14_000), weight: 50))
        #expect(!second.sampleRatio.mismatch, "\(second.reason)")
        #expect(second.sampleRatio.requests == ArmPair(baseline: 5_000, canary: 5_000))
        #expect(second.sampleRatio.observedCanaryShare == 0.5)
    }

    /// The status record: outcome, per-metric evidence, and a state that restores the judge.
    @Test func statusRecordCarriesTheEvidenceAndTheState() throws {
        var judge = try CanaryJudge(configuration: Self.errorsOnly)
        let report = try judge.look(Self.counts(canary: (400, 2_000), baseline: (20, 2_000)))
        let verdict = try report.statisticalVerdict(state: judge.state)
        #expect(verdict.decider == .judge && verdict.outcome == .fail && verdict.looks == 1)
        let metric = try #require(verdict.metrics?.first)
        #expect(metric.name == "errors" && metric.outcome == "Fail" && metric.canarySamples == 2_000)
        #expect(metric.lower != nil && metric.upper != nil && metric.adjustedPValue == report.metrics[0].adjustedPValue)
        let state = try #require(try verdict.decodedState(as: JudgeState.self))
        #expect(state == judge.state)
        var resumed = try CanaryJudge(configuration: Self.errorsOnly, state: state)
        #expect(try resumed.look(Self.counts(canary: (800, 4_000), baseline: (40, 4_000))).look == 2)
        // Through the AnalysisRun status as the API server would store it.
        let status = AnalysisRunStatus(phase: .failed, verdict: verdict)
        let decoded = try KubeJSON.decode(AnalysisRunStatus.self, from: KubeJSON.encode(status))
        #expect(try decoded.verdict?.decodedState(as: JudgeState.self) == judge.state)
        #expect(decoded.verdict?.metrics == verdict.metrics)
    }
}
