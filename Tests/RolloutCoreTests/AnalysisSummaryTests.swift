import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: analysis summaries carry the runs' verdicts")
struct AnalysisSummaryTests {
    let v2 = hash("web:v2")

    static let analysisStep = CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "http-slo")]))

    /// web:v2 rolling out, waiting at the analysis step (index 1) whose run is Running.
    func waitingAtTheAnalysisStep() -> FakeCluster {
        var cluster = updating(canaryRollout(steps: [.weight(20), Self.analysisStep, .weight(50), .pause()]))
        cluster.defaultVerdict = nil
        cluster.settle()
        return cluster
    }

    static let judged = StatisticalVerdict(
        decider: .judge, outcome: .hold, reason: "error-rate: too few samples on the canary (212 of 500)", looks: 7,
        metrics: [ComparedMetric(name: "error-rate", outcome: "InsufficientSamples", effect: 0.004, lower: -0.01, upper: 0.02,
                                 pValue: 0.4, adjustedPValue: 0.8, canarySamples: 212, baselineSamples: 1890),
                  ComparedMetric(name: "latency-p99", outcome: "Pass", effect: -0.012, lower: -0.02, upper: -0.003,
                                 pValue: 0.001, adjustedPValue: 0.002, canarySamples: 212, baselineSamples: 1890)],
        state: "{\"looks\":7}")

    @Test func aRunningVerdictIsCopiedIntoTheSummary() throws {
        var cluster = waitingAtTheAnalysisStep()
        let name = "web-\(v2)-1"
        let index = try #require(cluster.analysisRuns.firstIndex { $0.name == name })
        cluster.analysisRuns[index].phase = .running
        cluster.analysisRuns[index].verdict = Self.judged
        cluster.reconcile()
        let summary = try #require(cluster.status.analysis?.first { $0.name == name })
        #expect(summary == AnalysisRunSummary(
            name: name, trigger: .step, stepIndex: 1, phase: .running, message: "error-rate: too few samples on the canary (212 of 500)",
            decider: .judge, outcome: .hold, looks: 7,
            metrics: [MetricSummary(name: "error-rate", phase: .running, outcome: "InsufficientSamples", effect: 0.004, lower: -0.01, upper: 0.02,
                                    pValue: 0.4, adjustedPValue: 0.8, canarySamples: 212, baselineSamples: 1890),
                      MetricSummary(name: "latency-p99", phase: .successful, outcome: "Pass", effect: -0.012, lower: -0.02, upper: -0.003,
                                    pValue: 0.001, adjustedPValue: 0.002, canarySamples: 212, baselineSamples: 1890)]))
        #expect(cluster.status.currentStepIndex == 1, "a Running run still holds the step")
    }

    @Test func aFinishedExperimentKeepsItsWinnerAndTheRunsOwnMessage() throws {
        var cluster = waitingAtTheAnalysisStep()
        let name = "web-\(v2)-1"
        let index = try #require(cluster.analysisRuns.firstIndex { $0.name == name })
        cluster.analysisRuns[index].phase = .successful
        cluster.analysisRuns[index].message = "variant b wins"
        cluster.analysisRuns[index].verdict = StatisticalVerdict(
            decider: .experiment, outcome: .pass, reason: "b converts 4.1% better", looks: 31, winner: "b",
            metrics: [ComparedMetric(name: "conversion", outcome: "Pass", effect: 0.041), ComparedMetric(name: "bounce", outcome: "Inconclusive")])
        cluster.settle()
        #expect(cluster.status.currentStepIndex == 3, "the Successful run completed the step")
        let summary = try #require(cluster.status.analysis?.first { $0.name == name })
        #expect(summary.message == "variant b wins; b converts 4.1% better", "a finished run's message carries the verdict")
        #expect(summary.decider == .experiment)
        #expect(summary.outcome == .pass)
        #expect(summary.winner == "b")
        #expect(summary.looks == 31)
        #expect(summary.metrics?.map(\.phase) == [.successful, .inconclusive], "undecided metrics of a finished run are Inconclusive")
    }

    @Test func aRunWithoutAVerdictHasNoDecision() throws {
        var cluster = waitingAtTheAnalysisStep()
        cluster.verdicts["web-\(v2)-1"] = .failed
        cluster.analyse()
        cluster.reconcile()
        let summary = try #require(cluster.status.analysis?.first)
        #expect(summary.phase == .failed)
        #expect(summary.message == "metric \"error-ratio\" Failed: value 0.05")
        #expect(summary.decider == nil && summary.outcome == nil && summary.metrics == nil)
    }

    @Test func atMostTenMetricsAreKeptFailedOnesFirstInTheVerdictsOrder() {
        let outcomes = ["Pass", "Pass", "Pass", "Pass", "Pass", "Pass", "Pass", "Pass", "Pass", "Pass", "Fail", "Pass", "Fail"]
        let metrics = outcomes.enumerated().map { ComparedMetric(name: "m\($0.offset)", outcome: $0.element) }
        var summary = AnalysisRunSummary(name: "r", trigger: .judge, phase: .running)
        summary.record(ObservedAnalysisRun(name: "r", phase: .failed, verdict: StatisticalVerdict(decider: .judge, outcome: .fail, metrics: metrics)))
        #expect(summary.metrics?.map(\.name) == ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m10", "m12"])
        #expect(summary.metrics?.filter { $0.phase == .failed }.map(\.name) == ["m10", "m12"])

        let few = Array(metrics.prefix(AnalysisRunSummary.maximumMetrics))
        summary.record(ObservedAnalysisRun(name: "r", phase: .running, verdict: StatisticalVerdict(decider: .judge, outcome: .hold, metrics: few)))
        #expect(summary.metrics?.map(\.name) == few.map(\.name))
    }

    @Test(arguments: [("Pass", false, AnalysisPhase.successful), ("Fail", false, .failed), ("Inconclusive", false, .running),
                      ("Hold", false, .running), ("Inconclusive", true, .inconclusive), ("Fail", true, .failed), ("Pass", true, .successful)])
    func aMetricsPhaseFollowsItsOutcome(outcome: String, runFinished: Bool, phase: AnalysisPhase) {
        #expect(MetricSummary(ComparedMetric(name: "m", outcome: outcome), runFinished: runFinished).phase == phase)
    }
}
