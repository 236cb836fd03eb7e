import SluiceAPI

extension AnalysisRunSummary {
    /// Brings the summary up to date with what the cache shows of its run: phase, message (with
    /// the verdict's reason once finished, or the reason alone while the run has no message) and, for a run with a
    /// statistical verdict, the decision and the evidence per metric (at most
    /// ``maximumMetrics``, failed ones first).
    mutating func record(_ run: ObservedAnalysisRun) {
        phase = run.phase
        message = run.summaryMessage ?? run.verdict?.reason
        decider = run.verdict?.decider
        outcome = run.verdict?.outcome
        looks = run.verdict?.looks
        winner = run.verdict?.winner
        metrics = run.verdict?.metrics.map { compared in
            Self.kept(compared).map { MetricSummary($0, runFinished: run.phase.isCompleted) }
        }
    }

    /// The metrics a summary keeps: all of them up to ``maximumMetrics``; past that, the failed
    /// ones first, then the others in the verdict's order.
    static func kept(_ metrics: [ComparedMetric]) -> [ComparedMetric] {
        guard metrics.count > maximumMetrics else { return metrics }
        let failed = metrics.indices.filter { metrics[$0].outcome == StatisticalVerdict.Outcome.fail.rawValue }
        let others = metrics.indices.filter { metrics[$0].outcome != StatisticalVerdict.Outcome.fail.rawValue }
        return (failed + others).prefix(maximumMetrics).sorted().map { metrics[$0] }
    }
}
