import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

/// Templates whose decision is each kind Sluice runs (their metrics are only named; plans do
/// not measure).
enum DecisionTemplates {
    static func counter(_ name: String) -> Metric {
        Metric(name: name, interval: "10s", successCondition: "true",
               provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090", query: "sum(\(name))")))
    }

    static let judge = ObservedAnalysisTemplate(name: "canary-vs-baseline", spec: AnalysisTemplateSpec(
        metrics: ["canary-errors", "canary-requests", "baseline-errors", "baseline-requests"].map(counter),
        decision: AnalysisDecision(judge: CanaryJudgeDecision(metrics: [
            JudgedMetricSpec(name: "error-rate", kind: .counts,
                             canary: JudgeArmMetrics(events: "canary-errors", total: "canary-requests"),
                             baseline: JudgeArmMetrics(events: "baseline-errors", total: "baseline-requests")),
        ]))))

    static func experiment(variants: [ExperimentVariantMetrics] = [
        ExperimentVariantMetrics(name: "a", events: "a-conversions", total: "a-requests"),
        ExperimentVariantMetrics(name: "b", events: "b-conversions", total: "b-requests"),
    ]) -> ObservedAnalysisTemplate {
        ObservedAnalysisTemplate(name: "ab-test", spec: AnalysisTemplateSpec(
            metrics: ["a-conversions", "a-requests", "b-conversions", "b-requests"].map(counter),
            decision: AnalysisDecision(experiment: ExperimentDecisionSpec(variants: variants))))
    }

    static let shadow = ObservedAnalysisTemplate(name: "shadow-compare", spec: AnalysisTemplateSpec(
        metrics: ["primary-requests", "primary-errors", "candidate-requests", "candidate-errors"].map(counter),
        decision: AnalysisDecision(shadow: ShadowDecision(
            after: "10m", primary: ShadowArmMetrics(requests: "primary-requests", errors: "primary-errors"),
            candidate: ShadowArmMetrics(requests: "candidate-requests", errors: "candidate-errors")))))
}

@Suite("Planner: SLO guard, judge, experiments and shadow")
struct DecisionPlanTests {
    let v1 = hash("web:v1")
    let v2 = hash("web:v2")

    static let slo = SLOGuard(errorRate: 0.01, latencyP99: "300ms", prometheus: SLOPrometheusSource(address: "http://prometheus:9090"))

    /// web:v1 Healthy, then web:v2 with `steps`; runs stay Running unless a test gives a verdict.
    func canary(_ steps: [CanaryStep], configure: (inout CanaryStrategy) -> Void = { _ in }) -> FakeCluster {
        var cluster = FakeCluster(canaryRollout(steps: steps, configure: configure), traffic: .allStable)
        cluster.analysisTemplates += [DecisionTemplates.judge, DecisionTemplates.experiment(), DecisionTemplates.shadow]
        cluster.settle()
        precondition(cluster.status.phase == .healthy, "not healthy: \(cluster.status.message ?? "")")
        cluster.deploy(image: "web:v2")
        cluster.defaultVerdict = nil
        return cluster
    }

    func created(_ cluster: FakeCluster) -> [AnalysisRunRequest] {
        cluster.applied.compactMap { if case .createAnalysisRun(let request) = $0 { request } else { nil } }
    }

    /// Sets a run's verdict as the analysis controller would write it.
    func finish(_ name: String, _ phase: AnalysisPhase, message: String? = nil, reason: String? = nil, in cluster: inout FakeCluster) {
        guard let index = cluster.analysisRuns.firstIndex(where: { $0.name == name }) else {
            Issue.record("no run \(name)")
            return
        }
        cluster.analysisRuns[index].phase = phase
        cluster.analysisRuns[index].message = message
        cluster.analysisRuns[index].verdict = reason.map { StatisticalVerdict(decider: .experiment, outcome: phase == .failed ? .fail : .pass, reason: $0) }
    }

    // MARK: SLO guard

    @Test func theGuardStartsOnceTheCanaryHasPodsAndStopsAtPromotion() throws {
        var cluster = canary([.weight(20), .pause()]) { $0.slo = Self.slo }
        let first = cluster.reconcile()
        #expect(first.writes.contains { if case .createReplicaSet = $0 { true } else { false } })
        #expect(created(cluster).isEmpty, "no canary pods yet: no guard")
        cluster.reconcile()
        let name = "web-\(v2)-slo-guard"
        #expect(created(cluster) == [AnalysisRunRequest(name: name, trigger: .sloGuard, podTemplateHash: v2, stablePodTemplateHash: v1,
                                                        analysis: RolloutAnalysis(templates: []), sloGuard: Self.slo)])
        #expect(created(cluster).first?.labels(rollout: "web")[RolloutLabels.analysisTrigger] == "sloGuard")
        cluster.settle()
        #expect(cluster.status.phase == .paused, "the guard runs alongside the pause")
        #expect(cluster.run(.sloGuard)?.phase == .running)
        #expect(created(cluster).count == 1, "one guard per update")
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.applied.contains(.terminateAnalysisRun(name: name)), "stopped when the update ends")
        #expect(cluster.run(.sloGuard)?.phase == .successful)
        #expect(created(cluster).count == 1)
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailingGuardAbortsToAllStableInOnePlan(verdict: AnalysisPhase) throws {
        var cluster = canary([.weight(20), .pause(), .weight(50)]) { $0.slo = Self.slo }
        cluster.settle()
        #expect(cluster.traffic?.canaryWeight == 20)
        let why = verdict == .failed
            ? "errorRate 0.01 breached: 31 of 400 requests failed (7.8%), burn rate 7.8 over 60s and 15s"
            : "metric \"requests\" Error: 4 consecutive errors: Prometheus at http://prometheus:9090: connection refused"
        finish("web-\(v2)-slo-guard", verdict, message: why, in: &cluster)
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable), "traffic back on stable first")
        #expect(cluster.traffic == .allStable)
        #expect(cluster.status.abort == true)
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.condition(.progressing)?.reason == "AnalysisRunFailed")
        let message = try #require(cluster.status.message)
        #expect(message.contains("aborted (analysis run web-\(v2)-slo-guard \(verdict.rawValue): \(why))"))
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == 0)
        #expect(cluster.replicaSet(v1)?.replicas == 4)
    }

    @Test func aGuardVerdictReasonReachesTheAbortMessage() throws {
        var cluster = canary([.weight(20), .pause()]) { $0.slo = Self.slo }
        cluster.settle()
        finish("web-\(v2)-slo-guard", .failed, reason: "latencyP99 300ms breached: 4.1% of requests slower", in: &cluster)
        cluster.reconcile()
        #expect(cluster.status.message?.contains("analysis run web-\(v2)-slo-guard Failed: latencyP99 300ms breached") == true)
        #expect(cluster.status.analysis?.first?.message == "latencyP99 300ms breached: 4.1% of requests slower")
    }

    @Test func aNewRevisionStopsTheOldGuardAndGuardsTheNewCanary() {
        var cluster = canary([.weight(20), .pause()]) { $0.slo = Self.slo }
        cluster.settle()
        cluster.deploy(image: "web:v3")
        cluster.settle()
        #expect(cluster.applied.contains(.terminateAnalysisRun(name: "web-\(v2)-slo-guard")))
        #expect(cluster.run(.sloGuard)?.name == "web-\(hash("web:v3"))-slo-guard")
        #expect(cluster.run(.sloGuard)?.phase == .running)
    }

    @Test func promotingFullyStopsTheGuard() {
        var cluster = canary([.weight(20), .pause()]) { $0.slo = Self.slo }
        cluster.settle()
        cluster.rollout.status?.promoteFull = true
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.applied.contains(.terminateAnalysisRun(name: "web-\(v2)-slo-guard")))
        #expect(created(cluster).count == 1)
    }

    // MARK: Judge

    static let judge = JudgeReference(templateName: "canary-vs-baseline", args: nil)

    @Test func theJudgeStartsAtTheFirstStepWithCanaryWeightAndStopsAtPromotion() {
        var cluster = canary([.pause(), .weight(20), .pause()]) { $0.judge = Self.judge }
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 0)
        #expect(created(cluster).isEmpty, "no judge while the canary has no traffic")
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 2)
        let name = "web-\(v2)-judge"
        #expect(created(cluster) == [AnalysisRunRequest(
            name: name, trigger: .judge, podTemplateHash: v2, stablePodTemplateHash: v1,
            analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "canary-vs-baseline")]))])
        #expect(cluster.run(.judge)?.phase == .running)
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.applied.contains(.terminateAnalysisRun(name: name)))
    }

    @Test func aSuccessfulJudgeIsDoneAndTheStepsGoOn() {
        var cluster = canary([.weight(20), .pause(), .weight(50), .pause()]) { $0.judge = Self.judge }
        cluster.settle()
        finish("web-\(v2)-judge", .successful, reason: "no regression: error-rate -0.1% [−0.4%, 0.2%]", in: &cluster)
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.traffic?.canaryWeight == 50)
        #expect(created(cluster).count == 1, "not started again")
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailingJudgeAborts(verdict: AnalysisPhase) {
        var cluster = canary([.weight(20), .pause(), .weight(50)]) { $0.judge = Self.judge }
        cluster.settle()
        finish("web-\(v2)-judge", verdict, message: "error-rate regressed: +2.1% (p = 0.003)", in: &cluster)
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable))
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.message?.contains("analysis run web-\(v2)-judge \(verdict.rawValue): error-rate regressed") == true)
    }

    @Test func anInconclusiveJudgePausesAndPromotingStartsItAgain() {
        var cluster = canary([.weight(20), .pause(), .weight(50)]) { $0.judge = Self.judge }
        cluster.settle()
        finish("web-\(v2)-judge", .inconclusive, message: "Kayenta score 80: marginal", in: &cluster)
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.condition(.paused)?.reason == "AnalysisRunInconclusive")
        #expect(cluster.status.message?.hasPrefix("paused: judge analysis run web-\(v2)-judge Inconclusive: Kayenta score 80") == true)
        cluster.promote()
        cluster.settle()
        #expect(cluster.run(.judge)?.name == "web-\(v2)-judge.1")
    }

    @Test func aJudgeTemplateWithoutAJudgeDecisionIsAnInvalidSpec() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(20)]) { $0.judge = JudgeReference(templateName: "http-slo") })
        cluster.reconcile()
        #expect(cluster.status.condition(.invalidSpec)?.message
            == "spec.strategy.canary.judge.templateName: AnalysisTemplate \"http-slo\" has no decision.judge: canary.judge runs a template "
            + "whose decision compares canary with baseline (judge or kayenta), and it has no decision")
        #expect(cluster.analysisRuns.isEmpty)
        cluster.rollout.spec.strategy.canary?.judge = JudgeReference(templateName: "not-here")
        cluster.reconcile()
        #expect(cluster.status.condition(.invalidSpec)?.message == "spec.strategy.canary.judge.templateName: no AnalysisTemplate named \"not-here\"")
    }

    @Test func judgeAndExperimentTemplatesAreLookedUp() {
        let rollout = canaryRollout(steps: [.weight(10), Self.experimentStep()]) { $0.judge = Self.judge }
        #expect(Planner.analysisTemplateReferences(of: rollout) == [
            AnalysisTemplateReference(templateName: "canary-vs-baseline"), AnalysisTemplateReference(templateName: "ab-test"),
        ])
    }

    // MARK: Experiment

    static func experimentStep(duration: DurationString? = "30m", required: Bool = true,
                               analyses: [ExperimentAnalysis]? = nil) -> CanaryStep {
        CanaryStep(experiment: ExperimentStep(
            duration: duration,
            templates: [ExperimentTemplate(name: "a", specRef: .stable), ExperimentTemplate(name: "b", specRef: .canary, weight: 30)],
            analyses: analyses ?? [ExperimentAnalysis(name: "ab", templateName: "ab-test", requiredForCompletion: required)]))
    }

    @Test func anExperimentHoldsTheCanaryWeightAndStartsARunPerAnalysis() throws {
        var cluster = canary([.weight(10), Self.experimentStep(), .weight(20)])
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.traffic?.canaryWeight == 30, "the canary variant's weight")
        #expect(cluster.replicaSet(v2)?.replicas == 2, "pods for 30% of 4, as for setWeight 30")
        #expect(cluster.status.weights == TrafficWeights(canary: 30, stable: 70))
        let name = "web-\(v2)-experiment-1-ab"
        #expect(created(cluster) == [AnalysisRunRequest(
            name: name, trigger: .experiment, stepIndex: 1, experimentAnalysis: "ab", podTemplateHash: v2, stablePodTemplateHash: v1,
            analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "ab-test")]),
            experiment: ExperimentVariants(weights: ["a": 70, "b": 30], duration: "30m"))])
        #expect(cluster.status.analysis == [AnalysisRunSummary(name: name, trigger: .experiment, stepIndex: 1, experimentAnalysis: "ab", phase: .running)])
        #expect(cluster.status.experimentStartTime != nil)
        #expect(cluster.status.phase == .progressing)
        #expect(cluster.status.condition(.progressing)?.reason == "AnalysisRunRunning")
        #expect(cluster.status.message == "step 2/3: waiting for experiment analysis run \(name) Running")
        #expect(cluster.events.contains {
            $0.reason == "ExperimentStarted"
                && $0.message == "step 2/3: experiment a (stable) vs b (canary) at canary weight 30: variant b (canary) gets 30% of traffic, control a (stable) 70%"
        })
        #expect(cluster.plan().actions.isEmpty, "waiting plans nothing more")
    }

    @Test func aSuccessfulRequiredRunCompletesTheExperimentWithItsOutcome() throws {
        var cluster = canary([.weight(10), Self.experimentStep(), .weight(20), .pause()])
        cluster.settle()
        let name = "web-\(v2)-experiment-1-ab"
        finish(name, .successful, message: "decision experiment: Pass", reason: "b wins: conversion 5.4% vs 4.8%, lift +12.5% [+4.1%, +20.9%]",
               in: &cluster)
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.traffic?.canaryWeight == 20, "back to the weight of the steps before, then the next step's")
        #expect(cluster.status.experimentStartTime == nil)
        #expect(cluster.events.contains {
            $0.reason == "StepCompleted" && $0.message.hasPrefix("step 2/4 completed: experiment a (stable) vs b (canary) at canary weight 30 (analysis run \(name) Successful")
                && $0.message.contains("b wins: conversion 5.4% vs 4.8%, lift +12.5%")
        })
        #expect(cluster.status.analysis?.first?.message == "decision experiment: Pass; b wins: conversion 5.4% vs 4.8%, lift +12.5% [+4.1%, +20.9%]")
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailingExperimentRunAborts(verdict: AnalysisPhase) throws {
        var cluster = canary([.weight(10), Self.experimentStep(), .weight(20)])
        cluster.settle()
        finish("web-\(v2)-experiment-1-ab", verdict, reason: "a (control) wins: lift -9.8% [-15.2%, -4.4%]", in: &cluster)
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable))
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.message?.contains("analysis run web-\(v2)-experiment-1-ab \(verdict.rawValue): a (control) wins: lift -9.8%") == true)
        #expect(cluster.status.experimentStartTime == nil)
    }

    @Test func anInconclusiveExperimentPausesUntilPromoted() {
        var cluster = canary([.weight(10), Self.experimentStep(), .weight(20)])
        cluster.settle()
        finish("web-\(v2)-experiment-1-ab", .inconclusive, reason: "no winner after 30m (onInconclusive: pause)", in: &cluster)
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.condition(.paused)?.reason == "AnalysisRunInconclusive")
        #expect(cluster.status.message?.hasPrefix(
            "paused at step 2/3: experiment analysis run web-\(v2)-experiment-1-ab Inconclusive: no winner after 30m") == true)
        #expect(cluster.traffic?.canaryWeight == 30, "held at the experiment's weight while paused")
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.events.contains { $0.reason == "StepCompleted" && $0.message.contains("Inconclusive: no winner after 30m (onInconclusive: pause); promoted") })
    }

    @Test func withoutARequiredRunTheExperimentEndsAfterItsDurationAndStopsItsRuns() throws {
        var cluster = canary([.weight(10), Self.experimentStep(duration: "10m", required: false), .weight(20), .pause()])
        cluster.run { $0.status.experimentStartTime != nil }
        cluster.kubelet()
        cluster.reconcile()
        let name = "web-\(v2)-experiment-1-ab"
        let started = try #require(cluster.status.experimentStartTime?.date)
        let waiting = cluster.plan()
        #expect(waiting.requeueAfter == .seconds(600) - .seconds(cluster.now.timeIntervalSince(started)),
                "looks again when the duration ends")
        #expect(cluster.status.message?.hasPrefix("step 2/4: waiting for the experiment to run 10m, until ") == true)
        #expect(cluster.status.message?.hasSuffix(": analysis run \(name) Running") == true)
        cluster.now = started.addingTimeInterval(599)
        cluster.reconcile()
        #expect(cluster.status.currentStepIndex == 1, "not before the duration")
        cluster.now = started.addingTimeInterval(600)
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.terminateAnalysisRun(name: name)), "a run still measuring is stopped")
        #expect(cluster.status.currentStepIndex == 2)
        #expect(cluster.traffic?.canaryWeight == 20, "the next step's lower weight, at once")
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.status.phase == .paused)
    }

    @Test func anExperimentWithoutAnalysesHoldsTheWeightForItsDuration() throws {
        var cluster = canary([.weight(10), Self.experimentStep(duration: "5m", analyses: []), .pause()])
        cluster.run { $0.status.experimentStartTime != nil }
        #expect(cluster.traffic?.canaryWeight == 30)
        #expect(created(cluster).isEmpty)
        cluster.now = try #require(cluster.status.experimentStartTime?.date).addingTimeInterval(300)
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 2)
        #expect(cluster.traffic?.canaryWeight == 10)
    }

    @Test func aFailingRunThatIsNotRequiredStillAborts() {
        let analyses = [ExperimentAnalysis(name: "ab", templateName: "ab-test"), ExperimentAnalysis(name: "smoke", templateName: "smoke")]
        var cluster = canary([.weight(10), Self.experimentStep(duration: "1h", analyses: analyses)])
        cluster.run { $0.status.experimentStartTime != nil }
        cluster.kubelet()
        #expect(created(cluster).map(\.name) == ["web-\(v2)-experiment-1-ab", "web-\(v2)-experiment-1-smoke"])
        finish("web-\(v2)-experiment-1-smoke", .failed, message: "metric \"error-ratio\" Failed: value 0.05", in: &cluster)
        cluster.reconcile()
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.traffic == .allStable)
    }

    @Test func experimentVariantsMustMatchTheTemplatesDecision() {
        var cluster = canary([.weight(10), Self.experimentStep()])
        cluster.analysisTemplates = [DecisionTemplates.experiment(variants: [
            ExperimentVariantMetrics(name: "a", events: "a-conversions", total: "a-requests"),
            ExperimentVariantMetrics(name: "treatment", events: "b-conversions", total: "b-requests"),
        ])]
        cluster.reconcile()
        #expect(cluster.status.condition(.invalidSpec)?.message
            == "spec.strategy.canary.steps[1].experiment.analyses[0].templateName: AnalysisTemplate \"ab-test\": "
            + "decision.experiment.variants[1] \"treatment\" is not a variant of this experiment step (they are: a, b)")
    }

    // MARK: Shadow

    @Test func aShadowStepRunsAtWeightZeroAndItsFailureAborts() throws {
        let shadow = CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "shadow-compare")]))
        var cluster = canary([.scale(replicas: 1), .mirror("shadow", 100), shadow, .mirror("shadow", 0), .weight(20)])
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 2, "the analysis step is not skipped at weight 0")
        #expect(cluster.traffic?.canaryWeight == 0)
        #expect(cluster.traffic?.mirrorRoutes["shadow"]?.percentage == 100)
        let name = "web-\(v2)-2"
        #expect(cluster.run(.step, step: 2)?.name == name)
        finish(name, .failed, reason: "candidate differs: prediction PSI 0.41 ≥ 0.25", in: &cluster)
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable), "the mirror removed first")
        #expect(cluster.traffic == .allStable)
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.message?.contains("analysis run \(name) Failed: candidate differs: prediction PSI 0.41") == true)
    }
}
