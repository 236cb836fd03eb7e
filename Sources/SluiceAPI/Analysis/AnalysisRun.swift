import KubeClient

/// One execution of analysis templates (`sluice.dev/v1alpha1` AnalysisRun): the metrics with
/// resolved arguments, and their measurements so far in ``status``.
public struct AnalysisRun: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.analysisRuns

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: AnalysisRunSpec
    public var status: AnalysisRunStatus?

    public init(metadata: ObjectMeta, spec: AnalysisRunSpec, status: AnalysisRunStatus? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(AnalysisRunSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(AnalysisRunStatus.self, forKey: .status)
    }
}

/// The metrics to measure and the arguments they were given.
public struct AnalysisRunSpec: Codable, Sendable, Hashable {
    public var metrics: [Metric]
    public var args: [Argument]?
    /// Stop measuring; the run ends with the phase it has reached.
    public var terminate: Bool?
    /// A statistical decision over the metrics; the run's phase follows its verdict.
    public var decision: AnalysisDecision?

    public init(metrics: [Metric], args: [Argument]? = nil, terminate: Bool? = nil, decision: AnalysisDecision? = nil) {
        self.metrics = metrics
        self.args = args
        self.terminate = terminate
        self.decision = decision
    }
}

/// Phase of a run, a metric or a measurement.
public enum AnalysisPhase: String, Codable, Sendable, Hashable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case successful = "Successful"
    case failed = "Failed"
    case error = "Error"
    case inconclusive = "Inconclusive"

    /// Successful, Failed, Error and Inconclusive are final.
    public var isCompleted: Bool {
        switch self {
        case .pending, .running: false
        case .successful, .failed, .error, .inconclusive: true
        }
    }
}

/// A run's progress: its phase and every metric's measurements.
public struct AnalysisRunStatus: Codable, Sendable, Hashable {
    public var phase: AnalysisPhase?
    public var message: String?
    public var metricResults: [MetricResult]?
    public var startedAt: Timestamp?
    /// The statistical decision of a judge, SLO guard, experiment or shadow run.
    public var verdict: StatisticalVerdict?

    public init(phase: AnalysisPhase? = nil, message: String? = nil, metricResults: [MetricResult]? = nil, startedAt: Timestamp? = nil,
                verdict: StatisticalVerdict? = nil) {
        self.phase = phase
        self.message = message
        self.metricResults = metricResults
        self.startedAt = startedAt
        self.verdict = verdict
    }
}

/// One metric's measurements and tallies.
public struct MetricResult: Codable, Sendable, Hashable {
    public var name: String
    public var phase: AnalysisPhase
    public var message: String?
    /// The most recent measurements, oldest first (bounded; the tallies count them all).
    public var measurements: [Measurement]?
    /// Measurements taken that did not error (Argo's count: errors are retried, not counted).
    public var count: Int32?
    public var successful: Int32?
    public var failed: Int32?
    public var inconclusive: Int32?
    public var error: Int32?
    /// Errors in a row, reset by a measurement that is not an error.
    public var consecutiveError: Int32?

    public init(name: String, phase: AnalysisPhase, message: String? = nil, measurements: [Measurement]? = nil,
                count: Int32? = nil, successful: Int32? = nil, failed: Int32? = nil, inconclusive: Int32? = nil,
                error: Int32? = nil, consecutiveError: Int32? = nil) {
        self.name = name
        self.phase = phase
        self.message = message
        self.measurements = measurements
        self.count = count
        self.successful = successful
        self.failed = failed
        self.inconclusive = inconclusive
        self.error = error
        self.consecutiveError = consecutiveError
    }
}

/// One measurement of a metric.
public struct Measurement: Codable, Sendable, Hashable {
    public var phase: AnalysisPhase
    /// The measured value as text (a number, or JSON for structured results).
    public var value: String?
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    /// Why it errored or failed.
    public var message: String?
    /// What a provider needs to resume a measurement still Running (a Job's name).
    public var metadata: [String: String]?

    public init(phase: AnalysisPhase, value: String? = nil, startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil,
                message: String? = nil, metadata: [String: String]? = nil) {
        self.phase = phase
        self.value = value
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.message = message
        self.metadata = metadata
    }
}

extension AnalysisRun: SchemaDescribable {
    public static var schema: Schema {
        .object("One execution of analysis templates.", required: ["spec"], [
            "apiVersion": String.field("sluice.dev/v1alpha1."),
            "kind": String.field("AnalysisRun."),
            "metadata": ObjectMeta.schema,
            "spec": AnalysisRunSpec.schema,
            "status": AnalysisRunStatus.schema,
        ])
    }
}

extension AnalysisRunSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("The metrics to measure and their arguments.", required: ["metrics"], [
            "metrics": [Metric].field("The metrics to measure."),
            "args": [Argument].field("The arguments, resolved."),
            "terminate": Bool.field("Stop measuring."),
            "decision": AnalysisDecision.schema,
        ])
    }
}

extension AnalysisRunStatus: SchemaDescribable {
    public static var schema: Schema {
        .object("The run's progress.", [
            "phase": .enumeration(AnalysisPhase.self, "Pending, Running, Successful, Failed, Error or Inconclusive."),
            "message": String.field("Why the run is in its phase."),
            "metricResults": [MetricResult].field("Each metric's measurements."),
            "startedAt": Timestamp.field("When the run started."),
            "verdict": StatisticalVerdict.schema,
        ])
    }
}

extension MetricResult: SchemaDescribable {
    public static var schema: Schema {
        .object("One metric's measurements and tallies.", required: ["name", "phase"], [
            "name": String.field("The metric's name."),
            "phase": .enumeration(AnalysisPhase.self, "The metric's phase."),
            "message": String.field("Why the metric is in its phase."),
            "measurements": [Measurement].field("The most recent measurements, oldest first."),
            "count": Int32.field("Measurements taken that did not error."),
            "successful": Int32.field("Successful measurements."),
            "failed": Int32.field("Failed measurements."),
            "inconclusive": Int32.field("Inconclusive measurements."),
            "error": Int32.field("Measurements that errored."),
            "consecutiveError": Int32.field("Errors in a row."),
        ])
    }
}

extension Measurement: SchemaDescribable {
    public static var schema: Schema {
        .object("One measurement.", required: ["phase"], [
            "phase": .enumeration(AnalysisPhase.self, "The measurement's phase."),
            "value": String.field("The measured value as text."),
            "startedAt": Timestamp.field("When it started."),
            "finishedAt": Timestamp.field("When it finished."),
            "message": String.field("Why it errored or failed."),
            "metadata": [String: String].field("What the provider needs to resume a running measurement, e.g. a Job's name."),
        ])
    }
}
