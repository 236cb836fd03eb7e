/// Why a measurement could not be taken. A value, not a crash: the measurement becomes an
/// Error one, and `consecutiveErrorLimit` decides when errors end the run.
///
/// Messages name the server (without credentials in its URL) and what went wrong; they
/// never carry tokens, passwords or secret argument values.
public struct MeasurementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Hashable {
        /// Nothing answered (connection refused, name resolution, TLS).
        case unreachable
        case timedOut
        /// The server answered with an HTTP error status.
        case httpStatus
        /// Prometheus rejected the query (bad PromQL, execution error).
        case query
        /// The answer could not be understood (not JSON, unexpected shape).
        case badResponse
        /// The metric cannot be measured as written (unresolved argument, bad selector).
        case configuration
        /// A Secret or key the metric needs could not be read.
        case secret
        /// A Job could not be created or read, or vanished.
        case job
        case cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
