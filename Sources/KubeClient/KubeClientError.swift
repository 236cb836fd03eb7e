import CurlHTTP

/// Everything a ``KubernetesClient`` call can throw. Messages name the server, the
/// request and what failed; they never contain a token, password or key.
public enum KubeClientError: Error, Sendable, CustomStringConvertible {
    /// The server answered with an error; `status` is its decoded `Status`.
    case status(Status, request: String)
    /// HTTP 410 or a watch `ERROR` with code 410 (reason `Expired`/`Gone`): the requested
    /// version is too old. List again and watch from the list's version.
    case expired(Status, request: String)
    /// No usable response: DNS, refused, TLS, timeout, stall, connection lost.
    case transport(TransportError, server: String)
    /// The response did not decode as the expected type.
    case decoding(String, request: String)
    /// The call itself was wrong (a namespaced resource without a namespace, say).
    case invalidArgument(String)
    /// Credentials could not be obtained (exec plugin failed, token file unreadable).
    case credentials(String)

    public var description: String {
        switch self {
        case .status(let status, let request):
            return "\(request): \(status)"
        case .expired(let status, let request):
            return "\(request): resource version expired: \(status.message ?? "410 Gone")"
        case .transport(let error, let server):
            return "cannot reach the API server at \(server): \(error)"
        case .decoding(let message, let request):
            return "\(request): cannot decode the response: \(message)"
        case .invalidArgument(let message), .credentials(let message):
            return message
        }
    }

    /// The server's `Status`, when it sent one.
    public var status: Status? {
        switch self {
        case .status(let status, _), .expired(let status, _): status
        default: nil
        }
    }

    /// The HTTP status code, when the server answered.
    public var code: Int? { status?.code }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 }
    public var isAlreadyExists: Bool { code == 409 && status?.reason == "AlreadyExists" }
    public var isExpired: Bool { if case .expired = self { true } else { false } }
    public var isUnauthorized: Bool { code == 401 }
}
