import KubeClient

extension Rollout: SluiceResource {
    /// Every problem with the Rollout's spec (status is the controller's and is not checked).
    public func validate() -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.add(contentsOf: typeMetaProblems(apiVersion: apiVersion, kind: kind, expected: Self.resourceType))
        problems.add(contentsOf: metadataProblems(metadata, namespaced: true))
        problems.add(contentsOf: spec.problems(at: FieldPath.root["spec"]))
        return problems.problems
    }
}

extension RolloutSpec {
    /// Every problem with the spec, paths starting at `path`.
    public func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.check(replicas, atLeast: 0, at: path["replicas"])
        problems.check(minReadySeconds, atLeast: 0, at: path["minReadySeconds"])
        problems.check(revisionHistoryLimit, atLeast: 0, at: path["revisionHistoryLimit"])
        if let deadline = progressDeadlineSeconds {
            if deadline < 1 {
                problems.add(path["progressDeadlineSeconds"], "must be >= 1, got \(deadline)")
            } else if let minReady = minReadySeconds, deadline <= minReady {
                problems.add(path["progressDeadlineSeconds"], "must be greater than minReadySeconds (\(minReady)), got \(deadline)")
            }
        }
        problems.requireExactlyOne(
            of: ["template", "workloadRef"], present: [("template", template != nil), ("workloadRef", workloadRef != nil)].filter(\.1).map(\.0),
            at: path)
        if let selector {
            if selector.isEmpty {
                problems.add(path["selector"], "must select at least one label (matchLabels or matchExpressions)")
            }
            let selectorProblems = selector.problems(at: path["selector"])
            problems.add(contentsOf: selectorProblems)
            if let template, !selector.isEmpty, selectorProblems.isEmpty, !selector.matches(template.labels) {
                let labels = template.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                problems.add(path["template"]["metadata"]["labels"],
                             "must match spec.selector (\(selector.selectorString)), got {\(labels)}")
            }
        } else {
            problems.add(path["selector"], "required")
        }
        if let template { problems.add(contentsOf: template.problems(at: path["template"])) }
        if let workloadRef {
            problems.requireNonEmpty(workloadRef.apiVersion, at: path["workloadRef"]["apiVersion"])
            problems.requireNonEmpty(workloadRef.kind, at: path["workloadRef"]["kind"])
            problems.requireNonEmpty(workloadRef.name, at: path["workloadRef"]["name"])
        }
        let strategyPath = path["strategy"]
        problems.requireExactlyOne(
            of: ["canary", "blueGreen"],
            present: [("canary", strategy.canary != nil), ("blueGreen", strategy.blueGreen != nil)].filter(\.1).map(\.0),
            at: strategyPath)
        if let canary = strategy.canary { problems.add(contentsOf: canary.problems(at: strategyPath["canary"])) }
        if let blueGreen = strategy.blueGreen { problems.add(contentsOf: blueGreen.problems(at: strategyPath["blueGreen"])) }
        return problems.problems
    }
}

extension BlueGreenStrategy {
    /// Every problem with the blue-green strategy, paths starting at `path`.
    public func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.requireNonEmpty(activeService, at: path["activeService"])
        problems.rejectBlank(previewService, at: path["previewService"])
        if let previewService, previewService == activeService, !activeService.isEmpty {
            problems.add(path["previewService"], "must differ from activeService (\"\(activeService)\")")
        }
        problems.check(previewReplicaCount, atLeast: 0, at: path["previewReplicaCount"])
        problems.check(autoPromotionSeconds, atLeast: 0, at: path["autoPromotionSeconds"])
        if autoPromotionEnabled == false, autoPromotionSeconds != nil {
            problems.add(path["autoPromotionSeconds"], "must not be set when autoPromotionEnabled is false")
        }
        problems.check(scaleDownDelaySeconds, atLeast: 0, at: path["scaleDownDelaySeconds"])
        problems.check(abortScaleDownDelaySeconds, atLeast: 0, at: path["abortScaleDownDelaySeconds"])
        if let prePromotionAnalysis {
            problems.add(contentsOf: analysisProblems(prePromotionAnalysis.templates, prePromotionAnalysis.args, at: path["prePromotionAnalysis"]))
        }
        if let postPromotionAnalysis {
            problems.add(contentsOf: analysisProblems(postPromotionAnalysis.templates, postPromotionAnalysis.args, at: path["postPromotionAnalysis"]))
        }
        return problems.problems
    }
}

/// `apiVersion` and `kind`, when written, must name the kind being checked.
func typeMetaProblems(apiVersion: String?, kind: String?, expected: ResourceType) -> [ValidationProblem] {
    var problems = ProblemCollector()
    if let apiVersion, apiVersion != expected.apiVersion {
        problems.add(FieldPath.root["apiVersion"], "must be \(expected.apiVersion), got \"\(apiVersion)\"")
    }
    if let kind, kind != expected.kind {
        problems.add(FieldPath.root["kind"], "must be \(expected.kind), got \"\(kind)\"")
    }
    return problems.problems
}

/// A name (or generateName) that the API server would accept for the object.
func metadataProblems(_ metadata: ObjectMeta, namespaced: Bool) -> [ValidationProblem] {
    var problems = ProblemCollector()
    let path = FieldPath.root["metadata"]
    if let name = metadata.name {
        if let reason = dnsSubdomainProblem(name) { problems.add(path["name"], reason) }
    } else if metadata.generateName == nil {
        problems.add(path["name"], "required")
    }
    if !namespaced, let namespace = metadata.namespace {
        problems.add(path["namespace"], "must be absent: the kind is cluster-scoped, got \"\(namespace)\"")
    }
    return problems.problems
}

/// Why `name` is not a DNS-1123 subdomain, or nil when it is one.
func dnsSubdomainProblem(_ name: String) -> String? {
    let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
    let edges = name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
    if name.isEmpty { return "must not be empty" }
    if name.count > 253 || !allowed || !edges {
        return "must be lower-case letters, digits, '-' and '.', start and end with a letter or digit, at most 253 characters, got \"\(name)\""
    }
    return nil
}
