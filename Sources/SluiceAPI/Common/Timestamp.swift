import Foundation

/// A point in time as Kubernetes writes it (`metav1.Time`): RFC 3339 in UTC with whole
/// seconds, `2025-03-01T12:00:00Z`. Fractional seconds and offsets are accepted on input.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) {
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Parses RFC 3339 text; `nil` when it is not a timestamp.
    public init?(rfc3339 text: String) {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? plain.parse(text)) ?? (try? fractional.parse(text)) else { return nil }
        self.init(date)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 time such as 2025-03-01T12:00:00Z, got \"\(text)\"")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { date.formatted(Date.ISO8601FormatStyle()) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.date < rhs.date }
}

extension Timestamp: SchemaDescribable {
    public static var schema: Schema { .string("An RFC 3339 time such as 2025-03-01T12:00:00Z.", format: "date-time") }
}
