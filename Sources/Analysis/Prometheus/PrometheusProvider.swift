import CurlHTTP
import Foundation
import KubeClient
import SluiceAPI

/// Measures with a PromQL query over Prometheus's HTTP API (`/api/v1/query`, or
/// `/api/v1/query_range` with `rangeQuery`), through libcurl.
///
/// Authentication comes from Secrets (bearer token, basic, or an OAuth 2 client-credentials
/// token fetched per measurement); extra headers are sent as written. An empty vector or
/// matrix is ``MeasurementValue/noData(reason:)``. Prometheus's own error message (bad query,
/// execution timeout) becomes the ``MeasurementError``'s message.
public struct PrometheusProvider: MetricProvider {
    public static let defaultTimeout: Duration = .seconds(30)

    private let engine: CurlEngine
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock for range queries' end time.
    public init(engine: CurlEngine, now: @escaping @Sendable () -> Date = { Date() }) {
        self.engine = engine
        self.now = now
    }

    public func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        guard let spec = metric.provider.prometheus else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\" has no prometheus provider")
        }
        var redactor = context.arguments
        do {
            let authorization = try await authorizationHeader(spec.authentication, context: context, redactor: &redactor)
            let request = try Self.request(for: spec, authorization: authorization, now: now())
            let peer = "Prometheus at \(HTTPExchange.displayURL(spec.address))"
            let response = try await HTTPExchange.perform(request, engine: engine, peer: peer)
            return .finished(try PrometheusResponse.value(of: response, peer: peer))
        } catch {
            throw redactor.redact(error)
        }
    }

    /// The HTTP request for `spec` (pure; exposed for tests).
    public static func request(for spec: PrometheusMetric, authorization: String?, now: Date) throws(MeasurementError) -> HTTPRequest {
        let timeout = HTTPExchange.duration(spec.timeout, fallback: defaultTimeout)
        let base = spec.address.hasSuffix("/") ? String(spec.address.dropLast()) : spec.address
        var parameters = [("query", spec.query), ("timeout", Self.promDuration(timeout))]
        var path = "/api/v1/query"
        if let range = spec.rangeQuery {
            guard let lookback = range.lookback.duration, let step = range.step.duration, lookback > .zero, step > .zero else {
                throw MeasurementError(.configuration, "rangeQuery needs positive lookback and step durations, got \(range.lookback) and \(range.step)")
            }
            let end = now.timeIntervalSince1970
            path = "/api/v1/query_range"
            parameters += [("start", Self.unixTime(end - Self.seconds(lookback))), ("end", Self.unixTime(end)),
                           ("step", Self.promDuration(step))]
        }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        for header in spec.headers ?? [] { headers.set(header.key, header.value) }
        if let authorization { headers.set("Authorization", authorization) }
        return HTTPRequest(
            method: .get, url: "\(base)\(path)?\(HTTPExchange.formEncoded(parameters))", headers: headers,
            timeouts: TransferTimeouts(connect: min(timeout, .seconds(10)), total: timeout))
    }

    private func authorizationHeader(_ authentication: PrometheusAuthentication?, context: MeasurementContext,
                                     redactor: inout ResolvedArguments) async throws(MeasurementError) -> String? {
        guard let authentication else { return nil }
        if let secret = authentication.bearerToken {
            let token = try await context.secrets.value(namespace: context.namespace, name: secret.name, key: secret.key)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            redactor.addSecret(token)
            return "Bearer \(token)"
        }
        if let basic = authentication.basic {
            let password = try await context.secrets.value(namespace: context.namespace, name: basic.password.name, key: basic.password.key)
            redactor.addSecret(password)
            let encoded = Data("\(basic.username):\(password)".utf8).base64EncodedString()
            redactor.addSecret(encoded)
            return "Basic \(encoded)"
        }
        if let oauth2 = authentication.oauth2 {
            let secret = try await context.secrets.value(namespace: context.namespace, name: oauth2.clientSecret.name, key: oauth2.clientSecret.key)
            redactor.addSecret(secret)
            let token = try await OAuth2ClientCredentials.token(oauth2, clientSecret: secret, engine: engine)
            redactor.addSecret(token)
            return "Bearer \(token)"
        }
        return nil
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Prometheus's duration syntax in milliseconds (`1500ms`), which it always accepts.
    static func promDuration(_ duration: Duration) -> String {
        "\(max(1, Int64((seconds(duration) * 1000).rounded())))ms"
    }

    static func unixTime(_ seconds: Double) -> String { String(format: "%.3f", seconds) }
}

/// OAuth 2 client-credentials grant (RFC 6749 §4.4): one token request per measurement.
enum OAuth2ClientCredentials {
    static func token(_ config: OAuth2Config, clientSecret: String, engine: CurlEngine) async throws(MeasurementError) -> String {
        var form = [("grant_type", "client_credentials"), ("client_id", config.clientId), ("client_secret", clientSecret)]
        if let scopes = config.scopes, !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
        let peer = "OAuth 2 token endpoint \(HTTPExchange.displayURL(config.tokenUrl))"
        let response = try await HTTPExchange.perform(HTTPRequest(
            method: .post, url: config.tokenUrl,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Array(HTTPExchange.formEncoded(form).utf8),
            timeouts: TransferTimeouts(connect: .seconds(10), total: .seconds(30))), engine: engine, peer: peer)
        let body = try? KubeJSON.decode(JSONValue.self, from: response.body)
        guard response.head.isSuccess else {
            let reason = [body?["error"]?.stringValue, body?["error_description"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
            throw MeasurementError(.httpStatus, "\(peer) answered HTTP \(response.status)\(reason.isEmpty ? "" : " (\(reason))")")
        }
        guard let token = body?["access_token"]?.stringValue, !token.isEmpty else {
            throw MeasurementError(.badResponse, "\(peer) answered without an access_token")
        }
        return token
    }
}
