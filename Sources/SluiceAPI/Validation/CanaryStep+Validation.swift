/// What a step's validity depends on besides the step: the router's capabilities (nil when
/// `trafficRouting` is itself invalid, so that steps are not blamed for it) and the managed
/// routes the user listed.
struct StepContext {
    var capabilities: TrafficRouterCapabilities?
    var managedRoutes: [String]?

    private static let httpMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]

    /// Every problem in `steps`, including route names used by two kinds of route.
    func problems(in steps: [CanaryStep], at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        var routeKinds: [String: (kind: String, index: Int)] = [:]
        // Once `setWeight: 100` gives the canary all traffic, no other weight follows (pause and
        // analysis steps may: they hold the canary at full traffic before promotion).
        if let full = steps.firstIndex(where: { $0.setWeight == 100 }) {
            for index in steps.indices where index > full && steps[index].setWeight != nil {
                problems.add(path[index]["setWeight"], "follows setWeight: 100 at steps[\(full)]; once the canary takes all traffic no other weight may follow (pause and analysis steps may)")
            }
        }
        for (index, step) in steps.enumerated() {
            let here = path[index]
            problems.requireExactlyOne(of: CanaryStep.kindNames, present: step.presentKinds, at: here)
            problems.check(step.setWeight, in: 0...100, at: here["setWeight"])
            if let pause = step.pause { problems.check(pause.duration, at: here["pause"]["duration"]) }
            if let scale = step.setCanaryScale { problems.add(contentsOf: canaryScaleProblems(scale, at: here["setCanaryScale"])) }
            if let route = step.setHeaderRoute {
                problems.add(contentsOf: headerRouteProblems(route, at: here["setHeaderRoute"]))
                noteRoute(route.routeName, kind: "setHeaderRoute", index: index, at: here["setHeaderRoute"]["name"], &routeKinds, &problems)
            }
            if let route = step.setMirrorRoute {
                problems.add(contentsOf: mirrorRouteProblems(route, at: here["setMirrorRoute"]))
                noteRoute(route.routeName, kind: "setMirrorRoute", index: index, at: here["setMirrorRoute"]["name"], &routeKinds, &problems)
            }
            if let analysis = step.analysis { problems.add(contentsOf: analysisProblems(analysis.templates, analysis.args, at: here["analysis"])) }
            if let experiment = step.experiment { problems.add(contentsOf: experimentProblems(experiment, at: here["experiment"])) }
        }
        return problems.problems
    }

    /// A managed route is either a header route or a mirror route, and is listed in
    /// `managedRoutes` when the user lists them.
    private func noteRoute(
        _ name: String, kind: String, index: Int, at path: FieldPath,
        _ routeKinds: inout [String: (kind: String, index: Int)], _ problems: inout ProblemCollector
    ) {
        if let managedRoutes, !managedRoutes.contains(name) {
            problems.add(path, "\"\(name)\" is not in trafficRouting.managedRoutes (\(managedRoutes.joined(separator: ", ")))")
        }
        if let earlier = routeKinds[name], earlier.kind != kind {
            problems.add(path, "\"\(name)\" is already a \(earlier.kind) route (steps[\(earlier.index)]); a route name belongs to one kind of step")
        } else {
            routeKinds[name] = (kind, index)
        }
    }

    private func canaryScaleProblems(_ scale: SetCanaryScale, at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let present = [("weight", scale.weight != nil), ("replicas", scale.replicas != nil), ("matchTrafficWeight", scale.matchTrafficWeight != nil)]
            .filter(\.1).map(\.0)
        problems.requireExactlyOne(of: ["weight", "replicas", "matchTrafficWeight"], present: present, at: path)
        problems.check(scale.weight, in: 0...100, at: path["weight"])
        problems.check(scale.replicas, atLeast: 0, at: path["replicas"])
        if scale.matchTrafficWeight == false {
            problems.add(path["matchTrafficWeight"], "must be true when set (omit it otherwise)")
        }
        if let capabilities, !capabilities.splitsTraffic {
            problems.add(path, "needs trafficRouting: without a router the canary's pod count is its weight")
        }
        return problems.problems
    }

    private func headerRouteProblems(_ route: SetHeaderRoute, at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.rejectBlank(route.name, at: path["name"])
        if let capabilities, !capabilities.headerRoutes {
            problems.add(path, "\(capabilities.subject) cannot route by header \(TrafficRouterCapabilities.routersThatCan { $0.headerRoutes })")
            return problems.problems
        }
        let matches = route.match ?? []
        if let capabilities, let limit = capabilities.maxHeaderMatches, matches.count > limit {
            problems.add(path["match"], "\(capabilities.subject) supports at most \(limit) header match, got \(matches.count)")
        }
        for (index, match) in matches.enumerated() {
            let here = path["match"][index]
            problems.requireNonEmpty(match.headerName, at: here["headerName"])
            problems.add(contentsOf: stringMatchProblems(match.headerValue, at: here["headerValue"], supported: capabilities?.headerMatchKinds, what: "header values"))
        }
        return problems.problems
    }

    private func mirrorRouteProblems(_ route: SetMirrorRoute, at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.rejectBlank(route.name, at: path["name"])
        if let capabilities, !capabilities.mirrorRoutes {
            problems.add(path, "\(capabilities.subject) cannot mirror traffic \(TrafficRouterCapabilities.routersThatCan { $0.mirrorRoutes })")
            return problems.problems
        }
        problems.check(route.percentage, in: 0...100, at: path["percentage"])
        for (index, match) in (route.match ?? []).enumerated() {
            let here = path["match"][index]
            if match.method == nil, match.path == nil, (match.headers ?? [:]).isEmpty {
                problems.add(here, "must set at least one of method, path, headers")
            }
            if let method = match.method {
                problems.add(contentsOf: stringMatchProblems(method, at: here["method"], supported: capabilities?.mirrorMethodMatchKinds, what: "methods"))
                if let exact = method.exact, !Self.httpMethods.contains(exact) {
                    problems.add(here["method"]["exact"], "must be an HTTP method such as GET or POST, got \"\(exact)\"")
                }
            }
            if let requestPath = match.path {
                problems.add(contentsOf: stringMatchProblems(requestPath, at: here["path"], supported: capabilities?.mirrorPathMatchKinds, what: "paths"))
            }
            for (name, value) in (match.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                if name.isEmpty { problems.add(here["headers"], "header names must not be empty") }
                problems.add(contentsOf: stringMatchProblems(value, at: here["headers"][name], supported: capabilities?.mirrorHeaderMatchKinds, what: "header values"))
            }
        }
        return problems.problems
    }

    /// Exactly one kind, non-empty, and a kind the router supports (`supported` nil: unknown router).
    private func stringMatchProblems(_ match: StringMatch, at path: FieldPath, supported: Set<StringMatch.Kind>?, what: String) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let kinds = match.presentKinds
        problems.requireExactlyOne(of: StringMatch.Kind.allCases.map(\.rawValue), present: kinds.map(\.rawValue), at: path)
        for kind in kinds {
            let value = [StringMatch.Kind.exact: match.exact, .prefix: match.prefix, .regex: match.regex][kind] ?? nil
            if kind != .exact { problems.rejectBlank(value, at: path[kind.rawValue]) }
            if let supported, let capabilities, !supported.contains(kind) {
                let allowed = StringMatch.Kind.allCases.filter(supported.contains).map(\.rawValue).joined(separator: " or ")
                problems.add(path[kind.rawValue], "\(capabilities.subject) cannot match \(what) by \(kind.rawValue); use \(allowed)")
            }
        }
        return problems.problems
    }

    /// Sluice runs an experiment on the stable and canary ReplicaSets themselves: one variant
    /// per ReplicaSet, the canary's weighted (it is the canary's weight during the step, so a
    /// router must set it), the stable one the control with the rest of the traffic, and the
    /// pods following the weight as for `setWeight`.
    private func experimentProblems(_ experiment: ExperimentStep, at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.check(experiment.duration, at: path["duration"], positive: true)
        let completes = (experiment.analyses ?? []).contains { $0.requiredForCompletion == true }
        if experiment.duration == nil, !completes {
            problems.add(path["duration"], "required unless an analysis has requiredForCompletion: the experiment would never end")
        }
        if experiment.templates.isEmpty { problems.add(path["templates"], "must list at least one variant") }
        var totalWeight: Int64 = 0
        var seen: Set<ExperimentTemplate.SpecRef> = []
        let canaryWeight = experiment.canaryVariant?.weight
        for (index, template) in experiment.templates.enumerated() {
            let here = path["templates"][index]
            if let reason = dnsLabelProblem(template.name) { problems.add(here["name"], reason) }
            if !seen.insert(template.specRef).inserted {
                problems.add(here["specRef"], "Sluice runs each variant on the stable or canary ReplicaSet: a second variant with specRef \(template.specRef.rawValue) is not supported")
            }
            if template.replicas != nil {
                problems.add(here["replicas"], "not supported: Sluice runs this variant on the \(template.specRef.rawValue) ReplicaSet, whose pods follow the canary's weight as for setWeight (setCanaryScale sets the canary's pods); omit replicas")
            }
            if let weight = template.weight {
                problems.check(weight, in: 0...100, at: here["weight"])
                totalWeight += Int64(weight)
                if let capabilities, !capabilities.experimentWeights {
                    problems.add(here["weight"], "\(capabilities.subject) cannot weight experiment variants \(TrafficRouterCapabilities.routersThatCan { $0.experimentWeights })")
                }
            }
            let first = experiment.templates.firstIndex { $0.specRef == template.specRef } == index
            switch (template.specRef, template.weight) {
            case (.canary, nil) where first:
                var why = "required: it is the canary's share of traffic during the experiment"
                if let capabilities, !capabilities.experimentWeights {
                    why += ", which needs a router that can weight variants \(TrafficRouterCapabilities.routersThatCan { $0.experimentWeights })"
                }
                problems.add(here["weight"], why)
            case (.canary, let weight?) where first && (weight == 0 || weight == 100):
                problems.add(here["weight"], "must be between 1 and 99: the canary and the stable control both need traffic, got \(weight)")
            case (.stable, let weight?) where first:
                if let canaryWeight, (1...99).contains(canaryWeight), weight != 100 - canaryWeight {
                    problems.add(here["weight"], "must be \(100 - canaryWeight) (100 minus the canary variant's weight \(canaryWeight)) or absent: the control is the stable ReplicaSet, which gets the traffic the canary does not, got \(weight)")
                }
            default:
                break
            }
        }
        if !experiment.templates.isEmpty, experiment.canaryVariant == nil {
            problems.add(path["templates"], "must include a variant with specRef canary: Sluice runs the experiment on the canary ReplicaSet, at that variant's weight")
        }
        if totalWeight > 100 { problems.add(path["templates"], "variant weights must add up to at most 100, got \(totalWeight)") }
        problems.requireUnique(experiment.templates.map(\.name), at: { path["templates"][$0]["name"] })
        for (index, analysis) in (experiment.analyses ?? []).enumerated() {
            let here = path["analyses"][index]
            problems.requireNonEmpty(analysis.name, at: here["name"])
            if !analysis.name.isEmpty, let reason = dnsLabelProblem(analysis.name) { problems.add(here["name"], reason) }
            problems.requireNonEmpty(analysis.templateName, at: here["templateName"])
            problems.add(contentsOf: argumentProblems(analysis.args, at: here["args"]))
        }
        problems.requireUnique((experiment.analyses ?? []).map(\.name), at: { path["analyses"][$0]["name"] })
        return problems.problems
    }
}

/// Why `name` is not a DNS-1123 label (it names pods' ReplicaSets), or nil when it is one.
func dnsLabelProblem(_ name: String) -> String? {
    let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    let edges = name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
    if name.isEmpty { return "must not be empty" }
    if name.count > 63 || !allowed || !edges {
        return "must be lower-case letters, digits and '-', start and end with a letter or digit, at most 63 characters, got \"\(name)\""
    }
    return nil
}
