import Foundation
@testable import KubeClient

/// `JSONValue` decoding exactly as it was before ``JSONParser``: `JSONDecoder`, trying each
/// type in turn. The reference the parser is compared with.
struct LegacyJSONValue: Decodable {
    var value: JSONValue

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            value = .integer(integer)
        } else if let double = try? container.decode(Double.self) {
            value = .double(double)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let items = try? container.decode([LegacyJSONValue].self) {
            value = .array(items.map(\.value))
        } else {
            value = .object(try container.decode([String: LegacyJSONValue].self).mapValues(\.value))
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(LegacyJSONValue.self, from: Data(bytes)).value
    }
}

/// The three ways bytes become a `JSONValue`, each as a value or the error it threw.
struct ThreeWayDecoding {
    /// ``JSONParser`` through `KubeJSON.decode`.
    var parser: Result<JSONValue, any Error>
    /// `JSONDecoder` with today's `JSONValue.init(from:)` (strings first).
    var foundation: Result<JSONValue, any Error>
    /// `JSONDecoder` with the original `init(from:)`.
    var legacy: Result<JSONValue, any Error>

    init(_ bytes: [UInt8]) {
        parser = Result { try KubeJSON.decode(JSONValue.self, from: bytes) }
        foundation = Result { try KubeJSON.decodeWithFoundation(JSONValue.self, from: bytes) }
        legacy = Result { try LegacyJSONValue.decode(bytes) }
    }
}

extension Result {
    var value: Success? { try? get() }
    var failed: Bool { value == nil }
}

/// The description of a `DecodingError.dataCorrupted`, `nil` for anything else.
func corruptionDescription(_ error: (any Error)?) -> String? {
    guard case DecodingError.dataCorrupted(let context)? = error else { return nil }
    return context.debugDescription
}

extension Result where Failure == any Error {
    var error: (any Error)? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A ConfigMap list like the API server sends: `count` items of about 460 bytes each.
func configMapList(count: Int) -> [UInt8] {
    var text = #"{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"90210"},"items":["#
    for index in 0..<count {
        if index > 0 { text += "," }
        text += #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"config-\#(index)","namespace":"team-\#(index % 17)","#
        text += #""uid":"6f1c2d3e-\#(index)-4a5b-9c8d-0e1f2a3b4c5d","resourceVersion":"\#(100_000 + index)","generation":\#(index % 5 + 1),"#
        text += #""creationTimestamp":"2024-05-01T12:00:00Z","labels":{"app":"shop","tier":"backend","release":"r\#(index % 9)"},"#
        text += #""annotations":{"note":"line one\nline \"two\" \u00e9"}},"data":{"replicas":"3","enabled":"true","ratio":"0.25","#
        text += #""endpoint":"https://svc-\#(index).example.com:8443/api","config.json":"{\"a\":[1,2,3],\"b\":null}"}}"#
    }
    text += "]}"
    return Array(text.utf8)
}
