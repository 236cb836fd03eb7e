import Foundation
import SluiceAPI

/// One reconcile of an AnalysisRun: takes the measurements due now through the providers,
/// records and assesses them, and says when to look again. The only part of this module
/// that composes I/O (providers, Secrets) with the pure assessment; the controller writes
/// the returned status and requeues the run at ``Step/nextCheck``.
///
/// ```swift
/// let step = await stepper.step(run, now: clock.now)
/// if step.status != run.status { try await runs.updateStatus(run with step.status) }
/// if let next = step.nextCheck { requeue(after: next - now) }
/// ```
public struct AnalysisRunStepper: Sendable {
    /// The new status and when the run next needs attention (nil once it is complete).
    public struct Step: Sendable, Hashable {
        public var status: AnalysisRunStatus
        public var nextCheck: Date?
    }

    public var providers: MetricProviders
    public var secrets: any SecretReader
    public var historyLimit: Int

    public init(providers: MetricProviders, secrets: any SecretReader, historyLimit: Int = MetricAssessment.defaultHistoryLimit) {
        self.providers = providers
        self.secrets = secrets
        self.historyLimit = historyLimit
    }

    /// Advances `run` at `now`. Never throws: every failure becomes an Error measurement.
    /// Measurements of different metrics run concurrently. `context` carries what a
    /// statistical decision needs from outside the run (the canary's configured weight).
    ///
    /// With a `spec.decision`, a step that measured every metric the decision reads takes a
    /// look (``SluiceAPI/AnalysisDecision/look(previous:values:elapsedSeconds:canaryWeight:)``),
    /// records `status.verdict`, and ends the run with the phase and message of the decision's
    /// outcome, if any. The metrics still win: one that failed, or errored past its
    /// `consecutiveErrorLimit`, ends the run as without a decision.
    public func step(_ run: AnalysisRun, now: Date, context decisionContext: DecisionContext = DecisionContext()) async -> Step {
        let spec = run.spec
        var status = run.status ?? AnalysisRunStatus()
        if status.phase?.isCompleted == true { return Step(status: status, nextCheck: nil) }
        if status.startedAt == nil { status.startedAt = Timestamp(now) }
        if status.phase == nil || status.phase == .pending { status.phase = .running }
        let namespace = run.metadata.namespace ?? "default"
        let runName = run.metadata.name ?? ""

        let arguments: Result<ResolvedArguments, MeasurementError>
        do {
            arguments = .success(try await ResolvedArguments.resolve(spec.args, namespace: namespace, secrets: secrets))
        } catch {
            arguments = .failure(error)
        }
        let results = Dictionary((status.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        let context = { (metric: Metric) in
            MeasurementContext(namespace: namespace, runName: runName, runUID: run.metadata.uid,
                               measurementIndex: Self.measurementsStarted(results[metric.name]), secrets: secrets,
                               arguments: (try? arguments.get()) ?? ResolvedArguments())
        }

        // Take what is due now, all metrics at once.
        let due = MeasurementSchedule.metricsDue(spec, status, now: now)
        let decisionMetrics = Set(spec.decision?.metricNames ?? [])
        let taken = await withTaskGroup(of: (String, Taken).self) { group in
            for metric in due {
                let inFlight = results[metric.name]?.measurements?.last.flatMap { $0.phase.isCompleted ? nil : $0 }
                let metricContext = context(metric)
                let readByDecision = decisionMetrics.contains(metric.name)
                group.addTask {
                    (metric.name, await measure(metric, inFlight: inFlight, arguments: arguments, context: metricContext, now: now,
                                                readByDecision: readByDecision))
                }
            }
            var taken: [String: Taken] = [:]
            for await (name, measurement) in group { taken[name] = measurement }
            return taken
        }
        status.metricResults = Self.record(taken.mapValues(\.measurement), in: spec, status, historyLimit: historyLimit)

        // The decision looks when every metric it reads was measured now. A run already
        // ending (a metric failed or errored past its limit) ends as the metrics say.
        var look: DecisionStep?
        if let decision = spec.decision, !RunAssessment.isTerminating(spec, status) {
            let values = decision.metricNames.compactMap { name in taken[name]?.value.map { (name, $0) } }
            if let unmeasured = Self.unmeasured(decision, in: spec) {
                // It would wait for that metric forever.
                look = unmeasured
            } else if !values.isEmpty, values.count == decision.metricNames.count {
                look = Self.decide(decision, in: spec, status, values: Dictionary(values, uniquingKeysWith: { $1 }), now: now,
                                   canaryWeight: decisionContext.canaryWeight)
                status.verdict = look?.verdict
            }
        }
        var ending = spec
        if look?.outcome != nil { ending.terminate = true }

        // A run that is ending stops what is still in flight.
        if RunAssessment.isTerminating(ending, status) {
            var stopped: [String: Measurement] = [:]
            for metric in spec.metrics {
                guard let result = status.metricResults?.first(where: { $0.name == metric.name }),
                      let last = result.measurements?.last, !last.phase.isCompleted else { continue }
                let resolved = (try? arguments.get()).flatMap { try? metric.resolved(with: $0) } ?? metric
                var note = "stopped: the run ended"
                do {
                    try await providers.provider(for: metric).terminate(resolved, metadata: last.metadata ?? [:], context: context(metric))
                } catch {
                    note += " (could not stop it: \(error.message))"
                }
                var measurement = last
                measurement.phase = .successful
                measurement.finishedAt = Timestamp(now)
                measurement.message = note
                stopped[metric.name] = measurement
            }
            status.metricResults = Self.record(stopped, in: spec, status, historyLimit: historyLimit)
        }
        status = RunAssessment.assess(ending, status)
        if let outcome = look?.outcome {
            status.phase = outcome.phase
            status.message = outcome.message
        } else if let problem = look?.problem, status.phase == .running, status.message == nil {
            status.message = problem
        }
        return Step(status: status, nextCheck: MeasurementSchedule.nextCheck(spec, status, now: now))
    }

    /// A measurement as recorded, and the value it found (nil for an error or one in flight).
    private struct Taken: Sendable {
        var measurement: Measurement
        var value: MeasurementValue?
    }

    /// One measurement (or its resumption), never throwing. For a metric the decision reads,
    /// no data is Successful unless the metric says otherwise: the decision reads it as 0.
    private func measure(_ metric: Metric, inFlight: Measurement?, arguments: Result<ResolvedArguments, MeasurementError>,
                         context: MeasurementContext, now: Date, readByDecision: Bool) async -> Taken {
        let startedAt = inFlight?.startedAt?.date ?? now
        do {
            let resolved = try metric.resolved(with: try arguments.get())
            let provider = try providers.provider(for: metric)
            let progress = if let inFlight {
                try await provider.resume(resolved, metadata: inFlight.metadata ?? [:], context: context)
            } else {
                try await provider.begin(resolved, context: context)
            }
            switch progress {
            case .finished(let value):
                var judged = resolved
                if readByDecision, judged.noDataPhase == nil { judged.noDataPhase = .successful }
                var measurement = MeasurementAssessment.measurement(of: value, for: judged, startedAt: startedAt, finishedAt: now)
                measurement.message = measurement.message.map(context.arguments.redact)
                measurement.value = measurement.value.map(context.arguments.redact)
                return Taken(measurement: measurement, value: measurement.phase == .error ? nil : value)
            case .running(let metadata):
                return Taken(measurement: MeasurementAssessment.running(startedAt: startedAt, metadata: metadata))
            }
        } catch {
            return Taken(measurement: MeasurementAssessment.measurement(of: context.arguments.redact(error), startedAt: startedAt, finishedAt: now))
        }
    }

    /// Metric results in spec order with `taken` recorded.
    static func record(_ taken: [String: Measurement], in spec: AnalysisRunSpec, _ status: AnalysisRunStatus, historyLimit: Int) -> [MetricResult] {
        let results = Dictionary((status.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        return spec.metrics.map { metric in
            let result = results[metric.name] ?? MetricResult(name: metric.name, phase: .pending)
            guard let measurement = taken[metric.name] else { return result }
            return MetricAssessment.recording(measurement, in: result, historyLimit: historyLimit)
        }
    }

    /// Measurements started so far: every tallied one, plus one in flight.
    static func measurementsStarted(_ result: MetricResult?) -> Int {
        guard let result else { return 0 }
        let tallied = [result.successful, result.failed, result.inconclusive, result.error].compactMap { $0 }.reduce(0, +)
        let inFlight = result.measurements?.last.map { $0.phase.isCompleted ? 0 : 1 } ?? 0
        return Int(tallied) + inFlight
    }
}

/// What a run's statistical decision needs from outside the run, supplied by the controller
/// at each step.
public struct DecisionContext: Sendable, Hashable {
    /// Percent of live traffic the rollout currently sends to the canary (the judge's
    /// sample-ratio check compares the requests per arm against it); nil when unknown.
    public var canaryWeight: Double?

    public init(canaryWeight: Double? = nil) {
        self.canaryWeight = canaryWeight
    }
}
