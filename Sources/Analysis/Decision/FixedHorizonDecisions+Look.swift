import SluiceAPI

/// Shadow and Kayenta decide once, at a horizon fixed in advance (`after`), so their
/// fixed-sample tests are valid; before it they hold.
enum FixedHorizon {
    /// The verdict before the horizon.
    static func hold(_ decider: StatisticalVerdict.Decider, after: Double, now: Double, detail: String? = nil) -> StatisticalVerdict {
        StatisticalVerdict(decider: decider, outcome: .hold,
                           reason: "decides at \(after.secondsText) (now \(now.secondsText))" + (detail.map { "; \($0)" } ?? ""))
    }
}

extension ShadowDecision {
    /// The comparison's policy: the spec's settings with their documented defaults.
    public func policy() throws(DecisionError) -> ShadowPolicy {
        ShadowPolicy(alpha: alpha ?? 0.05, minimumRequests: Int(minimumRequests ?? 500), psiThreshold: psiThreshold ?? 0.25,
                     latencyQuantile: latencyQuantile ?? 0.99,
                     latencyTolerance: try latencyTolerance?.seconds("decision.shadow.latencyTolerance") ?? 0)
    }

    /// One look: before `after` a hold with the counts so far; at or after it, the comparison
    /// of everything counted since the first look.
    func look(_ state: DecisionState, elapsedSeconds: Double) throws -> (StatisticalVerdict, DecisionOutcome?) {
        let after = try after.seconds("decision.shadow.after")
        let errors = ArmPair(baseline: state.eventCounts(events: primary.errors, total: primary.requests),
                             canary: state.eventCounts(events: candidate.errors, total: candidate.requests))
        guard elapsedSeconds >= after else {
            let detail = "so far the primary served \(errors.baseline.total) requests and the candidate \(errors.canary.total)"
            return (FixedHorizon.hold(.shadow, after: after, now: elapsedSeconds, detail: detail), nil)
        }
        var observation = ShadowObservation(errors: errors)
        if let primaryLatency = primary.latency, let candidateLatency = candidate.latency {
            observation.latency = DecisionState.histogramPair(baseline: state.counters.totals(primaryLatency),
                                                              canary: state.counters.totals(candidateLatency))
        }
        if let primaryPredictions = primary.predictions, let candidatePredictions = candidate.predictions {
            let primaryTotals = state.counters.totals(primaryPredictions), candidateTotals = state.counters.totals(candidatePredictions)
            // The classes either side predicted since the first look.
            let classes = Set(primaryTotals.keys).union(candidateTotals.keys)
                .filter { (primaryTotals[$0] ?? 0) + (candidateTotals[$0] ?? 0) > 0 }.sorted()
            observation.predictions = ArmPair(baseline: state.classCounts(primaryPredictions, classes: classes),
                                              canary: state.classCounts(candidatePredictions, classes: classes))
            observation.predictionClasses = classes
        }
        let report = try ShadowComparison.decide(try policy(), observation)
        let outcome = switch report.verdict {
        case .pass: DecisionOutcome(phase: .successful, message: report.reason)
        case .fail: DecisionOutcome(phase: .failed, message: report.reason)
        case .insufficient: DecisionOutcome(phase: .inconclusive, message: report.reason)
        }
        return (report.statisticalVerdict, outcome)
    }
}

extension KayentaDecision {
    /// Kayenta's configuration: the spec's settings with Kayenta's defaults; a metric without
    /// groups scores in a group of its own name.
    public var configuration: KayentaJudge.Configuration {
        let pass = passThreshold ?? 95
        return KayentaJudge.Configuration(
            metrics: metrics.map { metric in
                let size = metric.effectSize
                return KayentaJudge.MetricConfiguration(
                    name: metric.name, groups: metric.groups ?? [metric.name],
                    direction: metric.direction ?? .either,
                    nanStrategy: metric.nanStrategy ?? .remove, critical: metric.critical ?? false,
                    mustHaveData: metric.mustHaveData ?? false, allowedIncrease: size?.allowedIncrease ?? 1,
                    allowedDecrease: size?.allowedDecrease ?? 1, criticalIncrease: size?.criticalIncrease ?? 1,
                    criticalDecrease: size?.criticalDecrease ?? 1)
            },
            groupWeights: groupWeights ?? [:], passThreshold: pass, marginalThreshold: marginalThreshold ?? min(75, pass))
    }

    /// One look: before `after` a hold; at or after it, the judgement of this look's series.
    func look(series: [String: [Double]], elapsedSeconds: Double) throws -> (StatisticalVerdict, DecisionOutcome?) {
        let after = try after.seconds("decision.kayenta.after")
        guard elapsedSeconds >= after else { return (FixedHorizon.hold(.kayenta, after: after, now: elapsedSeconds), nil) }
        var values: [String: ArmPair<[Double]>] = [:]
        for metric in metrics {
            values[metric.name] = ArmPair(baseline: series[metric.baseline] ?? [], canary: series[metric.canary] ?? [])
        }
        let result = try KayentaJudge.judge(configuration, values: values)
        let reason = result.reason ?? result.classification.rawValue
        let message = reason.hasPrefix("score ") ? "Kayenta \(reason)"
            : "Kayenta score \(result.score.formatted(significantDigits: 4)): \(reason)"
        let outcome = switch result.classification {
        case .pass: DecisionOutcome(phase: .successful, message: message)
        case .fail: DecisionOutcome(phase: .failed, message: message)
        case .marginal: DecisionOutcome(phase: .inconclusive, message: message)
        }
        return (result.statisticalVerdict, outcome)
    }
}
