import SluiceAPI
import Statistics

/// The SLO guard's objectives and rule: what fraction of the canary's requests may be bad
/// (errors, or slower than a latency threshold), and how fast a breach is called.
public struct SLOGuardPolicy: Sendable, Hashable, Codable {
    /// One objective: at most `maximumBadRatio` of the requests may be bad.
    public struct Objective: Sendable, Hashable, Codable {
        /// What makes a request bad.
        public enum Kind: Sendable, Hashable, Codable {
            /// A failed request.
            case errors
            /// A request slower than the threshold, in seconds.
            case latency(thresholdSeconds: Double)
        }

        /// The field that set it (`errorRate`, `latencyP95`, `latencyP99`), for reasons.
        public var name: String
        public var kind: Kind
        /// In (0, 1): 0.01 for `errorRate: 0.01` and for a p99 objective.
        public var maximumBadRatio: Double

        public init(name: String, kind: Kind, maximumBadRatio: Double) {
            self.name = name
            self.kind = kind
            self.maximumBadRatio = maximumBadRatio
        }
    }

    public var objectives: [Objective]
    /// Requests the canary must have served before the guard decides.
    public var minimumRequests: Int
    /// Breach when the bad ratio is more than this many times the objective (1: any excess).
    public var burnRateThreshold: Double
    /// The burn-rate windows. Shorter than the SRE workbook's hour and five minutes: the
    /// sequential test supplies the significance the long window gives there, and a canary
    /// must be stopped in seconds. The long window bounds how fast a canary that degrades late
    /// is caught (its bad ratio must rise above the alarm ratio over the whole window); both
    /// must span a few scrape intervals of the Prometheus the counts come from.
    public var longWindowSeconds: Double
    public var shortWindowSeconds: Double
    /// How often the sequential test restarts, so that clean history does not slow the
    /// detection of a canary that degrades late.
    public var restartSeconds: Double
    /// Chance, over the whole canary, of a false breach of a canary within its objectives
    /// (split equally between the objectives).
    public var alpha: Double
    /// Requests the sequential test's mixture is tuned for.
    public var plannedRequests: Double

    public init(objectives: [Objective], minimumRequests: Int = 100, burnRateThreshold: Double = 1,
                longWindowSeconds: Double = 60, shortWindowSeconds: Double = 15, restartSeconds: Double = 30,
                alpha: Double = 0.05, plannedRequests: Double = 1_000) {
        self.objectives = objectives
        self.minimumRequests = minimumRequests
        self.burnRateThreshold = burnRateThreshold
        self.longWindowSeconds = longWindowSeconds
        self.shortWindowSeconds = shortWindowSeconds
        self.restartSeconds = restartSeconds
        self.alpha = alpha
        self.plannedRequests = plannedRequests
    }

    /// The policy of a Rollout's `canary.slo`: `errorRate` is the bad ratio of errors,
    /// `latencyP95` (`latencyP99`) allows 5% (1%) of requests above it, `minRequests` (100 when
    /// absent) the minimum; windows and levels are the defaults above.
    public init(_ slo: SLOGuard) throws {
        var objectives: [Objective] = []
        if let rate = slo.errorRate { objectives.append(Objective(name: "errorRate", kind: .errors, maximumBadRatio: rate)) }
        for (name, duration, ratio) in [("latencyP95", slo.latencyP95, 0.05), ("latencyP99", slo.latencyP99, 0.01)] {
            guard let duration else { continue }
            let parsed: Duration
            switch duration.parsed() {
            case .success(let value): parsed = value
            case .failure(let error): throw JudgeError.invalidConfiguration(field: "slo.\(name)", reason: "\(error)")
            }
            let seconds = Double(parsed.components.seconds) + Double(parsed.components.attoseconds) / 1e18
            objectives.append(Objective(name: name, kind: .latency(thresholdSeconds: seconds), maximumBadRatio: ratio))
        }
        self.init(objectives: objectives, minimumRequests: Int(slo.minRequests ?? 100))
        try validate()
    }

    /// Throws `JudgeError.invalidConfiguration` naming the first bad field.
    public func validate() throws {
        try JudgeError.require(!objectives.isEmpty, "slo", "must set at least one objective")
        for (index, objective) in objectives.enumerated() {
            try JudgeError.requireOpenUnit(objective.maximumBadRatio, "slo.\(objective.name)")
            try JudgeError.require(objective.maximumBadRatio * burnRateThreshold < 1, "slo.\(objective.name)",
                                   "objective × burnRateThreshold must be below 1, got \(objective.maximumBadRatio * burnRateThreshold)")
            if case .latency(let threshold) = objective.kind {
                try JudgeError.require(threshold.isFinite && threshold > 0, "slo.\(objective.name)",
                                       "latency threshold must be positive, got \(threshold) s")
            }
            try JudgeError.require(!objectives[..<index].contains { $0.name == objective.name }, "slo.\(objective.name)",
                                   "appears twice")
        }
        try JudgeError.require(minimumRequests >= 1, "slo.minRequests", "must be ≥ 1, got \(minimumRequests)")
        try JudgeError.require(burnRateThreshold.isFinite && burnRateThreshold >= 1, "burnRateThreshold",
                               "must be ≥ 1, got \(burnRateThreshold)")
        try JudgeError.require(shortWindowSeconds > 0 && shortWindowSeconds < longWindowSeconds && longWindowSeconds.isFinite,
                               "shortWindowSeconds", "must be > 0 and below longWindowSeconds (\(longWindowSeconds)), got \(shortWindowSeconds)")
        try JudgeError.require(restartSeconds.isFinite && restartSeconds > 0, "restartSeconds", "must be > 0, got \(restartSeconds)")
        try JudgeError.requireOpenUnit(alpha, "alpha")
        try JudgeError.require(alpha < 0.5, "alpha", "must be below 0.5, got \(alpha)")
        try JudgeError.require(plannedRequests >= 100, "plannedRequests", "must be ≥ 100, got \(plannedRequests)")
    }
}

/// Counts of one stream of the canary over three spans: since the guard started (cumulative, for
/// the sequential test) and over the long and short burn-rate windows.
public struct SLOWindows<Value: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var sinceStart: Value
    public var longWindow: Value
    public var shortWindow: Value

    public init(sinceStart: Value, longWindow: Value, shortWindow: Value) {
        self.sinceStart = sinceStart
        self.longWindow = longWindow
        self.shortWindow = shortWindow
    }
}

/// What the guard observes of the canary's own pods at a look.
public struct SLOObservation: Sendable, Hashable, Codable {
    /// Seconds since the guard started (non-decreasing across looks).
    public var elapsedSeconds: Double
    /// Errors out of requests; required when an error objective is set.
    public var errors: SLOWindows<EventCounts>?
    /// Latency histograms; required when a latency objective is set.
    public var latency: SLOWindows<CumulativeHistogram>?

    public init(elapsedSeconds: Double, errors: SLOWindows<EventCounts>? = nil, latency: SLOWindows<CumulativeHistogram>? = nil) {
        self.elapsedSeconds = elapsedSeconds
        self.errors = errors
        self.latency = latency
    }
}

/// The guard's decision at a look.
public enum SLODecision: String, Sendable, Hashable, Codable {
    /// An objective is breached: abort.
    case breach = "Breach"
    /// Every objective holds as far as the data show.
    case ok = "OK"
    /// Too few requests to decide.
    case insufficient = "Insufficient"
}

/// One objective at a look.
public struct SLOObjectiveReport: Sendable, Hashable, Codable {
    public var name: String
    public var maximumBadRatio: Double
    /// Bad requests over the windows.
    public var longWindow: EventCounts
    public var shortWindow: EventCounts
    public var longBurnRate: Double
    public var shortBurnRate: Double
    /// Both windows burn faster than the threshold.
    public var burning: Bool
    /// Smallest always-valid p-value of the running sequential tests, and the level it is held to.
    public var pValue: Double
    public var level: Double
    /// The sequential test has shown the bad ratio above objective × threshold.
    public var significant: Bool
    public var breached: Bool
    /// For latency: the bucket bound used as the threshold (the smallest ≥ the objective's).
    public var latencyBound: Double?
}

/// The guard's answer at a look.
public struct SLOGuardReport: Sendable, Hashable, Codable {
    public var decision: SLODecision
    /// Names the objective and the figures.
    public var reason: String
    public var objectives: [SLOObjectiveReport]
}

/// The guard's running state: per objective, the totals at the previous look and at most two
/// sequential tests. O(1).
public struct SLOGuardState: Sendable, Hashable, Codable {
    struct EpochTest: Sendable, Hashable, Codable {
        var epoch: Int
        var test: ErrorRatioSPRT
    }

    struct ObjectiveState: Sendable, Hashable, Codable {
        var previous: EventCounts?
        var tests: [EpochTest] = []
    }

    public internal(set) var looks = 0
    var lastElapsedSeconds = 0.0
    var objectives: [ObjectiveState]
}

/// The SLO guard on the canary's own pods: a breach needs both a multi-window burn rate and
/// statistical evidence, so it aborts within seconds of real trouble and never on a handful of
/// requests.
///
/// Per objective (bad ratio at most r, burn-rate threshold b, so the alarm ratio is p* = b·r):
/// - **Burning** (`MultiWindowBurnRateAlert`): the bad ratio over the long window and over the
///   short window both exceed p* — the problem is big enough and still happening.
/// - **Significant** (`ErrorRatioSPRT`, one-sided Beta-mixture SPRT of H₀: ratio ≤ p*, exact
///   for small counts): 1 bad request in 3 is burning but is not evidence. To catch a canary
///   that degrades late nearly as fast as one that starts bad, the test restarts every
///   `restartSeconds`: the test started in period j (from 1) runs on the requests from then on
///   at level α_j = α/k · 6/(π² j²) (k objectives), so by the union bound the chance that any
///   test ever rejects a canary within its objective is ≤ α. Only the tests of the current and
///   the previous period are kept (dropping a test only removes chances of a false breach). The
///   level falls slowly (after an hour of 30 s periods, log(1/α_j) is about 12 instead of 3),
///   and a real breach adds evidence fast (5% errors against 1% at 200 requests/s: about 8
///   nats a second), so late breaches still take seconds.
/// - **Breach** = burning ∧ significant, once the canary has served `minimumRequests`.
///
/// Latency objectives count the requests above the smallest bucket bound ≥ the threshold as bad
/// (never blaming a request that may have met the objective), and say which bound was used.
public struct SLOGuardMonitor: Sendable {
    public let policy: SLOGuardPolicy
    public private(set) var state: SLOGuardState

    public init(policy: SLOGuardPolicy) throws {
        try policy.validate()
        self.policy = policy
        state = SLOGuardState(objectives: policy.objectives.map { _ in SLOGuardState.ObjectiveState() })
    }

    /// Resumes from a stored state of the same policy.
    public init(policy: SLOGuardPolicy, state: SLOGuardState) throws {
        try policy.validate()
        guard state.objectives.count == policy.objectives.count else {
            throw JudgeError.stateMismatch("policy has \(policy.objectives.count) objectives, state \(state.objectives.count)")
        }
        self.policy = policy
        self.state = state
    }

    /// Level of the test started in period `epoch` (from 1).
    func level(epoch: Int) -> Double {
        policy.alpha / Double(policy.objectives.count) * 6 / (Double.pi * Double.pi * Double(epoch * epoch))
    }

    /// Takes one look. On error, the state is unchanged.
    public mutating func look(_ observation: SLOObservation) throws -> SLOGuardReport {
        let elapsed = observation.elapsedSeconds
        guard elapsed.isFinite, elapsed >= state.lastElapsedSeconds else {
            throw JudgeError.invalidObservation(
                "elapsedSeconds must be finite and non-decreasing, got \(elapsed) after \(state.lastElapsedSeconds)")
        }
        var next = state
        next.looks += 1
        next.lastElapsedSeconds = elapsed
        let epoch = Int(elapsed / policy.restartSeconds) + 1
        var reports: [SLOObjectiveReport] = []
        var served = Int.max
        for (index, objective) in policy.objectives.enumerated() {
            let (counts, bound) = try Self.badCounts(objective, observation)
            served = min(served, counts.sinceStart.total)
            var objectiveState = next.objectives[index]
            let before = objectiveState.previous ?? EventCounts(events: 0, total: 0)
            let increment = EventCounts(events: counts.sinceStart.events - before.events, total: counts.sinceStart.total - before.total)
            guard increment.events >= 0, increment.total >= increment.events else {
                throw JudgeError.invalidObservation(
                    "\(objective.name): counts since start went from \(before.events)/\(before.total) to \(counts.sinceStart.events)/\(counts.sinceStart.total); they must be totals since the guard started")
            }
            let alarmRatio = objective.maximumBadRatio * policy.burnRateThreshold
            try JudgeError.naming(objective.name) {
                if !objectiveState.tests.contains(where: { $0.epoch == epoch }) {
                    objectiveState.tests.append(.init(epoch: epoch, test: try ErrorRatioSPRT(
                        threshold: alarmRatio, alpha: level(epoch: epoch), plannedRequests: policy.plannedRequests)))
                }
                objectiveState.tests = Array(objectiveState.tests.filter { $0.epoch >= epoch - 1 }.suffix(2))
                for i in objectiveState.tests.indices {
                    try objectiveState.tests[i].test.update(errors: increment.events, requests: increment.total)
                }
            }
            objectiveState.previous = counts.sinceStart
            next.objectives[index] = objectiveState

            let alert = try JudgeError.naming(objective.name) {
                try MultiWindowBurnRateAlert(sloTarget: 1 - objective.maximumBadRatio, threshold: policy.burnRateThreshold,
                                             longWindowSeconds: policy.longWindowSeconds, shortWindowSeconds: policy.shortWindowSeconds)
                    .evaluate(longErrors: counts.longWindow.events, longRequests: counts.longWindow.total,
                              shortErrors: counts.shortWindow.events, shortRequests: counts.shortWindow.total)
            }
            // The test closest to its level speaks for the objective.
            let strongest = objectiveState.tests.min { $0.test.pValue / $0.test.alpha < $1.test.pValue / $1.test.alpha }!
            let significant = objectiveState.tests.contains { $0.test.breached }
            reports.append(SLOObjectiveReport(
                name: objective.name, maximumBadRatio: objective.maximumBadRatio, longWindow: counts.longWindow,
                shortWindow: counts.shortWindow, longBurnRate: alert.longBurnRate, shortBurnRate: alert.shortBurnRate,
                burning: alert.firing, pValue: strongest.test.pValue, level: strongest.test.alpha, significant: significant,
                breached: alert.firing && significant && counts.sinceStart.total >= policy.minimumRequests, latencyBound: bound))
        }
        state = next
        return Self.report(reports, served: served, policy: policy)
    }

    /// Bad requests of `objective` over the three spans, and the latency bound used.
    static func badCounts(_ objective: SLOGuardPolicy.Objective, _ observation: SLOObservation) throws
        -> (SLOWindows<EventCounts>, Double?) {
        switch objective.kind {
        case .errors:
            guard let errors = observation.errors else {
                throw JudgeError.invalidObservation("\(objective.name): the observation has no error counts")
            }
            for (value, span) in [(errors.sinceStart, "since start"), (errors.longWindow, "long window"), (errors.shortWindow, "short window")] {
                try value.validate("\(objective.name), \(span)")
            }
            return (errors, nil)
        case .latency(let threshold):
            guard let latency = observation.latency else {
                throw JudgeError.invalidObservation("\(objective.name): the observation has no latency histograms")
            }
            var bound: Double?
            func slow(_ histogram: CumulativeHistogram, _ span: String) throws -> EventCounts {
                try histogram.validate("\(objective.name), \(span)")
                guard let above = histogram.count(above: threshold) else {
                    throw JudgeError.invalidObservation(
                        "\(objective.name): no finite bucket bound ≥ the threshold \(threshold) s in \(histogram.upperBounds)")
                }
                bound = above.bound
                return EventCounts(events: above.count, total: histogram.count)
            }
            let windows = SLOWindows(sinceStart: try slow(latency.sinceStart, "since start"),
                                     longWindow: try slow(latency.longWindow, "long window"),
                                     shortWindow: try slow(latency.shortWindow, "short window"))
            return (windows, bound)
        }
    }

    static func report(_ reports: [SLOObjectiveReport], served: Int, policy: SLOGuardPolicy) -> SLOGuardReport {
        let f = { (value: Double) in value.formatted(significantDigits: 3) }
        func describe(_ report: SLOObjectiveReport) -> String {
            let what = report.latencyBound.map { "requests slower than \(f($0)) s" } ?? "errors"
            return "\(report.name): \(what) \(f(100 * report.longWindow.ratio))% (\(report.longWindow.events) of "
                + "\(report.longWindow.total)) over \(f(policy.longWindowSeconds)) s and \(f(100 * report.shortWindow.ratio))% "
                + "(\(report.shortWindow.events) of \(report.shortWindow.total)) over \(f(policy.shortWindowSeconds)) s against "
                + "the objective \(f(100 * report.maximumBadRatio))% (burn rates \(f(report.longBurnRate)) and "
                + "\(f(report.shortBurnRate)), threshold \(f(policy.burnRateThreshold))); sequential test p = \(f(report.pValue)) "
                + "(level \(f(report.level)))"
        }
        let breached = reports.filter(\.breached)
        if !breached.isEmpty {
            return SLOGuardReport(decision: .breach, reason: "SLO breached: " + breached.map(describe).joined(separator: "; "),
                                  objectives: reports)
        }
        if served < policy.minimumRequests {
            return SLOGuardReport(decision: .insufficient,
                                  reason: "the canary has served \(served) of the \(policy.minimumRequests) requests the SLO guard needs",
                                  objectives: reports)
        }
        return SLOGuardReport(decision: .ok, reason: "within SLO: " + reports.map(describe).joined(separator: "; "), objectives: reports)
    }
}
