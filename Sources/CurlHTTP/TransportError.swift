/// A transfer that failed below HTTP: no response, or a response cut short.
///
/// Messages come from libcurl's error buffer and name host and port, never headers, so
/// they carry no credentials.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely, for callers that decide on retries and for people.
    public enum Kind: String, Sendable, Equatable {
        /// The host name did not resolve.
        case nameResolution = "name resolution failed"
        /// Nothing accepted the TCP connection.
        case connectionRefused = "connection refused"
        /// The server's certificate was not trusted or did not match its name.
        case tlsVerification = "TLS verification failed"
        /// TLS set-up failed for another reason (client certificate, protocol).
        case tls = "TLS handshake failed"
        /// The connection or the transfer took longer than its limit.
        case timedOut = "timed out"
        /// Less than the low-speed limit arrived within its window: a stalled peer.
        case stalled = "stalled"
        /// The connection broke, or the server closed it before the response was complete.
        case connectionLost = "connection lost"
        /// The request was cancelled, or the engine shut down.
        case cancelled = "cancelled"
        /// The request could not be formed (a bad URL, an option libcurl refused).
        case invalidRequest = "invalid request"
        case other = "transfer failed"
    }

    public var kind: Kind
    /// libcurl's result code, or 0 when the error did not come from libcurl.
    public var curlCode: Int
    /// libcurl's detailed message.
    public var message: String
    /// Whether any of the request may have reached the server; `false` means a retry is
    /// safe whatever the method.
    public var requestMayHaveBeenSent: Bool

    public init(kind: Kind, curlCode: Int = 0, message: String, requestMayHaveBeenSent: Bool) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
    }

    public var description: String {
        message.isEmpty ? kind.rawValue : "\(kind.rawValue): \(message)"
    }

    static func cancelled(_ message: String = "request cancelled") -> TransportError {
        TransportError(kind: .cancelled, message: message, requestMayHaveBeenSent: true)
    }
}
