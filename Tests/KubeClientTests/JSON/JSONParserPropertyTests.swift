import Foundation
import Testing
@testable import KubeClient

/// Random JSON values, written out and parsed back.
@Suite("JSONParser round trips")
struct JSONParserPropertyTests {
    @Test("random values survive KubeJSON.encode and parse, as with JSONDecoder", arguments: [1, 2, 3, 4] as [UInt64])
    func encodedRoundTrip(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for round in 0..<150 {
            let value = RandomJSON.value(depth: 4, using: &random)
            let bytes = try KubeJSON.encode(value)
            let parsed = try KubeJSON.decode(JSONValue.self, from: bytes)
            #expect(parsed == RandomJSON.expected(value), "seed \(seed) round \(round): \(String(decoding: bytes, as: UTF8.self))")
            #expect(try LegacyJSONValue.decode(bytes) == parsed, "seed \(seed) round \(round)")
        }
    }

    @Test("random values with random escapes and whitespace parse back", arguments: [5, 6, 7, 8] as [UInt64])
    func restyledRoundTrip(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for round in 0..<150 {
            let value = RandomJSON.value(depth: 4, using: &random)
            var text = ""
            RandomJSON.write(value, to: &text, using: &random)
            let bytes = Array(text.utf8)
            let parsed = try KubeJSON.decode(JSONValue.self, from: bytes)
            #expect(parsed == RandomJSON.expected(value), "seed \(seed) round \(round): \(text)")
            #expect(try LegacyJSONValue.decode(bytes) == parsed, "seed \(seed) round \(round): \(text)")
        }
    }

    @Test("any finite double's text parses as JSONDecoder reads it", arguments: [9, 10] as [UInt64])
    func doubles(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for index in 0..<600 {
            // A third in [2^53, 2^63), where JSONDecoder re-reads the digits as a Decimal.
            let double = index % 3 == 0
                ? Double.random(in: 0x1p53..<0x1p63, using: &random) * (Bool.random(using: &random) ? 1 : -1)
                : Double(bitPattern: random.next())
            guard double.isFinite else { continue }
            let text = "\(double)"
            let bytes = Array(text.utf8)
            #expect(try KubeJSON.decode(JSONValue.self, from: bytes) == LegacyJSONValue.decode(bytes), "\(text)")
        }
    }

    @Test("cutting a document anywhere is an error, never a crash")
    func truncations() throws {
        var random = SeededGenerator(seed: 11)
        let value: JSONValue = ["a": [1, 2.5, "é😀\n", nil, true, ["b": [:]]], "c": -9_007_199_254_740_993]
        var text = ""
        RandomJSON.write(value, to: &text, using: &random)
        let bytes = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            #expect(throws: DecodingError.self, "the first \(cut) bytes") {
                try KubeJSON.decode(JSONValue.self, from: prefix)
            }
        }
        #expect(try KubeJSON.decode(JSONValue.self, from: bytes) == value)
    }
}

/// Generates and writes random JSON values.
enum RandomJSON {
    static let characters: [Character] = [
        "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "€",
        "\u{2028}", "\u{FFFF}", "😀", "\u{10FFFF}", "中",
    ]

    static func value(depth: Int, using random: inout SeededGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &random) {
        case 0: return nil
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(integer(using: &random))
        case 3: return .double(double(using: &random))
        case 4, 5: return .string(string(using: &random))
        case 6: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in value(depth: depth - 1, using: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                members[string(using: &random)] = value(depth: depth - 1, using: &random)
            }
            return .object(members)
        }
    }

    static func integer(using random: inout SeededGenerator) -> Int64 {
        let special: [Int64] = [0, -1, 1, .max, .min, 9_007_199_254_740_993, -9_007_199_254_740_993, 1 << 53]
        return Bool.random(using: &random) ? special.randomElement(using: &random)! : Int64(bitPattern: random.next())
    }

    /// Finite doubles that JSON text gives back: fractions, tiny and huge magnitudes.
    static func double(using random: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 1000 + 0.0005
        case 1: return Double.random(in: -1e-300...1e-300, using: &random)
        case 2: return Double.random(in: 1e19...1e308, using: &random) * (Bool.random(using: &random) ? 1 : -1)
        default: return Double.random(in: -1e15...1e15, using: &random)
        }
    }

    static func string(using random: inout SeededGenerator) -> String {
        String((0..<Int.random(in: 0...8, using: &random)).map { _ in characters.randomElement(using: &random)! })
    }

    /// What parsing the written `value` must give: whole doubles below 2^53 are integers.
    static func expected(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let double) where double.magnitude < 0x1p53:
            return Int64(exactly: double).map(JSONValue.integer) ?? value
        case .array(let items): return .array(items.map(expected))
        case .object(let members): return .object(members.mapValues(expected))
        default: return value
        }
    }

    /// Writes `value` with random whitespace and randomly chosen escapes.
    static func write(_ value: JSONValue, to text: inout String, using random: inout SeededGenerator) {
        space(&text, &random)
        switch value {
        case .null: text += "null"
        case .bool(let bool): text += bool ? "true" : "false"
        case .integer(let integer): text += "\(integer)"
        case .double(let double): text += Bool.random(using: &random) ? "\(double)" : String(format: "%.17e", double)
        case .string(let string): writeString(string, to: &text, using: &random)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, to: &text, using: &random)
            }
            space(&text, &random)
            text += "]"
        case .object(let members):
            text += "{"
            for (index, (key, member)) in members.enumerated() {
                if index > 0 { text += "," }
                space(&text, &random)
                writeString(key, to: &text, using: &random)
                space(&text, &random)
                text += ":"
                write(member, to: &text, using: &random)
            }
            space(&text, &random)
            text += "}"
        }
        space(&text, &random)
    }

    private static func space(_ text: inout String, _ random: inout SeededGenerator) {
        for _ in 0..<Int.random(in: 0...2, using: &random) { text += [" ", "\n", "\r", "\t"].randomElement(using: &random)! }
    }

    private static func writeString(_ string: String, to text: inout String, using random: inout SeededGenerator) {
        text += "\""
        for scalar in string.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape, Int.random(in: 0..<3, using: &random) > 0 {
                text.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n" where Bool.random(using: &random): text += "\\n"
            case "\t" where Bool.random(using: &random): text += "\\t"
            case "/" where Bool.random(using: &random): text += "\\/"
            default:
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: Bool.random(using: &random))
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        text += "\""
    }
}
