import Statistics
import Foundation
import KubeClient
import Testing

@testable import KubeSim

@Suite struct MirrorAndMetricsTests {
    typealias F = TrafficFixtures

    static let scenario = try! Scenario.parse(yaml: """
        images:
          "web:1": {errorRatio: 0, conversionProbability: 1, latency: 10ms}
          "web:2": {errorRatio: 0, conversionProbability: 1, latency: 20ms, predictions: {a: 1}}
        """)

    static let mirroringRoute = F.object("HTTPRoute", "web", spec: [
        "hostnames": [.string(F.host)],
        "rules": [[
            "backendRefs": [["name": "web-stable", "port": 80]],
            "filters": [["type": "RequestMirror", "requestMirror": [
                "backendRef": ["name": "web-canary", "port": 80], "fraction": ["numerator": 1, "denominator": 4],
            ]]],
        ]],
    ])

    static let mirroringVirtualService = F.object("VirtualService", "web", spec: [
        "hosts": [.string(F.host)],
        "http": [[
            "route": [["destination": ["host": "web", "subset": "stable"]]],
            "mirror": ["host": "web", "subset": "canary"],
            "mirrorPercentage": ["value": 25.0],
        ]],
    ])

    @Test(arguments: ["HTTPRoute", "VirtualService"])
    func mirrorsAreExtraCopies(kind: String) {
        var objects = RouterObjects(services: F.services)
        if kind == "HTTPRoute" { objects.httpRoutes = [Self.mirroringRoute] } else {
            objects.virtualServices = [Self.mirroringVirtualService]
            objects.destinationRules = [F.destinationRule]
        }
        let entry = EntryPoint(name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 1)
        var simulator = TrafficSimulator(scenario: Self.scenario, seed: 11)
        let n = 10_000
        for i in 0..<n {
            let served = simulator.serve(entry: entry, request: TrafficRequest(), objects: objects, pods: F.pods, time: Double(i) / 100)
            #expect(served.primary != nil)
        }
        let registry = simulator.registry
        // Main traffic is unchanged: every user request served once, by stable, and converted.
        #expect(registry.requests { !$0.mirrored } == n)
        #expect(registry.requests { !$0.mirrored && $0.version == "v1" } == n)
        #expect(registry.conversions() == n)
        // Copies are recorded separately and never convert.
        let mirrored = registry.requests { $0.mirrored }
        #expect(registry.requests { $0.mirrored && $0.version == "v2" && $0.pod == "web-bbb-1" } == mirrored)
        #expect(registry.conversions { $0.mirrored } == 0)
        #expect(F.binomialBounds(n: n, p: 0.25).contains(mirrored), "\(mirrored)")
        #expect(registry.prometheusText().contains(#"mirrored="true""#))
    }

    static let golden = #"""
        # HELP conversions_total Requests that led to a user conversion (mirrored requests never convert).
        # TYPE conversions_total counter
        conversions_total{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false"} 1
        conversions_total{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true"} 0
        # HELP http_request_duration_seconds Time to serve HTTP requests.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.005"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.01"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.025"} 1
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.05"} 1
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.1"} 1
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.25"} 1
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="0.5"} 1
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="1"} 2
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="2.5"} 2
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="5"} 2
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="10"} 2
        http_request_duration_seconds_bucket{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",le="+Inf"} 2
        http_request_duration_seconds_sum{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false"} 1.02
        http_request_duration_seconds_count{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false"} 2
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.005"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.01"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.025"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.05"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.1"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.25"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="0.5"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="1"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="2.5"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="5"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="10"} 0
        http_request_duration_seconds_bucket{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",le="+Inf"} 1
        http_request_duration_seconds_sum{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true"} 12
        http_request_duration_seconds_count{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true"} 1
        # HELP http_requests_total HTTP requests served, by status code.
        # TYPE http_requests_total counter
        http_requests_total{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",code="200"} 1
        http_requests_total{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",code="500"} 1
        http_requests_total{namespace="shop",pod="web-2",service="web",rollouts_pod_template_hash="def",version="v2",mirrored="true",code="200"} 1
        # HELP predictions_total Model predictions served, by class.
        # TYPE predictions_total counter
        predictions_total{namespace="shop",pod="web-1",service="web",rollouts_pod_template_hash="abc",version="v\"1\\\n",mirrored="false",class="cat"} 1

        """#

    static func smallRegistry() -> MetricsRegistry {
        var registry = MetricsRegistry()
        let v1 = SeriesLabels(namespace: "shop", pod: "web-1", service: "web", podTemplateHash: "abc", version: "v\"1\\\n")
        let v2 = SeriesLabels(namespace: "shop", pod: "web-2", service: "web", podTemplateHash: "def", version: "v2", mirrored: true)
        registry.record(v1, code: 200, duration: 0.02, converted: true, prediction: "cat")
        registry.record(v1, code: 500, duration: 1.0)
        registry.record(v2, code: 200, duration: 12)
        return registry
    }

    @Test func exposition() {
        let text = Self.smallRegistry().prometheusText()
        #expect(text == Self.golden)
        if text != Self.golden { print(text) }
    }

    @Test func json() throws {
        let json = Self.smallRegistry().json()
        let series = try #require(json["series"]?.arrayValue)
        #expect(series.count == 2)
        #expect(series[0][path: "labels", "pod"] == "web-1")
        #expect(series[0]["http_requests_total"] == ["200": 1, "500": 1])
        #expect(series[0]["conversions_total"] == 1)
        #expect(series[0]["predictions_total"] == ["cat": 1])
        #expect(series[0][path: "http_request_duration_seconds", "count"] == 2)
        #expect(series[0][path: "http_request_duration_seconds", "buckets"]?.arrayValue?.last == ["le": "+Inf", "count": 2])
        #expect(series[1][path: "labels", "mirrored"] == "true")
        // Encodes on the wire (whole-number doubles come back as integers).
        let decoded = try KubeJSON.decode(JSONValue.self, from: try KubeJSON.encode(json))
        #expect(decoded["series"]?.arrayValue?[1][path: "http_request_duration_seconds", "sum"] == 12)
        #expect(decoded["series"]?.arrayValue?[0][path: "http_request_duration_seconds", "sum"] == 1.02)
    }

    @Test func driveEntryPointWithHeaderShare() {
        // All requests carrying the header go to the canary; the rest split 90/10.
        let entry = EntryPoint(
            name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 100, headers: ["x-canary": "1"], share: 0.5)
        var simulator = TrafficSimulator(scenario: Self.scenario, seed: 5)
        let objects = RouterObjects(httpRoutes: [F.httpRoute], services: F.services)
        let served = simulator.drive(entry: entry, from: 0, seconds: 100, objects: objects, pods: F.pods)
        #expect(served.count == 10_000)
        let canary = simulator.registry.requests { $0.version == "v2" }
        #expect(F.binomialBounds(n: 10_000, p: 0.55).contains(canary), "\(canary)")
        #expect(simulator.registry.requests() == 10_000)
    }

    @Test func simulatorDrawsFromBehaviour() {
        let scenario = try! Scenario.parse(yaml: """
            images:
              m: {errorRatio: 0.2, conversionProbability: 0.5, predictions: {a: 0.7, b: 0.3}, latency: {p50: 20ms, p99: 120ms}}
            """)
        var simulator = TrafficSimulator(scenario: scenario, seed: 3)
        let labels = SeriesLabels(namespace: "n", pod: "p", service: "s", podTemplateHash: "h", version: "m")
        let n = 10_000
        for _ in 0..<n { simulator.simulate(request: SimulatedRequest(labels: labels, image: "m", time: 0)) }
        let entry = simulator.registry.series[labels]!
        #expect(F.binomialBounds(n: n, p: 0.2).contains(entry.requestsByCode[500] ?? 0))
        #expect(F.binomialBounds(n: n, p: 0.4).contains(entry.conversions))  // 0.8 × 0.5
        #expect(F.binomialBounds(n: n, p: 0.56).contains(entry.predictions["a"] ?? 0))  // 0.8 × 0.7
        #expect(entry.durationCount == n)
        // Mirrored copies never convert.
        var mirroredLabels = labels
        mirroredLabels.mirrored = true
        for _ in 0..<1000 { simulator.simulate(request: SimulatedRequest(labels: mirroredLabels, image: "m", time: 0)) }
        #expect(simulator.registry.series[mirroredLabels]!.conversions == 0)
    }
}
