import SluiceAPI

extension CanaryJudgeDecision {
    /// The judge's configuration: the spec's settings with their documented defaults.
    public var configuration: JudgeConfiguration {
        let minimum = Int(minimumSamplesPerArm ?? 100)
        return JudgeConfiguration(
            metrics: metrics.map { metric in
                JudgedMetric(name: metric.name, kind: metric.kind, worse: metric.worse ?? .higher,
                             tolerance: metric.tolerance, plannedSamplesPerArm: Int(metric.plannedSamplesPerArm ?? Int64(max(10_000, minimum))),
                             quantile: metric.quantile ?? 0.99)
            },
            alpha: alpha ?? 0.05, minimumSamplesPerArm: minimum)
    }

    /// The request counters of each arm: `requests`, or the first counts metric's totals.
    func requestMetrics() throws(DecisionError) -> ArmMetricNames? {
        if let requests { return requests }
        guard let counts = metrics.first(where: { $0.kind == .counts }) else { return nil }
        guard let canary = counts.canary.total, let baseline = counts.baseline.total else {
            throw DecisionError("decision.judge.metrics \(counts.name): counts needs total on both arms (the sample-ratio check reads them)")
        }
        return ArmMetricNames(canary: canary, baseline: baseline)
    }

    /// One look of the judge (see ``AnalysisDecision/look(previous:values:elapsedSeconds:canaryWeight:)``).
    func look(_ state: inout DecisionState, canaryWeight: Double?) throws -> (StatisticalVerdict, DecisionOutcome?) {
        guard let canaryWeight, canaryWeight > 0, canaryWeight < 100 else {
            let weight = canaryWeight.map { "\($0.formatted(significantDigits: 4))%" } ?? "not known"
            return (StatisticalVerdict(decider: .judge, outcome: .hold, reason: "the canary's weight is \(weight), nothing to compare"), nil)
        }
        guard let requests = try requestMetrics() else {
            throw DecisionError("decision.judge.requests: required when no metric is of kind counts")
        }
        var observed: [String: MetricObservation] = [:]
        for metric in metrics {
            let arms = try ArmPair(baseline: metric.baseline, canary: metric.canary).map { arm throws(DecisionError) in
                try arm.fields(for: metric.kind).map { field throws(DecisionError) -> String in
                    guard let name = field.metric else {
                        throw DecisionError("decision.judge.metrics \(metric.name): \(field.field) is required for kind \(metric.kind.rawValue)")
                    }
                    return name
                }
            }
            switch metric.kind {
            case .counts:
                observed[metric.name] = .counts(arms.map { state.eventCounts(events: $0[0], total: $0[1]) })
            case .histogram:
                observed[metric.name] = .histogram(DecisionState.histogramPair(baseline: state.counters.totals(arms.baseline[0]),
                                                                               canary: state.counters.totals(arms.canary[0])))
            case .moments:
                observed[metric.name] = .moments(arms.map {
                    Moments(count: state.count($0[0]), sum: state.counters.total($0[1]), sumOfSquares: state.counters.total($0[2]))
                })
            }
        }
        let configuration = configuration
        var judge = if let stored = state.judge {
            try CanaryJudge(configuration: configuration, state: stored)
        } else {
            try CanaryJudge(configuration: configuration)
        }
        let report = try judge.look(JudgeObservations(
            canaryWeight: canaryWeight, requests: ArmPair(baseline: state.count(requests.baseline), canary: state.count(requests.canary)),
            metrics: observed))
        state.judge = judge.state
        let outcome: DecisionOutcome? = switch report.verdict {
        case .fail: DecisionOutcome(phase: .failed, message: report.reason)
        case .pass: DecisionOutcome(phase: .successful, message: report.reason)
        case .inconclusive, .hold: nil
        }
        return (try report.statisticalVerdict(state: judge.state), outcome)
    }
}
