/// A template a Rollout can refer to, found by name.
public protocol AnalysisTemplateResolver {
    /// The spec of the AnalysisTemplate `name` in the Rollout's namespace (or, with
    /// `clusterScope`, of the ClusterAnalysisTemplate `name`); nil when there is none.
    func template(named name: String, clusterScope: Bool) -> AnalysisTemplateSpec?
}

/// Templates held in memory, e.g. from an informer cache or a set of manifests.
public struct AnalysisTemplateSet: AnalysisTemplateResolver, Sendable {
    public var namespaced: [String: AnalysisTemplateSpec]
    public var cluster: [String: AnalysisTemplateSpec]

    public init(namespaced: [String: AnalysisTemplateSpec] = [:], cluster: [String: AnalysisTemplateSpec] = [:]) {
        self.namespaced = namespaced
        self.cluster = cluster
    }

    public func template(named name: String, clusterScope: Bool) -> AnalysisTemplateSpec? {
        clusterScope ? cluster[name] : namespaced[name]
    }
}

extension Rollout {
    /// Problems between the Rollout and the templates it names: a template that does not
    /// exist, an argument a template requires that the Rollout does not pass, an argument
    /// passed that none of the analysis's templates declares, more than one decision in the
    /// templates of one analysis (they make one run), a `judge` template without a judge
    /// decision, an experiment decision whose variants are not the step's, and a `sloGuard`
    /// decision (which never passes) where the Rollout waits for a verdict.
    public func analysisReferenceProblems(_ templates: any AnalysisTemplateResolver) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let strategyPath = FieldPath.root["spec"]["strategy"]
        for use in analysisUses(strategyPath) {
            problems.add(contentsOf: referenceProblems(use, templates))
        }
        return problems.problems
    }

    /// One place the Rollout runs analysis: templates that share one argument list.
    private struct AnalysisUse {
        /// What the Rollout does with the run's verdict.
        enum Role {
            /// Runs alongside the steps (canary.analysis).
            case background
            /// Waits for a verdict (an analysis step, blue-green pre- and post-promotion).
            case gate
            /// canary.judge: needs a judge (or Kayenta) decision.
            case judge
            /// An experiment step's analysis.
            case experiment(ExperimentStep, ExperimentAnalysis)
        }

        var templates: [(path: FieldPath, name: String, clusterScope: Bool)]
        var args: [AnalysisArgument]
        var argsPath: FieldPath
        var role: Role
    }

    private func analysisUses(_ path: FieldPath) -> [AnalysisUse] {
        func use(_ analysis: RolloutAnalysis, _ at: FieldPath, _ role: AnalysisUse.Role) -> AnalysisUse {
            AnalysisUse(templates: analysis.templates.enumerated().map { (at["templates"][$0.offset]["templateName"], $0.element.templateName, $0.element.clusterScope == true) },
                        args: analysis.args ?? [], argsPath: at["args"], role: role)
        }
        var uses: [AnalysisUse] = []
        if let canary = spec.strategy.canary {
            let here = path["canary"]
            if let background = canary.analysis {
                uses.append(use(RolloutAnalysis(templates: background.templates, args: background.args), here["analysis"], .background))
            }
            if let judge = canary.judge {
                uses.append(AnalysisUse(templates: [(here["judge"]["templateName"], judge.templateName, judge.clusterScope == true)],
                                        args: judge.args ?? [], argsPath: here["judge"]["args"], role: .judge))
            }
            for (index, step) in (canary.steps ?? []).enumerated() {
                if let analysis = step.analysis { uses.append(use(analysis, here["steps"][index]["analysis"], .gate)) }
                guard let experiment = step.experiment else { continue }
                for (offset, analysis) in (experiment.analyses ?? []).enumerated() {
                    let at = here["steps"][index]["experiment"]["analyses"][offset]
                    uses.append(AnalysisUse(templates: [(at["templateName"], analysis.templateName, analysis.clusterScope == true)],
                                            args: analysis.args ?? [], argsPath: at["args"], role: .experiment(experiment, analysis)))
                }
            }
        }
        if let blueGreen = spec.strategy.blueGreen {
            let here = path["blueGreen"]
            if let analysis = blueGreen.prePromotionAnalysis { uses.append(use(analysis, here["prePromotionAnalysis"], .gate)) }
            if let analysis = blueGreen.postPromotionAnalysis { uses.append(use(analysis, here["postPromotionAnalysis"], .gate)) }
        }
        return uses
    }

    private func referenceProblems(_ use: AnalysisUse, _ templates: any AnalysisTemplateResolver) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let passed = Set(use.args.map(\.name))
        var declared: Set<String> = []
        var allFound = true
        var decided: [String] = []
        for reference in use.templates where !reference.name.isEmpty {
            let kind = reference.clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"
            guard let template = templates.template(named: reference.name, clusterScope: reference.clusterScope) else {
                problems.add(reference.path, "no \(kind) named \"\(reference.name)\"")
                allFound = false
                continue
            }
            for argument in template.args ?? [] {
                declared.insert(argument.name)
                if argument.isRequired, !passed.contains(argument.name) {
                    problems.add(use.argsPath, "template \"\(reference.name)\" requires argument \"\(argument.name)\", which is not passed")
                }
            }
            let subject = "\(kind) \"\(reference.name)\""
            if let decision = template.decision {
                if let first = decided.first {
                    problems.add(reference.path, "\(subject) has a decision (\(decision.kindsSet.joined(separator: ", "))), and so does \"\(first)\": "
                                 + "the templates of one analysis make one run, which follows one decision")
                }
                decided.append(reference.name)
            }
            problems.add(contentsOf: roleProblems(use.role, template: template, subject: subject, at: reference.path))
        }
        if allFound {
            for (index, argument) in use.args.enumerated() where !declared.contains(argument.name) {
                problems.add(use.argsPath[index]["name"], "no template of this analysis declares argument \"\(argument.name)\"")
            }
        }
        return problems.problems
    }

    /// What the use asks of the template's decision.
    private func roleProblems(_ role: AnalysisUse.Role, template: AnalysisTemplateSpec, subject: String, at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let decision = template.decision
        let kinds = decision.map { "its decision is \($0.kindsSet.joined(separator: ", "))" } ?? "it has no decision"
        let neverPasses = "\(subject) has decision.sloGuard, which never passes (it runs until the update ends): "
        switch role {
        case .background:
            break
        case .gate:
            if decision?.sloGuard != nil {
                problems.add(path, neverPasses + "the Rollout would wait here forever; run it in canary.analysis, or use canary.slo")
            }
        case .judge:
            if decision?.judge == nil, decision?.kayenta == nil {
                problems.add(path, "\(subject) has no decision.judge: canary.judge runs a template whose decision compares canary with "
                             + "baseline (judge or kayenta), and \(kinds)")
            }
        case .experiment(let step, let analysis):
            if analysis.requiredForCompletion == true, decision?.sloGuard != nil {
                problems.add(path, neverPasses + "the experiment would wait for it forever; do not make it requiredForCompletion")
            }
            guard let experiment = decision?.experiment else { break }
            let names = step.templates.map(\.name)
            let weights = step.variantWeights
            for (index, variant) in experiment.variants.enumerated() {
                let field = "decision.experiment.variants[\(index)]"
                guard names.contains(variant.name) else {
                    problems.add(path, "\(subject): \(field) \"\(variant.name)\" is not a variant of this experiment step (they are: \(names.joined(separator: ", ")))")
                    continue
                }
                if let weight = variant.weight, let actual = weights[variant.name], weight != actual {
                    problems.add(path, "\(subject): \(field).weight is \(weight), but variant \"\(variant.name)\" gets \(actual)% of traffic in this step")
                }
            }
            if let control = experiment.variants.first, names.contains(control.name), control.name != step.stableVariant?.name {
                let stable = step.stableVariant.map { "its stable variant \"\($0.name)\"" } ?? "a variant with specRef stable, and the step has none"
                problems.add(path, "\(subject): decision.experiment.variants[0] (the control) is \"\(control.name)\", but the control must be \(stable)")
            }
        }
        return problems.problems
    }
}
