import Foundation
import Testing
@testable import KubeClient

/// One document and what must become of it.
struct JSONCase: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        /// The parser and both `JSONDecoder` paths give this value.
        case value(JSONValue)
        /// All three reject it; the parser's error names this byte offset.
        case rejected(offset: Int)
        /// `JSONDecoder` accepts it, the parser is strict (RFC 8259) and rejects it here.
        case strictOnly(offset: Int)
        /// `JSONDecoder` traps on it (so it is not asked); the parser gives this value.
        case foundationTraps(JSONValue)
    }

    var name: String
    var bytes: [UInt8]
    var expectation: Expectation

    var testDescription: String { name.count > 60 ? String(name.prefix(57)) + "..." : name }

    init(_ text: String, _ expectation: Expectation) {
        self.init(text.debugDescription, Array(text.utf8), expectation)
    }

    init(_ name: String, _ bytes: [UInt8], _ expectation: Expectation) {
        self.name = name
        self.bytes = bytes
        self.expectation = expectation
    }
}

private func zeros(_ count: Int) -> String { String(repeating: "0", count: count) }

let numberCases: [JSONCase] = [
    JSONCase("0", .value(0)),
    JSONCase("-0", .value(0)),
    JSONCase("1", .value(1)),
    JSONCase("-1", .value(-1)),
    JSONCase("1.0", .value(1)),
    JSONCase("-0.0", .value(0)),
    JSONCase("1e2", .value(100)),
    JSONCase("1E2", .value(100)),
    JSONCase("0.1e1", .value(1)),
    JSONCase("100e-2", .value(1)),
    JSONCase("1.5", .value(.double(1.5))),
    JSONCase("-5e-1", .value(.double(-0.5))),
    JSONCase("123e-1", .value(.double(12.3))),
    JSONCase("2.5E-3", .value(.double(0.0025))),
    JSONCase("1E+2", .value(100)),
    JSONCase("9223372036854775807", .value(.integer(.max))),
    JSONCase("-9223372036854775808", .value(.integer(.min))),
    JSONCase("9223372036854775808", .value(.double(9_223_372_036_854_775_808))),
    JSONCase("-9223372036854775809", .value(.double(-9_223_372_036_854_775_808))),
    JSONCase("18446744073709551615", .value(.double(0x1p64))),
    JSONCase("123456789012345678901234567890", .value(.double(1.2345678901234568e29))),
    JSONCase("9223372036854775807.0", .value(.double(9_223_372_036_854_775_808))),
    JSONCase("9223372036854775806.0", .value(.double(9_223_372_036_854_775_808))),
    JSONCase("-9223372036854775808.0", .value(.double(-9_223_372_036_854_775_808))),
    JSONCase("9223372036854775807e0", .value(.double(9_223_372_036_854_775_808))),
    JSONCase("1.00000000000000000001", .value(1)),
    JSONCase("1e-400", .value(0)),
    JSONCase("-1e-400", .value(0)),
    JSONCase("2e-324", .value(0)),
    JSONCase("4.9e-324", .value(.double(.leastNonzeroMagnitude))),
    JSONCase("1e308", .value(.double(1e308))),
    JSONCase("1.7976931348623157e308", .value(.double(.greatestFiniteMagnitude))),
    JSONCase("0." + zeros(400) + "1", .value(0)),
    // From 2^53 on JSONDecoder re-reads the digits as a Decimal and truncates.
    JSONCase("9007199254740993", .value(9_007_199_254_740_993)),
    JSONCase("9007199254740993.0", .value(9_007_199_254_740_993)),
    JSONCase("9007199254740993.5", .value(9_007_199_254_740_993)),
    JSONCase("-9007199254740993.5", .value(-9_007_199_254_740_993)),
    JSONCase("9.007199254740993e15", .value(9_007_199_254_740_993)),
    JSONCase("1e18", .value(1_000_000_000_000_000_000)),
    JSONCase("1.5e16", .value(15_000_000_000_000_000)),
    JSONCase("12345678901234567.8e0", .value(12_345_678_901_234_567)),
    JSONCase("18446744073709551615e-1", .value(1_844_674_407_370_955_161)),
    JSONCase("18446744073709551616e-1", .value(.double(1.8446744073709553e18))),
    JSONCase("92233720368547758070e-1", .value(.double(9_223_372_036_854_775_808))),
    JSONCase("-92233720368547758070e-1", .value(-9_223_372_036_854_775_807)),
    JSONCase("-92233720368547758080e-1", .value(.double(-9_223_372_036_854_775_808))),
    JSONCase("0." + zeros(45) + "9007199254740993e62", .value(90_071_992_547_409_930)),
    JSONCase("9007199254740993" + zeros(27) + "e-27", .value(9_007_199_254_740_993)),
    JSONCase("9007199254740993" + zeros(30) + "9e-31", .value(9_007_199_254_740_993)),
    JSONCase("1" + zeros(16) + zeros(21) + "1e-22", .value(.double(1e16))),
    JSONCase("4" + zeros(16) + zeros(21) + "1e-22", .value(40_000_000_000_000_000)),
    JSONCase("[9007199254740993.99999999999999999999999999]", .value([.double(9_007_199_254_740_994)])),
    // Foundation traps on these (Decimal's exponent range); the parser still answers.
    JSONCase("0." + zeros(200) + "9007199254740993e216", .foundationTraps(9_007_199_254_740_993)),
    JSONCase("9007199254740993" + zeros(200) + "e-200", .foundationTraps(9_007_199_254_740_993)),
    JSONCase("0." + zeros(130) + "9007199254740993e146", .foundationTraps(9_007_199_254_740_993)),
    // Malformed numbers.
    JSONCase("01", .rejected(offset: 0)),
    JSONCase("-01", .rejected(offset: 1)),
    JSONCase("-", .rejected(offset: 1)),
    JSONCase("[-]", .rejected(offset: 2)),
    JSONCase("+1", .rejected(offset: 0)),
    JSONCase(".5", .rejected(offset: 0)),
    JSONCase("1.", .rejected(offset: 2)),
    JSONCase("1.e5", .rejected(offset: 2)),
    JSONCase("1e", .rejected(offset: 2)),
    JSONCase("1e+", .rejected(offset: 3)),
    JSONCase("0x10", .rejected(offset: 1)),
    JSONCase("1e400", .rejected(offset: 0)),
    JSONCase("-1e400", .rejected(offset: 0)),
    JSONCase("[1" + zeros(400) + "]", .rejected(offset: 1)),
    JSONCase("NaN", .rejected(offset: 0)),
    JSONCase("Infinity", .rejected(offset: 0)),
    JSONCase("-Infinity", .rejected(offset: 1)),
]

let stringCases: [JSONCase] = [
    JSONCase(#""""#, .value("")),
    JSONCase(#""abc""#, .value("abc")),
    JSONCase(#""\/\b\f\n\r\t\"\\""#, .value("/\u{08}\u{0C}\n\r\t\"\\")),
    JSONCase(#""\u0000""#, .value("\u{0}")),
    JSONCase(#""\u00e9\u20AC""#, .value("é€")),
    JSONCase(#""\ud83d\ude00""#, .value("😀")),
    JSONCase(#""\uDBFF\uDFFF""#, .value("\u{10FFFF}")),
    JSONCase(#""\uFFFF""#, .value("\u{FFFF}")),
    JSONCase(#""a\u0041\n""#, .value("aA\n")),
    JSONCase("\"é€😀\u{7F}\"", .value("é€😀\u{7F}")),
    JSONCase("\"\u{2028}\"", .value("\u{2028}")),
    JSONCase(#""\ud800""#, .rejected(offset: 1)),
    JSONCase(#""\udc00""#, .rejected(offset: 1)),
    JSONCase(#""\ud83dx""#, .rejected(offset: 1)),
    JSONCase(#""\ud83d\u0041""#, .rejected(offset: 7)),
    JSONCase(#""\ud83d\ud83d""#, .rejected(offset: 7)),
    JSONCase(#""\x""#, .rejected(offset: 2)),
    JSONCase(#""\U0041""#, .rejected(offset: 2)),
    JSONCase(#""\u12""#, .rejected(offset: 5)),
    JSONCase(#""\uZZZZ""#, .rejected(offset: 3)),
    JSONCase("\"a\tb\"", .rejected(offset: 2)),
    JSONCase("\"a\nb\"", .rejected(offset: 2)),
    JSONCase(#""abc"#, .rejected(offset: 0)),
    JSONCase(#""abc\"#, .rejected(offset: 5)),
    JSONCase("'a'", .rejected(offset: 0)),
    JSONCase("invalid UTF-8 byte", [0x22, 0xFF, 0x22], .rejected(offset: 1)),
    JSONCase("overlong UTF-8", [0x22, 0xC0, 0xAF, 0x22], .rejected(offset: 1)),
    JSONCase("overlong 3-byte UTF-8", [0x22, 0xE0, 0x80, 0xAF, 0x22], .rejected(offset: 2)),
    JSONCase("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .rejected(offset: 2)),
    JSONCase("UTF-8 above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .rejected(offset: 2)),
    JSONCase("truncated UTF-8", [0x22, 0xE2, 0x82, 0x22], .rejected(offset: 3)),
    JSONCase("lone continuation byte", [0x22, 0x80, 0x22], .rejected(offset: 1)),
    JSONCase("invalid UTF-8 in a key", [0x7B, 0x22, 0xFE, 0x22, 0x3A, 0x31, 0x7D], .rejected(offset: 2)),
]

let structureCases: [JSONCase] = [
    JSONCase("null", .value(nil)),
    JSONCase("true", .value(true)),
    JSONCase("false", .value(false)),
    JSONCase("[]", .value([])),
    JSONCase("{}", .value([:])),
    JSONCase(#"[1,[2,{}],"x",null,true]"#, .value([1, [2, [:]], "x", nil, true])),
    JSONCase(" \t\n\r[ 1 , 2 ]\n ", .value([1, 2])),
    JSONCase(#"{"a":[],"b":{},"c":null,"":0,"é":"ü"}"#, .value(["a": [], "b": [:], "c": nil, "": 0, "é": "ü"])),
    JSONCase(#"{"a":1,"a":2}"#, .value(["a": 1])),
    JSONCase(#"{"a":{"x":1},"a":[2]}"#, .value(["a": ["x": 1]])),
    JSONCase("UTF-8 byte order mark", [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), .value([1])),
    JSONCase("", .rejected(offset: 0)),
    JSONCase("   ", .rejected(offset: 3)),
    JSONCase("nul", .rejected(offset: 3)),
    JSONCase("tru", .rejected(offset: 3)),
    JSONCase("truex", .rejected(offset: 4)),
    JSONCase("True", .rejected(offset: 0)),
    JSONCase("1 2", .rejected(offset: 2)),
    JSONCase("[1 2]", .rejected(offset: 3)),
    JSONCase("[,1]", .rejected(offset: 1)),
    JSONCase("[1,2", .rejected(offset: 4)),
    JSONCase("[1]]", .rejected(offset: 3)),
    JSONCase("[true]x", .rejected(offset: 6)),
    JSONCase(#"{"a" 1}"#, .rejected(offset: 5)),
    JSONCase(#"{"a":}"#, .rejected(offset: 5)),
    JSONCase("{1:2}", .rejected(offset: 1)),
    JSONCase("{a:1}", .rejected(offset: 1)),
    JSONCase(#"{"a":1"#, .rejected(offset: 6)),
    JSONCase(#"{"a":1 "b":2}"#, .rejected(offset: 7)),
    JSONCase("/*c*/1", .rejected(offset: 0)),
    JSONCase("just a NUL", [0], .rejected(offset: 0)),
    JSONCase("just 0xFF", [0xFF], .rejected(offset: 0)),
    // JSONDecoder is lenient about these; RFC 8259 is not, nor is kube-apiserver.
    JSONCase("[1,]", .strictOnly(offset: 3)),
    JSONCase(#"{"a":1,}"#, .strictOnly(offset: 7)),
    JSONCase("1\u{0}", .strictOnly(offset: 1)),
    JSONCase("UTF-16LE", Array("[1]".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .strictOnly(offset: 1)),
    JSONCase("UTF-16BE with BOM", [0xFE, 0xFF] + Array("[1]".utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
             .strictOnly(offset: 0)),
]

@Suite("JSONParser against JSONDecoder")
struct JSONParserTableTests {
    @Test(arguments: numberCases + stringCases + structureCases)
    func document(_ testCase: JSONCase) throws {
        switch testCase.expectation {
        case .value(let expected):
            let decoded = ThreeWayDecoding(testCase.bytes)
            #expect(decoded.parser.value == expected, "parser: \(decoded.parser)")
            #expect(decoded.foundation.value == expected, "JSONDecoder: \(decoded.foundation)")
            #expect(decoded.legacy.value == expected, "JSONDecoder, original init(from:): \(decoded.legacy)")
        case .rejected(let offset):
            let decoded = ThreeWayDecoding(testCase.bytes)
            try expectParserError(decoded.parser, offset: offset)
            #expect(decoded.foundation.failed, "JSONDecoder accepted it: \(decoded.foundation)")
            #expect(decoded.legacy.failed, "JSONDecoder, original init(from:), accepted it: \(decoded.legacy)")
        case .strictOnly(let offset):
            let decoded = ThreeWayDecoding(testCase.bytes)
            try expectParserError(decoded.parser, offset: offset)
            #expect(!decoded.legacy.failed, "JSONDecoder is no longer lenient here; make this case .rejected")
        case .foundationTraps(let expected):
            #expect(try KubeJSON.decode(JSONValue.self, from: testCase.bytes) == expected)
        }
    }

    private func expectParserError(_ result: Result<JSONValue, any Error>, offset: Int) throws {
        let description = try #require(corruptionDescription(result.error), "parser: \(result)")
        #expect(description.hasPrefix("invalid JSON at byte offset \(offset) "), "\(description)")
    }
}
