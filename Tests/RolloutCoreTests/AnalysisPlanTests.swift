import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: analysis")
struct AnalysisPlanTests {
    let v1 = hash("web:v1")
    let v2 = hash("web:v2")

    static let analysis = RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "http-slo")],
                                          args: [AnalysisArgument(name: "hash", valueFrom: ArgumentValueFrom(podTemplateHashValue: .latest))])
    static let analysisStep = CanaryStep(analysis: analysis)

    /// web:v1 Healthy, then web:v2 with `steps`; runs stay Running unless a test gives a verdict.
    func canary(_ steps: [CanaryStep], configure: (inout CanaryStrategy) -> Void = { _ in }) -> FakeCluster {
        var cluster = updating(canaryRollout(steps: steps, configure: configure))
        cluster.defaultVerdict = nil
        return cluster
    }

    func blueGreen(_ configure: @escaping (inout BlueGreenStrategy) -> Void) -> FakeCluster {
        var cluster = FakeCluster(blueGreenRollout(replicas: 3, configure: configure))
        cluster.settle()
        precondition(cluster.status.phase == .healthy)
        cluster.deploy(image: "web:v2")
        cluster.defaultVerdict = nil
        return cluster
    }

    // MARK: Inline steps

    @Test func anAnalysisStepStartsANamedLabelledRunAndWaitsForIt() throws {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(50)])
        cluster.settle()
        let name = "web-\(v2)-1"
        let created = cluster.applied.compactMap { if case .createAnalysisRun(let request) = $0 { request } else { nil } }
        #expect(created == [AnalysisRunRequest(name: name, trigger: .step, stepIndex: 1, podTemplateHash: v2, stablePodTemplateHash: v1,
                                               analysis: Self.analysis)])
        #expect(created.first?.labels(rollout: "web") == [
            "rollout.sluice.dev/rollout": "web", "rollouts-pod-template-hash": v2, "rollout.sluice.dev/analysis": "step",
            "rollout.sluice.dev/step-index": "1",
        ])
        #expect(cluster.status.phase == .progressing)
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.status.condition(.progressing)?.reason == "AnalysisRunRunning")
        #expect(cluster.status.message == "step 2/3: waiting for analysis run \(name) Running")
        #expect(cluster.status.analysis == [AnalysisRunSummary(name: name, trigger: .step, stepIndex: 1, phase: .running)])
        #expect(cluster.traffic?.canaryWeight == 20)
        #expect(cluster.plan().actions.isEmpty, "waiting plans nothing more")
        #expect(cluster.events.contains { $0.reason == "AnalysisRunCreated" && $0.message.contains(name) })
    }

    @Test func aSuccessfulRunCompletesTheStep() {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(50), .pause()])
        cluster.settle()
        cluster.verdicts["web-\(v2)-1"] = .successful
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.traffic?.canaryWeight == 50)
        #expect(cluster.events.contains { $0.message == "step 2/4 completed: analysis (http-slo) (analysis run web-\(v2)-1 Successful)" })
        #expect(cluster.status.analysis?.first?.phase == .successful)
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailedOrErroredRunAbortsToStableInTheSamePlan(verdict: AnalysisPhase) throws {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(50)])
        cluster.settle()
        cluster.verdicts["web-\(v2)-1"] = verdict
        cluster.analyse()
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable), "traffic back on stable first")
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.abort == true)
        #expect(cluster.status.condition(.progressing)?.reason == "AnalysisRunFailed")
        let message = try #require(cluster.status.message)
        #expect(message.contains("aborted (analysis run web-\(v2)-1 \(verdict.rawValue): metric \"error-ratio\" \(verdict.rawValue): value 0.05)"))
        #expect(plan.eventReasons.contains("AnalysisRunFailed"))
        cluster.settle()
        #expect(cluster.status.phase == .degraded, "stays Degraded, message kept")
        #expect(cluster.status.message == message)
        #expect(cluster.replicaSet(v2)?.replicas == 0)
    }

    @Test func anInconclusiveRunPausesUntilPromoted() {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(50)])
        cluster.settle()
        cluster.verdicts["web-\(v2)-1"] = .inconclusive
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.condition(.paused)?.reason == "AnalysisRunInconclusive")
        #expect(cluster.status.message?.hasPrefix("paused at step 2/3: analysis run web-\(v2)-1 Inconclusive") == true)
        #expect(cluster.status.currentStepIndex == 1)
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == v2)
    }

    @Test func aRunCreatedByAPassWhoseStatusWasLostIsAdopted() {
        var cluster = canary([.weight(20), Self.analysisStep])
        cluster.settle()
        let name = "web-\(v2)-1"
        cluster.rollout.status?.analysis = nil  // the status write after the create failed
        let plan = cluster.reconcile()
        #expect(!plan.writes.contains { if case .createAnalysisRun = $0 { true } else { false } })
        #expect(cluster.status.analysis?.map(\.name) == [name])
    }

    @Test func retryingAfterAFailedAnalysisStartsANewRun() {
        var cluster = canary([.weight(20), Self.analysisStep])
        cluster.settle()
        cluster.verdicts["web-\(v2)-1"] = .failed
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .degraded)
        cluster.rollout.status?.abort = false
        cluster.defaultVerdict = .successful
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.analysisRuns.map(\.name) == ["web-\(v2)-1", "web-\(v2)-1.1"])
        #expect(cluster.events.contains { $0.reason == "RolloutRetried" })
    }

    @Test func aNewRevisionStopsTheRunsOfTheOldOne() {
        var cluster = canary([.weight(20), Self.analysisStep])
        cluster.settle()
        cluster.deploy(image: "web:v3")
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.terminateAnalysisRun(name: "web-\(v2)-1")))
        #expect(cluster.status.analysis == nil)
    }

    @Test func anAbortStopsRunningRuns() {
        var cluster = canary([.weight(20), Self.analysisStep])
        cluster.settle()
        cluster.rollout.status?.abort = true
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable))
        #expect(plan.writes.contains(.terminateAnalysisRun(name: "web-\(v2)-1")))
        #expect(cluster.status.phase == .aborted, "a person's abort stays Aborted")
        cluster.settle()
        #expect(cluster.run(.step, step: 1)?.phase == .successful, "stopped")
        #expect(cluster.plan().actions.isEmpty)
    }

    @Test func promoteFullSkipsARunningAnalysisAndStopsIt() {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(50)])
        cluster.settle()
        cluster.rollout.status?.promoteFull = true
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.terminateAnalysisRun(name: "web-\(v2)-1")))
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == v2)
    }

    // MARK: Background analysis

    func background(startingStep: Int32?) -> (inout CanaryStrategy) -> Void {
        { $0.analysis = RolloutAnalysisBackground(templates: Self.analysis.templates, args: Self.analysis.args, startingStep: startingStep) }
    }

    @Test func theBackgroundAnalysisStartsAtItsStartingStepAndStopsAtPromotion() {
        var cluster = canary([.weight(20), .pause(), .weight(50), .pause()], configure: background(startingStep: 1))
        let first = cluster.reconcile()
        #expect(!first.writes.contains { if case .createAnalysisRun = $0 { true } else { false } }, "not at step 0")
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
        let name = "web-\(v2)-background"
        #expect(cluster.run(.background)?.name == name)
        #expect(cluster.run(.background)?.phase == .running)
        #expect(cluster.status.phase == .paused, "the pause step pauses; the background run goes on")
        cluster.promote()
        cluster.settle()
        #expect(!cluster.applied.contains(.terminateAnalysisRun(name: name)), "runs through the steps")
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.applied.contains(.terminateAnalysisRun(name: name)), "stopped at promotion")
        #expect(cluster.run(.background)?.phase == .successful)
        #expect(cluster.status.analysis?.first?.name == name, "the summary stays for people to read")
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailingBackgroundAnalysisAbortsAtAnyStep(verdict: AnalysisPhase) {
        var cluster = canary([.weight(20), .pause(), .weight(50), .pause()], configure: background(startingStep: 0))
        cluster.settle()
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        cluster.verdicts["web-\(v2)-background"] = verdict
        cluster.analyse()
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .setTraffic(.allStable))
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.message?.contains("analysis run web-\(v2)-background \(verdict.rawValue)") == true)
    }

    @Test func aFailingBackgroundAnalysisAbortsEvenWhilePausedBySpec() {
        var cluster = canary([.weight(20), .pause()], configure: background(startingStep: 0))
        cluster.settle()
        cluster.rollout.spec.paused = true
        cluster.settle()
        cluster.verdicts["web-\(v2)-background"] = .failed
        cluster.analyse()
        cluster.reconcile()
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.traffic == .allStable)
    }

    @Test func anInconclusiveBackgroundAnalysisPausesAndPromotingStartsItAgain() {
        var cluster = canary([.weight(20), Self.analysisStep, .weight(60)], configure: background(startingStep: 0))
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
        cluster.verdicts["web-\(v2)-background"] = .inconclusive
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.condition(.paused)?.reason == "AnalysisRunInconclusive")
        #expect(cluster.status.message?.hasPrefix("paused: background analysis run web-\(v2)-background Inconclusive") == true)
        cluster.promote()
        cluster.settle()
        #expect(cluster.run(.background)?.name == "web-\(v2)-background.1", "a new background run")
        #expect(cluster.status.phase == .progressing, "back to waiting for the step's analysis")
        cluster.defaultVerdict = .successful
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
    }

    // MARK: Blue-green

    @Test func prePromotionAnalysisGatesTheSwitch() {
        var cluster = blueGreen { $0.prePromotionAnalysis = Self.analysis }
        cluster.settle()
        let name = "web-\(v2)-pre-promotion"
        #expect(cluster.run(.prePromotion)?.name == name)
        #expect(cluster.services["web-active"] == .some(v1), "not switched while the analysis runs")
        #expect(cluster.status.message == "prePromotionAnalysis: waiting for analysis run \(name) Running")
        cluster.verdicts[name] = .successful
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.services["web-active"] == .some(v2))
    }

    @Test(arguments: [AnalysisPhase.failed, .error])
    func aFailedPrePromotionAnalysisAbortsWithoutSwitching(verdict: AnalysisPhase) {
        var cluster = blueGreen { $0.prePromotionAnalysis = Self.analysis }
        cluster.settle()
        cluster.verdicts["web-\(v2)-pre-promotion"] = verdict
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.services["web-active"] == .some(v1))
        #expect(cluster.status.message?.contains("analysis run web-\(v2)-pre-promotion \(verdict.rawValue)") == true)
        #expect(cluster.replicaSet(v2)?.replicas == 0)
    }

    @Test func aFailedPostPromotionAnalysisSwitchesBackToThePreviousActive() {
        var cluster = blueGreen { $0.postPromotionAnalysis = Self.analysis }
        cluster.settle()
        let name = "web-\(v2)-post-promotion"
        #expect(cluster.services["web-active"] == .some(v2), "post-promotion analysis runs after the switch")
        #expect(cluster.run(.postPromotion)?.name == name)
        #expect(cluster.status.stableRS == v1)
        #expect(cluster.replicaSet(v1)?.replicas == 3, "the previous active stays up while it runs")
        cluster.verdicts[name] = .failed
        cluster.analyse()
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.setServiceSelector(service: "web-active", podTemplateHash: v1)))
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.blueGreen?.activeSelector == v1)
    }

    @Test(arguments: [true, false])
    func anInconclusivePromotionAnalysisPausesUntilPromoted(pre: Bool) {
        var cluster = blueGreen { if pre { $0.prePromotionAnalysis = Self.analysis } else { $0.postPromotionAnalysis = Self.analysis } }
        cluster.defaultVerdict = .inconclusive
        cluster.analyse()
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.condition(.paused)?.reason == "AnalysisRunInconclusive")
        #expect(cluster.services["web-active"] == .some(pre ? v1 : v2))
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == v2)
    }

    // MARK: Templates

    @Test func aMissingTemplateIsAnInvalidSpecNamingWhereItIsReferenced() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(20), CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "nope")]))]))
        cluster.reconcile()
        #expect(cluster.status.condition(.invalidSpec)?.message
            == "spec.strategy.canary.steps[1].analysis.templates[0].templateName: no AnalysisTemplate named \"nope\"")
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.analysisRuns.isEmpty)
    }

    @Test func anInvalidTemplateIsAnInvalidSpecWithTheTemplatesOwnProblems() {
        var cluster = canary([.weight(20), Self.analysisStep])
        cluster.analysisTemplates = [ObservedAnalysisTemplate(name: "http-slo", spec: analysisTemplate("http-slo").spec,
                                                              problems: ["spec.metrics[0].successCondition: at character 10 of \"result[0] <\": expected an operand"])]
        let plan = cluster.reconcile()
        #expect(plan.writes.isEmpty)
        #expect(cluster.status.condition(.invalidSpec)?.message
            == "spec.strategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate \"http-slo\" is invalid: "
            + "spec.metrics[0].successCondition: at character 10 of \"result[0] <\": expected an operand")
    }

    @Test func anArgumentNoTemplateDeclaresIsAnInvalidSpec() {
        let analysis = RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "http-slo")], args: [AnalysisArgument(name: "typo", value: "1")])
        var cluster = FakeCluster(canaryRollout(steps: [CanaryStep(analysis: analysis)]))
        cluster.reconcile()
        #expect(cluster.status.condition(.invalidSpec)?.message
            == "spec.strategy.canary.steps[0].analysis.args[0].name: no template of this analysis declares argument \"typo\"")
    }
}
