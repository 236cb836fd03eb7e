import SluiceAPI

extension SLOGuardDecision {
    /// One look of the guard: its counts since the first look and over the long and short
    /// windows, from the totals remembered at earlier looks; its clock starts at the first look.
    func look(_ state: inout DecisionState, elapsedSeconds: Double) throws -> (StatisticalVerdict, DecisionOutcome?) {
        let policy = try SLOGuardPolicy(objectives)
        var monitor = if let stored = state.sloGuard {
            try SLOGuardMonitor(policy: policy, state: stored)
        } else {
            try SLOGuardMonitor(policy: policy)
        }
        let now = elapsedSeconds - (state.originSeconds ?? elapsedSeconds)
        let current = state.counters.snapshot
        let spans = [current, state.windowTotals(policy.longWindowSeconds, now: now, current: current),
                     state.windowTotals(policy.shortWindowSeconds, now: now, current: current)]
        func windows<Value>(_ read: (CounterSnapshot) -> Value) -> SLOWindows<Value> {
            SLOWindows(sinceStart: read(spans[0]), longWindow: read(spans[1]), shortWindow: read(spans[2]))
        }
        let total = { (totals: CounterSnapshot, metric: String) in DecisionState.whole((totals[metric] ?? [:]).values.reduce(0, +)) }
        let errorWindows = errors.map { errors in
            windows { totals in
                let requests = total(totals, self.requests)
                return EventCounts(events: min(total(totals, errors), requests), total: requests)
            }
        }
        // Before the first request the histogram has no buckets: bounds at the thresholds, empty.
        let thresholds = policy.objectives.compactMap { objective -> Double? in
            if case .latency(let threshold) = objective.kind { return threshold }
            return nil
        }
        let empty = CumulativeHistogram(upperBounds: Array(Set(thresholds)).sorted() + [.infinity],
                                        cumulativeCounts: Array(repeating: 0, count: Set(thresholds).count + 1))
        let latencyWindows = latency.map { latency in windows { DecisionState.histogram($0[latency] ?? [:]) ?? empty } }

        let report = try monitor.look(SLOObservation(elapsedSeconds: now, errors: errorWindows, latency: latencyWindows))
        state.sloGuard = monitor.state
        state.remember(current, at: now, longest: policy.longWindowSeconds)
        let outcome = report.decision == .breach ? DecisionOutcome(phase: .failed, message: report.reason) : nil
        return (try report.statisticalVerdict(state: monitor.state), outcome)
    }
}
