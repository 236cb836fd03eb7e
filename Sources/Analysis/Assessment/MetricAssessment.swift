import Foundation
import SluiceAPI

/// A metric's tallies and phase, from its measurements (Argo Rollouts' rules). Pure.
///
/// - Successful, Failed and Inconclusive measurements count toward `count`; Errors do not
///   (they are retried) and raise `consecutiveError`, which any other outcome resets.
/// - The metric is Failed when `failed > failureLimit` (default 0; -1 never), Inconclusive
///   when `inconclusive > inconclusiveLimit` (default 0), Error when
///   `consecutiveError > consecutiveErrorLimit` (default 4); when several hold, Error wins
///   over Inconclusive over Failed, as in Argo.
/// - Otherwise it is Successful once `count` measurements are taken (one when neither
///   `count` nor `interval` is set), or when the run terminates; until then Running
///   (Pending before the first measurement).
public enum MetricAssessment {
    /// Measurements kept per metric in the status; the tallies count every one.
    public static let defaultHistoryLimit = 10

    /// `result` with `measurement` added: a finished measurement replaces the one in flight
    /// (if any) and is tallied; the history keeps the newest `historyLimit`.
    public static func recording(_ measurement: Measurement, in result: MetricResult, historyLimit: Int = defaultHistoryLimit) -> MetricResult {
        var result = result
        var history = result.measurements ?? []
        if let last = history.last, last.phase == .running { history.removeLast() }
        history.append(measurement)
        result.measurements = Array(history.suffix(max(1, historyLimit)))
        switch measurement.phase {
        case .successful: result.successful = (result.successful ?? 0) + 1
        case .failed: result.failed = (result.failed ?? 0) + 1
        case .inconclusive: result.inconclusive = (result.inconclusive ?? 0) + 1
        case .error: result.error = (result.error ?? 0) + 1
        case .pending, .running: return result
        }
        if measurement.phase == .error {
            result.consecutiveError = (result.consecutiveError ?? 0) + 1
        } else {
            result.count = (result.count ?? 0) + 1
            result.consecutiveError = 0
        }
        return result
    }

    /// Measurements `metric` takes in all: its `count`, 1 when it has neither `count` nor
    /// `interval`, nil when it measures until the run ends.
    public static func effectiveCount(of metric: Metric) -> Int32? {
        if let count = metric.count { return count }
        return metric.interval == nil ? 1 : nil
    }

    /// The limit that ends the metric, if one is exceeded: its phase and why.
    public static func limitReached(_ metric: Metric, _ result: MetricResult) -> (phase: AnalysisPhase, message: String)? {
        var reached: (AnalysisPhase, String)?
        let failureLimit = metric.failureLimit ?? 0
        if failureLimit >= 0, (result.failed ?? 0) > failureLimit {
            reached = (.failed, "failed (\(result.failed ?? 0)) > failureLimit (\(failureLimit))")
        }
        let inconclusiveLimit = metric.inconclusiveLimit ?? 0
        if (result.inconclusive ?? 0) > inconclusiveLimit {
            reached = (.inconclusive, "inconclusive (\(result.inconclusive ?? 0)) > inconclusiveLimit (\(inconclusiveLimit))")
        }
        let errorLimit = metric.consecutiveErrorLimit ?? Metric.defaultConsecutiveErrorLimit
        if (result.consecutiveError ?? 0) > errorLimit {
            reached = (.error, "consecutiveErrors (\(result.consecutiveError ?? 0)) > consecutiveErrorLimit (\(errorLimit))")
        }
        return reached
    }

    /// The metric's phase and message. A completed phase already in `result` stays.
    /// `terminating` (the run is ending) completes a metric that has not reached a limit as
    /// Successful.
    public static func assess(_ metric: Metric, _ result: MetricResult, terminating: Bool) -> (phase: AnalysisPhase, message: String?) {
        if result.phase.isCompleted { return (result.phase, result.message) }
        let measurements = result.measurements ?? []
        guard let last = measurements.last else {
            return terminating ? (.successful, "the run ended before a measurement was taken") : (.pending, nil)
        }
        if !last.phase.isCompleted { return (.running, nil) }
        if let (phase, reason) = limitReached(metric, result) {
            let detail = last.message.map { ": \($0)" } ?? ""
            return (phase, "\(reason)\(detail)")
        }
        if let count = effectiveCount(of: metric), (result.count ?? 0) >= count {
            return (.successful, nil)
        }
        if terminating { return (.successful, "the run ended after \(result.count ?? 0) measurement\(result.count == 1 ? "" : "s")") }
        return (.running, last.phase == .successful ? nil : last.message)
    }
}
