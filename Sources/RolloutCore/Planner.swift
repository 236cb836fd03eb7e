import Foundation
import SluiceAPI

/// Decides one reconcile of a Rollout: given the Rollout (spec and status) and what the
/// informer caches show, the writes to make and when to look again. Pure and
/// level-triggered: every decision is made from its inputs alone, all progress lives in
/// `rollout.status`, and planning again on the state the plan produces adds nothing — so a
/// restarted controller resumes at the same step with the same weights.
///
/// ```swift
/// let plan = Planner().plan(rollout: rollout, observed: observed, hasRouter: true)
/// try await executor.apply(plan.actions, to: rollout)
/// ```
///
/// The contract with `rollout` commands (they write `status` through the status subresource):
/// - promote: clear `status.pauseStartTime` while `status.controllerPause` is true — ends the
///   pause step (timed or not) or the blue-green gate in progress;
/// - promote --full: set `status.promoteFull` — skips the remaining steps and gates;
/// - abort: set `status.abort` — traffic back to stable in the same plan, phase Aborted;
/// - retry: clear `status.abort` after an abort — the update restarts at step 1;
/// - pause / resume: `spec.paused` true / false.
///
/// Analysis (Argo Rollouts' semantics): an `analysis` step starts an AnalysisRun and waits
/// for it — Successful moves on, Failed or Error aborts (traffic back on stable in the same
/// plan, phase Degraded), Inconclusive pauses for a person (`rollout promote` moves on).
/// `canary.analysis` runs in the background from `startingStep` until promotion and aborts
/// the update whenever it fails; blue-green `prePromotionAnalysis` gates the switch and
/// `postPromotionAnalysis` follows it (failure switches back). Sluice's own runs alongside
/// the steps work the same way: the SLO guard (`canary.slo`, a generated run, from the moment
/// the canary has pods until the update ends) and the judge (`canary.judge`, from the first
/// step with canary weight above 0 until promotion) abort the update when they Fail or Err and
/// pause it when Inconclusive. An experiment step holds the canary at its canary variant's
/// weight, starts a run per analysis, and completes when the required ones are Successful (or
/// its duration has passed); Failed aborts, Inconclusive pauses. The plan only names the runs
/// (``Action/createAnalysisRun(_:)``); the analysis controller measures them and the plan
/// reads their phase back from ``ObservedState/analysisRuns``. Nothing is skipped silently.
public struct Planner: Sendable {
    public init() {}

    /// The plan for `rollout`. `hasRouter`: the controller has a traffic router for the
    /// Rollout's `trafficRouting` (a Rollout that names a router the controller lacks gets
    /// `InvalidSpec`; without `trafficRouting` it is ignored). `specProblems`: problems the
    /// caller already found (the structural check of `decodeAndValidate`), reported with
    /// the Rollout's own validation.
    public func plan(rollout: Rollout, observed: ObservedState, hasRouter: Bool, specProblems: [ValidationProblem] = []) -> Plan {
        let original = rollout.status
        var draft = PlanDraft(status: original ?? RolloutStatus())
        draft.status.observedGeneration = rollout.metadata.generation
        draft.status.selector = rollout.spec.selector.map(\.selectorString)

        let problems = Self.problems(of: rollout, hasRouter: hasRouter, known: specProblems, templates: observed.analysisTemplates)
        guard problems.isEmpty, let template = rollout.spec.template else {
            Self.reportInvalid(problems, rollout: rollout, observed: observed, &draft)
            return draft.plan(original: original, now: observed.now)
        }
        if draft.status.condition(.invalidSpec) != nil {
            draft.status.removeCondition(.invalidSpec)
            draft.event(.normal, "SpecValid", "the spec is valid again")
        }

        draft.refreshAnalysisSummaries(observed)
        let routed = rollout.spec.strategy.canary?.trafficRouting != nil && hasRouter
        let inputs = PlanInputs(rollout: rollout, observed: observed, routed: routed, template: template)
        draft.status.currentPodHash = inputs.desiredHash
        if let canary = rollout.spec.strategy.canary {
            CanaryPlanner(inputs: inputs, strategy: canary).plan(&draft)
        } else if let blueGreen = rollout.spec.strategy.blueGreen {
            BlueGreenPlanner(inputs: inputs, strategy: blueGreen).plan(&draft)
        }
        // Runs of a revision that is no longer the one being rolled out take no more measurements.
        for run in observed.analysisRuns where run.podTemplateHash != inputs.desiredHash && !run.phase.isCompleted && !run.terminating {
            draft.terminateAnalysisRun(run.name)
        }
        draft.recordCounts(inputs.predicting(draft))
        return draft.plan(original: original, now: observed.now)
    }

    /// Validation of the Rollout and of the analysis templates it names, plus what this
    /// controller cannot do yet.
    static func problems(of rollout: Rollout, hasRouter: Bool, known: [ValidationProblem],
                         templates: [ObservedAnalysisTemplate] = []) -> [ValidationProblem] {
        var problems = known
        for problem in rollout.validate() where !problems.contains(problem) { problems.append(problem) }
        if problems.isEmpty {
            problems += analysisTemplateProblems(of: rollout, templates)
        }
        let spec = FieldPath.root["spec"]
        if rollout.spec.template == nil, rollout.spec.workloadRef != nil {
            problems.append(ValidationProblem(spec["workloadRef"], "is not supported by this controller yet; set spec.template"))
        }
        if let routing = rollout.spec.strategy.canary?.trafficRouting, !hasRouter, let router = routing.presentRouters.first,
            routing.presentRouters.count == 1
        {
            problems.append(ValidationProblem(
                spec["strategy"]["canary"]["trafficRouting"][router], "this controller has no \(router) router yet (it has: gatewayAPI)"))
        }
        if problems.isEmpty, rollout.spec.template == nil {
            problems.append(ValidationProblem(spec["template"], "required"))
        }
        return problems
    }

    /// A spec the controller cannot act on: condition InvalidSpec with every problem,
    /// phase Degraded, and no other write — traffic and ReplicaSets stay as they are.
    static func reportInvalid(_ problems: [ValidationProblem], rollout: Rollout, observed: ObservedState, _ draft: inout PlanDraft) {
        let list = problems.map(\.description).joined(separator: "\n")
        let message = "invalid spec: \(problems.map(\.description).joined(separator: "; "))"
        let before = draft.status.condition(.invalidSpec)
        draft.status.setCondition(.invalidSpec, .true, reason: "InvalidSpec", message: list, now: observed.now)
        draft.status.phase = .degraded
        draft.status.message = message
        if before?.status != .true || before?.message != list {
            draft.event(.warning, "InvalidSpec", message)
        }
    }
}

/// Plans one reconcile; see ``Planner``.
public func plan(rollout: Rollout, observed: ObservedState, hasRouter: Bool) -> Plan {
    Planner().plan(rollout: rollout, observed: observed, hasRouter: hasRouter)
}

extension PlanDraft {
    /// Pod counts over all the Rollout's ReplicaSets; `updatedReplicas` are the current
    /// template's.
    mutating func recordCounts(_ inputs: PlanInputs) {
        let sets = inputs.observed.replicaSets
        status.replicas = sets.reduce(0) { $0 + $1.replicas }
        status.readyReplicas = sets.reduce(0) { $0 + $1.readyReplicas }
        status.availableReplicas = sets.reduce(0) { $0 + $1.availableReplicas }
        status.updatedReplicas = inputs.replicaSet(inputs.desiredHash)?.replicas ?? 0
    }
}
