import KubeClient
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Generated run specs: the SLO guard's, and experiment decisions completed from their step")
struct GeneratedRunSpecTests {
    static let source = SLOPrometheusSource(address: "http://prometheus.monitoring:9090")

    @Test func guardQueriesUseTheDefaultNames() {
        let queries = SLOGuardRunSpec.queries(SLOGuard(errorRate: 0.01, latencyP99: "300ms"), source: Self.source, namespace: "shop",
                                              podTemplateHash: "7c9b5d")
        #expect(queries.requests == #"sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d"})"#)
        #expect(queries.errors == #"sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d",code=~"5.."})"#)
        #expect(queries.latency == #"sum by (le) (http_request_duration_seconds_bucket{namespace="shop",rollouts_pod_template_hash="7c9b5d"})"#)
    }

    @Test func guardQueriesUseTheSourcesNamesAndEscapeLabelValues() {
        let source = SLOPrometheusSource(address: "http://prometheus:9090", requestsMetric: "app_requests", codeLabel: "status",
                                         errorCodes: #"5\d\d|42"9"#, latencyMetric: "app_latency_seconds", namespaceLabel: "kubernetes_namespace",
                                         podTemplateHashLabel: "pod_template_hash")
        let queries = SLOGuardRunSpec.queries(SLOGuard(errorRate: 0.01, latencyP95: "200ms"), source: source, namespace: "a\"b\\c",
                                              podTemplateHash: "h\n1")
        let canary = #"kubernetes_namespace="a\"b\\c",pod_template_hash="h\n1""#
        #expect(queries.requests == "sum(app_requests{\(canary)})")
        #expect(queries.errors == #"sum(app_requests{"# + canary + #",status=~"5\\d\\d|42\"9"})"#)
        #expect(queries.latency == "sum by (le) (app_latency_seconds_bucket{\(canary)})")
    }

    @Test func guardQueriesOnlyForTheObjectivesSet() {
        let errorsOnly = SLOGuardRunSpec.queries(SLOGuard(errorRate: 0.02), source: Self.source, namespace: "shop", podTemplateHash: "1")
        #expect(errorsOnly.errors != nil)
        #expect(errorsOnly.latency == nil)
        let latencyOnly = SLOGuardRunSpec.queries(SLOGuard(latencyP95: "1s"), source: Self.source, namespace: "shop", podTemplateHash: "1")
        #expect(latencyOnly.errors == nil)
        #expect(latencyOnly.latency != nil)
    }

    @Test func guardSpecMeasuresEveryIntervalWithoutCountAndDecidesOnTheObjectives() throws {
        let authentication = PrometheusAuthentication(bearerToken: SecretKeySelector(name: "prom", key: "token"))
        let source = SLOPrometheusSource(address: "https://prometheus:9090", timeout: "10s",
                                         headers: [WebMetricHeader(key: "X-Scope-OrgID", value: "shop")], authentication: authentication)
        let slo = SLOGuard(errorRate: 0.01, latencyP99: "300ms", minRequests: 200, interval: "2s", prometheus: source)
        let spec = SLOGuardRunSpec.spec(slo, source: source, namespace: "shop", podTemplateHash: "7c9b5d")
        let queries = SLOGuardRunSpec.queries(slo, source: source, namespace: "shop", podTemplateHash: "7c9b5d")
        func metric(_ name: String, _ query: String?) throws -> Metric {
            Metric(name: name, interval: "2s", successCondition: "true", consecutiveErrorLimit: 4,
                   provider: MetricProviderSpec(prometheus: PrometheusMetric(
                       address: "https://prometheus:9090", query: try #require(query), timeout: "10s",
                       headers: [WebMetricHeader(key: "X-Scope-OrgID", value: "shop")], authentication: authentication)),
                   noDataPhase: .successful)
        }
        #expect(spec.metrics == [try metric("requests", queries.requests), try metric("errors", queries.errors), try metric("latency", queries.latency)])
        #expect(spec.metrics.allSatisfy { $0.count == nil && $0.dryRun == nil })
        #expect(spec.decision == AnalysisDecision(sloGuard: SLOGuardDecision(
            errorRate: 0.01, latencyP99: "300ms", minRequests: 200, requests: "requests", errors: "errors", latency: "latency")))
        #expect(spec.args == nil)
        let run = AnalysisRun(metadata: ObjectMeta(name: "web-7c9b5d-slo-guard", namespace: "shop"), spec: spec)
        #expect(run.validate().map(\.description) == [], "the analysis controller accepts it")
    }

    @Test func guardSpecDefaultsToFiveSecondsAndLeavesOutUnusedMetrics() {
        let spec = SLOGuardRunSpec.spec(SLOGuard(latencyP95: "250ms"), source: Self.source, namespace: "shop", podTemplateHash: "1")
        #expect(spec.metrics.map(\.name) == ["requests", "latency"])
        #expect(spec.metrics.allSatisfy { $0.interval == "5s" })
        #expect(spec.decision?.sloGuard?.errors == nil)
        #expect(spec.decision?.sloGuard?.latency == "latency")
        #expect(AnalysisRun(metadata: ObjectMeta(name: "x", namespace: "shop"), spec: spec).validate().isEmpty)
    }

    // MARK: Experiment decisions

    static let variants = ExperimentVariants(weights: ["control": 80, "treatment": 20], duration: "1h")

    func spec(_ variants: [ExperimentVariantMetrics], maxDuration: DurationString? = nil) -> AnalysisRunSpec {
        AnalysisRunSpec(metrics: [], decision: AnalysisDecision(experiment: ExperimentDecisionSpec(maxDuration: maxDuration, variants: variants)))
    }

    @Test func experimentDecisionsGetTheStepsWeightsAndDuration() {
        let completed = Self.variants.completing(spec([
            ExperimentVariantMetrics(name: "control", events: "c", total: "cr"), ExperimentVariantMetrics(name: "treatment", events: "t", total: "tr"),
        ]))
        #expect(completed == spec([
            ExperimentVariantMetrics(name: "control", events: "c", total: "cr", weight: 80),
            ExperimentVariantMetrics(name: "treatment", events: "t", total: "tr", weight: 20),
        ], maxDuration: "1h"))
    }

    @Test func whatTheTemplateSaysIsKept() {
        let written = spec([
            ExperimentVariantMetrics(name: "control", events: "c", total: "cr", weight: 80),
            ExperimentVariantMetrics(name: "treatment", events: "t", total: "tr"),
        ], maxDuration: "20m")
        let completed = Self.variants.completing(written)
        #expect(completed.decision?.experiment?.maxDuration == "20m")
        #expect(completed.decision?.experiment?.variants.map(\.weight) == [80, 20])
    }

    @Test func otherDecisionsAreLeftAlone() {
        let guardSpec = SLOGuardRunSpec.spec(SLOGuard(errorRate: 0.01), source: Self.source, namespace: "shop", podTemplateHash: "1")
        #expect(Self.variants.completing(guardSpec) == guardSpec)
        let plain = AnalysisRunSpec(metrics: [])
        #expect(Self.variants.completing(plain) == plain)
    }

    @Test func aStepsVariantWeightsAreTheCanarysAndTheRest() {
        let step = ExperimentStep(duration: "1h", templates: [ExperimentTemplate(name: "treatment", specRef: .canary, weight: 20),
                                                              ExperimentTemplate(name: "control", specRef: .stable)])
        #expect(ExperimentVariants(step) == Self.variants)
    }
}
