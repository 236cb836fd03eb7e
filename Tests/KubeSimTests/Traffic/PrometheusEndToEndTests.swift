import CurlHTTP
import Foundation
import KubeClient
import Testing
import TestSupport

@testable import KubeSim

/// A real Prometheus scrapes the workload metrics listener of a running cluster; PromQL error
/// ratios per version match the scenario.
@Suite struct PrometheusEndToEndTests {
    static let errorRatios = ["v1": 0.01, "v2": 0.2]
    static let rate = 200.0
    /// The PromQL range: long enough for ~1 500 requests per version.
    static let window = 15

    static let scenario = try! Scenario.parse(yaml: """
        images:
          "web:1": {errorRatio: \(errorRatios["v1"]!), latency: {p50: 15ms, p99: 120ms}}
          "web:2": {errorRatio: \(errorRatios["v2"]!), latency: {p50: 25ms, p99: 300ms}}
        entryPoints:
          - name: users
            namespace: shop
            host: shop.example.com
            ratePerSecond: \(rate)
        """, file: "e2e-scenario.yaml")

    @Test func prometheusMeasuresTheConfiguredErrorRatios() async throws {
        guard FileManager.default.isExecutableFile(atPath: PrometheusServer.binary) else {
            Issue.record("\(PrometheusServer.missing(PrometheusServer.binary))")
            return
        }
        try await TrafficCluster.withCluster(traffic: .init(scenario: Self.scenario, seed: 2024)) { cluster, traffic in
            try TrafficCluster.install(in: cluster.store)
            // Ticks before the routes existed found nothing to route; from the next whole tick
            // on, every request must be routed.
            let installedAt = traffic.generator.progress.ticks
            while traffic.generator.progress.ticks < installedAt + 2 { try await Task.sleep(for: .milliseconds(20)) }
            let unroutedBeforeRoutes = traffic.generator.progress.tally.unrouted
            let metricsPort = try #require(traffic.metricsServer.port)
            let prometheus = try await PrometheusServer.start(targets: ["127.0.0.1:\(metricsPort)"], scrapeInterval: "1s")
            defer { prometheus.stop() }
            let client = PrometheusQueries(base: prometheus.url)
            do {
                try await Self.measure(client, generator: traffic.generator, unroutedBeforeRoutes: unroutedBeforeRoutes)
            } catch {
                Issue.record("Prometheus log:\n\(prometheus.log().suffix(4000))")
                throw error
            }
        }
    }

    static func measure(_ prometheus: PrometheusQueries, generator: LoadGenerator, unroutedBeforeRoutes: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        let job = PrometheusServer.jobName
        // The target is up, and its youngest request series (a version's first 500) has a
        // full window of samples, so rate() of every series covers the same range.
        let coverage = "min by (version) (count_over_time(http_requests_total{job=\"\(job)\",mirrored=\"false\"}[\(window)s]))"
        try await prometheus.poll(until: deadline, "target up") { try await $0.vector("up{job=\"\(job)\"}").values.first == 1 }
        try await prometheus.poll(until: deadline, "\(window)s of samples for both versions") { client in
            let samples = try await client.vector(coverage)
            return samples.count == 2 && samples.values.allSatisfy { $0 >= Double(window - 1) }
        }
        let selector = "job=\"\(job)\",mirrored=\"false\""
        let ratios = try await prometheus.vector(
            "sum by (version) (rate(http_requests_total{\(selector),code=~\"5..\"}[\(window)s]))"
                + " / sum by (version) (rate(http_requests_total{\(selector)}[\(window)s]))")
        let requests = try await prometheus.vector("sum by (version) (increase(http_requests_total{\(selector)}[\(window)s]))")
        let total = try await prometheus.vector("sum(rate(http_requests_total{\(selector)}[\(window)s]))")
        let progress = generator.progress

        print("""
            prometheus e2e: configured \(rate) req/s; Prometheus rate over \(window)s \(format(total.values.first ?? 0)) req/s; \
            generator \(progress.tally.requests) requests in \(format(progress.simulatedSeconds)) s simulated \
            (\(progress.ticks) ticks, \(progress.skippedTicks) skipped)
            """)
        for (version, configured) in errorRatios.sorted(by: { $0.key < $1.key }) {
            let measured = try #require(ratios[version], "no ratio for \(version): \(ratios)")
            let n = try #require(requests[version], "no request count for \(version): \(requests)")
            // 5 binomial standard errors for the requests in the window.
            let tolerance = 5 * (configured * (1 - configured) / n).squareRoot()
            print("prometheus e2e: \(version) error ratio \(format(measured)) (configured \(configured), n ≈ \(Int(n)), ±\(format(tolerance)))")
            #expect(n > 500, "too few requests in the window for \(version)")
            #expect(abs(measured - configured) <= tolerance, "\(version): measured \(measured), configured \(configured) ± \(tolerance)")
        }
        // The generator's own count over simulated time is Poisson(rate × seconds).
        let expected = rate * Double(progress.ticks) * generator.configuration.tick.inSeconds
        #expect(abs(Double(progress.tally.requests) - expected) <= 5 * expected.squareRoot())
        #expect(progress.tally.unrouted == unroutedBeforeRoutes, "requests left unrouted after the routes existed")
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}

extension Duration {
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Instant queries against Prometheus's HTTP API through libcurl.
struct PrometheusQueries: Sendable {
    let base: String

    struct QueryError: Error, CustomStringConvertible {
        var description: String
    }

    /// Evaluates `query` now; the result vector keyed by the `version` label (or "" when the
    /// series has none).
    func vector(_ query: String) async throws -> [String: Double] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? query
        let response = try await CurlEngine().perform(HTTPRequest(
            url: "\(base)/api/v1/query?query=\(encoded)", timeouts: TransferTimeouts(total: .seconds(10))))
        let body = try KubeJSON.decode(JSONValue.self, from: response.body)
        guard response.status == 200, body["status"]?.stringValue == "success",
            let results = body[path: "data", "result"]?.arrayValue
        else {
            throw QueryError(description: "query \(query) failed: HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        var vector: [String: Double] = [:]
        for result in results {
            let key = result[path: "metric", "version"]?.stringValue ?? ""
            if let text = result["value"]?.arrayValue?.last?.stringValue, let value = Double(text) { vector[key] = value }
        }
        return vector
    }

    /// Re-evaluates `condition` every 250 ms until it holds; throws at `deadline`.
    func poll(
        until deadline: ContinuousClock.Instant, _ what: String, _ condition: (PrometheusQueries) async throws -> Bool
    ) async throws {
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                if try await condition(self) { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw QueryError(description: "\(what): not reached before the deadline" + (lastError.map { "; last error: \($0)" } ?? ""))
    }
}
