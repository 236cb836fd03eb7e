import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

/// The property the controller relies on: reconciling over and over (actions applied,
/// pods starting, the clock moving, a person promoting when asked) always ends Healthy on
/// the new revision, and a further plan is empty. Re-planning on the same inputs gives the
/// same plan, and applying a plan twice changes nothing more than applying it once.
@Suite("Planner: convergence")
struct ConvergenceTests {
    static let stepLists: [[CanaryStep]] = [
        [],
        [.weight(10), .pause("30s"), .weight(50), .pause(), .weight(100)],
        [.scale(replicas: 1), .header("beta", [HeaderRoutingMatch(headerName: "x-beta", headerValue: StringMatch(exact: "1"))]),
         .mirror("shadow", 50), .pause("1m"), .mirror("shadow", 0), .header("beta", nil), .scale(matchTrafficWeight: true),
         .weight(30), .analysis, .weight(70)],
        [.weight(33), .weight(66), .pause("10s"), .weight(0), .pause()],
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var steps: [CanaryStep]
        var router: Bool
        var replicas: Int32
        var testDescription: String { "\(steps.count) steps, router \(router), \(replicas) replicas" }
    }

    static let cases: [Case] = stepLists.flatMap { steps in
        [Int32(1), 4, 7].flatMap { replicas in
            [true, false].compactMap { router in
                let routeSteps = steps.contains { $0.setHeaderRoute != nil || $0.setMirrorRoute != nil || $0.setCanaryScale != nil }
                return !router && routeSteps ? nil : Case(steps: steps, router: router, replicas: replicas)
            }
        }
    }

    @Test(arguments: cases)
    func reconcilingAlwaysEndsHealthyAndThenPlansNothing(_ testCase: Case) {
        var cluster = FakeCluster(canaryRollout(replicas: testCase.replicas, steps: testCase.steps, router: testCase.router),
                                  traffic: testCase.router ? .allStable : nil)
        cluster.settle()
        cluster.deploy(image: "web:v2")
        var promotions = 0
        for _ in 0..<20 {
            cluster.settle()
            if cluster.status.phase == .healthy { break }
            #expect(cluster.status.phase == .paused, "\(cluster.status.message ?? "")")
            cluster.promote()
            promotions += 1
        }
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == hash("web:v2"))
        #expect(cluster.replicaSet(hash("web:v2"))?.replicas == testCase.replicas)
        #expect(cluster.replicaSet(hash("web:v1"))?.replicas == 0)
        #expect(!testCase.router || cluster.traffic == .allStable)
        #expect(cluster.services["web-stable"] == .some(hash("web:v2")))
        let final = cluster.plan()
        #expect(final.actions.isEmpty)
        #expect(final.requeueAfter == nil)
        let completed = cluster.events.filter { $0.reason == "StepCompleted" }.count
        #expect(completed == testCase.steps.count, "one StepCompleted event per step")
    }

    @Test(arguments: cases)
    func everyIntermediatePlanIsDeterministicAndItsActionsIdempotent(_ testCase: Case) {
        var cluster = FakeCluster(canaryRollout(replicas: testCase.replicas, steps: testCase.steps, router: testCase.router),
                                  traffic: testCase.router ? .allStable : nil)
        cluster.settle()
        cluster.deploy(image: "web:v2")
        for pass in 0..<300 {
            let plan = cluster.plan()
            #expect(cluster.plan() == plan, "the same inputs give the same plan")
            var once = cluster
            once.apply(plan)
            var twice = once
            twice.apply(Plan(actions: plan.writes))
            #expect(twice.replicaSets == once.replicaSets && twice.traffic == once.traffic && twice.services == once.services,
                    "applying the writes again changes nothing")
            // Replanning right after the writes, with no pod started and no time passed,
            // never moves traffic again unless a step completed.
            let again = once.plan()
            if (again.status ?? once.status).currentStepIndex == once.status.currentStepIndex,
                (again.status ?? once.status).stableRS == once.status.stableRS
            {
                #expect(!again.writes.contains { if case .setTraffic = $0 { true } else { false } }, "pass \(pass): no traffic flip")
            }
            cluster = once
            if pass % 3 == 2 { cluster.kubelet() }
            if plan.actions.isEmpty {
                if cluster.status.phase == .healthy, cluster.status.stableRS == hash("web:v2") { break }
                if cluster.status.controllerPause == true, plan.requeueAfter == nil { cluster.promote() }
                cluster.kubelet()
                if let after = plan.requeueAfter { cluster.now += after.timeInterval }
            }
        }
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == hash("web:v2"))
    }
}
