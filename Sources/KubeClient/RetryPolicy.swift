import CurlHTTP
import Foundation

/// When and how long to wait before trying a request again: exponential backoff with
/// jitter, and the server's `Retry-After` when it sends one.
///
/// What is retried (``RetryPolicy/decision(method:idempotent:status:headers:error:attempt:)``):
/// - 429 Too Many Requests, whatever the method: the server refused it before acting.
/// - 500, 502, 503, 504 for idempotent requests only.
/// - Transport failures before anything was sent (DNS, refused), whatever the method;
///   after the request may have been sent (timeout, connection lost), idempotent only.
/// - Never: TLS failures, cancellations, other 4xx.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; 1 disables retries.
    public var maxAttempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double
    /// Each delay is drawn uniformly from `delay × [1 − jitter, 1 + jitter]`.
    public var jitter: Double
    /// A `Retry-After` longer than this is cut to it.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10),
                multiplier: Double = 2, jitter: Double = 0.2, maxRetryAfter: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
        self.maxRetryAfter = maxRetryAfter
    }

    public static let `default` = RetryPolicy()
    /// One attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1`, after attempt `attempt` (1-based) failed.
    /// `unit` is a random draw in 0...1 (injected so the schedule can be tested).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, unit: Double) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxRetryAfter) }
        let base = initialDelay.seconds * pow(multiplier, Double(max(0, attempt - 1)))
        let capped = min(base, maxDelay.seconds)
        let factor = 1 - jitter + 2 * jitter * min(max(unit, 0), 1)
        return .seconds(min(capped * factor, maxDelay.seconds))
    }

    /// Whether to try again after attempt `attempt` ended with an HTTP `status` (and its
    /// headers) or a transport `error`, and after how long.
    public func decision(method: HTTPMethod, idempotent: Bool, status: Int?, headers: HTTPHeaders?,
                         error: TransportError?, attempt: Int, now: Date = Date(), unit: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        var retryable = false
        var retryAfter: Duration?
        if let status {
            retryAfter = headers?["Retry-After"].flatMap { Self.parseRetryAfter($0, now: now) }
            switch status {
            case 429: retryable = true
            case 500, 502, 503, 504: retryable = idempotent
            default: retryable = false
            }
        } else if let error {
            switch error.kind {
            case .nameResolution, .connectionRefused:
                retryable = true
            case .timedOut, .stalled, .connectionLost, .other:
                retryable = idempotent || !error.requestMayHaveBeenSent
            case .tlsVerification, .tls, .cancelled, .invalidRequest:
                retryable = false
            }
        }
        return retryable ? delay(afterAttempt: attempt, retryAfter: retryAfter, unit: unit) : nil
    }

    /// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                return .milliseconds(max(0, Int((date.timeIntervalSince(now) * 1000).rounded())))
            }
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// `850ms`, `1.2s`, `42s`: short, for log lines.
    var humanReadable: String {
        let seconds = self.seconds
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        return "\(Int(seconds.rounded()))s"
    }
}
