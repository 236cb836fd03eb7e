import Foundation

/// Kubernetes timestamps: `Time` (RFC 3339, whole seconds, UTC: `2026-11-23T13:00:00Z`) and
/// `MicroTime` (microseconds: `2026-11-23T13:00:00.123456Z`), and parsing either.
public enum KubeTime {
    /// `metav1.Time`: whole seconds, UTC.
    public static func format(_ date: Date) -> String {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)).formatted(Date.ISO8601FormatStyle())
    }

    /// `metav1.MicroTime`: microseconds, UTC.
    public static func formatMicro(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded()))
        return String(format(date).dropLast()) + String(format: ".%06dZ", micros)
    }

    /// RFC 3339 with or without fractional seconds; nil when it is neither.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
