import Foundation
import SluiceAPI

/// How an update stands at the start of a pass, after new templates, edited steps and
/// retries have been taken into account.
struct UpdateStart {
    /// Something moved (a new update, a restart): the progress deadline starts again.
    var progress = false
    /// The canary starts from no traffic (a new update or a retry).
    var fresh = false
}

extension PlanDraft {
    /// Notices a new pod template (starts the update at step 1), steps edited during the
    /// update (starts again at step 1) and a retry after an abort (`status.abort` cleared:
    /// starts again at step 1). `stepsHash` identifies the steps (or blue-green gates).
    mutating func beginUpdate(stable: String, stepsHash: String, _ inputs: PlanInputs) -> UpdateStart {
        var start = UpdateStart()
        let desired = inputs.desiredHash
        let revision = inputs.revision(of: desired)
        if status.canaryRS != desired {
            let replaced = status.canaryRS.flatMap { $0 == stable ? nil : $0 }
            restart(stepsHash: stepsHash, inputs)
            status.canaryRS = desired
            status.abort = nil
            status.abortedAt = nil
            status.promoteFull = nil
            let replacing = replaced.map { ", replacing the update to \($0)" } ?? ""
            event(.normal, "RolloutUpdated", "updating to revision \(revision) (\(desired)) from stable \(stable)\(replacing)")
            start = UpdateStart(progress: true, fresh: true)
        } else if status.currentStepHash != stepsHash {
            restart(stepsHash: stepsHash, inputs)
            event(.normal, "StepsChanged", "the steps changed during the update to revision \(revision): starting again at step 1")
            start.progress = true
        }
        if status.abort != true, status.abortedAt != nil {
            restart(stepsHash: stepsHash, inputs)
            status.abortedAt = nil
            event(.normal, "RolloutRetried", "retrying the update to revision \(revision) (\(desired)) from step 1")
            start = UpdateStart(progress: true, fresh: true)
        }
        return start
    }

    /// Back to the first step: the pause and the analyses of the previous attempt are over.
    private mutating func restart(stepsHash: String, _ inputs: PlanInputs) {
        resetAnalysis(inputs)
        status.currentStepIndex = 0
        status.currentStepHash = stepsHash
        status.pauseStartTime = nil
        status.controllerPause = nil
        status.experimentStartTime = nil
    }

    /// The fields of an update in progress, cleared once the stable revision is the desired one.
    mutating func clearUpdate(stepCount: Int32?, stepsHash: String?) {
        status.canaryRS = nil
        status.currentStepIndex = stepCount
        status.currentStepHash = stepsHash
        status.pauseStartTime = nil
        status.controllerPause = nil
        status.abort = nil
        status.abortedAt = nil
        status.promoteFull = nil
        status.experimentStartTime = nil
    }

    /// Where a pause (a pause step, an analysis step, a blue-green gate) stands.
    enum PauseState: Equatable {
        /// `rollout promote` cleared the pause start: the pause is over.
        case promoted
        /// The pause has just begun (its start is recorded now).
        case started
        /// Waiting, since `since`.
        case waiting(since: Date)
    }

    /// Begins or continues the pause of the step in progress. The promote contract: a
    /// pause whose start was cleared while `controllerPause` is true has been promoted.
    mutating func pause(_ inputs: PlanInputs) -> PauseState {
        if status.controllerPause == true, status.pauseStartTime == nil { return .promoted }
        if let since = status.pauseStartTime { return .waiting(since: since.date) }
        status.pauseStartTime = Timestamp(inputs.now)
        status.controllerPause = true
        return .started
    }

    /// The pause of the finished step is over.
    mutating func endPause() {
        status.pauseStartTime = nil
        status.controllerPause = nil
    }
}
