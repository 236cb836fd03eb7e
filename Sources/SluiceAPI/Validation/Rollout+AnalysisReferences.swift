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
    /// exist, an argument a template requires that the Rollout does not pass, and an argument
    /// passed that none of the analysis's templates declares.
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
        var templates: [(path: FieldPath, name: String, clusterScope: Bool)]
        var args: [AnalysisArgument]
        var argsPath: FieldPath
    }

    private func analysisUses(_ path: FieldPath) -> [AnalysisUse] {
        func use(_ analysis: RolloutAnalysis, _ at: FieldPath) -> AnalysisUse {
            AnalysisUse(templates: analysis.templates.enumerated().map { (at["templates"][$0.offset]["templateName"], $0.element.templateName, $0.element.clusterScope == true) },
                        args: analysis.args ?? [], argsPath: at["args"])
        }
        var uses: [AnalysisUse] = []
        if let canary = spec.strategy.canary {
            let here = path["canary"]
            if let background = canary.analysis {
                uses.append(use(RolloutAnalysis(templates: background.templates, args: background.args), here["analysis"]))
            }
            if let judge = canary.judge {
                uses.append(AnalysisUse(templates: [(here["judge"]["templateName"], judge.templateName, judge.clusterScope == true)],
                                        args: judge.args ?? [], argsPath: here["judge"]["args"]))
            }
            for (index, step) in (canary.steps ?? []).enumerated() {
                if let analysis = step.analysis { uses.append(use(analysis, here["steps"][index]["analysis"])) }
                for (offset, analysis) in (step.experiment?.analyses ?? []).enumerated() {
                    let at = here["steps"][index]["experiment"]["analyses"][offset]
                    uses.append(AnalysisUse(templates: [(at["templateName"], analysis.templateName, analysis.clusterScope == true)],
                                            args: analysis.args ?? [], argsPath: at["args"]))
                }
            }
        }
        if let blueGreen = spec.strategy.blueGreen {
            let here = path["blueGreen"]
            if let analysis = blueGreen.prePromotionAnalysis { uses.append(use(analysis, here["prePromotionAnalysis"])) }
            if let analysis = blueGreen.postPromotionAnalysis { uses.append(use(analysis, here["postPromotionAnalysis"])) }
        }
        return uses
    }

    private func referenceProblems(_ use: AnalysisUse, _ templates: any AnalysisTemplateResolver) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let passed = Set(use.args.map(\.name))
        var declared: Set<String> = []
        var allFound = true
        for reference in use.templates where !reference.name.isEmpty {
            guard let template = templates.template(named: reference.name, clusterScope: reference.clusterScope) else {
                let kind = reference.clusterScope ? "ClusterAnalysisTemplate" : "AnalysisTemplate"
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
        }
        if allFound {
            for (index, argument) in use.args.enumerated() where !declared.contains(argument.name) {
                problems.add(use.argsPath[index]["name"], "no template of this analysis declares argument \"\(argument.name)\"")
            }
        }
        return problems.problems
    }
}
