@testable import Analysis
import SluiceAPI
import TestSupport
import Testing

@Suite("Decision: canary judge")
struct JudgeDecisionTests {
    /// Canary 5% errors against the baseline's 1%, 20% of the traffic: Failed, naming the metric.
    @Test func aWorseCanaryFailsTheRun() throws {
        var random = SimulationRandom(seed: 11)
        var canary = SimulatedArm(), baseline = SimulatedArm()
        // The pods served traffic before the run: the judge counts from its first look.
        baseline.serve(5_000, errorRatio: 0.2, random: &random)
        var looks = DecisionLooks(.judgeOnErrorsAndLatency())
        var outcome: DecisionOutcome?
        for look in 0..<60 {
            if look > 0 {
                canary.serve(200, errorRatio: 0.05, random: &random)
                baseline.serve(800, errorRatio: 0.01, random: &random)
            }
            outcome = try looks.look(canary.measurements("canary").merging(baseline.measurements("baseline")) { $1 },
                                     at: Double(look * 10), canaryWeight: 20).outcome
            if outcome != nil { break }
        }
        let ended = try #require(outcome, "no verdict in 60 looks: \(looks.history.last?.verdict.reason ?? "")")
        #expect(ended.phase == .failed)
        #expect(ended.message.hasPrefix("canary is worse than baseline on error-rate ("), "\(ended.message)")
        let verdict = try #require(looks.history.last?.verdict)
        #expect(verdict.decider == .judge && verdict.outcome == .fail)
        #expect(verdict.metrics?.map(\.name) == ["error-rate", "latency"])
        #expect(looks.history.count <= 20, "took \(looks.history.count) looks")
        // The first look only set the origin: the 20% errors served before it never count.
        #expect(looks.history[0].verdict.outcome == .hold)
        #expect(looks.history[0].verdict.metrics?.first?.baselineSamples == 0)
    }

    /// The same version in both arms, planned for 1,000 samples per arm: Successful at the horizon.
    @Test func anEqualCanaryPassesAtTheHorizon() throws {
        var random = SimulationRandom(seed: 3)
        var canary = SimulatedArm(), baseline = SimulatedArm()
        var looks = DecisionLooks(.judgeOnErrorsAndLatency(plannedSamplesPerArm: 1_000))
        var outcome: DecisionOutcome?
        for look in 0..<40 {
            if look > 0 {
                canary.serve(200, errorRatio: 0.01, random: &random)
                baseline.serve(800, errorRatio: 0.01, random: &random)
            }
            outcome = try looks.look(canary.measurements("canary").merging(baseline.measurements("baseline")) { $1 },
                                     at: Double(look * 10), canaryWeight: 20).outcome
            if outcome != nil { break }
        }
        let ended = try #require(outcome, "\(looks.history.last?.verdict.reason ?? "")")
        #expect(ended.phase == .successful)
        #expect(ended.message.hasPrefix("no regression on 2 metrics: error-rate ("), "\(ended.message)")
        #expect(canary.requests >= 1_000)
    }

    struct WeightCase: Sendable, CustomTestStringConvertible {
        var weight: Double?
        var reason: String
        var testDescription: String { reason }
    }

    @Test(arguments: [
        WeightCase(weight: nil, reason: "the canary's weight is not known, nothing to compare"),
        WeightCase(weight: 0, reason: "the canary's weight is 0%, nothing to compare"),
        WeightCase(weight: 100, reason: "the canary's weight is 100%, nothing to compare"),
    ])
    func withoutTwoArmsTheJudgeHolds(_ testCase: WeightCase) throws {
        var looks = DecisionLooks(.judgeOnErrorsAndLatency())
        let look = try looks.look(SimulatedArm().measurements("canary").merging(SimulatedArm().measurements("baseline")) { $1 },
                                  at: 0, canaryWeight: testCase.weight)
        #expect(look.outcome == nil)
        #expect(look.verdict.outcome == .hold)
        #expect(look.verdict.reason == testCase.reason)
        #expect(look.state.judge == nil)
    }

    /// Traffic while the canary's weight is 0 is not counted when the judge starts comparing.
    @Test func trafficWhileHeldDoesNotCount() throws {
        var random = SimulationRandom(seed: 5)
        var canary = SimulatedArm(), baseline = SimulatedArm()
        var looks = DecisionLooks(.judgeOnErrorsAndLatency())
        let both = { canary.measurements("canary").merging(baseline.measurements("baseline")) { $1 } }
        try looks.look(both(), at: 0, canaryWeight: 0)
        baseline.serve(1_000, errorRatio: 0.01, random: &random)
        try looks.look(both(), at: 10, canaryWeight: 0)
        canary.serve(80, errorRatio: 0.01, random: &random)
        baseline.serve(320, errorRatio: 0.01, random: &random)
        let look = try looks.look(both(), at: 20, canaryWeight: 20)
        let errorRate = try #require(look.verdict.metrics?.first)
        #expect(errorRate.canarySamples == 80 && errorRate.baselineSamples == 320)
        #expect(look.verdict.reason?.hasPrefix("not enough samples yet") == true, "\(look.verdict.reason ?? "")")
    }

    /// A stored state survives the status's JSON: looks resumed from the decoded state give the
    /// same verdicts as looks kept in memory.
    @Test func theStateRoundTripsThroughTheVerdict() throws {
        var random = SimulationRandom(seed: 21)
        var canary = SimulatedArm(), baseline = SimulatedArm()
        var stored = DecisionLooks(.judgeOnErrorsAndLatency()), kept = DecisionLooks(.judgeOnErrorsAndLatency())
        for look in 0..<12 {
            canary.serve(100, errorRatio: 0.03, random: &random)
            baseline.serve(400, errorRatio: 0.01, random: &random)
            let values = canary.measurements("canary").merging(baseline.measurements("baseline")) { $1 }
            let a = try stored.look(values, at: Double(look * 10), canaryWeight: 20, roundTrip: true)
            let b = try kept.look(values, at: Double(look * 10), canaryWeight: 20, roundTrip: false)
            #expect(a == b)
            #expect(try a.verdict.decodedState(as: DecisionState.self) == a.state)
        }
        #expect(stored.state?.looks == 12 && stored.state?.judge?.looks == 12)
    }
}

@Suite("Decision: SLO guard")
struct SLOGuardDecisionTests {
    static let errorGuard = AnalysisDecision(sloGuard: SLOGuardDecision(errorRate: 0.01, requests: "canary-requests", errors: "canary-errors"))

    /// 5% errors at 200 requests/s against a 1% objective, a look every 10 s: Failed within a few
    /// looks, naming the objective — whatever the canary served before the run.
    @Test func fivePercentErrorsAtTwoHundredPerSecondBreachWithinAFewLooks() throws {
        for seed in 1...10 as ClosedRange<UInt64> {
            var random = SimulationRandom(seed: seed)
            var canary = SimulatedArm()
            canary.serve(3_000, errorRatio: 0.001, random: &random)
            var looks = DecisionLooks(Self.errorGuard)
            var outcome: DecisionOutcome?
            for look in 0..<10 where outcome == nil {
                if look > 0 { canary.serve(2_000, errorRatio: 0.05, random: &random) }
                outcome = try looks.look(canary.measurements("canary"), at: Double(look * 10)).outcome
            }
            let ended = try #require(outcome, "seed \(seed): no breach")
            #expect(ended.phase == .failed)
            #expect(ended.message.hasPrefix("SLO breached: errorRate: errors "), "\(ended.message)")
            #expect(looks.history.count <= 3, "seed \(seed): \(looks.history.count) looks")
            #expect(looks.history.last?.verdict.outcome == .fail && looks.history.last?.verdict.decider == .sloGuard)
        }
    }

    /// One error in three requests burns the budget on paper but is no evidence: no breach,
    /// even with the minimum sample at 1.
    @Test func oneErrorInThreeRequestsDoesNotBreach() throws {
        var decision = Self.errorGuard
        decision.sloGuard?.minRequests = 1
        var looks = DecisionLooks(decision)
        try looks.look(["canary-requests": .noData(reason: "empty"), "canary-errors": .noData(reason: "empty")], at: 0)
        for look in 1...4 {
            let outcome = try looks.look(["canary-requests": .scalar(3), "canary-errors": .scalar(1)], at: Double(look * 10)).outcome
            #expect(outcome == nil)
        }
        let verdict = try #require(looks.history.last?.verdict)
        #expect(verdict.outcome == .pass)
        #expect(verdict.reason?.hasPrefix("within SLO: errorRate: errors 33.3% (1 of 3)") == true, "\(verdict.reason ?? "")")
    }

    /// Five minutes clean, then 5% errors: the burn-rate windows see the change though the
    /// totals since the start stay under the objective.
    @Test func aCanaryThatDegradesLateIsCaughtByTheWindows() throws {
        var random = SimulationRandom(seed: 7)
        var canary = SimulatedArm()
        var looks = DecisionLooks(Self.errorGuard)
        var outcome: DecisionOutcome?
        var look = 0
        while outcome == nil, look < 60 {
            if look > 0 { canary.serve(2_000, errorRatio: look <= 30 ? 0.001 : 0.05, random: &random) }
            outcome = try looks.look(canary.measurements("canary"), at: Double(look * 10)).outcome
            look += 1
        }
        #expect(outcome?.phase == .failed)
        let lookOfBreach = look - 1
        #expect(lookOfBreach > 30 && lookOfBreach <= 36, "breached at look \(lookOfBreach)")
        // Since the start the ratio is under 1%: only the windows show the breach.
        #expect(Double(canary.errors) / Double(canary.requests) < 0.01)
        // The history holds what the 60 s window needs, not the whole run.
        #expect((looks.state?.history.count ?? 0) <= 8)
    }

    /// A p99 objective of 300 ms with a tenth of the requests slower than 500 ms: Failed, naming
    /// latencyP99; the histogram is empty at the first look.
    @Test func aSlowCanaryBreachesItsLatencyObjective() throws {
        var random = SimulationRandom(seed: 9)
        var canary = SimulatedArm()
        var looks = DecisionLooks(AnalysisDecision(sloGuard: SLOGuardDecision(latencyP99: "300ms", requests: "canary-requests",
                                                                              latency: "canary-latency")))
        var outcome: DecisionOutcome?
        for look in 0..<10 where outcome == nil {
            if look > 0 { canary.serve(2_000, errorRatio: 0, latency: [0.3, 0.4, 0.1, 0.1, 0.1, 0], random: &random) }
            outcome = try looks.look(canary.measurements("canary"), at: Double(look * 10)).outcome
        }
        #expect(outcome?.phase == .failed)
        #expect(outcome?.message.hasPrefix("SLO breached: latencyP99: requests slower than 0.5 s") == true, "\(outcome?.message ?? "")")
    }

    @Test func windowsStartAtTheLatestTotalsOldEnough() {
        var state = DecisionState(kind: .sloGuard)
        for t in stride(from: 0.0, through: 70, by: 10) {
            state.remember(["requests": ["": t * 100]], at: t, longest: 60)
        }
        // Kept: the latest at or before 70 − 60 = 10, and everything after.
        #expect(state.history.map(\.elapsedSeconds) == [10, 20, 30, 40, 50, 60, 70])
        let current: CounterSnapshot = ["requests": ["": 8_000]]
        // At 80: the 60 s window starts at the totals of 20, the 15 s window at those of 60.
        #expect(state.windowTotals(60, now: 80, current: current) == ["requests": ["": 6_000]])
        #expect(state.windowTotals(15, now: 80, current: current) == ["requests": ["": 2_000]])
        // Nothing old enough: the window spans everything remembered.
        #expect(state.windowTotals(600, now: 80, current: current) == ["requests": ["": 7_000]])
        #expect(DecisionState(kind: .sloGuard).windowTotals(60, now: 0, current: current) == current)
    }
}

@Suite("Decision: experiment")
struct ExperimentDecisionTests {
    static func decision(maxDuration: DurationString? = "1h", onInconclusive: ExperimentDecisionSpec.InconclusiveAction? = nil,
                         weights: [Int32?] = [nil, nil]) -> AnalysisDecision {
        AnalysisDecision(experiment: ExperimentDecisionSpec(maxDuration: maxDuration, onInconclusive: onInconclusive, variants: [
            ExperimentVariantMetrics(name: "a", events: "a-conversions", total: "a-requests", weight: weights[0]),
            ExperimentVariantMetrics(name: "b", events: "b-conversions", total: "b-requests", weight: weights[1]),
        ]))
    }

    /// Looks every 10 s, 500 requests per variant between looks, until an outcome.
    static func run(_ decision: AnalysisDecision, rates: (a: Double, b: Double), seed: UInt64, looks: Int = 360) throws -> (DecisionOutcome?, DecisionLooks) {
        var random = SimulationRandom(seed: seed)
        var a = SimulatedArm(), b = SimulatedArm()
        var taken = DecisionLooks(decision)
        for look in 0..<looks {
            if look > 0 {
                a.serve(500, errorRatio: 0, conversionRatio: rates.a, random: &random)
                b.serve(500, errorRatio: 0, conversionRatio: rates.b, random: &random)
            }
            if let outcome = try taken.look(a.measurements("a").merging(b.measurements("b")) { $1 }, at: Double(look * 10)).outcome {
                return (outcome, taken)
            }
        }
        return (nil, taken)
    }

    @Test func aBetterTreatmentWins() throws {
        let (outcome, looks) = try Self.run(Self.decision(), rates: (0.10, 0.12), seed: 42)
        #expect(outcome?.phase == .successful)
        #expect(outcome?.message.hasPrefix("b wins: b ") == true, "\(outcome?.message ?? "")")
        #expect(looks.history.last?.verdict.winner == "b")
    }

    @Test func aBetterControlFailsTheRun() throws {
        let (outcome, _) = try Self.run(Self.decision(), rates: (0.12, 0.08), seed: 4)
        #expect(outcome?.phase == .failed)
        #expect(outcome?.message.hasPrefix("control a beat b: b ") == true, "\(outcome?.message ?? "")")
    }

    @Test(arguments: [(ExperimentDecisionSpec.InconclusiveAction.abort, AnalysisPhase.failed),
                      (.promote, .successful), (.pause, .inconclusive)])
    func noWinnerByTheMaximumDurationDoesAsConfigured(_ action: ExperimentDecisionSpec.InconclusiveAction, _ phase: AnalysisPhase) throws {
        let (outcome, looks) = try Self.run(Self.decision(maxDuration: "5m", onInconclusive: action), rates: (0.10, 0.10), seed: 8)
        #expect(outcome?.phase == phase)
        #expect(outcome?.message.hasPrefix("no significant difference after 300 s (maximum 300 s); \(action.rawValue): ") == true,
                "\(outcome?.message ?? "")")
        #expect(looks.history.count == 31)
    }

    @Test func theMaximumDurationIsRequiredAtTheLook() {
        var looks = DecisionLooks(Self.decision(maxDuration: nil))
        #expect(throws: DecisionError("decision.experiment.maxDuration: not set, and no experiment step's duration filled it in")) {
            try looks.look(SimulatedArm().measurements("a").merging(SimulatedArm().measurements("b")) { $1 }, at: 0)
        }
        #expect(looks.state == nil)
    }

    @Test func weightsAreAllOrNone() throws {
        #expect(throws: DecisionError("decision.experiment.variants[1].weight: required, as other variants set theirs (set all weights or none for an equal split)")) {
            try Self.decision(weights: [30, nil]).experiment?.policy()
        }
        #expect(try Self.decision(weights: [30, 70]).experiment?.policy().variants.map(\.weight) == [30, 70])
        #expect(try Self.decision().experiment?.policy().variants.map(\.weight) == [1, 1])
    }
}

@Suite("Decision: shadow and Kayenta")
struct FixedHorizonDecisionTests {
    static let shadow = AnalysisDecision(shadow: ShadowDecision(
        after: "60s", primary: ShadowArmMetrics(requests: "primary-requests", errors: "primary-errors", latency: "primary-latency", predictions: "primary-predictions"),
        candidate: ShadowArmMetrics(requests: "candidate-requests", errors: "candidate-errors", latency: "candidate-latency", predictions: "candidate-predictions")))

    static func runShadow(requestsPerLook: Int, candidateClasses: [String: Double], seed: UInt64) throws -> DecisionLooks {
        var random = SimulationRandom(seed: seed)
        var primary = SimulatedArm(), candidate = SimulatedArm()
        var looks = DecisionLooks(Self.shadow)
        for look in 0...8 {
            if look > 0 {
                primary.serve(requestsPerLook, errorRatio: 0.01, classes: ["fraud": 0.1, "ok": 0.9], random: &random)
                candidate.serve(requestsPerLook, errorRatio: 0.01, classes: candidateClasses, random: &random)
            }
            if try looks.look(primary.measurements("primary").merging(candidate.measurements("candidate")) { $1 },
                              at: Double(look * 10)).outcome != nil { break }
        }
        return looks
    }

    @Test func theShadowComparisonDecidesOnceAtItsHorizon() throws {
        let looks = try Self.runShadow(requestsPerLook: 500, candidateClasses: ["fraud": 0.1, "ok": 0.9], seed: 1)
        #expect(looks.history.count == 7)
        #expect(looks.history[1].verdict.reason == "decides at 60s (now 10s); so far the primary served 500 requests and the candidate 500")
        #expect(looks.history[..<6].allSatisfy { $0.outcome == nil && $0.verdict.outcome == .hold })
        let last = try #require(looks.history.last)
        #expect(last.outcome?.phase == .successful)
        #expect(last.verdict.metrics?.map(\.name) == ["errors", "latency", "predictions"])
        #expect(last.outcome?.message.hasPrefix("candidate matches primary on mirrored traffic: errors (candidate ") == true)
    }

    @Test func aCandidatePredictingDifferentlyFails() throws {
        let looks = try Self.runShadow(requestsPerLook: 500, candidateClasses: ["fraud": 0.4, "ok": 0.6], seed: 2)
        let outcome = try #require(looks.history.last?.outcome)
        #expect(outcome.phase == .failed)
        #expect(outcome.message.contains("predictions (PSI"), "\(outcome.message)")
        #expect(outcome.message.contains("; fraud "), "\(outcome.message)")
    }

    @Test func tooFewMirroredRequestsAreInconclusive() throws {
        let looks = try Self.runShadow(requestsPerLook: 20, candidateClasses: ["fraud": 0.1, "ok": 0.9], seed: 3)
        let outcome = try #require(looks.history.last?.outcome)
        #expect(outcome.phase == .inconclusive)
        #expect(outcome.message == "shadow comparison needs 500 requests on each side; the primary has 120, the candidate 120")
    }

    static let kayenta = AnalysisDecision(kayenta: KayentaDecision(after: "1m", metrics: [
        KayentaMetricSpec(name: "latency", direction: .increase, canary: "canary-latency-series", baseline: "baseline-latency-series"),
    ]))

    static func series(_ values: [Double]) -> MeasurementValue {
        .matrix([LabeledSeries(labels: [:], points: values.enumerated().map { .init(timestamp: Double($0.offset * 10), value: $0.element) })])
    }

    @Test(arguments: [(2.0, AnalysisPhase.failed), (1.0, .successful)])
    func kayentaJudgesOnceAtItsHorizon(_ factor: Double, _ phase: AnalysisPhase) throws {
        var random = SimulationRandom(seed: 13)
        let baseline = (0..<30).map { _ in 0.2 + 0.02 * random.normal() }
        let canary = (0..<30).map { _ in factor * (0.2 + 0.02 * random.normal()) }
        var looks = DecisionLooks(Self.kayenta)
        let values = ["canary-latency-series": Self.series(canary), "baseline-latency-series": Self.series(baseline)]
        let early = try looks.look(values, at: 30)
        #expect(early.outcome == nil && early.verdict.reason == "decides at 60s (now 30s)")
        let decided = try looks.look(values, at: 60)
        #expect(decided.outcome?.phase == phase)
        #expect(decided.verdict.decider == .kayenta && decided.verdict.score == (phase == .failed ? 0 : 100))
        #expect(decided.outcome?.message.hasPrefix("Kayenta score ") == true, "\(decided.outcome?.message ?? "")")
    }
}

@Suite("Decision state")
struct DecisionStateTests {
    @Test func aStateOfAnotherKindIsRefused() {
        let decision = AnalysisDecision(sloGuard: SLOGuardDecision(errorRate: 0.01, requests: "r", errors: "e"))
        #expect(throws: DecisionError("the stored decision state is of kind judge, but the decision is sloGuard")) {
            try decision.look(previous: DecisionState(kind: .judge), values: ["r": .scalar(1), "e": .scalar(0)], elapsedSeconds: 0, canaryWeight: nil)
        }
    }

    @Test func aMetricMissingFromTheLookIsNamed() {
        let decision = AnalysisDecision(sloGuard: SLOGuardDecision(errorRate: 0.01, requests: "r", errors: "e"))
        #expect(throws: DecisionError("metric e: no measurement at this look")) {
            try decision.look(previous: nil, values: ["r": .scalar(1)], elapsedSeconds: 0, canaryWeight: nil)
        }
    }

    @Test func aMetricReadTwoWaysIsRefused() {
        let decision = AnalysisDecision(shadow: ShadowDecision(
            after: "1m", primary: ShadowArmMetrics(requests: "r", errors: "e", latency: "r"), candidate: ShadowArmMetrics(requests: "r2", errors: "e2", latency: "l2")))
        #expect(throws: DecisionError("metric r is read both as a count and as a histogram; use one metric for each")) {
            try decision.look(previous: nil, values: [:], elapsedSeconds: 0, canaryWeight: nil)
        }
    }

    @Test func theStateEncodesAsJSONTextAndBack() throws {
        var state = DecisionState(kind: .sloGuard)
        state.counters.observe("latency", raw: ["0.1": 3, "+Inf": 5])
        state.counters.observe("latency", raw: ["0.1": 4, "+Inf": 9])
        state.originSeconds = 12
        state.remember(state.counters.snapshot, at: 0, longest: 60)
        let text = try StatisticalVerdict.encodedState(state)
        let verdict = StatisticalVerdict(decider: .sloGuard, outcome: .hold, state: text)
        #expect(try verdict.decodedState(as: DecisionState.self) == state)
        #expect(text.contains("\"kind\":\"sloGuard\""))
    }
}
