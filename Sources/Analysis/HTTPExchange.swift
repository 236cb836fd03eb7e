import CurlHTTP
import Foundation
import SluiceAPI


/// The HTTP plumbing the Prometheus and web providers share: one request through libcurl,
/// transport failures turned into ``MeasurementError``s.
enum HTTPExchange {
    static func perform(_ request: HTTPRequest, engine: CurlEngine, peer: String) async throws(MeasurementError) -> HTTPResponse {
        do {
            return try await engine.perform(request)
        } catch let error as TransportError {
            let kind: MeasurementError.Kind = switch error.kind {
            case .timedOut, .stalled: .timedOut
            case .cancelled: .cancelled
            case .invalidRequest: .configuration
            default: .unreachable
            }
            throw MeasurementError(kind, "\(peer): \(error)")
        } catch {
            throw MeasurementError(.unreachable, "\(peer): \(error)")
        }
    }

    /// `url` as messages may show it: scheme, host, port and path, without user
    /// information (`user:password@`) or query.
    static func displayURL(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "the configured URL" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "the configured URL"
    }

    /// The start of a response body as text, for messages: one line, at most `limit` characters.
    static func excerpt(_ body: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// `a=b&c=d` with each value percent-encoded for a query string or a form body.
    static func formEncoded(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    /// A timeout as written in a spec, or `fallback` when absent or unparsable (validation
    /// reports the latter).
    static func duration(_ text: DurationString?, fallback: Duration) -> Duration {
        guard let duration = text?.duration, duration > .zero else { return fallback }
        return duration
    }
}
