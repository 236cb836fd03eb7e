import Analysis
import CurlHTTP
import Foundation
import KubeClient
import SluiceAPI
import Testing
import TestSupport

/// Exposition text with known values, served on a loopback port for a real Prometheus to scrape.
let knownMetrics = """
    # TYPE sluice_test_requests_total counter
    sluice_test_requests_total{version="v1"} 100
    sluice_test_requests_total{version="v2"} 250
    # TYPE sluice_test_ratio gauge
    sluice_test_ratio 0.25

    """

func prometheusMetric(_ address: String, _ query: String, range: PrometheusRangeQuery? = nil, authentication: PrometheusAuthentication? = nil,
                      headers: [WebMetricHeader]? = nil, success: String? = nil, timeout: DurationString? = nil) -> Metric {
    Metric(name: "m", successCondition: success ?? "true",
           provider: MetricProviderSpec(prometheus: PrometheusMetric(address: address, query: query, rangeQuery: range, timeout: timeout,
                                                                     headers: headers, authentication: authentication)))
}

func context(_ secrets: [String: [String: String]] = [:]) -> MeasurementContext {
    MeasurementContext(namespace: "shop", runName: "web-1", secrets: InMemorySecretReader(secrets))
}

extension MetricProvider {
    /// `begin`, expecting it to finish at once.
    func value(_ metric: Metric, _ context: MeasurementContext) async throws -> MeasurementValue {
        guard case .finished(let value) = try await begin(metric, context: context) else { throw TestServerError(description: "still running") }
        return value
    }
}

/// The provider against a real Prometheus (Debian's), scraping a static target every second.
@Suite("Prometheus provider, real Prometheus")
struct PrometheusProviderTests {
    @Test func measuresVectorsScalarsMatricesAndNoData() async throws {
        guard FileManager.default.isExecutableFile(atPath: PrometheusServer.binary) else {
            Issue.record("\(PrometheusServer.missing(PrometheusServer.binary))")
            return
        }
        try await LoopbackHTTPServer.with({ _ in .init(200, knownMetrics, contentType: "text/plain; version=0.0.4") }) { target, targetURL in
            let prometheus = try await PrometheusServer.start(targets: [String(targetURL.dropFirst("http://".count))], scrapeInterval: "1s")
            do {
                try await Self.check(prometheus.url)
            } catch {
                Issue.record("Prometheus log:\n\(prometheus.log().suffix(3000))")
                try await offloaded { prometheus.stop() }
                throw error
            }
            try await offloaded { prometheus.stop() }
            #expect(target.requests.contains { $0.path == "/metrics" })
        }
    }

    static func check(_ address: String) async throws {
        let provider = PrometheusProvider(engine: CurlEngine())
        let job = PrometheusServer.jobName
        // Wait (polling Prometheus) until the first scrape and a few seconds of samples are in.
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let value = try await provider.value(prometheusMetric(address, "count_over_time(sluice_test_ratio{job=\"\(job)\"}[1m])"), context())
            if case .vector(let samples) = value, (samples.first?.value ?? 0) >= 3 { break }
            guard ContinuousClock.now < deadline else { throw TestServerError(description: "Prometheus never scraped the target: last \(value)") }
            try await Task.sleep(for: .milliseconds(250))
        }

        let vector = try await provider.value(prometheusMetric(address, "sluice_test_requests_total{job=\"\(job)\"}"), context())
        guard case .vector(let samples) = vector else { throw TestServerError(description: "expected a vector, got \(vector)") }
        #expect(Dictionary(uniqueKeysWithValues: samples.map { ($0.labels["version"] ?? "", $0.value) }) == ["v1": 100, "v2": 250])
        #expect(samples.allSatisfy { $0.labels["__name__"] == "sluice_test_requests_total" && $0.labels["job"] == job })
        #expect(MeasurementAssessment.phase(of: vector, for: metric(success: "len(result) == 2 && sum(result) == 350")).phase == .successful)

        let scalar = try await provider.value(prometheusMetric(address, "scalar(sluice_test_ratio{job=\"\(job)\"})"), context())
        #expect(scalar == .scalar(0.25))

        let text = try await provider.value(prometheusMetric(address, "\"canary\""), context())
        #expect(text == .string("canary"))

        let matrix = try await provider.value(prometheusMetric(address, "sluice_test_ratio{job=\"\(job)\"}",
                                                               range: PrometheusRangeQuery(lookback: "3s", step: "1s")), context())
        guard case .matrix(let series) = matrix else { throw TestServerError(description: "expected a matrix, got \(matrix)") }
        #expect(series.count == 1)
        #expect(series.first.map { $0.points.count >= 2 && $0.points.allSatisfy { $0.value == 0.25 } } == true)

        let empty = try await provider.value(prometheusMetric(address, "sluice_test_requests_total{version=\"v9\"}"), context())
        #expect(empty == .noData(reason: "the query returned an empty vector"))
        #expect(MeasurementAssessment.phase(of: empty, for: metric(success: "result[0] < 1")).phase == .error)

        let emptyRange = try await provider.value(prometheusMetric(address, "sluice_test_requests_total{version=\"v9\"}",
                                                                   range: PrometheusRangeQuery(lookback: "10s", step: "1s")), context())
        #expect(emptyRange == .noData(reason: "the range query returned no series"))

        do {
            _ = try await provider.value(prometheusMetric(address, "rate(sluice_test_requests_total[1x])"), context())
            Issue.record("a bad query was accepted")
        } catch let error as MeasurementError {
            #expect(error.kind == .query)
            #expect(error.message.hasPrefix("Prometheus at \(address) rejected the query (bad_data): "), "\(error.message)")
            #expect(error.message.contains("bad duration syntax"), "Prometheus's own message: \(error.message)")
        }
    }

    @Test func connectionRefusedIsAMeasurementError() async throws {
        let port = TestNetwork.unusedLoopbackPort()
        do {
            _ = try await PrometheusProvider(engine: CurlEngine()).value(prometheusMetric("http://127.0.0.1:\(port)", "up"), context())
            Issue.record("no error")
        } catch let error as MeasurementError {
            #expect(error.kind == .unreachable)
            #expect(error.message.hasPrefix("Prometheus at http://127.0.0.1:\(port): connection refused"), "\(error.message)")
        }
    }
}

/// Authentication, headers, server errors and timeouts, against a scripted Prometheus.
@Suite("Prometheus provider, scripted server")
struct PrometheusProviderScriptedTests {
    static let token = "tok-3f9a1c7e5b"
    static let vectorAnswer = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"version":"v2"},"value":[1700000000.5,"0.004"]}]}}"#

    /// Answers the vector only with `Authorization: <expected>`; otherwise 401 echoing what it got.
    static func guarded(_ expected: String) -> LoopbackHTTPServer.Handler {
        { request in
            guard request.headers["authorization"] == expected else {
                return .init(401, "unauthorized: got \(request.headers["authorization"] ?? "nothing")", contentType: "text/plain")
            }
            return .init(200, vectorAnswer)
        }
    }

    @Test func sendsTheBearerTokenFromTheSecretAndNeverShowsIt() async throws {
        try await LoopbackHTTPServer.with(Self.guarded("Bearer \(Self.token)")) { server, url in
            let provider = PrometheusProvider(engine: CurlEngine())
            let auth = PrometheusAuthentication(bearerToken: SecretKeySelector(name: "prom", key: "token"))
            let metric = prometheusMetric(url, "sum(rate(x[1m]))", authentication: auth, headers: [WebMetricHeader(key: "X-Scope-OrgID", value: "shop")])
            let value = try await provider.value(metric, context(["shop/prom": ["token": Self.token + "\n"]]))
            #expect(value == .vector([LabeledSample(labels: ["version": "v2"], value: 0.004, timestamp: 1_700_000_000.5)]))
            let request = try #require(server.requests.last)
            #expect(request.path == "/api/v1/query")
            #expect(request.query["query"] == "sum(rate(x[1m]))")
            #expect(request.query["timeout"] == "30000ms")
            #expect(request.headers["x-scope-orgid"] == "shop")

            do {
                _ = try await provider.value(metric, context(["shop/prom": ["token": "wrong-\(Self.token)"]]))
                Issue.record("no error with a wrong token")
            } catch let error as MeasurementError {
                #expect(error.kind == .httpStatus)
                #expect(error.message == "Prometheus at \(url) answered HTTP 401: unauthorized: got Bearer ***")
                #expect(!error.message.contains(Self.token))
            }
            await #expect(throws: MeasurementError(.secret, "Secret shop/prom not found")) {
                try await provider.value(metric, context())
            }
        }
    }

    @Test func sendsBasicAuthentication() async throws {
        let expected = "Basic " + Data("sluice:pa55word".utf8).base64EncodedString()
        try await LoopbackHTTPServer.with(Self.guarded(expected)) { _, url in
            let auth = PrometheusAuthentication(basic: BasicAuthentication(username: "sluice", password: SecretKeySelector(name: "prom", key: "password")))
            let value = try await PrometheusProvider(engine: CurlEngine()).value(prometheusMetric(url, "up", authentication: auth),
                                                                                context(["shop/prom": ["password": "pa55word"]]))
            #expect(value.conditionValue == .array([.number(0.004)]))
        }
    }

    @Test func fetchesAnOAuth2TokenFirst() async throws {
        try await LoopbackHTTPServer.with({ request in
            if request.path == "/token" {
                guard request.method == "POST", request.body.contains("grant_type=client_credentials"), request.body.contains("client_secret=cl1ent-s3cret"),
                      request.body.contains("scope=read%20metrics") else { return .init(400, #"{"error":"invalid_request"}"#) }
                return .init(200, #"{"access_token":"issued-\#(Self.token)","token_type":"Bearer"}"#)
            }
            return Self.guarded("Bearer issued-\(Self.token)")(request)
        }) { _, url in
            let auth = PrometheusAuthentication(oauth2: OAuth2Config(tokenUrl: "\(url)/token", clientId: "sluice",
                                                                     clientSecret: SecretKeySelector(name: "prom", key: "secret"), scopes: ["read", "metrics"]))
            let value = try await PrometheusProvider(engine: CurlEngine()).value(prometheusMetric(url, "up", authentication: auth),
                                                                                context(["shop/prom": ["secret": "cl1ent-s3cret"]]))
            #expect(value.conditionValue == .array([.number(0.004)]))
        }
    }

    @Test func serverErrorsAndTimeoutsAreMeasurementErrors() async throws {
        try await LoopbackHTTPServer.with({ request in
            switch request.query["query"] {
            case "slow": .init(200, Self.vectorAnswer, delay: .seconds(5))
            case "overloaded": .init(503, #"{"status":"error","errorType":"unavailable","error":"too many queries"}"#)
            case "proxy": .init(502, "<html>bad gateway</html>", contentType: "text/html")
            default: .init(200, "not json", contentType: "text/plain")
            }
        }) { _, url in
            let provider = PrometheusProvider(engine: CurlEngine())
            func error(_ query: String, timeout: DurationString? = nil) async -> MeasurementError? {
                do {
                    _ = try await provider.value(prometheusMetric(url, query, timeout: timeout), context())
                    return nil
                } catch {
                    return error as? MeasurementError
                }
            }
            #expect(await error("overloaded") == MeasurementError(.query, "Prometheus at \(url) rejected the query (unavailable): too many queries"))
            #expect(await error("proxy") == MeasurementError(.httpStatus, "Prometheus at \(url) answered HTTP 502: <html>bad gateway</html>"))
            #expect(await error("garbage") == MeasurementError(.badResponse, "Prometheus at \(url) answered HTTP 200 with no Prometheus result: not json"))
            let timedOut = await error("slow", timeout: "1s")
            #expect(timedOut?.kind == .timedOut)
            #expect(timedOut?.message.hasPrefix("Prometheus at \(url): timed out") == true, "\(String(describing: timedOut))")
        }
    }

    @Test func rangeRequestsCoverTheLookback() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_600)
        let request = try PrometheusProvider.request(
            for: PrometheusMetric(address: "http://prom:9090/", query: "up", rangeQuery: PrometheusRangeQuery(lookback: "10m", step: "30s"), timeout: "5s"),
            authorization: nil, now: now)
        #expect(request.url == "http://prom:9090/api/v1/query_range?query=up&timeout=5000ms&start=1700000000.000&end=1700000600.000&step=30000ms")
        #expect(request.timeouts.total == .seconds(5))
    }
}
