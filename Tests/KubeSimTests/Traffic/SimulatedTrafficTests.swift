import CurlHTTP
import Foundation
import KubeClient
import Testing
import TestSupport

@testable import KubeSim

/// Two versions of a web app behind an HTTPRoute in a running ``SimulatedCluster``, users
/// sending traffic at a host, and the workload metrics listener.
enum TrafficCluster {
    static let namespace = "shop"
    static let host = "shop.example.com"
    static let httpRoutes = ResourceType(
        group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")

    /// `web-v1` (image web:1) and `web-v2` (web:2), two replicas each, each behind its own
    /// Service, split by `HTTPRoute/web` (weights `v1Weight`/`v2Weight`), optionally
    /// mirroring `mirrorPercent` of the requests to web-v2.
    static func install(in store: ObjectStore, v1Weight: Int = 50, v2Weight: Int = 50, mirrorPercent: Int? = nil) throws {
        if store.definition(for: httpRoutes.groupResource) == nil { store.register(ResourceDefinition(httpRoutes)) }
        _ = try store.create(.namespaces, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        for (version, image) in [("v1", "web:1"), ("v2", "web:2")] {
            let labels: JSONValue = ["app": "web", "version": .string(version)]
            _ = try store.create(.deployments, namespace: namespace, [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string("web-\(version)")],
                "spec": [
                    "replicas": 2, "selector": ["matchLabels": labels],
                    "template": ["metadata": ["labels": labels],
                                 "spec": ["containers": [["name": "web", "image": .string(image)]]]],
                ],
            ])
            _ = try store.create(.services, namespace: namespace, [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string("web-\(version)")],
                "spec": ["selector": labels, "ports": [["port": 80, "targetPort": 8080]]],
            ])
        }
        var rule: [String: JSONValue] = [
            "backendRefs": [
                ["name": "web-v1", "port": 80, "weight": .integer(Int64(v1Weight))],
                ["name": "web-v2", "port": 80, "weight": .integer(Int64(v2Weight))],
            ],
        ]
        if let mirrorPercent {
            rule["filters"] = [["type": "RequestMirror", "requestMirror": [
                "backendRef": ["name": "web-v2", "port": 80], "percent": .integer(Int64(mirrorPercent)),
            ]]]
        }
        _ = try store.create(httpRoutes, namespace: namespace, [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "web"],
            "spec": ["hostnames": [.string(host)], "rules": [.object(rule)]],
        ])
    }

    /// Runs a cluster with `traffic` until `body` returns or throws.
    static func withCluster(
        traffic: SimulatedTraffic.Options, _ body: @Sendable (SimulatedCluster, SimulatedTraffic) async throws -> Void
    ) async throws {
        let cluster = SimulatedCluster(token: "t", tickInterval: .milliseconds(50), traffic: traffic)
        let traffic = try #require(cluster.traffic)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await cluster.run() }
            defer { group.cancelAll() }
            _ = try await cluster.waitUntilServing()
            _ = try await traffic.metricsServer.waitUntilServing()
            try await body(cluster, traffic)
        }
    }

    static func get(_ url: String, method: HTTPMethod = .get) async throws -> HTTPResponse {
        try await CurlEngine().perform(HTTPRequest(method: method, url: url, timeouts: TransferTimeouts(total: .seconds(10))))
    }
}

@Suite struct SimulatedTrafficTests {
    static let scenario = try! Scenario.parse(yaml: """
        images:
          "web:1": {errorRatio: 0.05, latency: {p50: 20ms, p99: 200ms}, conversionProbability: 0.1}
          "web:2":
            errorRatio: 0.05
            latency: 30ms
            predictions: {cat: 0.7, dog: 0.3}
            readyAfter: 1s
        entryPoints:
          - name: users
            namespace: shop
            host: shop.example.com
            ratePerSecond: 300
        """, file: "test-scenario.yaml")

    @Test func metricsListenerServesTextAndJSON() async throws {
        try await TrafficCluster.withCluster(traffic: .init(scenario: Self.scenario, seed: 21)) { cluster, traffic in
            try TrafficCluster.install(in: cluster.store, mirrorPercent: 20)
            let generator = traffic.generator
            try await poll(timeout: .seconds(30), "both versions and mirrors have served") {
                let metrics = generator.metrics
                return metrics.requests { $0.version == "v1" } > 200 && metrics.requests { $0.version == "v2" && !$0.mirrored } > 200
                    && metrics.requests { $0.mirrored } > 50
            }
            let base = try #require(traffic.metricsServer.url)

            let text = try await TrafficCluster.get(base + "/metrics")
            #expect(text.status == 200)
            #expect(text.headers["content-type"] == WorkloadMetricsServer.textContentType)
            let body = String(decoding: text.body, as: UTF8.self)
            for family in ["http_requests_total", "http_request_duration_seconds_bucket", "http_request_duration_seconds_sum",
                           "http_request_duration_seconds_count", "conversions_total", "predictions_total"] {
                #expect(body.contains("\n\(family){"), "\(family) missing")
            }
            #expect(body.contains(#"namespace="shop""#) && body.contains(#"service="web-v2""#) && body.contains(#"version="v2""#))
            #expect(body.contains(#"mirrored="true""#) && body.contains(#"class="cat""#) && body.contains(#"code="500""#))
            #expect(body.contains("rollouts_pod_template_hash="))

            let checked = try await PrometheusServer.checkMetricsOffloaded(body)
            #expect(checked.status == 0, "promtool check metrics: \(checked.output)")

            let json = try await TrafficCluster.get(base + "/metrics.json")
            #expect(json.status == 200)
            #expect(json.headers["content-type"] == "application/json")
            let decoded = try KubeJSON.decode(JSONValue.self, from: json.body)
            let series = try #require(decoded["series"]?.arrayValue)
            let pods = Set(series.compactMap { $0[path: "labels", "pod"]?.stringValue })
            #expect(pods.count == 4, "two pods per version: \(pods)")
            #expect(series.allSatisfy { $0["http_requests_total"]?.objectValue?.isEmpty == false })

            let missing = try await TrafficCluster.get(base + "/nothing")
            #expect(missing.status == 404)
            let posted = try await TrafficCluster.get(base + "/metrics", method: .post)
            #expect(posted.status == 405)
        }
    }

    /// A `crashLoop`/`neverReady` image never gets traffic: readiness comes from the scenario.
    @Test func scenarioReadinessDecidesWhichPodsServe() async throws {
        let scenario = try Scenario.parse(yaml: """
            images:
              "web:2": {neverReady: true}
            entryPoints:
              - {name: users, namespace: shop, host: shop.example.com, ratePerSecond: 200}
            """)
        try await TrafficCluster.withCluster(traffic: .init(scenario: scenario, seed: 3)) { cluster, traffic in
            try TrafficCluster.install(in: cluster.store)
            try await poll(timeout: .seconds(30)) { traffic.generator.progress.tally.noReadyPod > 100 && traffic.generator.progress.tally.served > 100 }
            let metrics = traffic.generator.metrics
            #expect(metrics.requests { $0.version == "v2" } == 0)
            #expect(metrics.requests { $0.version == "v1" } == traffic.generator.progress.tally.served)
        }
    }

    @Test func promtoolRejectsBrokenExposition() async throws {
        // The check itself can fail: a counter sample without a value is invalid.
        let checked = try await PrometheusServer.checkMetricsOffloaded("# TYPE x_total counter\nx_total{a=\"b\"}\n")
        #expect(checked.status != 0)
    }
}
