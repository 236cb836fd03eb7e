import Foundation
import Testing
@testable import KubeClient

@Suite("JSONParser limits, errors and envelopes")
struct JSONParserEdgeTests {
    private func nestedArrays(_ depth: Int, inner: String = "") -> [UInt8] {
        Array((String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)).utf8)
    }

    private func nestedObjects(_ depth: Int) -> [UInt8] {
        Array((String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
    }

    @Test("512 levels of nesting parse, 513 do not, as with JSONDecoder")
    func depthLimit() throws {
        for bytes in [nestedArrays(512), nestedArrays(512, inner: "1"), nestedObjects(512)] {
            let decoded = ThreeWayDecoding(bytes)
            let parsed = try #require(decoded.parser.value)
            #expect(decoded.legacy.value == parsed)
            var depth = 0
            var node: JSONValue? = parsed
            while let current = node, let next = current.arrayValue?.first ?? current["a"] {
                depth += 1
                node = next
            }
            #expect(depth == 512 || (depth == 511 && node?.arrayValue == []))
        }
        for bytes in [nestedArrays(513), nestedObjects(513)] {
            let decoded = ThreeWayDecoding(bytes)
            let description = try #require(corruptionDescription(decoded.parser.error))
            #expect(description.contains("byte offset 512 ") || description.contains("byte offset \(512 * 5) "))
            #expect(description.contains("nested more than 512 deep"))
            #expect(decoded.legacy.failed)
        }
    }

    @Test("a million open brackets are an error, not a stack overflow")
    func hostileNesting() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: bytes) }
        let objects = Array(String(repeating: #"{"a":"#, count: 200_000).utf8)
        #expect(throws: DecodingError.self) { try KubeJSON.decode(DynamicObject.self, from: objects) }
    }

    @Test("numbers of thousands of digits")
    func hugeNumbers() throws {
        let longInteger = Array(("1" + String(repeating: "7", count: 5000)).utf8)
        #expect(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: longInteger) }
        #expect(throws: (any Error).self) { try LegacyJSONValue.decode(longInteger) }
        let longFraction = Array(("0." + String(repeating: "3", count: 5000)).utf8)
        #expect(try KubeJSON.decode(JSONValue.self, from: longFraction) == .double(1.0 / 3))
        let longExponent = Array(("1e" + String(repeating: "9", count: 5000)).utf8)
        #expect(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: longExponent) }
        let tinyExponent = Array(("1e-" + String(repeating: "9", count: 5000)).utf8)
        #expect(try KubeJSON.decode(JSONValue.self, from: tinyExponent) == 0)
        #expect(try LegacyJSONValue.decode(tinyExponent) == 0)
    }

    @Test("errors name the byte offset, line and column and what was expected")
    func errorMessages() throws {
        let cases: [(String, String)] = [
            ("{\n  \"a\": tru\n}", "invalid JSON at byte offset 12 (line 2, column 11): expected 'true', found byte 0x0A"),
            ("[1,]", "invalid JSON at byte offset 3 (line 1, column 4): expected a value, found ']'"),
            ("", "invalid JSON at byte offset 0 (line 1, column 1): the document is empty"),
            ("{\"a\":1} x", "invalid JSON at byte offset 8 (line 1, column 9): expected the end of the document after the value, found 'x'"),
            ("\"\\ud800\"", "invalid JSON at byte offset 1 (line 1, column 2): \\uD800 is a high surrogate not followed by a low surrogate escape"),
            ("\"a\u{1}\"", "invalid JSON at byte offset 2 (line 1, column 3): control character 0x01 in a string must be escaped"),
            ("1e999", "invalid JSON at byte offset 0 (line 1, column 1): the number is too large in magnitude for a Double"),
        ]
        for (text, expected) in cases {
            let error = try #require(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: Array(text.utf8)) }
            #expect(corruptionDescription(error) == expected)
        }
        let invalid = try #require(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: [0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D]) }
        #expect(corruptionDescription(invalid) == "invalid JSON at byte offset 3 (line 1, column 4): invalid UTF-8: 0x28 cannot follow 0xC3")
    }

    @Test("error messages do not quote the document")
    func errorsDoNotLeakValues() throws {
        let secret = #"{"data":{"token":"c2VjcmV0LXRva2Vu"}, oops}"#
        let error = try #require(throws: DecodingError.self) { try KubeJSON.decode(JSONValue.self, from: Array(secret.utf8)) }
        let description = try #require(corruptionDescription(error))
        #expect(!description.contains("c2VjcmV0"))
        #expect(description.contains("expected a string key, found 'o'"))
    }

    @Test("a realistic list decodes the same through the parser and JSONDecoder")
    func configMapListMatchesFoundation() throws {
        let bytes = configMapList(count: 300)
        let decoded = ThreeWayDecoding(bytes)
        let parsed = try #require(decoded.parser.value)
        #expect(parsed["items"]?.arrayValue?.count == 300)
        #expect(parsed[path: "items"]?.arrayValue?.last?[path: "metadata", "annotations", "note"] == "line one\nline \"two\" é")
        #expect(decoded.foundation.value == parsed)
        #expect(decoded.legacy.value == parsed)

        let list = try KubeJSON.decode(ObjectList<DynamicObject>.self, from: bytes)
        let viaFoundation = try KubeJSON.decodeWithFoundation(ObjectList<DynamicObject>.self, from: bytes)
        #expect(list.items == viaFoundation.items)
        #expect(list.metadata == viaFoundation.metadata)
        #expect(list.metadata.resourceVersion == "90210")
        #expect(list.items[7].name == "config-7")
        #expect(list.items[7].json[path: "metadata", "generation"] == 3)
    }

    @Test("KubeJSON.value(of:) re-expresses a typed value")
    func valueOfTyped() throws {
        let meta = ObjectMeta(name: "a", namespace: "b", labels: ["x": "y"])
        let json = try KubeJSON.value(of: meta)
        #expect(json == ["name": "a", "namespace": "b", "labels": ["x": "y"]])
    }
}
