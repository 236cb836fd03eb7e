/// A canary: the new version gets a growing share of traffic through ``steps``, guarded by
/// an SLO and judged against the stable version, before it becomes the stable version.
public struct CanaryStrategy: Codable, Sendable, Hashable {
    /// Service that selects only stable pods (the router sends stable traffic there).
    public var stableService: String?
    /// Service that selects only canary pods.
    public var canaryService: String?
    /// How traffic is split; without it, weights are replica ratios.
    public var trafficRouting: TrafficRouting?
    /// Extra pods allowed above `replicas` during an update; 25% when absent.
    public var maxSurge: IntOrPercent?
    /// Pods that may be unavailable during an update; 25% when absent.
    public var maxUnavailable: IntOrPercent?
    /// Seconds the old stable pods stay up after promotion (traffic routing only); 30 when absent.
    public var scaleDownDelaySeconds: Int32?
    /// Seconds the canary pods stay up after an abort; 30 when absent.
    public var abortScaleDownDelaySeconds: Int32?
    /// Analysis that runs in the background for the whole update.
    public var analysis: RolloutAnalysisBackground?
    /// The always-on guard: aborts as soon as the canary breaches it.
    public var slo: SLOGuard?
    /// Comparative judgement of canary against baseline.
    public var judge: JudgeReference?
    public var steps: [CanaryStep]?

    public init(
        stableService: String? = nil, canaryService: String? = nil, trafficRouting: TrafficRouting? = nil,
        maxSurge: IntOrPercent? = nil, maxUnavailable: IntOrPercent? = nil, scaleDownDelaySeconds: Int32? = nil,
        abortScaleDownDelaySeconds: Int32? = nil, analysis: RolloutAnalysisBackground? = nil, slo: SLOGuard? = nil,
        judge: JudgeReference? = nil, steps: [CanaryStep]? = nil
    ) {
        self.stableService = stableService
        self.canaryService = canaryService
        self.trafficRouting = trafficRouting
        self.maxSurge = maxSurge
        self.maxUnavailable = maxUnavailable
        self.scaleDownDelaySeconds = scaleDownDelaySeconds
        self.abortScaleDownDelaySeconds = abortScaleDownDelaySeconds
        self.analysis = analysis
        self.slo = slo
        self.judge = judge
        self.steps = steps
    }

    public static let defaultScaleDownDelaySeconds: Int32 = 30
    public static let defaultAbortScaleDownDelaySeconds: Int32 = 30
    public static let defaultMaxSurge = IntOrPercent.text("25%")
    public static let defaultMaxUnavailable = IntOrPercent.text("25%")
}

/// The SLO guard on the canary's own pods. Every threshold set is checked continuously
/// (multi-window burn rate with a small-count test); a breach aborts the update.
public struct SLOGuard: Codable, Sendable, Hashable {
    /// Highest tolerated fraction of failed requests, in (0, 1): `0.01` is 1%.
    public var errorRate: Double?
    /// Highest tolerated 95th-percentile latency.
    public var latencyP95: DurationString?
    /// Highest tolerated 99th-percentile latency.
    public var latencyP99: DurationString?
    /// Requests the canary must have served before the guard can decide; 100 when absent.
    public var minRequests: Int64?
    /// How often the guard looks; 5s when absent.
    public var interval: DurationString?
    /// Where the guard reads the canary's request counters and latency histogram.
    public var prometheus: SLOPrometheusSource?

    public init(errorRate: Double? = nil, latencyP95: DurationString? = nil, latencyP99: DurationString? = nil, minRequests: Int64? = nil,
                interval: DurationString? = nil, prometheus: SLOPrometheusSource? = nil) {
        self.errorRate = errorRate
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
        self.minRequests = minRequests
        self.interval = interval
        self.prometheus = prometheus
    }

    public static let defaultInterval = DurationString("5s")
}

/// The Prometheus the SLO guard reads, and the names of the application's metrics there. The
/// canary's series are selected by namespace and pod-template hash labels (what a
/// `kubernetes_sd_configs` pod job relabels them to).
public struct SLOPrometheusSource: Codable, Sendable, Hashable {
    /// e.g. `http://prometheus.monitoring:9090`.
    public var address: String
    /// Counter of requests with a status-code label; `http_requests_total` when absent.
    public var requestsMetric: String?
    /// The status-code label; `code` when absent.
    public var codeLabel: String?
    /// Regular expression of failed codes; `5..` when absent.
    public var errorCodes: String?
    /// Base name of the latency histogram (seconds); `http_request_duration_seconds` when absent.
    public var latencyMetric: String?
    /// Label carrying the namespace; `namespace` when absent.
    public var namespaceLabel: String?
    /// Label carrying the pod-template hash; `rollouts_pod_template_hash` when absent.
    public var podTemplateHashLabel: String?
    /// Per-query timeout; 30s when absent.
    public var timeout: DurationString?
    public var headers: [WebMetricHeader]?
    public var authentication: PrometheusAuthentication?

    public init(address: String, requestsMetric: String? = nil, codeLabel: String? = nil, errorCodes: String? = nil, latencyMetric: String? = nil,
                namespaceLabel: String? = nil, podTemplateHashLabel: String? = nil, timeout: DurationString? = nil,
                headers: [WebMetricHeader]? = nil, authentication: PrometheusAuthentication? = nil) {
        self.address = address
        self.requestsMetric = requestsMetric
        self.codeLabel = codeLabel
        self.errorCodes = errorCodes
        self.latencyMetric = latencyMetric
        self.namespaceLabel = namespaceLabel
        self.podTemplateHashLabel = podTemplateHashLabel
        self.timeout = timeout
        self.headers = headers
        self.authentication = authentication
    }
}

/// The AnalysisTemplate whose metrics compare canary with baseline, and its arguments.
public struct JudgeReference: Codable, Sendable, Hashable {
    public var templateName: String
    /// Refers to a ClusterAnalysisTemplate instead of an AnalysisTemplate.
    public var clusterScope: Bool?
    public var args: [AnalysisArgument]?

    public init(templateName: String, clusterScope: Bool? = nil, args: [AnalysisArgument]? = nil) {
        self.templateName = templateName
        self.clusterScope = clusterScope
        self.args = args
    }
}

extension CanaryStrategy: SchemaDescribable {
    public static var schema: Schema {
        .object("Moves traffic to the new version step by step.", [
            "stableService": String.field("Service that selects only stable pods."),
            "canaryService": String.field("Service that selects only canary pods."),
            "trafficRouting": TrafficRouting.schema,
            "maxSurge": IntOrPercent.field("Extra pods allowed above replicas during an update; 25% when absent."),
            "maxUnavailable": IntOrPercent.field("Pods that may be unavailable during an update; 25% when absent."),
            "scaleDownDelaySeconds": Int32.field("Seconds old stable pods stay up after promotion (traffic routing only); 30 when absent."),
            "abortScaleDownDelaySeconds": Int32.field("Seconds canary pods stay up after an abort; 30 when absent."),
            "analysis": RolloutAnalysisBackground.schema,
            "slo": SLOGuard.schema,
            "judge": JudgeReference.schema,
            "steps": [CanaryStep].field("The steps of the canary, in order."),
        ])
    }
}

extension SLOGuard: SchemaDescribable {
    public static var schema: Schema {
        .object("Thresholds on the canary's own pods, checked continuously; a breach aborts the update.", [
            "errorRate": Double.field("Highest tolerated fraction of failed requests, between 0 and 1."),
            "latencyP95": DurationString.field("Highest tolerated 95th-percentile latency, e.g. 200ms."),
            "latencyP99": DurationString.field("Highest tolerated 99th-percentile latency, e.g. 300ms."),
            "minRequests": Int64.field("Requests the canary must have served before the guard decides; 100 when absent."),
            "interval": DurationString.field("How often the guard looks; 5s when absent."),
            "prometheus": SLOPrometheusSource.field("Where the guard reads the canary's counters."),
        ])
    }
}

extension SLOPrometheusSource: SchemaDescribable {
    public static var schema: Schema {
        .object("The Prometheus the SLO guard reads and the application's metric names.", required: ["address"], [
            "address": String.field("The Prometheus server, e.g. http://prometheus.monitoring:9090."),
            "requestsMetric": String.field("Counter of requests with a status-code label; http_requests_total when absent."),
            "codeLabel": String.field("The status-code label; code when absent."),
            "errorCodes": String.field("Regular expression of failed codes; 5.. when absent."),
            "latencyMetric": String.field("Base name of the latency histogram in seconds; http_request_duration_seconds when absent."),
            "namespaceLabel": String.field("Label carrying the namespace; namespace when absent."),
            "podTemplateHashLabel": String.field("Label carrying the pod-template hash; rollouts_pod_template_hash when absent."),
            "timeout": DurationString.field("Per-query timeout; 30s when absent."),
            "headers": [WebMetricHeader].field("Extra HTTP headers."),
            "authentication": PrometheusAuthentication.field("Credentials from Secrets."),
        ])
    }
}

extension JudgeReference: SchemaDescribable {
    public static var schema: Schema {
        .object("The template whose metrics compare canary with baseline.", required: ["templateName"], [
            "templateName": String.field("Name of the AnalysisTemplate (or ClusterAnalysisTemplate)."),
            "clusterScope": Bool.field("Refer to a ClusterAnalysisTemplate."),
            "args": [AnalysisArgument].field("Arguments passed to the template."),
        ])
    }
}
