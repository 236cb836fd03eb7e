/// A count of pods or a percentage of the desired replicas: `1` or `"25%"`, as
/// `maxSurge` and `maxUnavailable` take it. Decoding keeps any string; validation checks it.
public enum IntOrPercent: Sendable, Hashable, Codable, CustomStringConvertible {
    case count(Int32)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int32.self) {
            self = .count(count)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let count): try container.encode(count)
        case .text(let text): try container.encode(text)
        }
    }

    public var description: String {
        switch self {
        case .count(let count): "\(count)"
        case .text(let text): "\"\(text)\""
        }
    }

    /// The percentage when written as `NN%`.
    public var percent: Int32? {
        guard case .text(let text) = self, text.hasSuffix("%") else { return nil }
        return Int32(text.dropLast())
    }

    /// Pods out of `total`: counts as they are, percentages rounded up (`roundUp`) or down.
    public func pods(of total: Int32, roundUp: Bool) -> Int32? {
        switch self {
        case .count(let count): return count
        case .text:
            guard let percent else { return nil }
            let exact = Double(total) * Double(percent) / 100
            return Int32(roundUp ? exact.rounded(.up) : exact.rounded(.down))
        }
    }

    /// Zero pods, whether written `0` or `"0%"`.
    public var isZero: Bool {
        switch self {
        case .count(let count): count == 0
        case .text: percent == 0
        }
    }
}

extension IntOrPercent: SchemaDescribable {
    public static var schema: Schema { .intOrString("A number of pods or a percentage such as 25%.") }
}
