import Foundation
import SluiceAPI

/// One gate of a blue-green update, in order. `status.currentStepIndex` counts these
/// while a blue-green update runs, so that a restarted controller knows which gates are
/// behind it.
enum BlueGreenGate: Equatable {
    /// The new revision is up behind the preview Service with `previewReplicaCount` pods.
    case preview
    /// `prePromotionAnalysis`: an AnalysisRun against the preview must succeed before the switch.
    case prePromotionAnalysis
    /// `autoPromotionEnabled: false`: paused until `rollout promote`.
    case manualPromotion
    /// `autoPromotionSeconds`: a timed pause once the preview is ready.
    case autoPromotion(seconds: Int32)
    /// The new revision scales to full size and the active Service switches to it.
    case switchActive
    /// `postPromotionAnalysis`: an AnalysisRun after the switch; failure switches back.
    case postPromotionAnalysis

    var summary: String {
        switch self {
        case .preview: "preview ready"
        case .prePromotionAnalysis: "prePromotionAnalysis"
        case .manualPromotion: "promotion (autoPromotionEnabled: false)"
        case .autoPromotion(let seconds): "autoPromotionSeconds \(seconds)"
        case .switchActive: "switch the active Service"
        case .postPromotionAnalysis: "postPromotionAnalysis"
        }
    }

    static func gates(of strategy: BlueGreenStrategy) -> [BlueGreenGate] {
        var gates: [BlueGreenGate] = [.preview]
        if strategy.prePromotionAnalysis != nil { gates.append(.prePromotionAnalysis) }
        if strategy.autoPromotionEnabled == false {
            gates.append(.manualPromotion)
        } else if let seconds = strategy.autoPromotionSeconds, seconds > 0 {
            gates.append(.autoPromotion(seconds: seconds))
        }
        gates.append(.switchActive)
        if strategy.postPromotionAnalysis != nil { gates.append(.postPromotionAnalysis) }
        return gates
    }
}

/// Blue-green: the new revision runs beside the active one behind the preview Service
/// (`previewReplicaCount` pods), passes its gates, scales to full size, and the active
/// Service switches to it at once; the old revision is scaled down `scaleDownDelaySeconds`
/// later.
struct BlueGreenPlanner {
    let inputs: PlanInputs
    let strategy: BlueGreenStrategy

    var replicas: Int32 { inputs.replicas }
    var gates: [BlueGreenGate] { BlueGreenGate.gates(of: strategy) }
    var switchIndex: Int { gates.firstIndex(of: .switchActive) ?? 0 }

    func plan(_ draft: inout PlanDraft) {
        guard let stable = draft.stableRevisionToUpdateFrom(inputs, role: "active", progression: "gates") else {
            planStable(&draft)
            return
        }
        planUpdate(stable: stable, &draft)
    }

    // MARK: Stable

    func planStable(_ draft: inout PlanDraft) {
        let stable = inputs.desiredHash
        draft.noteRevertedUpdate(to: stable, role: "active")
        draft.clearUpdate(stepCount: nil, stepsHash: nil)
        draft.terminateAnalysisRuns(inputs)
        draft.ensureReplicaSet(stable, replicas: replicas, inputs)
        let services = [
            draft.ensureService(strategy.activeService, selects: stable, field: Self.activeField, inputs),
            draft.ensureService(strategy.previewService, selects: stable, field: Self.previewField, inputs),
        ]
        draft.status.blueGreen = BlueGreenStatus(activeSelector: stable, previewSelector: strategy.previewService == nil ? nil : stable)
        draft.retireReplicaSets(keeping: [stable], delaySeconds: scaleDownDelay, historyLimit: historyLimit, inputs)
        let after = inputs.predicting(draft)
        let outcome: Outcome
        if let missing = services.compactMap(\.problem).first {
            outcome = .degraded(reason: "ServiceNotFound", message: missing)
        } else if inputs.pausedBySpec {
            outcome = .paused(reason: Reason.pausedBySpec, message: "paused by spec.paused (`rollout resume` continues)")
        } else if let wait = after.replicaSetWait(stable, target: replicas, role: "active") {
            outcome = .progressing(wait)
        } else {
            outcome = .healthy("revision \(inputs.revision(of: stable)) (\(stable)) is active and available")
        }
        draft.settle(outcome, completed: true, progress: draft.progressMade(inputs), inputs)
    }

    // MARK: Update

    func planUpdate(stable: String, _ draft: inout PlanDraft) {
        let desired = inputs.desiredHash
        let gates = self.gates
        var start = draft.beginUpdate(stable: stable, stepsHash: gatesHash, inputs)
        if draft.status.abort == true {
            planAbort(stable: stable, why: nil, &draft)
            return
        }
        if let failed = draft.failedAnalysis() {
            draft.status.abort = true
            planAbort(stable: stable, why: failed.verdict, reason: Reason.analysisFailed, &draft)
            return
        }
        var index = min(max(Int(draft.status.currentStepIndex ?? 0), 0), gates.count)
        if draft.status.promoteFull == true, index > 0 {
            let skipTo = index <= switchIndex ? switchIndex : gates.count
            if index < skipTo {
                draft.event(.normal, "RolloutPromoted", "promoted fully: skipping \(gates[index..<skipTo].map(\.summary).joined(separator: ", "))")
                draft.endPause()
                draft.terminateAnalysisRuns(inputs)
                index = skipTo
                start.progress = true
            }
        }
        var halt: CanaryPlanner.Halt?
        if !inputs.pausedBySpec {
            index = walk(from: index, stable: stable, &draft, progress: &start.progress, halt: &halt)
        }
        draft.status.currentStepIndex = Int32(index)
        if case .abort(let why) = halt {
            draft.status.abort = true
            planAbort(stable: stable, why: why, reason: Reason.analysisFailed, &draft)
            return
        }
        if index == gates.count, !inputs.pausedBySpec {
            draft.event(.normal, "RolloutCompleted",
                        "revision \(inputs.revision(of: desired)) (\(desired)) is now active, replacing \(stable)")
            draft.status.stableRS = desired
            draft.status.canaryRS = nil
            planStable(&draft)
            return
        }

        let progress = start.progress || draft.progressMade(inputs)
        let wait = self.wait(index: index, stable: stable)
        let missing = serviceStates(index: index, stable: stable).compactMap(\.problem).first
        if inputs.spec.progressDeadlineAbort == true, missing == nil, !inputs.pausedBySpec, draft.status.controllerPause != true,
            draft.progressDeadlineExceeded(progress: progress, inputs)
        {
            let seconds = draft.progressDeadlineSeconds(inputs)
            let waiting = wait ?? gates[index].summary
            draft.event(.warning, Reason.progressDeadlineExceeded, "no progress for \(seconds)s (progressDeadlineSeconds): \(waiting)")
            draft.status.abort = true
            planAbort(stable: stable, why: "progress deadline of \(seconds)s exceeded: \(waiting)", &draft)
            return
        }

        draft.ensureReplicaSet(desired, replicas: previewTarget(index), inputs)
        draft.ensureReplicaSet(stable, replicas: replicas, inputs)
        let active = activeTarget(index: index, stable: stable)
        _ = serviceEnsures(active: active, &draft)
        draft.status.blueGreen = BlueGreenStatus(activeSelector: active, previewSelector: strategy.previewService == nil ? nil : desired)
        draft.retireReplicaSets(keeping: [stable, desired], delaySeconds: scaleDownDelay, historyLimit: historyLimit, inputs)

        let after = BlueGreenPlanner(inputs: inputs.predicting(draft), strategy: strategy)
        let outcome: Outcome
        if let missing {
            outcome = .degraded(reason: "ServiceNotFound", message: missing)
        } else if inputs.pausedBySpec {
            outcome = .paused(reason: Reason.pausedBySpec, message: "paused by spec.paused (`rollout resume` continues)")
        } else if case .inconclusive(let message) = halt {
            outcome = .paused(reason: Reason.analysisInconclusive, message: message)
        } else if draft.status.controllerPause == true {
            outcome = pauseOutcome(gates[index], draft)
        } else if case .analysis(let verdict) = halt {
            outcome = .analyzing("\(gates[index].summary): waiting for \(verdict)")
        } else {
            outcome = .progressing(after.wait(index: index, stable: stable) ?? gates[index].summary)
        }
        draft.settle(outcome, completed: false, progress: progress, inputs)
    }

    /// Passes every gate that is open, from `index` on; returns the gate now in progress.
    /// `halt` says why it stopped when an analysis stopped it.
    private func walk(from start: Int, stable: String, _ draft: inout PlanDraft, progress: inout Bool,
                      halt: inout CanaryPlanner.Halt?) -> Int {
        var index = start
        while index < gates.count {
            let gate = gates[index]
            guard wait(index: index, stable: stable) == nil else { break }
            var note = ""
            switch gate {
            case .preview:
                break
            case .switchActive:
                guard inputs.observed.serviceSelectors[strategy.activeService] == .some(inputs.desiredHash) else { return index }
            case .autoPromotion(let seconds):
                switch draft.pause(inputs) {
                case .promoted: note = " (promoted)"
                case .started:
                    draft.event(.normal, "RolloutPaused", "preview ready: promoting automatically in \(seconds)s")
                    draft.wake(at: inputs.after(seconds: seconds))
                    return index
                case .waiting(let since):
                    let end = since.addingTimeInterval(TimeInterval(seconds))
                    guard inputs.now >= end else {
                        draft.wake(at: end)
                        return index
                    }
                }
            case .prePromotionAnalysis, .postPromotionAnalysis:
                let trigger: AnalysisRunSummary.Trigger = gate == .prePromotionAnalysis ? .prePromotion : .postPromotion
                guard let analysis = gate == .prePromotionAnalysis ? strategy.prePromotionAnalysis : strategy.postPromotionAnalysis else { break }
                let run = draft.ensureAnalysisRun(trigger, analysis: analysis, stable: stable, inputs)
                switch draft.analysisGate(run, pausedMessage: "\(gate.summary): \(run.verdict); `rollout promote` continues, `rollout abort` aborts", inputs) {
                case .proceed(let gateNote):
                    note = gateNote
                case .halt(let reason):
                    halt = reason
                    return index
                }
            case .manualPromotion:
                switch draft.pause(inputs) {
                case .promoted: note = " (promoted)"
                case .started:
                    draft.event(.normal, "RolloutPaused", pauseMessage(gate))
                    return index
                case .waiting: return index
                }
            }
            draft.endPause()
            draft.event(.normal, "StepCompleted", "gate \(index + 1)/\(gates.count) passed: \(gate.summary)\(note)")
            index += 1
            progress = true
            if draft.status.promoteFull == true {
                // promote --full: no gate but the switch itself.
                if index < switchIndex { index = switchIndex } else if index > switchIndex { index = gates.count }
            }
        }
        return index
    }

    // MARK: Targets

    /// Pods of the new revision: `previewReplicaCount` before the switch, all after.
    private func previewTarget(_ index: Int) -> Int32 {
        index >= switchIndex ? replicas : min(max(0, strategy.previewReplicaCount ?? replicas), replicas)
    }

    /// The revision the active Service should select: the new one once past the switch, or
    /// at the switch once the new revision is ready at full size.
    private func activeTarget(index: Int, stable: String) -> String {
        if index > switchIndex { return inputs.desiredHash }
        if index == switchIndex, inputs.isAvailable(inputs.desiredHash, at: replicas) { return inputs.desiredHash }
        return stable
    }

    private func serviceStates(index: Int, stable: String) -> [ServiceState] {
        [
            ServiceState(strategy.activeService, selects: activeTarget(index: index, stable: stable), field: Self.activeField, inputs.observed),
            ServiceState(strategy.previewService, selects: inputs.desiredHash, field: Self.previewField, inputs.observed),
        ]
    }

    static let activeField = "spec.strategy.blueGreen.activeService"
    static let previewField = "spec.strategy.blueGreen.previewService"

    private func serviceEnsures(active: String, _ draft: inout PlanDraft) -> [ServiceState] {
        [
            draft.ensureService(strategy.activeService, selects: active, field: Self.activeField, inputs),
            draft.ensureService(strategy.previewService, selects: inputs.desiredHash, field: Self.previewField, inputs),
        ]
    }

    /// What the gate in progress waits for before it can open, nil when nothing.
    private func wait(index: Int, stable: String) -> String? {
        if let wait = inputs.replicaSetWait(inputs.desiredHash, target: previewTarget(index), role: "preview") { return wait }
        return serviceStates(index: index, stable: stable).compactMap(\.wait).first
    }

    private func pauseMessage(_ gate: BlueGreenGate) -> String {
        switch gate {
        case .prePromotionAnalysis, .postPromotionAnalysis:
            "\(gate.summary): waiting for its analysis run"
        case .autoPromotion(let seconds): "preview ready: promoting automatically \(seconds)s after it became ready; `rollout promote` promotes now"
        case .manualPromotion: "preview ready: waiting for `rollout promote` (autoPromotionEnabled is false)"
        case .preview, .switchActive: gate.summary
        }
    }

    private func pauseOutcome(_ gate: BlueGreenGate, _ draft: PlanDraft) -> Outcome {
        .paused(reason: Reason.promotionGate, message: pauseMessage(gate))
    }

    // MARK: Abort

    /// The active Service back on the old revision in this plan, the new revision scaled
    /// down `abortScaleDownDelaySeconds` later.
    func planAbort(stable: String, why: String?, reason: String = Reason.rolloutAborted, _ draft: inout PlanDraft) {
        let desired = inputs.desiredHash
        draft.status.abort = true
        draft.terminateAnalysisRuns(inputs)
        let abortedAt = draft.status.abortedAt?.date ?? inputs.now
        if draft.status.abortedAt == nil { draft.status.abortedAt = Timestamp(inputs.now) }
        draft.endPause()
        draft.status.promoteFull = nil
        draft.ensureReplicaSet(stable, replicas: replicas, inputs)
        _ = serviceEnsures(active: stable, &draft)
        if let preview = inputs.replicaSet(desired) {
            let delay = strategy.abortScaleDownDelaySeconds ?? BlueGreenStrategy.defaultAbortScaleDownDelaySeconds
            draft.scaleDown(preview, at: abortedAt.addingTimeInterval(TimeInterval(delay)), inputs)
        }
        draft.status.blueGreen = BlueGreenStatus(activeSelector: stable, previewSelector: strategy.previewService == nil ? nil : desired)
        draft.retireReplicaSets(keeping: [stable, desired], delaySeconds: scaleDownDelay, historyLimit: historyLimit, inputs)
        draft.settleAborted(revision: "\(inputs.revision(of: desired)) (\(desired))", stable: stable, why: why, reason: reason, inputs)
    }

    // MARK: Helpers

    private var scaleDownDelay: Int32 { strategy.scaleDownDelaySeconds ?? BlueGreenStrategy.defaultScaleDownDelaySeconds }
    private var historyLimit: Int32 { inputs.spec.revisionHistoryLimit ?? RolloutSpec.defaultRevisionHistoryLimit }

    private var gatesHash: String {
        var hasher = FNV1a32()
        hasher.write(Array(gates.map(\.summary).joined(separator: "\n").utf8))
        return SafeEncoding.encode(String(hasher.value))
    }
}
