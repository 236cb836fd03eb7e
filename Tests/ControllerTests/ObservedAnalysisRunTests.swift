import KubeClient
import SluiceAPI
import Testing
@testable import Controller

@Suite("An owned AnalysisRun as the planner sees it")
struct ObservedAnalysisRunTests {
    static func run(status: JSONValue) -> DynamicObject {
        DynamicObject([
            "apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisRun",
            "metadata": ["name": "web-abc-judge", "labels": ["rollouts-pod-template-hash": "abc", "rollout.sluice.dev/analysis": "judge"]],
            "spec": ["metrics": []], "status": status,
        ])
    }

    @Test func theVerdictIsReadWithoutItsRunningState() throws {
        let observed = try #require(RolloutController.observedAnalysisRun(Self.run(status: [
            "phase": "Failed",
            "verdict": [
                "decider": "judge", "outcome": "Fail", "reason": "error-rate regressed", "looks": 14, "state": "{\"sums\":[1,2,3]}",
                "metrics": [["name": "error-rate", "outcome": "Fail", "effect": .double(0.041), "adjustedPValue": .double(0.003),
                             "canarySamples": 12048, "baselineSamples": 11873]],
            ],
        ])))
        #expect(observed.phase == .failed)
        #expect(observed.verdict == StatisticalVerdict(
            decider: .judge, outcome: .fail, reason: "error-rate regressed", looks: 14,
            metrics: [ComparedMetric(name: "error-rate", outcome: "Fail", effect: 0.041, adjustedPValue: 0.003, canarySamples: 12048,
                                     baselineSamples: 11873)]))
    }

    @Test func aVerdictThatDoesNotDecodeIsLeftOut() throws {
        let observed = try #require(RolloutController.observedAnalysisRun(Self.run(status: [
            "phase": "Running", "verdict": ["decider": "oracle", "outcome": "Fail"],
        ])))
        #expect(observed.phase == .running)
        #expect(observed.verdict == nil)
    }
}
