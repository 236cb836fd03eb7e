import Foundation
import SluiceAPI

/// A decision's part of one step: the verdict to record and, if the look ended the run, how.
struct DecisionStep: Sendable, Hashable {
    var verdict: StatisticalVerdict
    var outcome: DecisionOutcome?
    /// Why the look could not be taken, when it could not.
    var problem: String?
}

extension AnalysisRunStepper {
    /// The run's end when `decision` reads a metric `spec` does not measure (validation
    /// rejects such runs; one written around it must not wait forever); nil when it measures all.
    static func unmeasured(_ decision: AnalysisDecision, in spec: AnalysisRunSpec) -> DecisionStep? {
        let measured = Set(spec.metrics.map(\.name))
        let missing = decision.metricNames.filter { !measured.contains($0) }
        guard !missing.isEmpty else { return nil }
        let message = "decision Error: it reads " + missing.map { "\"\($0)\"" }.joined(separator: ", ")
            + ", which spec.metrics does not list"
        let verdict = StatisticalVerdict(decider: (try? decision.decider()) ?? .judge, outcome: .hold, reason: message)
        return DecisionStep(verdict: verdict, outcome: DecisionOutcome(phase: .error, message: message), problem: message)
    }

    /// One look of `decision` at this step's `values`, resuming from the state in
    /// `status.verdict`. Pure. A look that cannot be taken (a measurement of the wrong shape, a
    /// bad observation) is an error like a measurement's: the state is kept, the verdict says
    /// why, and after more errors in a row than the smallest `consecutiveErrorLimit` of the
    /// metrics the decision reads (4 when unset) the run ends in Error — a decision that cannot
    /// judge fails safe.
    static func decide(_ decision: AnalysisDecision, in spec: AnalysisRunSpec, _ status: AnalysisRunStatus,
                       values: [String: MeasurementValue], now: Date, canaryWeight: Double?) -> DecisionStep {
        let startedAt = status.startedAt?.date ?? now
        let previous: DecisionState?
        do {
            previous = try status.verdict?.decodedState(as: DecisionState.self)
        } catch {
            // Without its evidence the decision cannot go on validly; starting afresh would
            // forget what it has seen.
            let message = "decision Error: the stored state in status.verdict.state could not be read: \(error)"
            var verdict = status.verdict ?? StatisticalVerdict(decider: (try? decision.decider()) ?? .judge, outcome: .hold)
            verdict.reason = message
            return DecisionStep(verdict: verdict, outcome: DecisionOutcome(phase: .error, message: message), problem: message)
        }
        let failure: DecisionError
        do {
            let look = try decision.look(previous: previous, values: values, elapsedSeconds: max(0, now.timeIntervalSince(startedAt)),
                                         canaryWeight: canaryWeight)
            return DecisionStep(verdict: look.verdict, outcome: look.outcome)
        } catch {
            failure = error
        }

        let decider = (try? decision.decider()) ?? status.verdict?.decider ?? .judge
        var state = previous ?? DecisionState(kind: decider)
        state.consecutiveErrors += 1
        let reads = Set(decision.metricNames)
        let limit = spec.metrics.filter { reads.contains($0.name) }
            .map { Int($0.consecutiveErrorLimit ?? Metric.defaultConsecutiveErrorLimit) }.min() ?? Int(Metric.defaultConsecutiveErrorLimit)
        let problem = "decision could not look: \(failure.message)"
        let verdict = StatisticalVerdict(
            decider: decider, outcome: .hold, reason: problem, looks: Int64(state.looks), metrics: status.verdict?.metrics,
            // A state that does not encode is dropped; the next look starts afresh.
            state: try? StatisticalVerdict.encodedState(state))
        guard state.consecutiveErrors > limit else { return DecisionStep(verdict: verdict, problem: problem) }
        let message = "decision Error: consecutive errors (\(state.consecutiveErrors)) > consecutiveErrorLimit (\(limit)): \(failure.message)"
        return DecisionStep(verdict: verdict, outcome: DecisionOutcome(phase: .error, message: message), problem: problem)
    }
}
