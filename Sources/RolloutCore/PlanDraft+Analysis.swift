import Foundation
import SluiceAPI

/// Where the Rollout runs analysis from templates: each use, with the path of each template
/// reference as users wrote it (inline steps, background, judge, experiment analyses,
/// blue-green pre- and post-promotion). The SLO guard uses no template.
struct AnalysisUse {
    var trigger: AnalysisRunSummary.Trigger
    var analysis: RolloutAnalysis
    /// The path of each template's `templateName`.
    var templatePaths: [FieldPath]

    init(trigger: AnalysisRunSummary.Trigger, analysis: RolloutAnalysis, path: FieldPath) {
        self.trigger = trigger
        self.analysis = analysis
        templatePaths = analysis.templates.indices.map { path["templates"][$0]["templateName"] }
    }

    /// A use of one template whose reference sits at `path` (judge, experiment analyses).
    init(trigger: AnalysisRunSummary.Trigger, template: AnalysisTemplateReference, args: [AnalysisArgument]?, path: FieldPath) {
        self.trigger = trigger
        analysis = RolloutAnalysis(templates: [template], args: args)
        templatePaths = [path["templateName"]]
    }

    static func uses(of rollout: Rollout) -> [AnalysisUse] {
        let strategy = FieldPath.root["spec"]["strategy"]
        var uses: [AnalysisUse] = []
        if let canary = rollout.spec.strategy.canary {
            if let background = canary.analysis {
                uses.append(AnalysisUse(trigger: .background, analysis: RolloutAnalysis(templates: background.templates, args: background.args),
                                        path: strategy["canary"]["analysis"]))
            }
            if let judge = canary.judge {
                uses.append(AnalysisUse(trigger: .judge, template: judge.template, args: judge.args, path: strategy["canary"]["judge"]))
            }
            for (index, step) in (canary.steps ?? []).enumerated() {
                let here = strategy["canary"]["steps"][index]
                if let analysis = step.analysis {
                    uses.append(AnalysisUse(trigger: .step, analysis: analysis, path: here["analysis"]))
                }
                for (offset, analysis) in (step.experiment?.analyses ?? []).enumerated() {
                    uses.append(AnalysisUse(trigger: .experiment, template: analysis.template, args: analysis.args,
                                            path: here["experiment"]["analyses"][offset]))
                }
            }
        }
        if let blueGreen = rollout.spec.strategy.blueGreen {
            if let analysis = blueGreen.prePromotionAnalysis {
                uses.append(AnalysisUse(trigger: .prePromotion, analysis: analysis, path: strategy["blueGreen"]["prePromotionAnalysis"]))
            }
            if let analysis = blueGreen.postPromotionAnalysis {
                uses.append(AnalysisUse(trigger: .postPromotion, analysis: analysis, path: strategy["blueGreen"]["postPromotionAnalysis"]))
            }
        }
        return uses
    }
}

extension JudgeReference {
    /// The judge's template, as an analysis names it.
    var template: AnalysisTemplateReference { AnalysisTemplateReference(templateName: templateName, clusterScope: clusterScope) }
    /// The judge as an analysis: its template and arguments.
    var analysis: RolloutAnalysis { RolloutAnalysis(templates: [template], args: args) }
}

extension ExperimentAnalysis {
    /// The analysis's template, as an analysis names it.
    var template: AnalysisTemplateReference { AnalysisTemplateReference(templateName: templateName, clusterScope: clusterScope) }
    /// The analysis's template and arguments.
    var analysis: RolloutAnalysis { RolloutAnalysis(templates: [template], args: args) }
}

/// The observed templates as the resolver validation asks.
struct ObservedTemplateResolver: AnalysisTemplateResolver {
    let templates: [ObservedAnalysisTemplate]

    func template(named name: String, clusterScope: Bool) -> AnalysisTemplateSpec? {
        templates.first { $0.name == name && $0.clusterScope == clusterScope }?.spec
    }
}

extension Planner {
    /// The templates named by the Rollout's analyses, in spec order (what the controller
    /// looks up for ``ObservedState/analysisTemplates``).
    public static func analysisTemplateReferences(of rollout: Rollout) -> [AnalysisTemplateReference] {
        AnalysisUse.uses(of: rollout).flatMap(\.analysis.templates)
    }

    /// Problems between the Rollout and the templates its analyses name: a template that
    /// does not exist or does not validate (reported once, at the first reference, with the
    /// template's own problems), then the reference checks of
    /// `Rollout.analysisReferenceProblems` (arguments, decisions).
    static func analysisTemplateProblems(of rollout: Rollout, _ templates: [ObservedAnalysisTemplate]) -> [ValidationProblem] {
        let uses = AnalysisUse.uses(of: rollout)
        guard !uses.isEmpty else { return [] }
        var problems: [ValidationProblem] = []
        var reported: Set<String> = []
        for use in uses {
            for (reference, path) in zip(use.analysis.templates, use.templatePaths) {
                let clusterScope = reference.clusterScope == true
                guard let template = templates.first(where: { $0.name == reference.templateName && $0.clusterScope == clusterScope }),
                      !template.problems.isEmpty || template.spec == nil else { continue }
                let kind = clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"
                guard reported.insert("\(kind)/\(reference.templateName)").inserted else { continue }
                let why = template.problems.isEmpty ? ["it does not decode"] : template.problems
                problems.append(ValidationProblem(path, "\(kind) \"\(reference.templateName)\" is invalid: \(why.joined(separator: "; "))"))
            }
        }
        // Reference checks need every template readable; until then the template's own problems say enough.
        guard problems.isEmpty else { return problems }
        return rollout.analysisReferenceProblems(ObservedTemplateResolver(templates: templates))
    }
}

extension PlanInputs {
    func analysisRun(named name: String) -> ObservedAnalysisRun? {
        observed.analysisRuns.first { $0.name == name }
    }
}

/// Names of the AnalysisRuns a Rollout starts: `<rollout>-<hash>-<step index>` for a step,
/// `<rollout>-<hash>-background`, `-pre-promotion`, `-post-promotion`, `-judge`,
/// `-slo-guard`, and `-experiment-<step index>-<analysis name>` for an experiment step's
/// analyses; a run started again (a retry after an abort, a background analysis resumed after
/// an inconclusive verdict) gets `.1`, `.2`, … so that the finished one stays for people to read.
enum AnalysisRunNaming {
    static func base(rollout: String, hash: String, trigger: AnalysisRunSummary.Trigger, stepIndex: Int32?,
                     experimentAnalysis: String? = nil) -> String {
        switch trigger {
        case .step: "\(rollout)-\(hash)-\(stepIndex ?? 0)"
        case .background: "\(rollout)-\(hash)-background"
        case .prePromotion: "\(rollout)-\(hash)-pre-promotion"
        case .postPromotion: "\(rollout)-\(hash)-post-promotion"
        case .judge: "\(rollout)-\(hash)-judge"
        case .experiment: "\(rollout)-\(hash)-experiment-\(stepIndex ?? 0)" + (experimentAnalysis.map { "-\($0)" } ?? "")
        case .sloGuard: "\(rollout)-\(hash)-slo-guard"
        }
    }
}

extension AnalysisRunSummary {
    /// `analysis run NAME Failed: metric "x" Failed: …`, for messages and events.
    var verdict: String {
        "analysis run \(name) \(phase.rawValue)" + (message.map { ": \($0)" } ?? "")
    }
}

extension PlanDraft {
    /// The summaries of the current update's runs, brought up to date with what the cache
    /// shows of each run (a run not in the cache keeps what was recorded).
    mutating func refreshAnalysisSummaries(_ observed: ObservedState) {
        guard var summaries = status.analysis else { return }
        for index in summaries.indices {
            guard let run = observed.analysisRuns.first(where: { $0.name == summaries[index].name }) else { continue }
            summaries[index].record(run)
        }
        status.analysis = summaries
    }

    /// The run for `trigger` (and `stepIndex`, and an experiment's `experimentAnalysis`) of the
    /// current update: the one the status records, or one this plan starts. A run of that name
    /// still measuring (created by a pass whose status write was lost) is adopted; one that has
    /// finished or is stopping (from an earlier attempt) is left alone and the new one gets the
    /// next free suffix. `sloGuard` and `experiment` go into the request (see
    /// ``AnalysisRunRequest``).
    mutating func ensureAnalysisRun(_ trigger: AnalysisRunSummary.Trigger, stepIndex: Int32? = nil, experimentAnalysis: String? = nil,
                                    analysis: RolloutAnalysis, sloGuard: SLOGuard? = nil, experiment: ExperimentVariants? = nil,
                                    stable: String, _ inputs: PlanInputs) -> AnalysisRunSummary {
        let request = { (name: String) in
            AnalysisRunRequest(name: name, trigger: trigger, stepIndex: stepIndex, experimentAnalysis: experimentAnalysis,
                               podTemplateHash: inputs.desiredHash, stablePodTemplateHash: stable, analysis: analysis,
                               sloGuard: sloGuard, experiment: experiment)
        }
        if let recorded = status.analysis?.first(where: {
            $0.trigger == trigger && $0.stepIndex == stepIndex && $0.experimentAnalysis == experimentAnalysis
        }) {
            // Recorded but not (yet) in the cache: ask again; creating it twice is harmless.
            if !recorded.phase.isCompleted, inputs.analysisRun(named: recorded.name) == nil { createAnalysisRun(request(recorded.name)) }
            return recorded
        }
        let base = AnalysisRunNaming.base(rollout: inputs.name, hash: inputs.desiredHash, trigger: trigger, stepIndex: stepIndex,
                                          experimentAnalysis: experimentAnalysis)
        var name = base
        var attempt = 0
        while let run = inputs.analysisRun(named: name), run.phase.isCompleted || run.terminating {
            attempt += 1
            name = "\(base).\(attempt)"
        }
        let adopted = inputs.analysisRun(named: name)
        let summary = AnalysisRunSummary(name: name, trigger: trigger, stepIndex: stepIndex, experimentAnalysis: experimentAnalysis,
                                         phase: adopted?.phase ?? .pending, message: adopted?.summaryMessage)
        if adopted == nil {
            createAnalysisRun(request(name))
            event(.normal, "AnalysisRunCreated", "started analysis run \(name) (\(Self.describe(trigger, stepIndex, experimentAnalysis)))")
        }
        status.analysis = (status.analysis ?? []) + [summary]
        return summary
    }

    private static func describe(_ trigger: AnalysisRunSummary.Trigger, _ stepIndex: Int32?, _ experimentAnalysis: String?) -> String {
        switch trigger {
        case .step: "step \((stepIndex ?? 0) + 1)"
        case .background: "background analysis"
        case .prePromotion: "prePromotionAnalysis"
        case .postPromotion: "postPromotionAnalysis"
        case .judge: "judge"
        case .experiment: "experiment at step \((stepIndex ?? 0) + 1)" + (experimentAnalysis.map { ", analysis \($0)" } ?? "")
        case .sloGuard: "SLO guard"
        }
    }

    /// The first run of the current update that Failed or Errored: the update must abort.
    /// Not while promoting fully (`promote --full` skips the analyses).
    func failedAnalysis() -> AnalysisRunSummary? {
        guard status.promoteFull != true else { return nil }
        return status.analysis?.first { $0.phase == .failed || $0.phase == .error }
    }

    /// Stops every run of the current update that is still measuring (those `keep` accepts stay).
    mutating func terminateAnalysisRuns(_ inputs: PlanInputs, keep: (AnalysisRunSummary) -> Bool = { _ in false }) {
        for summary in status.analysis ?? [] where !keep(summary) {
            guard let run = inputs.analysisRun(named: summary.name), !run.phase.isCompleted, !run.terminating else { continue }
            terminateAnalysisRun(run.name)
        }
    }

    /// The update starts again (a new revision, a retry, edited steps): the runs of the
    /// previous attempt are stopped and forgotten.
    mutating func resetAnalysis(_ inputs: PlanInputs) {
        terminateAnalysisRuns(inputs)
        status.analysis = nil
    }

    /// Forgets the run for `trigger` so that the next ``ensureAnalysisRun`` starts a new one
    /// (a background analysis resumed after an inconclusive verdict).
    mutating func forgetAnalysisRun(_ trigger: AnalysisRunSummary.Trigger, stepIndex: Int32? = nil) {
        status.analysis?.removeAll { $0.trigger == trigger && $0.stepIndex == stepIndex }
        if status.analysis?.isEmpty == true { status.analysis = nil }
    }
}

/// What an analysis gate's run means for a planner's walk over its steps or gates.
enum AnalysisGateOutcome {
    /// The gate is passed; the note goes into the step's event.
    case proceed(note: String)
    /// The walk stops at this gate.
    case halt(CanaryPlanner.Halt)
}

extension PlanDraft {
    /// The outcome of an inline or blue-green analysis gate whose run is `run`: Successful
    /// goes on; Failed or Error aborts; Inconclusive pauses for a human (`pausedMessage`),
    /// and goes on once promoted; Pending or Running waits.
    mutating func analysisGate(_ run: AnalysisRunSummary, pausedMessage: String, _ inputs: PlanInputs) -> AnalysisGateOutcome {
        switch run.phase {
        case .successful:
            return .proceed(note: " (\(run.verdict))")
        case .failed, .error:
            return .halt(.abort(run.verdict))
        case .inconclusive:
            switch pause(inputs) {
            case .promoted:
                return .proceed(note: " (\(run.verdict); promoted)")
            case .started:
                event(.normal, "RolloutPaused", pausedMessage)
                return .halt(.inconclusive(pausedMessage))
            case .waiting:
                return .halt(.inconclusive(pausedMessage))
            }
        case .pending, .running:
            return .halt(.analysis(run.verdict))
        }
    }
}
