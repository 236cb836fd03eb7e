import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

/// A Rollout settled Healthy on web:v1, then given web:v2.
func updating(_ rollout: Rollout, traffic: TrafficState? = .allStable) -> FakeCluster {
    var cluster = FakeCluster(rollout, traffic: traffic)
    cluster.settle()
    precondition(cluster.status.phase == .healthy, "not healthy: \(cluster.status.message ?? "")")
    cluster.deploy(image: "web:v2")
    return cluster
}

@Suite("Planner: canary steps")
struct CanaryStepTests {
    let v1 = hash("web:v1")
    let v2 = hash("web:v2")

    @Test func aNewTemplateCreatesTheCanaryReplicaSetWithTheNextRevision() {
        var cluster = updating(canaryRollout(replicas: 4, steps: [.weight(20), .pause()]))
        let plan = cluster.reconcile()
        #expect(plan.writes.first == .createReplicaSet(name: "web-\(v2)", podTemplateHash: v2, replicas: 1, revision: 2))
        #expect(plan.writes.contains(.setServiceSelector(service: "web-canary", podTemplateHash: v2)))
        #expect(!plan.writes.contains { if case .setTraffic = $0 { true } else { false } }, "no weight before the canary is available")
        #expect(plan.eventReasons == ["RolloutUpdated"])
        #expect(cluster.status.canaryRS == v2)
        #expect(cluster.status.stableRS == v1)
        #expect(cluster.status.currentStepIndex == 0)
        #expect(cluster.status.currentPodHash == v2)
        #expect(cluster.status.phase == .progressing)
        #expect(cluster.status.message == "step 1/2: waiting for the canary ReplicaSet web-\(v2): 0/1 pods available")
    }

    @Test func withARouterTheWeightMovesOnlyOnceTheCanaryIsAvailableAndTheStepOnlyOnceTheRouterCarriesIt() {
        var cluster = updating(canaryRollout(replicas: 4, steps: [.weight(20), .pause()]))
        cluster.reconcile()
        #expect(cluster.reconcile().actions.isEmpty, "waiting for pods: nothing to do")
        cluster.kubelet()
        let weigh = cluster.plan()
        #expect(weigh.writes == [.setTraffic(TrafficState(canaryWeight: 20))])
        #expect(weigh.status?.currentStepIndex == 0, "the step completes only once the router carries the weight")
        #expect(weigh.status?.weights == TrafficWeights(canary: 20, stable: 80))
        cluster.apply(weigh)
        let advance = cluster.reconcile()
        #expect(advance.writes.isEmpty)
        #expect(advance.eventMessages == ["step 1/2 completed: setWeight 20", "paused at step 2/2: pause (until promoted)"])
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.replicaSet(v1)?.replicas == 4, "the stable side keeps full capacity with a router")
        #expect(cluster.replicaSet(v2)?.replicas == 1)
    }

    @Test(arguments: [
        (Int32(4), Int32(20), Int32(1), Int32(4)),
        (10, 25, 3, 10),
        (3, 1, 1, 3),
        (4, 100, 4, 4),
    ])
    func canaryPodsFollowTheWeightRoundedUp(replicas: Int32, weight: Int32, canary: Int32, stable: Int32) {
        var cluster = updating(canaryRollout(replicas: replicas, steps: [.weight(weight), .pause()]))
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == canary)
        #expect(cluster.replicaSet(v1)?.replicas == stable)
        #expect(cluster.traffic?.canaryWeight == weight)
        #expect(cluster.status.currentStepIndex == 1)
    }

    @Test(arguments: [
        (Int32(5), Int32(20), Int32(1), Int32(4)),
        (4, 50, 2, 2),
        (3, 10, 1, 2),
        (4, 0, 0, 4),
    ])
    func withoutARouterTheWeightIsTheShareOfPods(replicas: Int32, weight: Int32, canary: Int32, stable: Int32) {
        var cluster = updating(canaryRollout(replicas: replicas, steps: [.weight(weight), .pause()], router: false), traffic: nil)
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == canary)
        #expect(cluster.replicaSet(v1)?.replicas == stable)
        #expect(cluster.status.currentStepIndex == 1)
        #expect(!cluster.applied.contains { if case .setTraffic = $0 { true } else { false } })
        let expected = Int32((Double(canary) * 100 / Double(replicas)).rounded())
        #expect(cluster.status.weights == TrafficWeights(canary: expected, stable: 100 - expected))
    }

    @Test func withoutARouterTheStepWaitsForTheCanaryPodsToBeAvailable() {
        var cluster = updating(canaryRollout(replicas: 4, steps: [.weight(50), .pause()], router: false), traffic: nil)
        for _ in 0..<5 { cluster.reconcile() }
        #expect(cluster.status.currentStepIndex == 0)
        #expect((cluster.replicaSet(v2)?.replicas ?? 0) + (cluster.replicaSet(v1)?.replicas ?? 0) <= 5, "within maxSurge 25%")
        #expect(cluster.status.message?.contains("waiting for the canary ReplicaSet") == true)
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
    }

    @Test func aTimedPauseWaitsItsDurationAndAsksToBeWokenWhenItEnds() {
        var cluster = updating(canaryRollout(steps: [.weight(25), .pause("90s"), .weight(50)]))
        cluster.run { $0.status.currentStepIndex == 1 }
        #expect(cluster.status.controllerPause == true)
        #expect(cluster.status.pauseStartTime == Timestamp(cluster.now))
        #expect(cluster.status.phase == .paused)
        let waiting = cluster.reconcile()
        #expect(waiting.actions.isEmpty)
        #expect(waiting.requeueAfter == .seconds(90))
        cluster.now += 60
        #expect(cluster.reconcile().requeueAfter == .seconds(30))
        cluster.now += 30
        let done = cluster.reconcile()
        #expect(done.eventMessages.first == "step 2/3 completed: pause 90s")
        #expect(cluster.status.currentStepIndex == 2)
        #expect(cluster.status.controllerPause == nil)
        #expect(cluster.status.pauseStartTime == nil)
        #expect(cluster.status.phase == .progressing)
    }

    @Test func anIndefinitePauseWaitsForPromote() {
        var cluster = updating(canaryRollout(steps: [.weight(25), .pause(), .weight(50)]))
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.status.condition(.paused)?.reason == "CanaryPauseStep")
        cluster.now += 3600
        #expect(cluster.reconcile().actions.isEmpty, "an hour later: still paused, nothing to do")
        cluster.promote()
        let promoted = cluster.reconcile()
        #expect(promoted.eventMessages.first == "step 2/3 completed: pause (until promoted) (promoted)")
        #expect(cluster.status.currentStepIndex == 2)
        #expect(cluster.status.controllerPause == nil)
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == v2)
    }

    @Test func promoteEndsATimedPauseEarly() {
        var cluster = updating(canaryRollout(steps: [.pause("1h"), .weight(50)]))
        cluster.run { $0.status.phase == .paused }
        let pausedAt = cluster.now
        cluster.promote()
        cluster.reconcile()
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.now == pausedAt, "no time passed")
    }

    @Test(arguments: [
        (CanaryStep.scale(replicas: 2), Int32(2)),
        (CanaryStep.scale(weight: 50), Int32(5)),
        (CanaryStep.scale(weight: 1), Int32(1)),
        (CanaryStep.scale(matchTrafficWeight: true), Int32(1)),
    ])
    func setCanaryScaleSetsTheCanaryPodsApartFromTheWeight(step: CanaryStep, canary: Int32) {
        var cluster = updating(canaryRollout(replicas: 10, steps: [.scale(replicas: 7), step, .weight(10), .pause()]))
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.replicaSet(v2)?.replicas == canary)
        #expect(cluster.replicaSet(v1)?.replicas == 10)
        #expect(cluster.traffic?.canaryWeight == 10)
    }

    @Test func headerAndMirrorRoutesAreAddedAndRemovedByTheirSteps() {
        let match = [HeaderRoutingMatch(headerName: "x-variant", headerValue: StringMatch(exact: "b"))]
        var cluster = updating(canaryRollout(steps: [
            .scale(replicas: 1), .header("beta", match), .mirror(nil, 30), .pause(),
            .header("beta", nil), .mirror(nil, 0), .pause(),
        ]))
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.traffic == TrafficState(
            canaryWeight: 0, headerRoutes: ["beta": SetHeaderRoute(name: "beta", match: match)],
            mirrorRoutes: ["sluice-mirror-route": SetMirrorRoute(name: "sluice-mirror-route", percentage: 30)]))
        #expect(cluster.status.weights == TrafficWeights(canary: 0, stable: 100, mirror: 30))
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 6)
        #expect(cluster.traffic == TrafficState(canaryWeight: 0))
        #expect(cluster.status.weights == TrafficWeights(canary: 0, stable: 100))
    }

    @Test func aMirrorAtWeightZeroGivesTheCanaryPodsForTheMirroredShareThenTakesThemBack() {
        var cluster = updating(canaryRollout(replicas: 10, steps: [.mirror("shadow", 30), .pause(), .mirror("shadow", 0), .pause()]))
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.replicaSet(v2)?.replicas == 3, "30% mirrored to the canary needs 3 of 10 pods, or the mirror goes nowhere")
        #expect(cluster.traffic?.canaryWeight == 0)
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3)
        #expect(cluster.replicaSet(v2)?.replicas == 0, "no mirror, no weight: no canary pods")
    }

    @Test func stepsWhoseEffectIsAlreadyInPlaceCompleteInOnePass() {
        var cluster = updating(canaryRollout(steps: [.weight(20), .weight(20), .pause("0s"), .scale(matchTrafficWeight: true), .pause()]))
        cluster.settle()
        let completed = cluster.events.filter { $0.reason == "StepCompleted" }.map(\.message)
        #expect(completed == [
            "step 1/5 completed: setWeight 20", "step 2/5 completed: setWeight 20", "step 3/5 completed: pause 0s",
            "step 4/5 completed: setCanaryScale matchTrafficWeight",
        ])
        #expect(cluster.status.currentStepIndex == 4)
    }

    @Test func loweringTheWeightLowersTrafficBeforeTheCanaryShrinks() {
        var cluster = updating(canaryRollout(replicas: 10, steps: [.weight(50), .pause(), .weight(10), .pause()]))
        cluster.settle()
        cluster.promote()
        let lower = cluster.reconcile()
        #expect(lower.writes == [.setTraffic(TrafficState(canaryWeight: 10))], "the canary keeps its 5 pods until the router carries 10%")
        let shrink = cluster.reconcile()
        #expect(shrink.writes == [.scaleReplicaSet(name: "web-\(v2)", replicas: 1)])
    }

    @Test func afterTheLastStepTheCanaryScalesUpThenBecomesStableAndTheOldStableIsRetiredAfterTheDelay() {
        var cluster = updating(canaryRollout(replicas: 4, steps: [.weight(50)]) { $0.scaleDownDelaySeconds = 60 })
        cluster.run { $0.status.currentStepIndex == 1 && $0.status.canaryRS != nil }
        #expect(cluster.replicaSet(v2)?.replicas == 4, "full promotion: the canary at full size")
        #expect(cluster.status.stableRS == v1)
        #expect(cluster.traffic?.canaryWeight == 50, "the split stays until the switch")
        cluster.kubelet()
        let promotion = cluster.reconcile()
        #expect(promotion.writes == [
            .setTraffic(.allStable),
            .setServiceSelector(service: "web-stable", podTemplateHash: v2),
            .setScaleDownDeadline(name: "web-\(v1)", deadline: cluster.now + 60),
        ])
        #expect(promotion.eventReasons.contains("RolloutCompleted"))
        #expect(cluster.status.stableRS == v2)
        #expect(cluster.status.canaryRS == nil)
        #expect(cluster.status.currentStepIndex == 1)
        #expect(cluster.status.phase == .healthy)
        #expect(promotion.requeueAfter == .seconds(60))
        #expect(cluster.reconcile().actions.isEmpty)
        cluster.now += 60
        #expect(cluster.reconcile().writes == [.scaleReplicaSet(name: "web-\(v1)", replicas: 0)])
        #expect(cluster.plan().actions.isEmpty)
        #expect(cluster.plan().requeueAfter == nil)
    }

    @Test func anEmptyStepListPromotesStraightAway() {
        var cluster = updating(canaryRollout(replicas: 3, steps: []))
        cluster.settle()
        #expect(cluster.status.stableRS == v2)
        #expect(cluster.status.phase == .healthy)
        #expect(!cluster.events.contains { $0.reason == "StepCompleted" })
    }
}
