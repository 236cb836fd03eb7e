import KubeClient

/// One measured quantity of an analysis: where it comes from, how often it is taken, and
/// which results pass or fail.
public struct Metric: Codable, Sendable, Hashable {
    public var name: String
    /// Time between measurements; one measurement when absent.
    public var interval: DurationString?
    /// Time to wait before the first measurement.
    public var initialDelay: DurationString?
    /// Measurements to take; unbounded (until the run ends) when absent and `interval` is set.
    public var count: Int32?
    /// A condition over `result` that makes a measurement Successful (syntax: the Analysis module).
    public var successCondition: String?
    /// A condition over `result` that makes a measurement Failed.
    public var failureCondition: String?
    /// Failed measurements tolerated before the metric fails; 0 when absent, -1 for no limit.
    public var failureLimit: Int32?
    /// Inconclusive measurements tolerated before the metric is Inconclusive; 0 when absent.
    public var inconclusiveLimit: Int32?
    /// Consecutive errors tolerated before the metric errs; 4 when absent.
    public var consecutiveErrorLimit: Int32?
    /// Measure and report, but never fail the run.
    public var dryRun: Bool?
    public var provider: MetricProviderSpec
    /// The phase of a measurement whose query returned nothing (an empty vector or matrix);
    /// ``NoDataPhase/error`` when absent. Never Successful unless the template says so — or
    /// the metric is read by the run's `decision`, which reads no data as a counter not yet
    /// incremented (0) and so takes it as Successful when this is absent.
    public var noDataPhase: NoDataPhase?

    public init(
        name: String, interval: DurationString? = nil, initialDelay: DurationString? = nil, count: Int32? = nil,
        successCondition: String? = nil, failureCondition: String? = nil, failureLimit: Int32? = nil,
        inconclusiveLimit: Int32? = nil, consecutiveErrorLimit: Int32? = nil, dryRun: Bool? = nil, provider: MetricProviderSpec,
        noDataPhase: NoDataPhase? = nil
    ) {
        self.name = name
        self.interval = interval
        self.initialDelay = initialDelay
        self.count = count
        self.successCondition = successCondition
        self.failureCondition = failureCondition
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.consecutiveErrorLimit = consecutiveErrorLimit
        self.dryRun = dryRun
        self.provider = provider
        self.noDataPhase = noDataPhase
    }

    public static let defaultConsecutiveErrorLimit: Int32 = 4

    /// What a measurement that found no data counts as.
    public enum NoDataPhase: String, Codable, Sendable, Hashable, CaseIterable {
        case successful = "Successful", failed = "Failed", inconclusive = "Inconclusive", error = "Error"

        /// The phase the measurement gets.
        public var phase: AnalysisPhase {
            switch self {
            case .successful: .successful
            case .failed: .failed
            case .inconclusive: .inconclusive
            case .error: .error
            }
        }
    }
}

/// Where a metric's measurements come from: exactly one member.
public struct MetricProviderSpec: Codable, Sendable, Hashable {
    public var prometheus: PrometheusMetric?
    public var web: WebMetric?
    public var job: JobMetric?

    public init(prometheus: PrometheusMetric? = nil, web: WebMetric? = nil, job: JobMetric? = nil) {
        self.prometheus = prometheus
        self.web = web
        self.job = job
    }

    /// The names of the members that are set.
    public var presentKinds: [String] {
        [("prometheus", prometheus != nil), ("web", web != nil), ("job", job != nil)].filter(\.1).map(\.0)
    }
}

/// A PromQL query; its result (a scalar, a vector, or with ``rangeQuery`` a matrix) is the
/// measurement.
public struct PrometheusMetric: Codable, Sendable, Hashable {
    /// The Prometheus server, e.g. `http://prometheus.monitoring:9090`.
    public var address: String
    public var query: String
    /// Evaluate over a range ending now (`/api/v1/query_range`) instead of at an instant.
    public var rangeQuery: PrometheusRangeQuery?
    /// Per-query timeout; 30s when absent.
    public var timeout: DurationString?
    public var headers: [WebMetricHeader]?
    public var authentication: PrometheusAuthentication?

    public init(address: String, query: String, rangeQuery: PrometheusRangeQuery? = nil, timeout: DurationString? = nil,
                headers: [WebMetricHeader]? = nil, authentication: PrometheusAuthentication? = nil) {
        self.address = address
        self.query = query
        self.rangeQuery = rangeQuery
        self.timeout = timeout
        self.headers = headers
        self.authentication = authentication
    }
}

/// A range query: from `lookback` before now until now, one point every `step`.
public struct PrometheusRangeQuery: Codable, Sendable, Hashable {
    /// How far back the range starts, e.g. `10m`.
    public var lookback: DurationString
    /// Resolution of the range, e.g. `30s`.
    public var step: DurationString

    public init(lookback: DurationString, step: DurationString) {
        self.lookback = lookback
        self.step = step
    }
}

/// Credentials for Prometheus, always read from Secrets: at most one member.
public struct PrometheusAuthentication: Codable, Sendable, Hashable {
    /// Sent as `Authorization: Bearer ...`.
    public var bearerToken: SecretKeySelector?
    /// Sent as `Authorization: Basic ...`.
    public var basic: BasicAuthentication?
    public var oauth2: OAuth2Config?

    public init(bearerToken: SecretKeySelector? = nil, basic: BasicAuthentication? = nil, oauth2: OAuth2Config? = nil) {
        self.bearerToken = bearerToken
        self.basic = basic
        self.oauth2 = oauth2
    }

    /// The names of the members that are set.
    public var presentKinds: [String] {
        [("bearerToken", bearerToken != nil), ("basic", basic != nil), ("oauth2", oauth2 != nil)].filter(\.1).map(\.0)
    }
}

/// HTTP basic authentication: a user name, and a password read from a Secret.
public struct BasicAuthentication: Codable, Sendable, Hashable {
    public var username: String
    public var password: SecretKeySelector

    public init(username: String, password: SecretKeySelector) {
        self.username = username
        self.password = password
    }
}

/// OAuth 2 client-credentials flow.
public struct OAuth2Config: Codable, Sendable, Hashable {
    public var tokenUrl: String
    public var clientId: String
    public var clientSecret: SecretKeySelector
    public var scopes: [String]?

    public init(tokenUrl: String, clientId: String, clientSecret: SecretKeySelector, scopes: [String]? = nil) {
        self.tokenUrl = tokenUrl
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.scopes = scopes
    }
}

/// An HTTP request whose (JSON) response, or a part of it by `jsonPath`, is the measurement.
public struct WebMetric: Codable, Sendable, Hashable {
    /// HTTP methods a web metric may use.
    public enum Method: String, Codable, Sendable, Hashable, CaseIterable {
        case get = "GET", post = "POST", put = "PUT"
    }

    public var url: String
    /// GET when absent.
    public var method: Method?
    public var headers: [WebMetricHeader]?
    /// Request body, for POST and PUT.
    public var body: String?
    /// JSONPath into the response, e.g. `{$.data.ok}`.
    public var jsonPath: String?
    /// Request timeout in seconds; 10 when absent.
    public var timeoutSeconds: Int32?

    public init(url: String, method: Method? = nil, headers: [WebMetricHeader]? = nil, body: String? = nil,
                jsonPath: String? = nil, timeoutSeconds: Int32? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.jsonPath = jsonPath
        self.timeoutSeconds = timeoutSeconds
    }
}

/// One request header.
public struct WebMetricHeader: Codable, Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A Kubernetes Job; it succeeding or failing is the measurement.
public struct JobMetric: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    /// A `batch/v1` JobSpec, kept as written.
    public var spec: JSONValue

    public init(metadata: ObjectMeta? = nil, spec: JSONValue) {
        self.metadata = metadata
        self.spec = spec
    }
}

extension Metric: SchemaDescribable {
    public static var schema: Schema {
        .object("One measured quantity: its provider, schedule and conditions.", required: ["name", "provider"], [
            "name": String.field("The metric's name, unique in its template."),
            "interval": DurationString.field("Time between measurements; one measurement when absent."),
            "initialDelay": DurationString.field("Time to wait before the first measurement."),
            "count": Int32.field("Measurements to take."),
            "successCondition": String.field("Condition over result that makes a measurement Successful."),
            "failureCondition": String.field("Condition over result that makes a measurement Failed."),
            "failureLimit": Int32.field("Failed measurements tolerated; 0 when absent, -1 for no limit."),
            "inconclusiveLimit": Int32.field("Inconclusive measurements tolerated; 0 when absent."),
            "consecutiveErrorLimit": Int32.field("Consecutive errors tolerated; 4 when absent."),
            "dryRun": Bool.field("Measure and report, but never fail the run."),
            "provider": MetricProviderSpec.schema,
            "noDataPhase": .enumeration(Metric.NoDataPhase.self, "Phase of a measurement that found no data: Successful, Failed, Inconclusive or Error (the default; Successful for a metric a decision reads, which counts no data as 0)."),
        ])
    }
}

extension MetricProviderSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("Where measurements come from; exactly one of prometheus, web and job.", [
            "prometheus": PrometheusMetric.schema,
            "web": WebMetric.schema,
            "job": JobMetric.schema,
        ])
    }
}

extension PrometheusMetric: SchemaDescribable {
    public static var schema: Schema {
        .object("A PromQL query.", required: ["address", "query"], [
            "address": String.field("The Prometheus server's URL."),
            "query": String.field("The PromQL query; may use {{args.NAME}}."),
            "rangeQuery": PrometheusRangeQuery.schema,
            "timeout": DurationString.field("Per-query timeout; 30s when absent."),
            "headers": [WebMetricHeader].field("Extra request headers."),
            "authentication": PrometheusAuthentication.schema,
        ])
    }
}

extension PrometheusRangeQuery: SchemaDescribable {
    public static var schema: Schema {
        .object("Evaluate the query over a range ending now (query_range).", required: ["lookback", "step"], [
            "lookback": DurationString.field("How far back the range starts, e.g. 10m."),
            "step": DurationString.field("Resolution of the range, e.g. 30s."),
        ])
    }
}

extension BasicAuthentication: SchemaDescribable {
    public static var schema: Schema {
        .object("HTTP basic authentication.", required: ["username", "password"], [
            "username": String.field("The user name."),
            "password": SecretKeySelector.field("A Secret key holding the password."),
        ])
    }
}

extension PrometheusAuthentication: SchemaDescribable {
    public static var schema: Schema {
        .object("Credentials for Prometheus, read from Secrets; at most one member.", [
            "bearerToken": SecretKeySelector.field("A Secret key holding a bearer token."),
            "basic": BasicAuthentication.schema,
            "oauth2": OAuth2Config.schema,
        ])
    }
}

extension OAuth2Config: SchemaDescribable {
    public static var schema: Schema {
        .object("OAuth 2 client-credentials flow.", required: ["tokenUrl", "clientId", "clientSecret"], [
            "tokenUrl": String.field("The token endpoint."),
            "clientId": String.field("The client ID."),
            "clientSecret": SecretKeySelector.field("A Secret key holding the client secret."),
            "scopes": [String].field("Scopes to request."),
        ])
    }
}

extension WebMetric: SchemaDescribable {
    public static var schema: Schema {
        .object("An HTTP request whose JSON response is the measurement.", required: ["url"], [
            "url": String.field("The URL; may use {{args.NAME}}."),
            "method": .enumeration(Method.self, "GET, POST or PUT; GET when absent."),
            "headers": [WebMetricHeader].field("Request headers."),
            "body": String.field("Request body, for POST and PUT."),
            "jsonPath": String.field("JSONPath into the response, e.g. {$.data.ok}."),
            "timeoutSeconds": Int32.field("Request timeout in seconds; 10 when absent."),
        ])
    }
}

extension WebMetricHeader: SchemaDescribable {
    public static var schema: Schema {
        .object("One request header.", required: ["key", "value"], [
            "key": String.field("Header name."),
            "value": String.field("Header value; may use {{args.NAME}}."),
        ])
    }
}

extension JobMetric: SchemaDescribable {
    public static var schema: Schema {
        .object("A Job whose success or failure is the measurement.", required: ["spec"], [
            "metadata": ObjectMeta.templateSchema,
            "spec": .preservedObject("A batch/v1 JobSpec, kept as written."),
        ])
    }
}
