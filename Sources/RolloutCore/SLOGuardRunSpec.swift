import SluiceAPI

/// The AnalysisRun spec of a Rollout's SLO guard (`canary.slo`), generated rather than
/// instantiated from a template: the canary's request, failed-request and latency-histogram
/// counters, read from the guard's Prometheus every `interval`, with a `sloGuard` decision on
/// the objectives. The canary's series are those labelled with the Rollout's namespace and the
/// canary's pod-template hash.
///
/// ```
/// requests: sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d"})
/// errors:   sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d",code=~"5.."})
/// latency:  sum by (le) (http_request_duration_seconds_bucket{namespace="shop",rollouts_pod_template_hash="7c9b5d"})
/// ```
///
/// Each measurement only records the counters (its condition always holds); the decision
/// judges them. A query that finds no series (a canary that has served nothing yet) records
/// no data rather than an error; a Prometheus that cannot be reached errs, and after
/// `consecutiveErrorLimit` errors the run is Error, which aborts the update (fail safe).
public enum SLOGuardRunSpec {
    /// The metrics' names, as the decision refers to them.
    public static let requestsMetric = "requests"
    public static let errorsMetric = "errors"
    public static let latencyMetric = "latency"

    /// The queries of the guard's counters: failed requests only with an `errorRate`
    /// objective, the latency histogram only with a latency objective.
    public struct Queries: Sendable, Hashable {
        public var requests: String
        public var errors: String?
        public var latency: String?
    }

    /// The run spec for the canary `podTemplateHash` of a Rollout in `namespace`.
    public static func spec(_ slo: SLOGuard, source: SLOPrometheusSource, namespace: String, podTemplateHash: String) -> AnalysisRunSpec {
        let queries = queries(slo, source: source, namespace: namespace, podTemplateHash: podTemplateHash)
        let interval = slo.interval ?? SLOGuard.defaultInterval
        func metric(_ name: String, _ query: String) -> Metric {
            Metric(name: name, interval: interval, successCondition: "true", consecutiveErrorLimit: Metric.defaultConsecutiveErrorLimit,
                   provider: MetricProviderSpec(prometheus: PrometheusMetric(
                       address: source.address, query: query, timeout: source.timeout, headers: source.headers,
                       authentication: source.authentication)),
                   noDataPhase: .successful)
        }
        var metrics = [metric(requestsMetric, queries.requests)]
        if let errors = queries.errors { metrics.append(metric(errorsMetric, errors)) }
        if let latency = queries.latency { metrics.append(metric(latencyMetric, latency)) }
        let decision = SLOGuardDecision(
            errorRate: slo.errorRate, latencyP95: slo.latencyP95, latencyP99: slo.latencyP99, minRequests: slo.minRequests,
            requests: requestsMetric, errors: queries.errors == nil ? nil : errorsMetric, latency: queries.latency == nil ? nil : latencyMetric)
        return AnalysisRunSpec(metrics: metrics, decision: AnalysisDecision(sloGuard: decision))
    }

    /// The PromQL of each counter, with the source's metric and label names (or their
    /// defaults) and every label value quoted.
    public static func queries(_ slo: SLOGuard, source: SLOPrometheusSource, namespace: String, podTemplateHash: String) -> Queries {
        let requests = source.requestsMetric ?? "http_requests_total"
        let latency = source.latencyMetric ?? "http_request_duration_seconds"
        let canary = "\(source.namespaceLabel ?? "namespace")=\(quoted(namespace)),"
            + "\(source.podTemplateHashLabel ?? "rollouts_pod_template_hash")=\(quoted(podTemplateHash))"
        let failed = "\(source.codeLabel ?? "code")=~\(quoted(source.errorCodes ?? "5.."))"
        return Queries(
            requests: "sum(\(requests){\(canary)})",
            errors: slo.errorRate == nil ? nil : "sum(\(requests){\(canary),\(failed)})",
            latency: slo.latencyP95 == nil && slo.latencyP99 == nil ? nil : "sum by (le) (\(latency)_bucket{\(canary)})")
    }

    /// `value` as a PromQL string literal: in double quotes, with backslashes, double quotes
    /// and line breaks escaped (a regular expression's backslashes included, so `5\d\d` is
    /// written `"5\\d\\d"`).
    public static func quoted(_ value: String) -> String {
        var text = "\""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default: text.append(character)
            }
        }
        return text + "\""
    }
}
