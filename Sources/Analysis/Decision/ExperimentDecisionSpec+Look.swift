import SluiceAPI

extension ExperimentDecisionSpec {
    /// The experiment's policy. `maxDuration` and the variants' weights come from the
    /// experiment step when the spec leaves them out (the controller fills them in); weights
    /// absent on every variant are equal.
    public func policy() throws(DecisionError) -> ExperimentPolicy {
        guard let maxDuration else {
            throw DecisionError("decision.experiment.maxDuration: not set, and no experiment step's duration filled it in")
        }
        let seconds = try maxDuration.seconds("decision.experiment.maxDuration")
        let weighted = variants.filter { $0.weight != nil }
        if !weighted.isEmpty, weighted.count < variants.count {
            let index = variants.firstIndex { $0.weight == nil } ?? 0
            throw DecisionError("decision.experiment.variants[\(index)].weight: required, as other variants set theirs "
                                + "(set all weights or none for an equal split)")
        }
        let minimum = Int(minimumSamplesPerVariant ?? 100)
        let action: ExperimentPolicy.InconclusiveAction = switch onInconclusive ?? .abort {
        case .abort: .abort
        case .promote: .promote
        case .pause: .pause
        }
        return ExperimentPolicy(
            variants: variants.map { .init(name: $0.name, weight: Double($0.weight ?? 1)) }, higherIsBetter: higherIsBetter ?? true,
            alpha: alpha ?? 0.05, minimumSamplesPerVariant: minimum, plannedSamplesPerVariant: max(10_000, minimum),
            maxDurationSeconds: seconds, inconclusiveAction: action)
    }

    /// One look of the experiment, its age being the run's.
    func look(_ state: inout DecisionState, elapsedSeconds: Double) throws -> (StatisticalVerdict, DecisionOutcome?) {
        let policy = try policy()
        var monitor = if let stored = state.experiment {
            try ExperimentMonitor(policy: policy, state: stored)
        } else {
            try ExperimentMonitor(policy: policy)
        }
        var counts: [String: EventCounts] = [:]
        for variant in variants { counts[variant.name] = state.eventCounts(events: variant.events, total: variant.total) }
        let report = try monitor.look(elapsedSeconds: elapsedSeconds, counts: counts)
        state.experiment = monitor.state
        let control = policy.variants[0].name
        let outcome: DecisionOutcome? = switch report.decision {
        case .winner(let name) where name == control:
            DecisionOutcome(phase: .failed, message: "control \(control) beat "
                            + policy.variants.dropFirst().map(\.name).joined(separator: ", ") + ": "
                            + (report.reason.hasPrefix("\(control) wins: ") ? String(report.reason.dropFirst("\(control) wins: ".count)) : report.reason))
        case .winner: DecisionOutcome(phase: .successful, message: report.reason)
        case .inconclusive(.abort): DecisionOutcome(phase: .failed, message: report.reason)
        case .inconclusive(.promote): DecisionOutcome(phase: .successful, message: report.reason)
        case .inconclusive(.pause): DecisionOutcome(phase: .inconclusive, message: report.reason)
        case .running, .hold: nil
        }
        return (try report.statisticalVerdict(state: monitor.state), outcome)
    }
}
