import Foundation
import SluiceAPI

/// Durations and ages printed as kubectl prints them (`duration.HumanDuration`): `45s`,
/// `5m2s`, `17m`, `3h4m`, `2d3h`, `400d`, `2y10d`.
public enum KubeAge {
    /// `interval` seconds for people; `<invalid>` more than a second in the future (clock skew
    /// up to that is read as now).
    public static func format(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.towardZero))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// The age of something created at `date`, at `now`; `<unknown>` without a date.
    public static func since(_ date: Date?, now: Date) -> String {
        guard let date else { return "<unknown>" }
        return format(now.timeIntervalSince(date))
    }

    /// The age of a Kubernetes timestamp as the API writes it (RFC 3339).
    public static func since(_ text: String?, now: Date) -> String {
        since(text.flatMap { Timestamp(rfc3339: $0)?.date }, now: now)
    }
}
