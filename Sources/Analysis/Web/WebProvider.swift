import CurlHTTP
import Foundation
import KubeClient
import SluiceAPI

/// Measures with an HTTP request whose JSON answer (or the part `jsonPath` selects) is the
/// value: GET, POST or PUT, headers and body as written, `timeoutSeconds` (10 by default).
///
/// A status outside 2xx, a body that is not JSON, or a `jsonPath` that selects nothing are
/// ``MeasurementError``s.
public struct WebProvider: MetricProvider {
    public static let defaultTimeoutSeconds: Int32 = 10

    private let engine: CurlEngine

    public init(engine: CurlEngine) { self.engine = engine }

    public func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        guard let spec = metric.provider.web else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\" has no web provider")
        }
        do {
            let selector = try Self.selector(spec.jsonPath)
            let request = Self.request(for: spec)
            let peer = "\(request.method) \(HTTPExchange.displayURL(spec.url))"
            let response = try await HTTPExchange.perform(request, engine: engine, peer: peer)
            guard response.head.isSuccess else {
                let excerpt = HTTPExchange.excerpt(response.body)
                throw MeasurementError(.httpStatus, "\(peer) answered HTTP \(response.status)\(excerpt.isEmpty ? "" : ": \(excerpt)")")
            }
            let document: JSONValue
            do {
                document = try KubeJSON.decode(JSONValue.self, from: response.body)
            } catch {
                throw MeasurementError(.badResponse, "\(peer) answered with a body that is not JSON: \(HTTPExchange.excerpt(response.body))")
            }
            guard let selector else { return .finished(.json(document)) }
            guard let selected = selector.select(in: document) else {
                throw MeasurementError(.badResponse, "jsonPath \(selector) selected nothing in the answer of \(peer): \(HTTPExchange.excerpt(response.body))")
            }
            return .finished(.json(selected))
        } catch let error as MeasurementError {
            throw context.arguments.redact(error)
        } catch {
            throw context.arguments.redact(MeasurementError(.badResponse, "\(error)"))
        }
    }

    /// The HTTP request for `spec` (pure; exposed for tests). A body without a
    /// `Content-Type` header is sent as `application/json`.
    public static func request(for spec: WebMetric) -> HTTPRequest {
        let method: HTTPMethod = switch spec.method ?? .get {
        case .get: .get
        case .post: .post
        case .put: .put
        }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        for header in spec.headers ?? [] { headers.set(header.key, header.value) }
        if spec.body != nil, headers["Content-Type"] == nil { headers.set("Content-Type", "application/json") }
        let seconds = max(1, Int64(spec.timeoutSeconds ?? defaultTimeoutSeconds))
        return HTTPRequest(method: method, url: spec.url, headers: headers, body: spec.body.map { Array($0.utf8) },
                           timeouts: TransferTimeouts(connect: .seconds(min(seconds, 10)), total: .seconds(seconds)))
    }

    private static func selector(_ jsonPath: String?) throws(MeasurementError) -> JSONPathSelector? {
        guard let jsonPath, !jsonPath.allSatisfy(\.isWhitespace) else { return nil }
        do {
            return try JSONPathSelector(jsonPath)
        } catch {
            throw MeasurementError(.configuration, "jsonPath \"\(jsonPath)\": \(error)")
        }
    }
}
