import Foundation
import KubeClient
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: invalid specs")
struct InvalidSpecTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var hasRouter = true
        var edit: @Sendable (inout Rollout) -> Void
        /// Text every problem line must contain, in order.
        var problems: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "weight out of range", edit: { $0.spec.strategy.canary?.steps = [.weight(140)] },
             problems: ["spec.strategy.canary.steps[0].setWeight: must be 0..100, got 140"]),
        Case(name: "two problems at once", edit: {
            $0.spec.strategy.canary?.steps = [.weight(-1), CanaryStep(setWeight: 10, pause: RolloutPause())]
        }, problems: ["steps[0].setWeight: must be 0..100, got -1", "steps[1]: must set exactly one of"]),
        Case(name: "header route without a router", hasRouter: false, edit: {
            $0.spec.strategy.canary?.trafficRouting = nil
            $0.spec.strategy.canary?.steps = [.header(nil, [HeaderRoutingMatch(headerName: "x", headerValue: StringMatch(exact: "1"))])]
        }, problems: ["steps[0].setHeaderRoute: a Rollout without trafficRouting cannot route by header"]),
        Case(name: "a router the controller does not have", hasRouter: false, edit: { _ in },
             problems: ["spec.strategy.canary.trafficRouting.gatewayAPI: this controller has no gatewayAPI router yet"]),
        Case(name: "workloadRef", edit: {
            $0.spec.template = nil
            $0.spec.workloadRef = WorkloadRef(name: "web")
        }, problems: ["spec.workloadRef: is not supported by this controller yet"]),
        Case(name: "no strategy", edit: { $0.spec.strategy = RolloutStrategy() },
             problems: ["spec.strategy: must set exactly one of canary, blueGreen; got none"]),
    ]

    @Test(arguments: cases)
    func anInvalidSpecGetsTheConditionAndNoOtherWrite(_ testCase: Case) {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(20)]))
        cluster.settle()
        let traffic = cluster.traffic
        let sets = cluster.replicaSets
        testCase.edit(&cluster.rollout)
        cluster.hasRouter = testCase.hasRouter
        cluster.rollout.metadata.generation = 2
        let plan = cluster.reconcile()
        #expect(plan.writes.isEmpty, "never touches traffic, ReplicaSets or Services")
        #expect(plan.eventReasons == ["InvalidSpec"])
        let condition = cluster.status.condition(.invalidSpec)
        #expect(condition?.status == .true)
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.status.observedGeneration == 2)
        let lines = condition?.message?.components(separatedBy: "\n") ?? []
        #expect(lines.count == testCase.problems.count, "\(lines)")
        for (line, expected) in zip(lines, testCase.problems) {
            #expect(line.contains(expected), "\(line)")
        }
        #expect(cluster.status.message == "invalid spec: \(lines.joined(separator: "; "))")
        #expect(cluster.reconcile().actions.isEmpty, "the same problems: no new event, no write")
        #expect(cluster.traffic == traffic)
        #expect(cluster.replicaSets == sets)
    }

    @Test func fixingTheSpecCarriesOn() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(20)]))
        cluster.settle()
        cluster.deploy(image: "web:v2")
        cluster.rollout.spec.strategy.canary?.steps = [.weight(140)]
        cluster.settle()
        #expect(cluster.status.phase == .degraded)
        #expect(cluster.replicaSet(hash("web:v2")) == nil)
        cluster.rollout.spec.strategy.canary?.steps = [.weight(40)]
        let fixed = cluster.reconcile()
        #expect(fixed.eventReasons.contains("SpecValid"))
        #expect(cluster.status.condition(.invalidSpec) == nil)
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == hash("web:v2"))
    }

    @Test func problemsFoundWhileDecodingAreReportedToo() {
        let rollout = canaryRollout(steps: [])
        let extra = ValidationProblem(FieldPath.root["spec"]["strategy"]["canary"]["stepz"], "unknown field")
        let plan = Planner().plan(rollout: rollout, observed: ObservedState(now: start), hasRouter: true, specProblems: [extra])
        #expect(plan.writes.isEmpty)
        #expect(plan.status?.condition(.invalidSpec)?.message == "spec.strategy.canary.stepz: unknown field")
    }
}
