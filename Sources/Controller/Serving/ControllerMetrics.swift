import Prometheus
import SluiceAPI
import Synchronization

/// The controller's metrics in Prometheus's format: reconcile duration, work-queue depth,
/// API requests by method and code, rollouts by phase, each Rollout's canary weight,
/// analysis runs by phase (now, and completed so far), measurements by provider and
/// outcome. Served on `/metrics`.
public final class ControllerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Reconcile latency buckets: 1 ms to 30 s.
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10), .seconds(30),
    ]
    static let phases = ["Progressing", "Paused", "Healthy", "Degraded", "Aborted", "InvalidSpec"]

    private let queueDepth: Gauge
    /// The canary-weight gauge of each Rollout (namespace, name) now reported.
    private let canaryWeightGauges = Mutex<[RolloutName: Gauge]>([:])

    /// A Rollout's namespace and name, the labels of its per-Rollout series.
    public struct RolloutName: Hashable, Sendable {
        public var namespace: String
        public var name: String
        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }
    }

    public init() {
        queueDepth = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "sluice", metricName: "workqueue_depth", helpText: "Rollouts waiting to be reconciled."))
    }

    /// One reconcile of one Rollout: `result` is `success`, `error` or `requeue`.
    public func reconciled(result: String, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "reconcile_duration", unitName: "seconds",
                                             helpText: "Time to reconcile one Rollout."),
            labels: [("result", result)], buckets: Self.buckets
        ).record(duration)
    }

    public func setQueueDepth(_ depth: Int) { queueDepth.set(Double(depth)) }

    /// One API request attempt (a `KubernetesClient.RequestObserver`); `code` nil: no response.
    public func apiRequest(method: String, code: Int?, duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "api_requests", unitName: "total",
                                             helpText: "Kubernetes API requests by HTTP method and status code."),
            labels: [("method", method), ("code", code.map(String.init) ?? "<error>")]
        ).increment()
    }

    /// How many Rollouts are in each phase now (phases not named are set to 0).
    public func setRolloutsByPhase(_ counts: [String: Int]) {
        for phase in Set(Self.phases).union(counts.keys) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "rollouts",
                                                 helpText: "Rollouts by phase."),
                labels: [("phase", phase)]
            ).set(Double(counts[phase, default: 0]))
        }
    }

    /// Each Rollout's canary traffic weight in percent, as its status last recorded it. A
    /// Rollout missing from `weights` (deleted) loses its series.
    public func setCanaryWeights(_ weights: [RolloutName: Int]) {
        canaryWeightGauges.withLock { gauges in
            for (rollout, gauge) in gauges where weights[rollout] == nil {
                registry.unregisterGauge(gauge)
                gauges[rollout] = nil
            }
            for (rollout, weight) in weights {
                let gauge = gauges[rollout] ?? registry.makeGauge(
                    descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "rollout_canary_weight",
                                                     helpText: "Percent of traffic a Rollout's canary takes (status.weights.canary)."),
                    labels: [("namespace", rollout.namespace), ("rollout", rollout.name)])
                gauges[rollout] = gauge
                gauge.set(Double(weight))
            }
        }
    }

    static let analysisPhases = AnalysisPhase.allCases.map(\.rawValue)

    /// How many AnalysisRuns are in each phase now (phases not named are set to 0).
    public func setAnalysisRunsByPhase(_ counts: [String: Int]) {
        for phase in Set(Self.analysisPhases).union(counts.keys) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "analysis_runs", unitName: "",
                                                 helpText: "AnalysisRuns by phase."),
                labels: [("phase", phase)]
            ).set(Double(counts[phase, default: 0]))
        }
    }

    /// An AnalysisRun reached a final phase (Successful, Failed, Error, Inconclusive).
    public func analysisRunCompleted(phase: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "analysis_runs_completed", unitName: "total",
                                             helpText: "AnalysisRuns that reached a final phase, by phase."),
            labels: [("phase", phase)]
        ).increment()
    }

    /// `count` measurements finished by `provider` (prometheus, web, job) with `phase`.
    public func measured(provider: String, phase: String, count: Int = 1) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "sluice", metricName: "analysis_measurements", unitName: "total",
                                             helpText: "Analysis measurements by provider and outcome."),
            labels: [("provider", provider), ("phase", phase)]
        ).increment(by: Int64(count))
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}
