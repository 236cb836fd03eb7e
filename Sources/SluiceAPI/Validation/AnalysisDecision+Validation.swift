extension AnalysisDecision {
    /// Every problem with the decision, given the metrics it reads: one kind set, each name it
    /// gives a metric of `metrics`, each field its kind needs set (and none it would ignore),
    /// levels in range, and the metrics it reads measured together and counted for errors.
    func problems(metrics: [Metric], at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let kinds = kindsSet
        problems.requireExactlyOne(of: ["judge", "kayenta", "sloGuard", "experiment", "shadow"], present: kinds, at: path)
        var reads: [(FieldPath, String)] = []
        if let judge {
            let here = path["judge"]
            problems.checkLevel(judge.alpha, below: 0.5, at: here["alpha"])
            problems.check(judge.minimumSamplesPerArm, atLeast: 1, at: here["minimumSamplesPerArm"])
            if judge.metrics.isEmpty { problems.add(here["metrics"], "must list at least one metric") }
            problems.requireUnique(judge.metrics.map(\.name), at: { here["metrics"][$0]["name"] })
            if let requests = judge.requests {
                reads += [(here["requests"]["canary"], requests.canary), (here["requests"]["baseline"], requests.baseline)]
            } else if !judge.metrics.contains(where: { $0.kind == .counts }) {
                problems.add(here["requests"], "required when no metric is of kind counts: the sample-ratio check needs each arm's requests")
            }
            for (index, metric) in judge.metrics.enumerated() {
                let at = here["metrics"][index]
                problems.requireNonEmpty(metric.name, at: at["name"])
                if let tolerance = metric.tolerance, !(tolerance.isFinite && tolerance >= 0) {
                    problems.add(at["tolerance"], "must be finite and >= 0 (a size of regression, not a direction), got \(tolerance)")
                }
                if let quantile = metric.quantile {
                    if metric.kind != .histogram {
                        problems.add(at["quantile"], "applies to kind histogram only, this metric is \(metric.kind.rawValue)")
                    } else if !(quantile > 0 && quantile < 1) {
                        problems.add(at["quantile"], "must be between 0 and 1 (exclusive), got \(quantile)")
                    }
                }
                let floor = max(20, judge.minimumSamplesPerArm ?? 100)
                problems.check(metric.plannedSamplesPerArm, atLeast: floor, at: at["plannedSamplesPerArm"])
                for (arm, names) in [("canary", metric.canary), ("baseline", metric.baseline)] {
                    let needed = names.fields(for: metric.kind)
                    for (field, name) in needed {
                        if let name { reads.append((at[arm][field], name)) } else {
                            problems.add(at[arm][field], "required for kind \(metric.kind.rawValue)")
                        }
                    }
                    let neededFields = Set(needed.map(\.field))
                    let all: [(String, String?)] = [("events", names.events), ("total", names.total), ("histogram", names.histogram),
                                                    ("count", names.count), ("sum", names.sum), ("sumOfSquares", names.sumOfSquares)]
                    for (field, name) in all where name != nil && !neededFields.contains(field) {
                        problems.add(at[arm][field], "not used by kind \(metric.kind.rawValue) (it reads \(needed.map(\.field).joined(separator: ", ")))")
                    }
                }
            }
        }
        if let kayenta {
            let here = path["kayenta"]
            problems.check(kayenta.after, at: here["after"], positive: true)
            if kayenta.metrics.isEmpty { problems.add(here["metrics"], "must list at least one metric") }
            problems.requireUnique(kayenta.metrics.map(\.name), at: { here["metrics"][$0]["name"] })
            let pass = kayenta.passThreshold ?? 95
            if !(pass >= 0 && pass <= 100) { problems.add(here["passThreshold"], "must be 0..100, got \(pass)") }
            if let marginal = kayenta.marginalThreshold, !(marginal >= 0 && marginal <= pass) {
                problems.add(here["marginalThreshold"], "must be between 0 and passThreshold (\(pass)), got \(marginal)")
            }
            for (group, weight) in (kayenta.groupWeights ?? [:]).sorted(by: { $0.key < $1.key }) where !(weight.isFinite && weight >= 0) {
                problems.add(here["groupWeights"][group], "must be a percentage >= 0, got \(weight)")
            }
            let total = (kayenta.groupWeights ?? [:]).values.reduce(0, +)
            if total > 100 { problems.add(here["groupWeights"], "must sum to at most 100, got \(total)") }
            for (index, metric) in kayenta.metrics.enumerated() {
                let at = here["metrics"][index]
                problems.requireNonEmpty(metric.name, at: at["name"])
                if let size = metric.effectSize {
                    for (field, value) in [("allowedIncrease", size.allowedIncrease), ("allowedDecrease", size.allowedDecrease),
                                           ("criticalIncrease", size.criticalIncrease), ("criticalDecrease", size.criticalDecrease)] {
                        if let value, !(value.isFinite && value >= 0) { problems.add(at["effectSize"][field], "must be a ratio >= 0, got \(value)") }
                    }
                }
                reads += [(at["canary"], metric.canary), (at["baseline"], metric.baseline)]
            }
        }
        if let guardian = sloGuard {
            let here = path["sloGuard"]
            problems.add(contentsOf: guardian.objectives.objectiveProblems(at: here))
            reads.append((here["requests"], guardian.requests))
            for (field, name, needed, why) in [("errors", guardian.errors, guardian.errorRate != nil, "errorRate"),
                                               ("latency", guardian.latency, guardian.latencyP95 != nil || guardian.latencyP99 != nil, "latencyP95 or latencyP99")] {
                switch (name, needed) {
                case (let name?, true): reads.append((here[field], name))
                case (nil, true): problems.add(here[field], "required: \(why) is set")
                case (_?, false): problems.add(here[field], "not used: no objective reads it (set \(why))")
                case (nil, false): break
                }
            }
        }
        if let experiment {
            let here = path["experiment"]
            problems.checkLevel(experiment.alpha, below: 1, at: here["alpha"])
            problems.check(experiment.minimumSamplesPerVariant, atLeast: 1, at: here["minimumSamplesPerVariant"])
            problems.check(experiment.maxDuration, at: here["maxDuration"], positive: true)
            if experiment.variants.count < 2 { problems.add(here["variants"], "must list at least two variants, the control first") }
            problems.requireUnique(experiment.variants.map(\.name), at: { here["variants"][$0]["name"] })
            for (index, variant) in experiment.variants.enumerated() {
                let at = here["variants"][index]
                problems.requireNonEmpty(variant.name, at: at["name"])
                problems.check(variant.weight, in: 1...100, at: at["weight"])
                reads += [(at["events"], variant.events), (at["total"], variant.total)]
            }
        }
        if let shadow {
            let here = path["shadow"]
            problems.check(shadow.after, at: here["after"], positive: true)
            problems.checkLevel(shadow.alpha, below: 1, at: here["alpha"])
            problems.check(shadow.minimumRequests, atLeast: 1, at: here["minimumRequests"])
            if let psi = shadow.psiThreshold, !(psi.isFinite && psi > 0) { problems.add(here["psiThreshold"], "must be > 0, got \(psi)") }
            if let quantile = shadow.latencyQuantile, !(quantile > 0 && quantile < 1) {
                problems.add(here["latencyQuantile"], "must be between 0 and 1 (exclusive), got \(quantile)")
            }
            problems.check(shadow.latencyTolerance, at: here["latencyTolerance"])
            problems.rejectBlank(shadow.classLabel, at: here["classLabel"])
            for (field, primary, candidate) in [("latency", shadow.primary.latency, shadow.candidate.latency),
                                                ("predictions", shadow.primary.predictions, shadow.candidate.predictions)]
            where (primary == nil) != (candidate == nil) {
                problems.add(here[primary == nil ? "primary" : "candidate"][field], "required: the other side sets \(field), and they are compared")
            }
            for (side, arm) in [("primary", shadow.primary), ("candidate", shadow.candidate)] {
                reads += [(here[side]["requests"], arm.requests), (here[side]["errors"], arm.errors)]
                if let latency = arm.latency { reads.append((here[side]["latency"], latency)) }
                if let predictions = arm.predictions { reads.append((here[side]["predictions"], predictions)) }
            }
        }
        problems.add(contentsOf: Self.readProblems(reads, metrics: metrics))
        return problems.problems
    }

    /// The metrics a decision reads must exist, be measured repeatedly at one interval (so a
    /// look sees them together), count their errors (not dryRun) and not stop on their own
    /// (no count: the decision ends the run).
    private static func readProblems(_ reads: [(FieldPath, String)], metrics: [Metric]) -> [ValidationProblem] {
        var problems = ProblemCollector()
        let byName = Dictionary(metrics.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var intervals: [String: String] = [:]
        var reported: Set<String> = []
        for (path, name) in reads {
            guard let metric = byName[name] else {
                let known = metrics.map(\.name).sorted().joined(separator: ", ")
                problems.add(path, "no metric named \"\(name)\" in metrics (they are: \(known.isEmpty ? "none" : known))")
                continue
            }
            guard reported.insert(name).inserted else { continue }
            if let interval = metric.interval {
                intervals[name] = switch interval.form {
                case .text(let text): text
                case .seconds(let seconds): "\(seconds)s"
                }
            } else {
                problems.add(path, "metric \"\(name)\" needs an interval: the decision looks at every measurement")
            }
            if metric.dryRun == true {
                problems.add(path, "metric \"\(name)\" must not be dryRun: the decision's data must count against consecutiveErrorLimit")
            }
            if metric.count != nil {
                problems.add(path, "metric \"\(name)\" must not set count: the decision says when the run ends")
            }
        }
        let distinct = Set(intervals.values)
        if distinct.count > 1 {
            let listed = intervals.sorted { $0.key < $1.key }.map { "\($0.key) every \($0.value)" }.joined(separator: ", ")
            problems.add(FieldPath.root["spec"]["metrics"], "the metrics a decision reads must share one interval, so each look sees them together; got \(listed)")
        }
        return problems.problems
    }
}

extension SLOGuard {
    /// The objectives' own checks, shared by `canary.slo` and a `sloGuard` decision.
    func objectiveProblems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        if errorRate == nil, latencyP95 == nil, latencyP99 == nil {
            problems.add(path, "must set at least one of errorRate, latencyP95, latencyP99")
        }
        if let errorRate, !(errorRate > 0 && errorRate < 1) {
            problems.add(path["errorRate"], "must be a fraction between 0 and 1 (exclusive), such as 0.01 for 1%, got \(errorRate)")
        }
        problems.check(latencyP95, at: path["latencyP95"], positive: true)
        problems.check(latencyP99, at: path["latencyP99"], positive: true)
        problems.check(minRequests, atLeast: 1, at: path["minRequests"])
        return problems.problems
    }
}

extension ProblemCollector {
    /// A probability, when present, in (0, `below`).
    mutating func checkLevel(_ value: Double?, below: Double, at path: FieldPath) {
        guard let value, !(value > 0 && value < below) else { return }
        add(path, "must be between 0 and \(below == 1 ? "1" : String(below)) (exclusive), got \(value)")
    }
}
