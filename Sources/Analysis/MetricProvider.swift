import Foundation
import SluiceAPI

/// Where measurements come from: one implementation per provider kind (Prometheus, web,
/// Job). Given a metric whose `{{args.NAME}}` are already filled in (``Metric/resolved(with:)``),
/// a provider takes one measurement.
///
/// Quick providers (Prometheus, web) finish within ``begin(_:context:)``, bounded by their
/// timeout. Slow ones (a Job) return ``MeasurementProgress/running(metadata:)`` and are
/// asked again with ``resume(_:metadata:context:)`` on a later reconcile, so nothing waits
/// for minutes inside a reconcile.
///
/// Contract:
/// - Calls may run concurrently, for different metrics and runs.
/// - Failures are thrown as ``MeasurementError`` (they become Error measurements); messages
///   never carry credentials.
/// - An empty result is ``MeasurementValue/noData(reason:)``, never an error and never a value.
/// - `begin` for the same `context.measurementIndex` is idempotent where the provider
///   creates objects (a Job of the same name is adopted, not duplicated).
public protocol MetricProvider: Sendable {
    /// Takes (or starts) one measurement.
    func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress

    /// Checks a measurement that ``begin(_:context:)`` left running, by the metadata it
    /// returned. Providers that always finish at once throw `.configuration`.
    func resume(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress

    /// Stops a running measurement early (the run was terminated, or ended). Idempotent:
    /// stopping one already gone succeeds. A no-op for providers that never leave one running.
    func terminate(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError)
}

extension MetricProvider {
    public func resume(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        throw MeasurementError(.configuration, "metric \"\(metric.name)\": this provider does not leave measurements running")
    }

    public func terminate(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError) {}
}

/// A measurement finished with a value, or still running (with what resuming needs).
public enum MeasurementProgress: Sendable, Hashable {
    case finished(MeasurementValue)
    case running(metadata: [String: String])
}

/// What a provider knows about the measurement beyond the metric itself.
public struct MeasurementContext: Sendable {
    /// The AnalysisRun's namespace: Secrets and Jobs live there.
    public var namespace: String
    public var runName: String
    /// The run's UID, for owner references on objects a provider creates.
    public var runUID: String?
    /// How many measurements of this metric were started before this one (0 for the first);
    /// names a Job so that retrying `begin` adopts it.
    public var measurementIndex: Int
    public var secrets: any SecretReader
    /// Secret values to keep out of messages (resolved secret arguments); providers add
    /// the tokens they read themselves.
    public var arguments: ResolvedArguments

    public init(namespace: String, runName: String, runUID: String? = nil, measurementIndex: Int = 0,
                secrets: any SecretReader, arguments: ResolvedArguments = ResolvedArguments()) {
        self.namespace = namespace
        self.runName = runName
        self.runUID = runUID
        self.measurementIndex = measurementIndex
        self.secrets = secrets
        self.arguments = arguments
    }
}

/// The providers a controller has, chosen by the member a metric's `provider` sets.
public struct MetricProviders: Sendable {
    public var prometheus: (any MetricProvider)?
    public var web: (any MetricProvider)?
    public var job: (any MetricProvider)?

    public init(prometheus: (any MetricProvider)? = nil, web: (any MetricProvider)? = nil, job: (any MetricProvider)? = nil) {
        self.prometheus = prometheus
        self.web = web
        self.job = job
    }

    /// The provider for `metric`; throws `.configuration` when its kind has none here.
    public func provider(for metric: Metric) throws(MeasurementError) -> any MetricProvider {
        let kinds = metric.provider.presentKinds
        guard kinds.count == 1, let kind = kinds.first else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\" must set exactly one provider, got \(kinds.isEmpty ? "none" : kinds.joined(separator: ", "))")
        }
        let provider: (any MetricProvider)? = switch kind {
        case "prometheus": prometheus
        case "web": web
        default: job
        }
        guard let provider else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\": no \(kind) provider is configured in this controller")
        }
        return provider
    }
}
