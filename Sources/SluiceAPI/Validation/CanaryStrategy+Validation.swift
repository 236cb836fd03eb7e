extension CanaryStrategy {
    /// Every problem with the canary strategy, paths starting at `path`.
    public func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.rejectBlank(stableService, at: path["stableService"])
        problems.rejectBlank(canaryService, at: path["canaryService"])
        if let stableService, let canaryService, stableService == canaryService, !stableService.isEmpty {
            problems.add(path["canaryService"], "must differ from stableService (\"\(stableService)\")")
        }
        var capabilities: TrafficRouterCapabilities? = .replicaRatio
        if let trafficRouting {
            problems.add(contentsOf: trafficRouting.problems(at: path["trafficRouting"]))
            capabilities = trafficRouting.capabilities
            if let router = trafficRouting.presentRouters.first, trafficRouting.presentRouters.count == 1, trafficRouting.needsServices {
                for (field, value) in [("stableService", stableService), ("canaryService", canaryService)] where value == nil {
                    problems.add(path[field], "required with trafficRouting.\(router)")
                }
            }
        }
        problems.add(contentsOf: surgeProblems(at: path))
        problems.check(scaleDownDelaySeconds, atLeast: 0, at: path["scaleDownDelaySeconds"])
        if scaleDownDelaySeconds != nil, trafficRouting == nil {
            problems.add(path["scaleDownDelaySeconds"],
                         "only applies with trafficRouting (without a router, old pods scale down as the canary scales up)")
        }
        problems.check(abortScaleDownDelaySeconds, atLeast: 0, at: path["abortScaleDownDelaySeconds"])
        let stepCount = steps?.count ?? 0
        if let analysis {
            problems.add(contentsOf: analysisProblems(analysis.templates, analysis.args, at: path["analysis"]))
            if let start = analysis.startingStep {
                if stepCount == 0 {
                    problems.add(path["analysis"]["startingStep"], "needs steps to refer to, but steps is empty")
                } else {
                    problems.check(start, in: 0...Int32(stepCount - 1), at: path["analysis"]["startingStep"])
                }
            }
        }
        if let slo { problems.add(contentsOf: slo.problems(at: path["slo"])) }
        if let judge {
            problems.requireNonEmpty(judge.templateName, at: path["judge"]["templateName"])
            problems.add(contentsOf: argumentProblems(judge.args, at: path["judge"]["args"]))
        }
        let context = StepContext(capabilities: capabilities, managedRoutes: trafficRouting?.managedRoutes?.map(\.name))
        problems.add(contentsOf: context.problems(in: steps ?? [], at: path["steps"]))
        return problems.problems
    }

    private func surgeProblems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        for (field, value) in [("maxSurge", maxSurge), ("maxUnavailable", maxUnavailable)] {
            guard let value else { continue }
            switch value {
            case .count(let count) where count < 0:
                problems.add(path[field], "must not be negative, got \(count)")
            case .text(let text):
                if let percent = value.percent {
                    if percent < 0 { problems.add(path[field], "must not be negative, got \"\(text)\"") }
                    if field == "maxUnavailable", percent > 100 { problems.add(path[field], "must be at most 100%, got \"\(text)\"") }
                } else {
                    problems.add(path[field], "must be a number of pods or a percentage such as 25%, got \"\(text)\"")
                }
            default: break
            }
        }
        if let maxSurge, let maxUnavailable, maxSurge.isZero, maxUnavailable.isZero {
            problems.add(path["maxUnavailable"], "must not be 0 when maxSurge is 0: the update could never replace a pod")
        }
        return problems.problems
    }
}

extension TrafficRouting {
    /// The router splits traffic between the stable and canary Services (not subsets).
    var needsServices: Bool { istio?.destinationRule == nil }

    func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.requireExactlyOne(of: ["gatewayAPI", "istio", "nginx", "smi"], present: presentRouters, at: path)
        if let gatewayAPI {
            problems.requireNonEmpty(gatewayAPI.httpRoute, at: path["gatewayAPI"]["httpRoute"])
            problems.rejectBlank(gatewayAPI.namespace, at: path["gatewayAPI"]["namespace"])
        }
        if let istio {
            let here = path["istio"]
            problems.requireNonEmpty(istio.virtualService.name, at: here["virtualService"]["name"])
            for (index, route) in (istio.virtualService.routes ?? []).enumerated() {
                problems.requireNonEmpty(route, at: here["virtualService"]["routes"][index])
            }
            problems.requireUnique(istio.virtualService.routes ?? [], at: { here["virtualService"]["routes"][$0] }, what: "route")
            if let rule = istio.destinationRule {
                problems.requireNonEmpty(rule.name, at: here["destinationRule"]["name"])
                problems.requireNonEmpty(rule.canarySubsetName, at: here["destinationRule"]["canarySubsetName"])
                problems.requireNonEmpty(rule.stableSubsetName, at: here["destinationRule"]["stableSubsetName"])
                if rule.canarySubsetName == rule.stableSubsetName, !rule.canarySubsetName.isEmpty {
                    problems.add(here["destinationRule"]["canarySubsetName"],
                                 "must differ from stableSubsetName (\"\(rule.stableSubsetName)\")")
                }
            }
        }
        if let nginx {
            problems.requireNonEmpty(nginx.stableIngress, at: path["nginx"]["stableIngress"])
            problems.rejectBlank(nginx.annotationPrefix, at: path["nginx"]["annotationPrefix"])
        }
        if let smi {
            problems.rejectBlank(smi.trafficSplitName, at: path["smi"]["trafficSplitName"])
            problems.rejectBlank(smi.rootService, at: path["smi"]["rootService"])
        }
        for (index, route) in (managedRoutes ?? []).enumerated() {
            problems.requireNonEmpty(route.name, at: path["managedRoutes"][index]["name"])
        }
        problems.requireUnique((managedRoutes ?? []).map(\.name), at: { path["managedRoutes"][$0]["name"] })
        return problems.problems
    }
}

extension SLOGuard {
    func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.add(contentsOf: objectiveProblems(at: path))
        problems.check(interval, at: path["interval"], positive: true)
        if let prometheus {
            let here = path["prometheus"]
            problems.requireNonEmpty(prometheus.address, at: here["address"])
            if let why = urlProblem(prometheus.address) { problems.add(here["address"], why) }
            for (field, value) in [("requestsMetric", prometheus.requestsMetric), ("codeLabel", prometheus.codeLabel),
                                   ("latencyMetric", prometheus.latencyMetric), ("namespaceLabel", prometheus.namespaceLabel),
                                   ("podTemplateHashLabel", prometheus.podTemplateHashLabel)] {
                if let value, !Self.isPrometheusName(value) {
                    problems.add(here[field], "must be a Prometheus metric or label name ([a-zA-Z_:][a-zA-Z0-9_:]*), got \"\(value)\"")
                }
            }
            problems.rejectBlank(prometheus.errorCodes, at: here["errorCodes"])
            problems.check(prometheus.timeout, at: here["timeout"], positive: true)
        } else {
            problems.add(path["prometheus"], "required: the guard reads the canary's request counters from Prometheus (set prometheus.address)")
        }
        return problems.problems
    }

    static func isPrometheusName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" || first == ":" else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":") }
    }
}

/// Checks of an analysis that a Rollout runs: templates named, arguments well formed.
func analysisProblems(_ templates: [AnalysisTemplateReference], _ args: [AnalysisArgument]?, at path: FieldPath) -> [ValidationProblem] {
    var problems = ProblemCollector()
    if templates.isEmpty { problems.add(path["templates"], "must list at least one template") }
    for (index, template) in templates.enumerated() {
        problems.requireNonEmpty(template.templateName, at: path["templates"][index]["templateName"])
    }
    problems.requireUnique(templates.map { "\($0.clusterScope == true ? "cluster:" : "")\($0.templateName)" },
                           at: { path["templates"][$0]["templateName"] }, what: "template")
    problems.add(contentsOf: argumentProblems(args, at: path["args"]))
    return problems.problems
}

/// Arguments a Rollout passes: named, unique, and each with exactly one of value and valueFrom.
func argumentProblems(_ args: [AnalysisArgument]?, at path: FieldPath) -> [ValidationProblem] {
    var problems = ProblemCollector()
    for (index, argument) in (args ?? []).enumerated() {
        let here = path[index]
        problems.requireNonEmpty(argument.name, at: here["name"])
        problems.requireExactlyOne(
            of: ["value", "valueFrom"], present: [("value", argument.value != nil), ("valueFrom", argument.valueFrom != nil)].filter(\.1).map(\.0),
            at: here)
        if let source = argument.valueFrom {
            problems.requireExactlyOne(
                of: ["podTemplateHashValue", "fieldRef"],
                present: [("podTemplateHashValue", source.podTemplateHashValue != nil), ("fieldRef", source.fieldRef != nil)].filter(\.1).map(\.0),
                at: here["valueFrom"])
            if let fieldRef = source.fieldRef { problems.requireNonEmpty(fieldRef.fieldPath, at: here["valueFrom"]["fieldRef"]["fieldPath"]) }
        }
    }
    problems.requireUnique((args ?? []).map(\.name), at: { path[$0]["name"] }, what: "argument")
    return problems.problems
}
