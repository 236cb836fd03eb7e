import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: first rollout and steady state")
struct FirstRolloutTests {
    @Test(arguments: [true, false])
    func firstRolloutCreatesTheStableReplicaSetAtFullSizeWithoutSteps(router: Bool) {
        var cluster = FakeCluster(canaryRollout(replicas: 4, steps: [.weight(20), .pause()], router: router))
        let v1 = hash("web:v1")
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.createReplicaSet(name: "web-\(v1)", podTemplateHash: v1, replicas: 4, revision: 1)))
        #expect(plan.writes.contains(.setServiceSelector(service: "web-stable", podTemplateHash: v1)))
        #expect(plan.writes.contains(.setServiceSelector(service: "web-canary", podTemplateHash: v1)))
        #expect(plan.writes.contains(.setTraffic(.allStable)) == router)
        #expect(cluster.status.stableRS == v1)
        #expect(cluster.status.phase == .progressing)
        #expect(cluster.status.currentStepIndex == 2)

        cluster.kubelet()
        let healthy = cluster.reconcile()
        #expect(healthy.writes.isEmpty)
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.availableReplicas == 4)
        #expect(cluster.status.weights == TrafficWeights(canary: 0, stable: 100))
        #expect(cluster.status.condition(.healthy)?.status == .true)
        #expect(cluster.status.condition(.completed)?.status == .true)
        #expect(cluster.status.selector == "app=web")
        #expect(cluster.status.observedGeneration == 1)

        #expect(cluster.plan().actions.isEmpty, "a settled Rollout plans nothing")
    }

    @Test func transitionTimesMoveOnlyOnTransitions() {
        var cluster = FakeCluster(canaryRollout(steps: []))
        cluster.reconcile()
        let progressingSince = cluster.status.condition(.healthy)?.lastTransitionTime
        cluster.now += 30
        cluster.reconcile()
        #expect(cluster.status.condition(.healthy)?.lastTransitionTime == progressingSince, "no transition: the time stays")
        cluster.kubelet()
        cluster.now += 30
        cluster.reconcile()
        #expect(cluster.status.condition(.healthy)?.status == .true)
        #expect(cluster.status.condition(.healthy)?.lastTransitionTime == Timestamp(cluster.now))
        let healthySince = cluster.now
        cluster.now += 600
        cluster.reconcile()
        #expect(cluster.status.condition(.healthy)?.lastTransitionTime == Timestamp(healthySince))
    }

    @Test func scalingTheRolloutScalesTheStableReplicaSet() {
        var cluster = FakeCluster(canaryRollout(replicas: 2, steps: [.weight(50)]))
        cluster.settle()
        cluster.rollout.spec.replicas = 5
        let plan = cluster.reconcile()
        #expect(plan.writes == [.scaleReplicaSet(name: "web-\(hash("web:v1"))", replicas: 5)])
        #expect(cluster.status.phase == .progressing)
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
    }

    @Test func aMissingServiceDegradesTheRolloutWithItsName() {
        var cluster = FakeCluster(canaryRollout(steps: []), services: ["web-stable"])
        let plan = cluster.reconcile()
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.message == "Service \"web-canary\" (spec.strategy.canary.canaryService) does not exist")
        #expect(!plan.writes.contains(.setServiceSelector(service: "web-canary", podTemplateHash: hash("web:v1"))))
    }
}

@Suite("Planner: events")
struct EventTests {
    @Test func theFirstRevisionIsAnnouncedOnceAndASettledRolloutIsSilent() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(50)]))
        #expect(cluster.reconcile().eventReasons == ["InitialRevision"])
        cluster.settle()
        #expect(cluster.events.map(\.reason) == ["InitialRevision"])
        cluster.now += 86_400
        #expect(cluster.reconcile().actions.isEmpty)
    }

    @Test func aWholeCanaryTellsEachTransitionOnce() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(20), .pause(), .weight(60)]))
        cluster.settle()
        cluster.deploy(image: "web:v2")
        cluster.settle()
        cluster.promote()
        cluster.settle()
        #expect(cluster.events.map(\.reason) == [
            "InitialRevision", "RolloutUpdated", "StepCompleted", "RolloutPaused", "StepCompleted", "StepCompleted", "RolloutCompleted",
        ])
        #expect(cluster.events.map(\.message)[2...5] == [
            "step 1/3 completed: setWeight 20", "paused at step 2/3: pause (until promoted)",
            "step 2/3 completed: pause (until promoted) (promoted)", "step 3/3 completed: setWeight 60",
        ])
    }
}
