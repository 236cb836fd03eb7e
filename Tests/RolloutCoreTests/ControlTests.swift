import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: abort, retry, promote, pause, restart")
struct ControlTests {
    let v1 = hash("web:v1")
    let v2 = hash("web:v2")

    /// Mid-update at 40% behind a router, paused at step 3 (`pause {}`).
    func midUpdate(router: Bool = true, configure: (inout CanaryStrategy) -> Void = { _ in }) -> FakeCluster {
        var cluster = updating(canaryRollout(replicas: 5, steps: [.weight(20), .weight(40), .pause(), .weight(80), .pause()], router: router,
                                             configure: configure), traffic: router ? .allStable : nil)
        cluster.settle()
        precondition(cluster.status.currentStepIndex == 2 && cluster.status.phase == .paused)
        return cluster
    }

    @Test func abortSendsAllTrafficToStableInTheSamePlanAsItsFirstWrite() {
        var cluster = midUpdate()
        #expect(cluster.traffic?.canaryWeight == 40)
        cluster.rollout.status?.abort = true
        let plan = cluster.reconcile()
        #expect(plan.actions.first == .setTraffic(.allStable))
        #expect(plan.writes.contains(.setServiceSelector(service: "web-canary", podTemplateHash: v1)))
        #expect(plan.writes.contains(.setScaleDownDeadline(name: "web-\(v2)", deadline: cluster.now + 30)))
        #expect(!plan.writes.contains(.scaleReplicaSet(name: "web-\(v2)", replicas: 0)), "the canary stays up for abortScaleDownDelaySeconds")
        #expect(plan.eventReasons == ["RolloutAborted"])
        #expect(plan.requeueAfter == .seconds(30))
        #expect(cluster.status.phase == .aborted)
        #expect(cluster.status.condition(.progressing)?.reason == "RolloutAborted")
        #expect(cluster.status.condition(.progressing)?.status == .false)
        #expect(cluster.status.weights == TrafficWeights(canary: 0, stable: 100))
        #expect(cluster.status.abortedAt == Timestamp(cluster.now))
        #expect(cluster.status.message?.contains("`rollout retry`") == true)

        #expect(cluster.reconcile().actions.isEmpty, "aborted and nothing due: no write, no event")
        cluster.now += 30
        #expect(cluster.reconcile().writes == [.scaleReplicaSet(name: "web-\(v2)", replicas: 0)])
        cluster.now += 3600
        #expect(cluster.reconcile().actions.isEmpty, "stays aborted")
        #expect(cluster.status.phase == .aborted)
    }

    @Test func abortWithoutARouterBringsStableBackBeforeTheCanaryGoes() {
        var cluster = midUpdate(router: false)
        #expect(cluster.replicaSet(v2)?.replicas == 2)
        #expect(cluster.replicaSet(v1)?.replicas == 3)
        cluster.rollout.status?.abort = true
        cluster.reconcile()
        #expect(cluster.replicaSet(v1)?.replicas == 5, "stable grows first (within maxSurge)")
        #expect(cluster.replicaSet(v2)?.replicas == 1)
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == 0)
        #expect(cluster.replicaSet(v1)?.replicas == 5)
        #expect(cluster.status.phase == .aborted)
    }

    @Test func retryStartsTheUpdateAgainFromStepOne() {
        var cluster = midUpdate()
        cluster.rollout.status?.abort = true
        cluster.settle()
        cluster.rollout.status?.abort = false
        let retry = cluster.reconcile()
        #expect(retry.eventReasons.first == "RolloutRetried")
        #expect(cluster.status.currentStepIndex == 0)
        #expect(cluster.status.abortedAt == nil)
        #expect(cluster.status.phase == .progressing)
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 2)
        #expect(cluster.traffic?.canaryWeight == 40)
    }

    @Test func aNewTemplateEndsAnAbort() {
        var cluster = midUpdate()
        cluster.rollout.status?.abort = true
        cluster.settle()
        cluster.deploy(image: "web:v3")
        cluster.settle()
        #expect(cluster.status.abort == nil)
        #expect(cluster.status.canaryRS == hash("web:v3"))
        #expect(cluster.status.currentStepIndex == 2)
    }

    @Test func promoteFullSkipsTheRemainingStepsAndIsClearedWhenDone() {
        var cluster = midUpdate()
        cluster.rollout.status?.promoteFull = true
        let plan = cluster.reconcile()
        #expect(plan.eventMessages.first == "promoted fully at step 3/5: skipping the remaining steps")
        #expect(cluster.status.currentStepIndex == 5)
        #expect(cluster.status.controllerPause == nil)
        #expect(plan.writes.contains(.scaleReplicaSet(name: "web-\(v2)", replicas: 5)))
        #expect(!plan.writes.contains { if case .setTraffic = $0 { true } else { false } }, "the split stays until the switch")
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == v2)
        #expect(cluster.status.promoteFull == nil)
        #expect(cluster.traffic == .allStable)
    }

    @Test func specPausedStopsProgressAndClearingItResumes() {
        var cluster = updating(canaryRollout(steps: [.weight(20), .weight(40)]))
        cluster.rollout.spec.paused = true
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.currentStepIndex == 0)
        #expect(cluster.status.condition(.paused)?.reason == "PausedBySpec")
        #expect(cluster.events.filter { $0.reason == "RolloutPaused" }.count == 1)
        #expect(cluster.reconcile().actions.isEmpty)
        cluster.rollout.spec.paused = false
        let resumed = cluster.reconcile()
        #expect(resumed.eventReasons.contains("RolloutResumed"))
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.events.filter { $0.reason == "RolloutResumed" }.count == 1)
    }

    @Test(arguments: [true, false])
    func aRestartedControllerResumesAtTheSameStepWithTheSameWeights(router: Bool) throws {
        let cluster = midUpdate(router: router)
        // A new controller: nothing in memory, the Rollout (with its status) read back from JSON.
        let reread = try KubeJSONRoundTrip.decode(cluster.rollout)
        let plan = Planner().plan(rollout: reread, observed: cluster.observed, hasRouter: router)
        #expect(plan.actions.isEmpty)
        #expect(reread.status?.currentStepIndex == 2)
        #expect(reread.status?.weights?.canary == 40)
    }

    @Test func aRestartWhileTheCanaryIsStillStartingKeepsTheWeightItHad() throws {
        var cluster = updating(canaryRollout(replicas: 10, steps: [.weight(20), .weight(60), .pause()]))
        cluster.run { $0.status.currentStepIndex == 1 }
        #expect(cluster.traffic?.canaryWeight == 20)
        // Step 2 scales the canary to 6 pods, which are not available yet; the weight stays 20.
        cluster.reconcile()
        #expect(cluster.replicaSet(v2)?.replicas == 6)
        let reread = try KubeJSONRoundTrip.decode(cluster.rollout)
        let plan = Planner().plan(rollout: reread, observed: cluster.observed, hasRouter: true)
        #expect(plan.actions.isEmpty, "no traffic flip on restart")
        #expect(reread.status?.weights?.canary == 20)
    }

    @Test func progressDeadlineMarksAStuckUpdateDegradedAndItRecoversWhenPodsComeUp() {
        var cluster = updating(canaryRollout(steps: [.weight(50)]) { _ in })
        cluster.rollout.spec.progressDeadlineSeconds = 120
        let first = cluster.reconcile()
        #expect(first.requeueAfter == .seconds(120))
        cluster.now += 119
        #expect(cluster.reconcile().actions.isEmpty)
        cluster.now += 1
        let stuck = cluster.reconcile()
        #expect(stuck.eventReasons == ["ProgressDeadlineExceeded"])
        #expect(stuck.writes.isEmpty)
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.condition(.progressing)?.status == .false)
        #expect(cluster.status.condition(.progressing)?.reason == "ProgressDeadlineExceeded")
        #expect(cluster.status.message?.hasPrefix("no progress for 120s (progressDeadlineSeconds): step 1/1: waiting for the canary ReplicaSet") == true)
        #expect(cluster.reconcile().actions.isEmpty, "one event per transition")
        cluster.kubelet()
        cluster.reconcile()
        #expect(cluster.status.phase != .degraded)
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
    }

    @Test func progressDeadlineAbortAbortsInTheSamePlan() {
        var cluster = midUpdate()
        cluster.rollout.spec.progressDeadlineSeconds = 60
        cluster.rollout.spec.progressDeadlineAbort = true
        cluster.promote()
        cluster.reconcile()
        #expect(cluster.status.currentStepIndex == 3)
        cluster.now += 60
        let plan = cluster.reconcile()
        #expect(plan.actions.first == .setTraffic(.allStable))
        #expect(plan.eventReasons == ["ProgressDeadlineExceeded", "RolloutAborted"])
        #expect(cluster.status.phase == .aborted)
        #expect(cluster.status.abort == true)
        #expect(cluster.status.message?.contains("progress deadline of 60s exceeded") == true)
    }

    @Test func pausesDoNotCountAgainstTheProgressDeadline() {
        var cluster = midUpdate()
        cluster.rollout.spec.progressDeadlineSeconds = 60
        cluster.rollout.spec.progressDeadlineAbort = true
        cluster.now += 3600
        #expect(cluster.reconcile().actions.isEmpty)
        #expect(cluster.status.phase == .paused)
    }

    @Test func revertingTheTemplateMidUpdateGoesBackToStableAndRetiresTheCanary() {
        var cluster = midUpdate()
        cluster.deploy(image: "web:v1")
        let plan = cluster.reconcile()
        #expect(plan.actions.first == .setTraffic(.allStable))
        #expect(plan.eventReasons == ["UpdateReverted"])
        #expect(cluster.status.canaryRS == nil)
        #expect(cluster.status.stableRS == v1)
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == 0)
        #expect(cluster.status.phase == .healthy)
    }

    @Test func editingTheStepsMidUpdateStartsAgainAtStepOne() {
        var cluster = midUpdate()
        cluster.rollout.spec.strategy.canary?.steps = [.weight(10), .pause()]
        let plan = cluster.reconcile()
        #expect(plan.eventReasons.first == "StepsChanged")
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.traffic?.canaryWeight == 10)
    }
}

/// Encodes and decodes through JSON, as a Rollout read back from the API server.
enum KubeJSONRoundTrip {
    static func decode(_ rollout: Rollout) throws -> Rollout {
        let bytes = try JSONEncoder().encode(rollout)
        return try JSONDecoder().decode(Rollout.self, from: bytes)
    }
}
