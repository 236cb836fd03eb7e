import SluiceAPI

/// A run's phase from its metrics' (Argo Rollouts' rules). Pure.
///
/// The run is Running until every metric is complete, then takes the worst phase of the
/// metrics that count (not `dryRun`), in the order Successful < Running < Pending <
/// Inconclusive < Error < Failed. A counting metric that is Failed, Error or Inconclusive,
/// or `spec.terminate`, ends the run: metrics still measuring complete as Successful.
public enum RunAssessment {
    static let phaseOrder: [AnalysisPhase] = [.successful, .running, .pending, .inconclusive, .error, .failed]

    /// Whether `candidate` is worse than `current` in Argo's order.
    public static func isWorse(_ candidate: AnalysisPhase, than current: AnalysisPhase) -> Bool {
        (phaseOrder.firstIndex(of: candidate) ?? 0) > (phaseOrder.firstIndex(of: current) ?? 0)
    }

    /// The run is ending: terminated by its spec, or a counting metric has failed, errored
    /// or become inconclusive.
    public static func isTerminating(_ spec: AnalysisRunSpec, _ status: AnalysisRunStatus?) -> Bool {
        if spec.terminate == true { return true }
        let results = Dictionary((status?.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        return spec.metrics.contains { metric in
            guard metric.dryRun != true, let result = results[metric.name] else { return false }
            let phase = MetricAssessment.assess(metric, result, terminating: false).phase
            return phase == .failed || phase == .error || phase == .inconclusive
        }
    }

    /// `status` with each metric's phase and message assessed, and the run's phase and
    /// message set. Metric results keep the order of `spec.metrics`; results for metrics
    /// the spec no longer lists are dropped.
    public static func assess(_ spec: AnalysisRunSpec, _ status: AnalysisRunStatus) -> AnalysisRunStatus {
        var status = status
        let terminating = isTerminating(spec, status)
        let results = Dictionary((status.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        var assessed: [MetricResult] = []
        var everythingCompleted = true
        var worst: (phase: AnalysisPhase, message: String?) = (.successful, nil)
        var dryRunNotes: [String] = []
        for metric in spec.metrics {
            var result = results[metric.name] ?? MetricResult(name: metric.name, phase: .pending)
            let (phase, message) = MetricAssessment.assess(metric, result, terminating: terminating)
            result.phase = phase
            result.message = message
            assessed.append(result)
            guard phase.isCompleted else {
                everythingCompleted = false
                continue
            }
            if metric.dryRun == true {
                if phase != .successful { dryRunNotes.append("dry-run metric \"\(metric.name)\" \(phase.rawValue) (not counted)") }
            } else if isWorse(phase, than: worst.phase) {
                worst = (phase, "metric \"\(metric.name)\" \(phase.rawValue)" + (message.map { ": \($0)" } ?? ""))
            }
        }
        status.metricResults = assessed
        if everythingCompleted {
            status.phase = worst.phase
            let notes = ([worst.message] + dryRunNotes.map(Optional.some)).compactMap { $0 }
            status.message = notes.isEmpty ? nil : notes.joined(separator: "; ")
        } else {
            status.phase = .running
            status.message = terminating ? (spec.terminate == true ? "terminating" : worst.message.map { "terminating: \($0)" }) : nil
        }
        return status
    }
}
