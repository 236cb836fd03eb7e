import Foundation
import SluiceAPI

/// Where a Rollout stands after a planning pass, as its phase tells it.
enum Outcome: Equatable {
    /// Stable is the desired revision, available, and carries all traffic.
    case healthy(String)
    /// Waiting for something to happen (pods, the router, a Service); the progress deadline runs.
    case progressing(String)
    /// Waiting for an AnalysisRun's verdict: phase Progressing, but the progress deadline does
    /// not run (an analysis takes as long as its metrics say).
    case analyzing(String)
    /// Waiting for a person (a pause step, `spec.paused`, a promotion gate); no deadline.
    case paused(reason: String, message: String)
    /// Something is wrong that waiting will not fix (a missing Service).
    case degraded(reason: String, message: String)
}

/// Reasons Sluice puts on conditions and events.
enum Reason {
    static let replicaSetUpdated = "ReplicaSetUpdated"
    static let newReplicaSetAvailable = "NewReplicaSetAvailable"
    static let progressDeadlineExceeded = "ProgressDeadlineExceeded"
    static let rolloutPaused = "RolloutPaused"
    static let rolloutAborted = "RolloutAborted"
    static let pausedBySpec = "PausedBySpec"
    static let pauseStep = "CanaryPauseStep"
    static let analysisRunning = "AnalysisRunRunning"
    static let analysisInconclusive = "AnalysisRunInconclusive"
    /// An AnalysisRun Failed or Errored and the update was aborted (phase Degraded).
    static let analysisFailed = "AnalysisRunFailed"
    static let promotionGate = "BlueGreenPause"
}

extension PlanDraft {
    /// The progress deadline has passed: no progress (`progress` false) since the
    /// Progressing condition last moved, for `progressDeadlineSeconds`.
    func progressDeadlineExceeded(progress: Bool, _ inputs: PlanInputs) -> Bool {
        guard !progress, let condition = status.condition(.progressing) else { return false }
        if condition.reason == Reason.progressDeadlineExceeded { return true }
        guard condition.status == .true, condition.reason == Reason.replicaSetUpdated, let since = condition.lastUpdateTime else {
            return false
        }
        return inputs.now >= since.date.addingTimeInterval(TimeInterval(progressDeadlineSeconds(inputs)))
    }

    /// Progress since the last pass: more pods available, or more pods of the new
    /// template, than the status recorded.
    func progressMade(_ inputs: PlanInputs) -> Bool {
        let available = inputs.observed.replicaSets.reduce(0) { $0 + $1.availableReplicas }
        let updated = inputs.replicaSet(inputs.desiredHash)?.replicas ?? 0
        return available > (status.availableReplicas ?? 0) || updated > (status.updatedReplicas ?? 0)
    }

    func progressDeadlineSeconds(_ inputs: PlanInputs) -> Int32 {
        inputs.spec.progressDeadlineSeconds ?? RolloutSpec.defaultProgressDeadlineSeconds
    }

    /// Sets phase, message and conditions for `outcome`. `completed`: the stable revision is
    /// the desired one. `progress`: something moved this pass (resets the progress deadline).
    mutating func settle(_ outcome: Outcome, completed: Bool, progress: Bool, _ inputs: PlanInputs) {
        let now = inputs.now
        switch outcome {
        case .healthy(let message):
            status.phase = .healthy
            status.message = message
            status.setCondition(.progressing, .true, reason: Reason.newReplicaSetAvailable, message: message, now: now)
        case .progressing(let wait):
            if progressDeadlineExceeded(progress: progress, inputs) {
                let seconds = progressDeadlineSeconds(inputs)
                let message = "no progress for \(seconds)s (progressDeadlineSeconds): \(wait)"
                if status.condition(.progressing)?.reason != Reason.progressDeadlineExceeded {
                    event(.warning, Reason.progressDeadlineExceeded, message)
                }
                status.setCondition(.progressing, .false, reason: Reason.progressDeadlineExceeded, message: message, now: now)
                status.phase = .degraded
                status.message = message
            } else {
                status.setCondition(.progressing, .true, reason: Reason.replicaSetUpdated, message: wait, now: now, touch: progress)
                status.phase = .progressing
                status.message = wait
                if let since = status.condition(.progressing)?.lastUpdateTime {
                    wake(at: since.date.addingTimeInterval(TimeInterval(progressDeadlineSeconds(inputs))))
                }
            }
        case .analyzing(let message):
            status.setCondition(.progressing, .true, reason: Reason.analysisRunning, message: message, now: now, touch: progress)
            status.phase = .progressing
            status.message = message
        case .paused(_, let message):
            status.setCondition(.progressing, .unknown, reason: Reason.rolloutPaused, message: message, now: now)
            status.phase = .paused
            status.message = message
        case .degraded(let reason, let message):
            status.setCondition(.progressing, .false, reason: reason, message: message, now: now)
            status.phase = .degraded
            status.message = message
        }
        notePause(outcome, now: now)
        status.setCondition(.completed, completed ? .true : .false, reason: completed ? "RolloutCompleted" : "RolloutUpdating",
                            message: completed ? "the stable revision is the desired one" : "an update is in progress", now: now)
        let healthy = status.phase == .healthy
        status.setCondition(.healthy, healthy ? .true : .false, reason: healthy ? "RolloutHealthy" : "RolloutNotHealthy",
                            message: status.message ?? "", now: now)
    }

    /// The Paused condition, and the events for `spec.paused` turning on and off.
    private mutating func notePause(_ outcome: Outcome, now: Date) {
        let before = status.condition(.paused)
        let wasPausedBySpec = before?.status == .true && before?.reason == Reason.pausedBySpec
        if case .paused(let reason, let message) = outcome {
            status.setCondition(.paused, .true, reason: reason, message: message, now: now)
            if reason == Reason.pausedBySpec, !wasPausedBySpec { event(.normal, "RolloutPaused", message) }
            if reason != Reason.pausedBySpec, wasPausedBySpec { event(.normal, "RolloutResumed", "spec.paused cleared") }
        } else {
            status.clearCondition(.paused, reason: "RolloutResumed", message: "not paused", now: now)
            if wasPausedBySpec { event(.normal, "RolloutResumed", "spec.paused cleared") }
        }
    }

    /// Marks the Rollout aborted: phase Aborted (Degraded when an analysis failed: reason
    /// AnalysisRunFailed), Progressing False with that reason, one event when it happens.
    /// `why` explains a new abort; later passes keep the message and reason they found.
    mutating func settleAborted(revision: String, stable: String, why: String?, reason newReason: String = Reason.rolloutAborted,
                                _ inputs: PlanInputs) {
        let before = status.condition(.progressing)
        let abortReasons = [Reason.rolloutAborted, Reason.analysisFailed]
        let already = before.map { $0.status == .false && abortReasons.contains($0.reason ?? "") } ?? false
        let keep = already && why == nil
        let reason = keep ? (before?.reason ?? Reason.rolloutAborted) : newReason
        let message = keep
            ? (before?.message ?? "")
            : "update to revision \(revision) aborted (\(why ?? "rollout abort")): traffic is back on stable revision \(stable); `rollout retry` starts the update again"
        if !already { event(.warning, reason, message) }
        status.setCondition(.progressing, .false, reason: reason, message: message, now: inputs.now)
        status.phase = reason == Reason.analysisFailed ? .degraded : .aborted
        status.message = message
        notePause(.degraded(reason: Reason.rolloutAborted, message: message), now: inputs.now)
        status.setCondition(.completed, .false, reason: "RolloutUpdating", message: "an update is in progress", now: inputs.now)
        status.setCondition(.healthy, .false, reason: "RolloutNotHealthy", message: message, now: inputs.now)
    }
}
