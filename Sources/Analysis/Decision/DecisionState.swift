import SluiceAPI

/// A decision's running evidence between looks, kept in the run's status as
/// `verdict.state` (JSON text, see ``StatisticalVerdict/decodedState(as:)``): the counters
/// since the first look, the recent totals the SLO guard's windows need, and the statistical
/// state of its kind.
public struct DecisionState: Sendable, Hashable, Codable {
    /// The kind the state belongs to; a state of another kind is refused.
    public var kind: StatisticalVerdict.Decider
    /// Looks taken (not counting looks that failed).
    public var looks = 0
    /// The run's age, in seconds, at the first look: where the counts start, and the SLO
    /// guard's clock.
    public var originSeconds: Double?
    /// The counters read since the first look.
    public var counters = CounterAccumulator()
    /// SLO guard: totals at recent looks, oldest first (its time since the first look), as far
    /// back as the long window needs.
    public var history: [TimedSnapshot] = []
    /// The state of the kind's statistics.
    public var judge: JudgeState?
    public var sloGuard: SLOGuardState?
    public var experiment: ExperimentState?
    /// Looks in a row that could not be taken (a measurement of the wrong shape, a bad
    /// observation); reset by one that succeeds.
    public var consecutiveErrors = 0

    public init(kind: StatisticalVerdict.Decider) {
        self.kind = kind
    }

    /// Totals over the `seconds` before `now` (seconds since the first look): `current` minus
    /// the latest remembered totals at or before `now − seconds`, or the oldest remembered when
    /// none is that old (the window then spans everything since).
    func windowTotals(_ seconds: Double, now: Double, current: CounterSnapshot) -> CounterSnapshot {
        let base = history.last { $0.elapsedSeconds <= now - seconds } ?? history.first
        guard let base else { return current }
        var window: CounterSnapshot = [:]
        for (metric, keys) in current {
            let before = base.totals[metric] ?? [:]
            window[metric] = keys.reduce(into: [:]) { $0[$1.key] = max(0, $1.value - (before[$1.key] ?? 0)) }
        }
        return window
    }

    /// Remembers `totals` at `now`, keeping only what a window of `longest` seconds will still
    /// need: the latest at or before `now − longest` and everything after it.
    mutating func remember(_ totals: CounterSnapshot, at now: Double, longest: Double) {
        history.append(TimedSnapshot(elapsedSeconds: now, totals: totals))
        let cutoff = now - longest
        while history.count >= 2, history[1].elapsedSeconds <= cutoff { history.removeFirst() }
    }
}

/// The counters' totals at one look.
public struct TimedSnapshot: Sendable, Hashable, Codable {
    /// Seconds since the decision's first look.
    public var elapsedSeconds: Double
    public var totals: CounterSnapshot

    public init(elapsedSeconds: Double, totals: CounterSnapshot) {
        self.elapsedSeconds = elapsedSeconds
        self.totals = totals
    }
}
