import Foundation
import SluiceAPI

/// The canary step machine. While an update runs, `status.currentStepIndex` is the step in
/// progress; a step completes only once its effect is in place (the canary's pods
/// available, the Services selecting the right revisions, the router carrying the split),
/// and several steps may complete in one pass when their effects already are. After the
/// last step the canary scales to full size and becomes stable.
struct CanaryPlanner {
    let inputs: PlanInputs
    let strategy: CanaryStrategy

    var steps: [CanaryStep] { strategy.steps ?? [] }
    var routed: Bool { inputs.routed }
    var replicas: Int32 { inputs.replicas }

    func plan(_ draft: inout PlanDraft) {
        guard let stable = draft.stableRevisionToUpdateFrom(inputs, role: "stable", progression: "steps") else {
            planStable(&draft)
            return
        }
        planUpdate(stable: stable, &draft)
    }

    // MARK: Stable (no update in progress)

    /// The stable revision is the desired one: full size, all traffic, both Services on it;
    /// every other ReplicaSet retired.
    func planStable(_ draft: inout PlanDraft) {
        let stable = inputs.desiredHash
        draft.noteRevertedUpdate(to: stable, role: "stable")
        draft.clearUpdate(stepCount: Int32(steps.count), stepsHash: stepsHash(steps))
        draft.terminateAnalysisRuns(inputs)
        draft.ensureReplicaSet(stable, replicas: replicas, inputs)
        if routed { draft.ensureTraffic(.allStable, inputs) }
        draft.status.weights = TrafficWeights(canary: 0, stable: 100)
        let services = serviceEnsures(stable: stable, canary: stable, &draft)
        let stableWait = inputs.replicaSetWait(stable, target: replicas, role: "stable")
        draft.retireReplicaSets(
            keeping: [stable], delaySeconds: routed ? strategy.scaleDownDelaySeconds ?? CanaryStrategy.defaultScaleDownDelaySeconds : 0,
            hold: stableWait != nil, historyLimit: historyLimit, inputs)

        let after = inputs.predicting(draft)
        let trafficWait = routed && after.observed.traffic != .allStable ? "waiting for the router to send all traffic to stable" : nil
        let outcome: Outcome
        if let missing = services.compactMap(\.problem).first {
            outcome = .degraded(reason: "ServiceNotFound", message: missing)
        } else if inputs.pausedBySpec {
            outcome = .paused(reason: Reason.pausedBySpec, message: "paused by spec.paused (`rollout resume` continues)")
        } else if let wait = after.replicaSetWait(stable, target: replicas, role: "stable") ?? trafficWait {
            outcome = .progressing(wait)
        } else {
            outcome = .healthy("revision \(inputs.revision(of: stable)) (\(stable)) is stable and available")
        }
        draft.settle(outcome, completed: true, progress: draft.progressMade(inputs), inputs)
    }

    // MARK: Update in progress

    func planUpdate(stable: String, _ draft: inout PlanDraft) {
        let count = steps.count
        var start = draft.beginUpdate(stable: stable, stepsHash: stepsHash(steps), inputs)
        if draft.status.abort == true {
            planAbort(stable: stable, why: nil, &draft)
            return
        }
        if let failed = draft.failedAnalysis() {
            draft.status.abort = true
            planAbort(stable: stable, why: failed.verdict, reason: Reason.analysisFailed, &draft)
            return
        }
        let previousWeight = start.fresh ? 0 : draft.status.weights?.canary ?? 0
        var index = min(max(Int(draft.status.currentStepIndex ?? 0), 0), count)
        if draft.status.promoteFull == true, index < count {
            draft.event(.normal, "RolloutPromoted", "promoted fully at step \(index + 1)/\(count): skipping the remaining steps")
            draft.endPause()
            draft.status.experimentStartTime = nil
            draft.terminateAnalysisRuns(inputs)
            index = count
            start.progress = true
        }
        var halt: Halt?
        if !inputs.pausedBySpec {
            if let hold = continuousInconclusive(&draft) {
                halt = .inconclusive(hold)
            } else {
                index = walk(from: index, stable: stable, &draft, progress: &start.progress, halt: &halt)
            }
        }
        draft.status.currentStepIndex = Int32(index)
        if case .abort(let why) = halt {
            draft.status.abort = true
            planAbort(stable: stable, why: why, reason: Reason.analysisFailed, &draft)
            return
        }
        if let background = strategy.analysis, index >= Int(background.startingStep ?? 0), index < count, draft.status.promoteFull != true {
            _ = draft.ensureAnalysisRun(.background, analysis: RolloutAnalysis(templates: background.templates, args: background.args),
                                        stable: stable, inputs)
        }
        if let judge = strategy.judge, let first = firstWeightedStep, index >= first, index < count, draft.status.promoteFull != true {
            _ = draft.ensureAnalysisRun(.judge, analysis: judge.analysis, stable: stable, inputs)
        }

        let targets = CanaryTargets(index: index, steps: steps, replicas: replicas, routed: routed)
        let wait = self.wait(for: targets, index: index, stable: stable)
        if index == count, wait == nil, !inputs.pausedBySpec {
            promote(stable: stable, &draft)
            return
        }
        let progress = start.progress || draft.progressMade(inputs)
        let missing = serviceStates(stable: stable).compactMap(\.problem).first
        if inputs.spec.progressDeadlineAbort == true, missing == nil, !inputs.pausedBySpec, draft.status.controllerPause != true,
            draft.progressDeadlineExceeded(progress: progress, inputs)
        {
            let seconds = draft.progressDeadlineSeconds(inputs)
            let waiting = wait ?? "step \(stepLabel(index))"
            draft.event(.warning, Reason.progressDeadlineExceeded, "no progress for \(seconds)s (progressDeadlineSeconds): \(waiting)")
            draft.status.abort = true
            planAbort(stable: stable, why: "progress deadline of \(seconds)s exceeded: \(waiting)", &draft)
            return
        }

        // The SLO guard watches the canary from its first pod until the update ends (not
        // started in a pass that ends it).
        if let slo = strategy.slo, slo.prometheus != nil, draft.status.promoteFull != true, (inputs.replicaSet(inputs.desiredHash)?.replicas ?? 0) > 0 {
            _ = draft.ensureAnalysisRun(.sloGuard, analysis: RolloutAnalysis(templates: []), sloGuard: slo, stable: stable, inputs)
        }
        ensure(targets, index: index, stable: stable, previousWeight: previousWeight, &draft)
        let after = CanaryPlanner(inputs: inputs.predicting(draft), strategy: strategy)
        let outcome: Outcome
        if let missing {
            outcome = .degraded(reason: "ServiceNotFound", message: missing)
        } else if inputs.pausedBySpec {
            outcome = .paused(reason: Reason.pausedBySpec, message: "paused by spec.paused at step \(stepLabel(index)) (`rollout resume` continues)")
        } else if draft.status.controllerPause == true, index < count {
            outcome = pauseOutcome(index: index, draft, halt: halt)
        } else if case .analysis(let verdict) = halt {
            outcome = .analyzing("step \(stepLabel(index)): waiting for \(verdict)")
        } else {
            let waiting = after.wait(for: targets, index: index, stable: stable) ?? (index < count ? steps[index].summary : "full promotion")
            outcome = .progressing("step \(stepLabel(index)): \(waiting)")
        }
        draft.settle(outcome, completed: false, progress: progress, inputs)
    }

    /// Why the steps stopped short of what their effects allow.
    enum Halt: Equatable {
        /// An AnalysisRun Failed or Errored: the update aborts.
        case abort(String)
        /// Waiting for an AnalysisRun's verdict.
        case analysis(String)
        /// An AnalysisRun was inconclusive: paused for a person (the message says so).
        case inconclusive(String)
    }

    /// Completes every step whose effect is in place, from `index` on; returns the step now
    /// in progress (`steps.count` once all are done). `halt` says why it stopped when an
    /// analysis stopped it.
    private func walk(from start: Int, stable: String, _ draft: inout PlanDraft, progress: inout Bool, halt: inout Halt?) -> Int {
        var index = start
        while index < steps.count {
            let step = steps[index]
            let targets = CanaryTargets(index: index, steps: steps, replicas: replicas, routed: routed)
            guard wait(for: targets, index: index, stable: stable) == nil else { break }
            var note = ""
            switch step.kind {
            case .pause(let pause):
                let duration = pause.duration?.duration
                if duration == .zero, draft.status.pauseStartTime == nil { break }
                switch draft.pause(inputs) {
                case .promoted:
                    note = " (promoted)"
                case .started:
                    draft.event(.normal, "RolloutPaused", "paused at step \(stepLabel(index)): \(step.summary)")
                    if let duration { draft.wake(at: inputs.now.addingTimeInterval(duration.timeInterval)) }
                    return index
                case .waiting(let since):
                    guard let duration else { return index }
                    let end = since.addingTimeInterval(duration.timeInterval)
                    guard inputs.now >= end else {
                        draft.wake(at: end)
                        return index
                    }
                }
            case .analysis(let analysis):
                let run = draft.ensureAnalysisRun(.step, stepIndex: Int32(index), analysis: analysis, stable: stable, inputs)
                switch draft.analysisGate(run, pausedMessage: "paused at step \(stepLabel(index)): \(run.verdict); `rollout promote` continues, `rollout abort` aborts", inputs) {
                case .proceed(let gateNote):
                    note = gateNote
                case .halt(let reason):
                    halt = reason
                    return index
                }
            case .experiment(let experiment):
                switch experimentGate(experiment, index: index, stable: stable, &draft) {
                case .proceed(let gateNote):
                    note = gateNote
                case .halt(let reason):
                    halt = reason
                    return index
                }
            default:
                break
            }
            complete(index, &draft, note: note)
            index += 1
            progress = true
        }
        return index
    }

    private func complete(_ index: Int, _ draft: inout PlanDraft, note: String) {
        draft.endPause()
        draft.status.experimentStartTime = nil
        draft.event(.normal, "StepCompleted", "step \(stepLabel(index)) completed: \(steps[index].summary)\(note)")
    }

    private func stepLabel(_ index: Int) -> String { index < steps.count ? "\(index + 1)/\(steps.count)" : "\(steps.count)/\(steps.count)" }

    /// The first step whose canary weight is above 0: the judge starts there.
    private var firstWeightedStep: Int? {
        steps.indices.first { CanaryTargets(index: $0, steps: steps, replicas: replicas, routed: routed).weight > 0 }
    }

    /// While a run alongside the steps (the SLO guard, the judge, the background analysis) is
    /// Inconclusive the steps hold, paused for a person; promoted, a new run starts and the
    /// steps go on. Returns the pause message while holding.
    private func continuousInconclusive(_ draft: inout PlanDraft) -> String? {
        let kinds: [(AnalysisRunSummary.Trigger, String, Bool)] = [
            (.sloGuard, "SLO guard", strategy.slo != nil), (.judge, "judge", strategy.judge != nil), (.background, "background", strategy.analysis != nil),
        ]
        guard let (trigger, what, _) = kinds.first(where: { trigger, _, configured in
            configured && draft.status.analysis?.first(where: { $0.trigger == trigger })?.phase == .inconclusive
        }), let run = draft.status.analysis?.first(where: { $0.trigger == trigger }) else { return nil }
        let message = "paused: \(what) \(run.verdict); `rollout promote` starts it again and continues, `rollout abort` aborts"
        switch draft.pause(inputs) {
        case .promoted:
            draft.endPause()
            draft.forgetAnalysisRun(trigger)
            draft.event(.normal, "RolloutResumed", "\(what) \(run.verdict): promoted, starting the \(what) again")
            return nil
        case .started:
            draft.event(.normal, "RolloutPaused", message)
            return message
        case .waiting:
            return message
        }
    }

    /// The experiment step in progress, its weight in place: starts a run per analysis (once),
    /// and completes when every `requiredForCompletion` run is Successful — or, with none
    /// required, once `duration` has passed since the experiment started. A run that Fails or
    /// Errors aborts; an Inconclusive one pauses for a person (`rollout promote` completes the
    /// step). Runs still measuring when the step completes are stopped.
    private func experimentGate(_ experiment: ExperimentStep, index: Int, stable: String, _ draft: inout PlanDraft) -> AnalysisGateOutcome {
        let label = stepLabel(index)
        let step = Int32(index)
        let startedAt: Date
        if let since = draft.status.experimentStartTime {
            startedAt = since.date
        } else {
            startedAt = inputs.now
            draft.status.experimentStartTime = Timestamp(inputs.now)
            draft.event(.normal, "ExperimentStarted", "step \(label): \(steps[index].summary): \(Self.describeSplit(experiment))")
        }
        let variants = ExperimentVariants(experiment)
        let runs = (experiment.analyses ?? []).map { analysis in
            (analysis: analysis, run: draft.ensureAnalysisRun(.experiment, stepIndex: step, experimentAnalysis: analysis.name,
                                                              analysis: analysis.analysis, experiment: variants, stable: stable, inputs))
        }
        let finish = { (draft: inout PlanDraft, note: String) -> AnalysisGateOutcome in
            draft.terminateAnalysisRuns(inputs) { !($0.trigger == .experiment && $0.stepIndex == step) }
            return .proceed(note: note)
        }
        if let failed = runs.first(where: { $0.run.phase == .failed || $0.run.phase == .error }) {
            return .halt(.abort(failed.run.verdict))
        }
        if let inconclusive = runs.first(where: { $0.run.phase == .inconclusive }) {
            let message = "paused at step \(label): experiment \(inconclusive.run.verdict); `rollout promote` continues, `rollout abort` aborts"
            switch draft.pause(inputs) {
            case .promoted:
                return finish(&draft, " (\(inconclusive.run.verdict); promoted)")
            case .started:
                draft.event(.normal, "RolloutPaused", message)
                return .halt(.inconclusive(message))
            case .waiting:
                return .halt(.inconclusive(message))
            }
        }
        let outcome = runs.isEmpty ? "" : " (" + runs.map(\.run.verdict).joined(separator: "; ") + ")"
        let required = runs.filter { $0.analysis.requiredForCompletion == true }
        if !required.isEmpty {
            if let waiting = required.first(where: { $0.run.phase != .successful }) {
                return .halt(.analysis("experiment \(waiting.run.verdict)"))
            }
            return finish(&draft, outcome)
        }
        // Validation requires a duration when no analysis is required for completion.
        let duration = experiment.duration?.duration ?? .zero
        let end = startedAt.addingTimeInterval(duration.timeInterval)
        guard inputs.now >= end else {
            draft.wake(at: end)
            let running = runs.isEmpty ? "" : ": " + runs.map(\.run.verdict).joined(separator: "; ")
            return .halt(.analysis("the experiment to run \(experiment.duration?.text ?? "0s"), until \(Timestamp(end))\(running)"))
        }
        return finish(&draft, outcome)
    }

    /// `variant b (canary) gets 20% of traffic, control a (stable) 80%`.
    static func describeSplit(_ experiment: ExperimentStep) -> String {
        let weights = experiment.variantWeights
        var parts: [String] = []
        if let canary = experiment.canaryVariant { parts.append("variant \(canary.name) (canary) gets \(weights[canary.name] ?? 0)% of traffic") }
        if let control = experiment.stableVariant { parts.append("control \(control.name) (stable) \(weights[control.name] ?? 0)%") }
        return parts.joined(separator: ", ")
    }

    private func pauseOutcome(index: Int, _ draft: PlanDraft, halt: Halt?) -> Outcome {
        if case .inconclusive(let message) = halt { return .paused(reason: Reason.analysisInconclusive, message: message) }
        let step = steps[index]
        switch step.kind {
        case .pause(let pause):
            var message = "paused at step \(stepLabel(index)) (\(step.summary))"
            if let duration = pause.duration?.duration, let since = draft.status.pauseStartTime {
                message += " until \(Timestamp(since.date.addingTimeInterval(duration.timeInterval)))"
            }
            return .paused(reason: Reason.pauseStep, message: message + "; `rollout promote` continues")
        default:
            // A pause recorded for a step that no longer pauses (an analysis promoted past): the next pass moves on.
            return .paused(reason: Reason.rolloutPaused, message: "paused at step \(stepLabel(index)) (\(step.summary)); `rollout promote` continues")
        }
    }

    // MARK: What is in place

    /// The Services' state for an update: stable on the stable revision, canary on the new one.
    private func serviceStates(stable: String) -> [ServiceState] {
        [
            ServiceState(strategy.stableService, selects: stable, field: Self.stableField, inputs.observed),
            ServiceState(strategy.canaryService, selects: inputs.desiredHash, field: Self.canaryField, inputs.observed),
        ]
    }

    private func serviceEnsures(stable: String, canary: String, _ draft: inout PlanDraft) -> [ServiceState] {
        [
            draft.ensureService(strategy.stableService, selects: stable, field: Self.stableField, inputs),
            draft.ensureService(strategy.canaryService, selects: canary, field: Self.canaryField, inputs),
        ]
    }

    static let stableField = "spec.strategy.canary.stableService"
    static let canaryField = "spec.strategy.canary.canaryService"

    /// What the step in progress still waits for (pods, Services, the router), nil when its
    /// effect is in place. At full promotion the router is not consulted: the split stays
    /// where the steps left it until the switch.
    func wait(for targets: CanaryTargets, index: Int, stable: String) -> String? {
        if let wait = inputs.replicaSetWait(inputs.desiredHash, target: targets.canaryReplicas, role: "canary") { return wait }
        if let set = inputs.replicaSet(stable) {
            if set.replicas != targets.stableReplicas {
                return "waiting for the stable ReplicaSet \(set.name) to scale to \(targets.stableReplicas) (now \(set.replicas))"
            }
            if !routed, set.availableReplicas < targets.stableReplicas {
                return "waiting for the stable ReplicaSet \(set.name): \(set.availableReplicas)/\(targets.stableReplicas) pods available"
            }
        }
        if let wait = serviceStates(stable: stable).compactMap(\.wait).first { return wait }
        if routed, index < steps.count, inputs.observed.traffic != targets.traffic {
            return "waiting for the router to carry \(describe(targets.traffic))"
        }
        return nil
    }

    private func describe(_ traffic: TrafficState) -> String {
        var parts = ["canary weight \(traffic.canaryWeight)"]
        if !traffic.headerRoutes.isEmpty { parts.append("header routes \(traffic.headerRoutes.keys.sorted().joined(separator: ", "))") }
        if !traffic.mirrorRoutes.isEmpty { parts.append("mirror routes \(traffic.mirrorRoutes.keys.sorted().joined(separator: ", "))") }
        return parts.joined(separator: ", ")
    }

    // MARK: Making it so

    /// Issues the writes toward `targets`. With a router the canary's weight rises only once
    /// its pods are available (it falls at once), and the canary shrinks only once the
    /// router carries the lower weight. Without a router both sides move as a rolling update.
    private func ensure(_ targets: CanaryTargets, index: Int, stable: String, previousWeight: Int32, _ draft: inout PlanDraft) {
        let desired = inputs.desiredHash
        let servicesInPlace = serviceEnsures(stable: stable, canary: desired, &draft).allSatisfy { $0 == .inPlace }
        if routed {
            let carried = inputs.observed.traffic
            var canaryTarget = targets.canaryReplicas
            if let set = inputs.replicaSet(desired), canaryTarget < set.replicas, let carried, carried.canaryWeight > targets.weight {
                canaryTarget = set.replicas
            }
            draft.ensureReplicaSet(desired, replicas: canaryTarget, inputs)
            draft.ensureReplicaSet(stable, replicas: replicas, inputs)
            if index < steps.count {
                let canaryReady = inputs.isAvailable(desired, at: targets.canaryReplicas) && servicesInPlace
                var traffic = targets.traffic
                if !canaryReady, carried?.canaryWeight != targets.weight {
                    traffic.canaryWeight = min(targets.weight, previousWeight)
                }
                draft.ensureTraffic(traffic, inputs)
                draft.status.weights = Self.weights(traffic)
            }
        } else {
            let canarySet = inputs.replicaSet(desired)
            let stableSet = inputs.replicaSet(stable)
            let next = RollingScale(
                canary: .init(current: canarySet?.replicas ?? 0, available: canarySet?.availableReplicas ?? 0, target: targets.canaryReplicas),
                stable: .init(current: stableSet?.replicas ?? 0, available: stableSet?.availableReplicas ?? 0, target: targets.stableReplicas),
                replicas: replicas, maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable
            ).next()
            draft.ensureReplicaSet(desired, replicas: next.canary, inputs)
            draft.ensureReplicaSet(stable, replicas: next.stable, inputs)
            draft.status.weights = Self.replicaRatio(canary: canarySet?.availableReplicas ?? 0, stable: stableSet?.availableReplicas ?? 0)
        }
        draft.retireReplicaSets(
            keeping: [stable, desired], delaySeconds: routed ? strategy.scaleDownDelaySeconds ?? CanaryStrategy.defaultScaleDownDelaySeconds : 0,
            historyLimit: historyLimit, inputs)
    }

    /// All steps are done and the canary is at full size: it becomes stable. The switch
    /// itself (stable Service to the new revision, all traffic to stable, the old stable
    /// retired after `scaleDownDelaySeconds`) is the stable plan for the new revision.
    private func promote(stable oldStable: String, _ draft: inout PlanDraft) {
        let desired = inputs.desiredHash
        draft.event(.normal, "RolloutCompleted",
                    "revision \(inputs.revision(of: desired)) (\(desired)) is now stable, replacing \(oldStable)")
        draft.status.stableRS = desired
        draft.status.canaryRS = nil
        planStable(&draft)
    }

    // MARK: Abort

    /// Traffic back on stable in this very plan (the first write), stable at full size, the
    /// canary scaled down `abortScaleDownDelaySeconds` after the abort (without a router, as
    /// the stable pods come back), both Services on stable. Stays so until retried or a new
    /// template.
    func planAbort(stable: String, why: String?, reason: String = Reason.rolloutAborted, _ draft: inout PlanDraft) {
        let desired = inputs.desiredHash
        draft.status.abort = true
        draft.status.experimentStartTime = nil
        draft.terminateAnalysisRuns(inputs)
        let abortedAt = draft.status.abortedAt?.date ?? inputs.now
        if draft.status.abortedAt == nil { draft.status.abortedAt = Timestamp(inputs.now) }
        draft.endPause()
        draft.status.promoteFull = nil
        if routed {
            draft.ensureTraffic(.allStable, inputs)
            draft.ensureReplicaSet(stable, replicas: replicas, inputs)
            if let canary = inputs.replicaSet(desired) {
                let delay = strategy.abortScaleDownDelaySeconds ?? CanaryStrategy.defaultAbortScaleDownDelaySeconds
                draft.scaleDown(canary, at: abortedAt.addingTimeInterval(TimeInterval(delay)), inputs)
            }
            draft.status.weights = TrafficWeights(canary: 0, stable: 100)
        } else {
            let canarySet = inputs.replicaSet(desired)
            let stableSet = inputs.replicaSet(stable)
            let next = RollingScale(
                canary: .init(current: canarySet?.replicas ?? 0, available: canarySet?.availableReplicas ?? 0, target: 0),
                stable: .init(current: stableSet?.replicas ?? 0, available: stableSet?.availableReplicas ?? 0, target: replicas),
                replicas: replicas, maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable
            ).next()
            if let canarySet, canarySet.replicas != next.canary { draft.scale(canarySet.name, to: next.canary) }
            draft.ensureReplicaSet(stable, replicas: next.stable, inputs)
            draft.status.weights = Self.replicaRatio(canary: canarySet?.availableReplicas ?? 0, stable: stableSet?.availableReplicas ?? 0)
        }
        _ = serviceEnsures(stable: stable, canary: stable, &draft)
        draft.retireReplicaSets(
            keeping: [stable, desired], delaySeconds: routed ? strategy.scaleDownDelaySeconds ?? CanaryStrategy.defaultScaleDownDelaySeconds : 0,
            historyLimit: historyLimit, inputs)
        draft.settleAborted(revision: "\(inputs.revision(of: desired)) (\(desired))", stable: stable, why: why, reason: reason, inputs)
    }

    // MARK: Helpers

    private var historyLimit: Int32 { inputs.spec.revisionHistoryLimit ?? RolloutSpec.defaultRevisionHistoryLimit }

    /// Status weights for a split the router carries: mirror is the largest mirror percentage.
    static func weights(_ traffic: TrafficState) -> TrafficWeights {
        TrafficWeights(canary: traffic.canaryWeight, stable: 100 - traffic.canaryWeight,
                       mirror: traffic.mirrorRoutes.values.map(\.effectivePercentage).max())
    }

    /// Status weights without a router: the canary's share of available pods.
    static func replicaRatio(canary: Int32, stable: Int32) -> TrafficWeights {
        let total = canary + stable
        let share = total == 0 ? 0 : Int32((Double(canary) * 100 / Double(total)).rounded())
        return TrafficWeights(canary: share, stable: 100 - share)
    }
}
