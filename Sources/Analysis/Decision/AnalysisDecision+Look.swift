import SluiceAPI

/// How a look ends the run.
public struct DecisionOutcome: Sendable, Hashable {
    /// Successful, Failed, Inconclusive, or Error (looks that kept failing).
    public var phase: AnalysisPhase
    /// Why, naming the metric, objective or variant: the run's `message`.
    public var message: String

    public init(phase: AnalysisPhase, message: String) {
        self.phase = phase
        self.message = message
    }
}

/// One look's answer: the verdict to record (carrying the new state as `verdict.state`), the
/// state itself, and the run's end if the look decided it.
public struct DecisionLook: Sendable, Hashable {
    public var verdict: StatisticalVerdict
    public var state: DecisionState
    /// Nil while the run keeps measuring.
    public var outcome: DecisionOutcome?
}

extension AnalysisDecision {
    /// Takes one look: the measurements of this look (`values`, by metric name; cumulative
    /// counters, or series for Kayenta), the run's age and the canary's configured weight, and
    /// the state the previous look left (nil at the first). Pure.
    ///
    /// What ends the run:
    /// - **judge**: Fail → Failed, Pass → Successful; otherwise it keeps looking (a hold, such
    ///   as a sample-ratio mismatch, is in the verdict's reason). Without a weight strictly
    ///   between 0 and 100 there is nothing to compare: the look holds, and the traffic until
    ///   then does not count.
    /// - **sloGuard**: a breach → Failed, naming the objective; never Successful.
    /// - **experiment**: the control wins → Failed; another variant wins → Successful; at
    ///   `maxDuration` (the run's age) without a winner, `onInconclusive`: abort → Failed,
    ///   promote → Successful, pause → Inconclusive.
    /// - **shadow** and **kayenta** decide once, at the first look at or after `after` (a
    ///   fixed horizon): Pass → Successful, Fail → Failed, too little data (shadow) or Marginal
    ///   (Kayenta) → Inconclusive. Before that they hold.
    ///
    /// Throws when a measurement has the wrong shape, a setting is missing, the stored state
    /// is of another kind, or the statistics refuse the data; the caller keeps `previous`.
    public func look(previous: DecisionState?, values: [String: MeasurementValue], elapsedSeconds: Double,
                     canaryWeight: Double?) throws(DecisionError) -> DecisionLook {
        let kind = try decider()
        var state = previous ?? DecisionState(kind: kind)
        guard state.kind == kind else {
            throw DecisionError("the stored decision state is of kind \(state.kind.rawValue), but the decision is \(kind.rawValue)")
        }
        guard elapsedSeconds.isFinite, elapsedSeconds >= 0 else {
            throw DecisionError("the run's age must be a finite number of seconds >= 0, got \(elapsedSeconds)")
        }

        // Every measurement is read before anything changes, so a bad one leaves the state as it was.
        var raw: [String: [String: Double]] = [:]
        var series: [String: [Double]] = [:]
        for (metric, reading) in try readings() {
            guard let value = values[metric] else { throw DecisionError("metric \(metric): no measurement at this look") }
            if reading == .series {
                series[metric] = try value.seriesValues(metric: metric)
            } else {
                raw[metric] = try value.counterValues(as: reading, metric: metric)
            }
        }
        let comparable = canaryWeight.map { $0 > 0 && $0 < 100 } ?? false
        for (metric, values) in raw.sorted(by: { $0.key < $1.key }) {
            state.counters.observe(metric, raw: values, counting: kind != .judge || comparable)
        }
        state.originSeconds = state.originSeconds ?? elapsedSeconds
        state.looks += 1
        state.consecutiveErrors = 0

        var (verdict, outcome) = try DecisionError.wrapping { () throws -> (StatisticalVerdict, DecisionOutcome?) in
            if let judge { return try judge.look(&state, canaryWeight: canaryWeight) }
            if let sloGuard { return try sloGuard.look(&state, elapsedSeconds: elapsedSeconds) }
            if let experiment { return try experiment.look(&state, elapsedSeconds: elapsedSeconds) }
            if let shadow { return try shadow.look(state, elapsedSeconds: elapsedSeconds) }
            guard let kayenta else { throw DecisionError("decision: no kind set") }
            return try kayenta.look(series: series, elapsedSeconds: elapsedSeconds)
        }
        verdict.looks = Int64(state.looks)
        verdict.state = try DecisionError.wrapping { try StatisticalVerdict.encodedState(state) }
        return DecisionLook(verdict: verdict, state: state, outcome: outcome)
    }

    /// The kind set, as the verdict names it.
    func decider() throws(DecisionError) -> StatisticalVerdict.Decider {
        let kinds = kindsSet
        guard kinds.count == 1, let kind = kinds.first.flatMap(StatisticalVerdict.Decider.init(rawValue:)) else {
            throw DecisionError("decision: must set exactly one of judge, kayenta, sloGuard, experiment, shadow; got "
                                + (kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))
        }
        return kind
    }

    /// Each metric the decision reads, and how, in the order the decision names them.
    func readings() throws(DecisionError) -> [(metric: String, reading: DecisionReading)] {
        var reads: [(String, DecisionReading)] = []
        if let judge {
            if let requests = try judge.requestMetrics() { reads += [(requests.canary, .count), (requests.baseline, .count)] }
            for metric in judge.metrics {
                for arm in [metric.canary, metric.baseline] {
                    let reading: DecisionReading = metric.kind == .histogram ? .histogram : .count
                    reads += arm.fields(for: metric.kind).compactMap(\.metric).map { ($0, reading) }
                }
            }
        }
        if let kayenta { reads += kayenta.metrics.flatMap { [($0.canary, .series), ($0.baseline, .series)] } }
        if let sloGuard {
            reads.append((sloGuard.requests, .count))
            if let errors = sloGuard.errors { reads.append((errors, .count)) }
            if let latency = sloGuard.latency { reads.append((latency, .histogram)) }
        }
        if let experiment { reads += experiment.variants.flatMap { [($0.events, .count), ($0.total, .count)] } }
        if let shadow {
            for arm in [shadow.primary, shadow.candidate] {
                reads += [(arm.requests, .count), (arm.errors, .count)]
                if let latency = arm.latency { reads.append((latency, .histogram)) }
                if let predictions = arm.predictions { reads.append((predictions, .classes(label: shadow.classLabel ?? "class"))) }
            }
        }
        var seen: [String: DecisionReading] = [:]
        var unique: [(metric: String, reading: DecisionReading)] = []
        for (metric, reading) in reads {
            if let earlier = seen[metric] {
                guard earlier == reading else {
                    throw DecisionError("metric \(metric) is read both as \(earlier.noun) and as \(reading.noun); use one metric for each")
                }
                continue
            }
            seen[metric] = reading
            unique.append((metric, reading))
        }
        return unique
    }
}

// MARK: Reading the counters

extension DecisionState {
    /// `metric`'s total as a whole count.
    func count(_ metric: String) -> Int { Self.whole(counters.total(metric)) }

    /// Events out of requests, since the first look. Events are capped at the requests: the two
    /// queries run a moment apart, so the events can be a scrape ahead.
    func eventCounts(events: String, total: String) -> EventCounts {
        let requests = count(total)
        return EventCounts(events: min(count(events), requests), total: requests)
    }

    /// Counts by class since the first look, in the order of `classes`.
    func classCounts(_ metric: String, classes: [String]) -> [Int] {
        let totals = counters.totals(metric)
        return classes.map { Self.whole(totals[$0] ?? 0) }
    }

    static func whole(_ value: Double) -> Int {
        value >= Double(Int.max) ? Int.max : Int(value.rounded())
    }

    /// A histogram of totals by `le` text: bounds ascending (equal bounds written differently
    /// summed), counts made non-decreasing as `histogram_quantile` does (independent resets can
    /// leave a bucket a little behind). Nil without buckets.
    static func histogram(_ totals: [String: Double]) -> CumulativeHistogram? {
        var byBound: [Double: Double] = [:]
        for (text, total) in totals {
            guard let bound = MeasurementValue.bucketBound(text) else { continue }
            byBound[bound, default: 0] += total
        }
        guard !byBound.isEmpty else { return nil }
        let sorted = byBound.sorted { $0.key < $1.key }
        var running = 0
        let counts = sorted.map { entry -> Int in
            running = max(running, whole(entry.value))
            return running
        }
        return CumulativeHistogram(upperBounds: sorted.map(\.key), cumulativeCounts: counts)
    }

    /// Both arms' histograms on the same buckets: an arm without any yet gets the other's
    /// buckets, empty; neither → one empty +Inf bucket each.
    static func histogramPair(baseline: [String: Double], canary: [String: Double]) -> ArmPair<CumulativeHistogram> {
        let empty = { (other: CumulativeHistogram?) in
            CumulativeHistogram(upperBounds: other?.upperBounds ?? [.infinity],
                                cumulativeCounts: Array(repeating: 0, count: other?.upperBounds.count ?? 1))
        }
        let b = histogram(baseline), c = histogram(canary)
        return ArmPair(baseline: b ?? empty(c), canary: c ?? empty(b))
    }
}

extension DurationString {
    /// The duration in seconds; throws naming `field` when it does not parse.
    func seconds(_ field: String) throws(DecisionError) -> Double {
        switch parsed() {
        case .success(let duration):
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        case .failure(let error):
            throw DecisionError("\(field): \(error)")
        }
    }
}

extension Double {
    /// Seconds as the verdicts write them: `60s`, `12.5s`.
    var secondsText: String { "\(formatted(significantDigits: 4))s" }
}
