import Foundation
import SluiceAPI

/// When measurements are due. Pure; the caller passes `now`.
public enum MeasurementSchedule {
    /// After an Error, the next try comes after this or the metric's interval, whichever is shorter.
    public static let errorRetryInterval: Duration = .seconds(10)
    /// How often a measurement in flight (a Job) is checked when nothing else wakes the run.
    public static let runningCheckInterval: Duration = .seconds(5)

    /// When `metric`'s next measurement is due: the run's start plus `initialDelay` for the
    /// first, the last one's end plus `interval` after that (plus the error retry interval
    /// after an Error), `now` when one is in flight (it is resumed), nil when the metric
    /// takes no more (complete, or its count reached).
    public static func nextMeasurementDue(_ metric: Metric, result: MetricResult?, runStartedAt: Date, now: Date) -> Date? {
        if let result, result.phase.isCompleted { return nil }
        guard let last = result?.measurements?.last else {
            return runStartedAt + seconds(metric.initialDelay?.duration ?? .zero)
        }
        if !last.phase.isCompleted { return now }
        let finished = last.finishedAt?.date ?? last.startedAt?.date ?? now
        if last.phase == .error {
            let retry = min(metric.interval?.duration ?? errorRetryInterval, errorRetryInterval)
            return finished + seconds(retry)
        }
        if let count = MetricAssessment.effectiveCount(of: metric), (result?.count ?? 0) >= count { return nil }
        guard let interval = metric.interval?.duration else { return nil }
        return finished + seconds(interval)
    }

    /// The metrics of `spec` due at `now`, in spec order; none once the run is complete or
    /// ending (``RunAssessment/isTerminating(_:_:)``). The metrics a decision reads are measured
    /// together — when one is due, all are — so that each look sees all of them, even after an
    /// error's retry put one off its interval.
    public static func metricsDue(_ spec: AnalysisRunSpec, _ status: AnalysisRunStatus, now: Date) -> [Metric] {
        guard !(status.phase?.isCompleted ?? false), !RunAssessment.isTerminating(spec, status) else { return [] }
        let startedAt = status.startedAt?.date ?? now
        let results = Dictionary((status.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        let dueAt = { (metric: Metric) in nextMeasurementDue(metric, result: results[metric.name], runStartedAt: startedAt, now: now) }
        let decided = Set(spec.decision?.metricNames ?? [])
        let decisionDue = spec.metrics.contains { decided.contains($0.name) && (dueAt($0).map { $0 <= now } ?? false) }
        return spec.metrics.filter { metric in
            guard let due = dueAt(metric) else { return false }
            return due <= now || (decisionDue && decided.contains(metric.name))
        }
    }

    /// When to look at the run again: the earliest measurement due, or
    /// ``runningCheckInterval`` from now while one is in flight; nil once the run is complete.
    public static func nextCheck(_ spec: AnalysisRunSpec, _ status: AnalysisRunStatus, now: Date) -> Date? {
        guard !(status.phase?.isCompleted ?? false) else { return nil }
        let startedAt = status.startedAt?.date ?? now
        let results = Dictionary((status.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        var earliest: Date?
        for metric in spec.metrics {
            let result = results[metric.name]
            let inFlight = result?.measurements?.last.map { !$0.phase.isCompleted } ?? false
            guard var due = nextMeasurementDue(metric, result: result, runStartedAt: startedAt, now: now) else { continue }
            if inFlight { due = now + seconds(runningCheckInterval) }
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
