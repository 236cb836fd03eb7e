import Analysis
import CurlHTTP
import Foundation
import KubeClient
import SluiceAPI
import Testing

@Suite("Web provider")
struct WebProviderTests {
    static func webMetric(_ url: String, method: WebMetric.Method? = nil, body: String? = nil, jsonPath: String? = nil,
                          headers: [WebMetricHeader]? = nil, timeoutSeconds: Int32? = nil) -> Metric {
        Metric(name: "smoke", successCondition: "true",
               provider: MetricProviderSpec(web: WebMetric(url: url, method: method, headers: headers, body: body, jsonPath: jsonPath, timeoutSeconds: timeoutSeconds)))
    }

    static let answer = #"{"data":{"ok":true,"latency":{"p99":120.5},"checks":[{"name":"db","up":1},{"name":"cache","up":0}]}}"#

    @Test func selectsWithJSONPath() async throws {
        try await LoopbackHTTPServer.with({ request in
            switch request.path {
            case "/status": .init(200, Self.answer)
            case "/slow": .init(200, Self.answer, delay: .seconds(5))
            case "/broken": .init(500, "database down", contentType: "text/plain")
            default: .init(200, "<html>ok</html>", contentType: "text/html")
            }
        }) { server, url in
            let provider = WebProvider(engine: CurlEngine())
            #expect(try await provider.value(Self.webMetric("\(url)/status", jsonPath: "{$.data.ok}"), context()) == .json(true))
            #expect(try await provider.value(Self.webMetric("\(url)/status", jsonPath: "$.data.latency.p99"), context()) == .json(.double(120.5)))
            #expect(try await provider.value(Self.webMetric("\(url)/status", jsonPath: "$.data.checks[-1].name"), context()) == .json("cache"))
            #expect(try await provider.value(Self.webMetric("\(url)/status", jsonPath: "$.data.checks[*].up"), context()) == .json([1, 0]))
            let whole = try await provider.value(Self.webMetric("\(url)/status"), context())
            #expect(MeasurementAssessment.phase(of: whole, for: Metric(name: "w", successCondition: "result.data.ok && result.data.latency.p99 < 300",
                                                                         provider: MetricProviderSpec(web: WebMetric(url: url)))).phase == .successful)
            #expect(server.requests.first?.method == "GET")

            func error(_ metric: Metric) async -> MeasurementError? {
                do {
                    _ = try await provider.value(metric, context())
                    return nil
                } catch {
                    return error as? MeasurementError
                }
            }
            #expect(await error(Self.webMetric("\(url)/status", jsonPath: "$.data.missing"))
                    == MeasurementError(.badResponse, "jsonPath $.data.missing selected nothing in the answer of GET \(url)/status: \(Self.answer)"))
            #expect(await error(Self.webMetric("\(url)/broken")) == MeasurementError(.httpStatus, "GET \(url)/broken answered HTTP 500: database down"))
            #expect(await error(Self.webMetric("\(url)/page")) == MeasurementError(.badResponse, "GET \(url)/page answered with a body that is not JSON: <html>ok</html>"))
            #expect(await error(Self.webMetric("\(url)/status", jsonPath: "data.ok"))
                    == MeasurementError(.configuration, "jsonPath \"data.ok\": at character 1: expected the path to start with \"$\" (or \"{$\")"))
            let slow = await error(Self.webMetric("\(url)/slow", timeoutSeconds: 1))
            #expect(slow?.kind == .timedOut)
        }
    }

    @Test func postsTheBodyWithHeaders() async throws {
        try await LoopbackHTTPServer.with({ request in
            request.method == "POST" && request.headers["content-type"] == "application/json" && request.headers["x-api-key"] == "k"
                ? .init(200, #"{"verdict":"pass","echo":\#(request.body)}"#) : .init(400, #"{"error":"bad request"}"#)
        }) { server, url in
            let metric = Self.webMetric("\(url)/judge", method: .post, body: #"{"service":"web"}"#, jsonPath: "$.echo.service",
                                        headers: [WebMetricHeader(key: "X-Api-Key", value: "k")])
            let value = try await WebProvider(engine: CurlEngine()).value(metric, context())
            #expect(value == .json("web"))
            #expect(server.requests.last?.body == #"{"service":"web"}"#)
        }
    }

    @Test func secretArgumentsStayOutOfMessages() async throws {
        try await LoopbackHTTPServer.with({ request in .init(403, "forbidden for key \(request.headers["x-api-key"] ?? "")", contentType: "text/plain") }) { _, url in
            let arguments = try await ResolvedArguments.resolve(
                [Argument(name: "key", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "api", key: "key")))],
                namespace: "shop", secrets: InMemorySecretReader(["shop/api": ["key": "k-81726354"]]))
            let metric = try Self.webMetric("\(url)/x", headers: [WebMetricHeader(key: "X-Api-Key", value: "{{args.key}}")]).resolved(with: arguments)
            var context = context()
            context.arguments = arguments
            await #expect(throws: MeasurementError(.httpStatus, "GET \(url)/x answered HTTP 403: forbidden for key ***")) {
                try await WebProvider(engine: CurlEngine()).value(metric, context)
            }
        }
    }
}
