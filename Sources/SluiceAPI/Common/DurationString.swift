/// A duration as written in a spec: a Go-style string (`30s`, `5m`, `1h30m`, `250ms`,
/// `1.5h`) or, as Argo Rollouts accepts for pauses, a bare integer of seconds.
///
/// Decoding never fails on the text: a spec with `duration: 5 minutes` decodes, and
/// validation reports the field with what was expected. Encoding writes back what was read.
public struct DurationString: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The written form.
    public enum Form: Sendable, Hashable {
        case text(String)
        case seconds(Int64)
    }

    public var form: Form

    public init(_ text: String) { form = .text(text) }
    public init(seconds: Int64) { form = .seconds(seconds) }
    public init(stringLiteral value: String) { self.init(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int64.self) {
            form = .seconds(seconds)
        } else {
            form = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch form {
        case .text(let text): try container.encode(text)
        case .seconds(let seconds): try container.encode(seconds)
        }
    }

    /// The value as written: `5m`, or `60` for integer seconds.
    public var description: String {
        switch form {
        case .text(let text): "\"\(text)\""
        case .seconds(let seconds): "\(seconds)"
        }
    }

    /// The duration, or why the text is not one.
    public func parsed() -> Result<Duration, DurationParseError> {
        switch form {
        case .seconds(let seconds):
            return seconds < 0 ? .failure(DurationParseError(text: "\(seconds)", reason: .negative)) : .success(.seconds(seconds))
        case .text(let text):
            return Self.parse(text)
        }
    }

    /// The duration, `nil` when it does not parse.
    public var duration: Duration? { try? parsed().get() }

    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Go's `time.ParseDuration` without the sign: one or more `<decimal><unit>` terms, or `0`.
    static func parse(_ text: String) -> Result<Duration, DurationParseError> {
        let failure = { (reason: DurationParseError.Reason) in Result<Duration, DurationParseError>.failure(DurationParseError(text: text, reason: reason)) }
        if text == "0" { return .success(.zero) }
        if text.hasPrefix("-") { return failure(.negative) }
        var rest = Substring(text)
        if rest.hasPrefix("+") { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return failure(.malformed) }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number) else {
                return failure(.malformed)
            }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { $0.isLetter }
            guard !unitText.isEmpty else { return failure(rest.isEmpty ? .missingUnit : .malformed) }
            guard let unit = units.first(where: { $0.suffix == unitText }) else { return failure(.unknownUnit(String(unitText))) }
            rest = rest.dropFirst(unitText.count)
            total += value * unit.nanoseconds
        }
        guard total < 9.2e18 else { return failure(.tooLarge) }
        return .success(.nanoseconds(Int64(total.rounded())))
    }
}

/// Why a duration string does not parse; its description is the validation message.
public struct DurationParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Reason: Sendable, Hashable {
        case malformed, missingUnit, unknownUnit(String), negative, tooLarge
    }

    public var text: String
    public var reason: Reason

    public var description: String {
        let expected = "must be a duration such as 30s, 5m or 1h30m"
        switch reason {
        case .malformed: return "\(expected), got \"\(text)\""
        case .missingUnit: return "\(expected) (a number needs a unit: ns, us, ms, s, m, h), got \"\(text)\""
        case .unknownUnit(let unit): return "\(expected) (unknown unit \"\(unit)\"; use ns, us, ms, s, m or h), got \"\(text)\""
        case .negative: return "must not be negative, got \(text)"
        case .tooLarge: return "must be under about 292 years, got \"\(text)\""
        }
    }
}

extension DurationString: SchemaDescribable {
    public static var schema: Schema {
        .intOrString("A duration such as 30s, 5m or 1h30m; an integer is a number of seconds.")
    }
}
