import Foundation
import Testing
@testable import KubeClient

/// Lists and watch events of `DynamicObject` are built from the parsed tree; they must
/// accept and reject what their `Decodable` conformances do.
@Suite("Envelopes built from parsed JSON")
struct JSONTreeDecodableTests {
    static let lists: [String] = [
        #"{"metadata":{"resourceVersion":"5","continue":"abc","remainingItemCount":3},"items":[{"a":1},{"b":[true]}]}"#,
        #"{"items":[{"metadata":{"name":"x"}}]}"#,
        #"{"metadata":null,"items":null}"#,
        #"{"metadata":{},"kind":"List"}"#,
        #"{}"#,
        #"{"items":[null, 1, "s"]}"#,
        // Rejected by both:
        #"{"items":{}}"#,
        #"{"items":"x"}"#,
        #"{"metadata":{"remainingItemCount":"three"},"items":[]}"#,
        #"{"metadata":{"remainingItemCount":1.5},"items":[]}"#,
        #"{"metadata":[],"items":[]}"#,
        #"[]"#,
        #"null"#,
    ]

    @Test(arguments: lists)
    func list(_ text: String) throws {
        let bytes = Array(text.utf8)
        let parsed = Result { try KubeJSON.decode(ObjectList<DynamicObject>.self, from: bytes) }
        let reference = Result { try KubeJSON.decodeWithFoundation(ObjectList<DynamicObject>.self, from: bytes) }
        switch (parsed, reference) {
        case (.success(let list), .success(let expected)):
            #expect(list.metadata == expected.metadata)
            #expect(list.items == expected.items)
        case (.failure(let error), .failure):
            #expect(error is DecodingError)
        default:
            Issue.record("parser: \(parsed), JSONDecoder: \(reference)")
        }
    }

    static let watchLines: [String] = [
        #"{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"7"}}}"#,
        #"{"type":"MODIFIED","object":{"metadata":{"name":"a"},"data":{"k":"v"}}}"#,
        #"{"type":"DELETED","object":{}}"#,
        #"{"type":"ADDED","object":null}"#,
        #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"99"}}}"#,
        #"{"type":"BOOKMARK","object":{}}"#,
        #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"#,
        // Rejected by both:
        #"{"type":"ADDED"}"#,
        #"{"object":{}}"#,
        #"{"type":7,"object":{}}"#,
        #"{"type":"RENAMED","object":{}}"#,
        #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":5}}}"#,
        #"{"type":"BOOKMARK","object":null}"#,
        #"{"type":"ERROR","object":{"code":"x"}}"#,
        #"["ADDED"]"#,
    ]

    @Test(arguments: watchLines)
    func watchLine(_ text: String) throws {
        let bytes = Array(text.utf8)
        let parsed = Result { try KubeJSON.decode(WatchLine<DynamicObject>.self, from: bytes[...]) }
        let reference = Result { try JSONDecoder().decode(WatchLine<DynamicObject>.self, from: Data(bytes)) }
        switch (parsed, reference) {
        case (.success(let line), .success(let expected)):
            #expect(Self.summary(line) == Self.summary(expected))
        case (.failure(let error), .failure):
            #expect(error is DecodingError)
        default:
            Issue.record("parser: \(parsed), JSONDecoder: \(reference)")
        }
    }

    @Test("the watch error names the unknown event type")
    func unknownWatchType() throws {
        let error = try #require(throws: DecodingError.self) {
            try KubeJSON.decode(WatchLine<DynamicObject>.self, from: Array(#"{"type":"RENAMED","object":{}}"#.utf8)[...])
        }
        #expect(corruptionDescription(error) == #"unknown watch event type "RENAMED""#)
    }

    @Test("a DynamicObject is the whole parsed document")
    func dynamicObject() throws {
        let text = #"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"r","generation":4},"spec":{"weight":0.5}}"#
        let object = try KubeJSON.decode(DynamicObject.self, from: Array(text.utf8))
        #expect(object.name == "r")
        #expect(object.kind == "HTTPRoute")
        #expect(object.metadata.generation == 4)
        #expect(object.json[path: "spec", "weight"] == .double(0.5))
        #expect(object == (try KubeJSON.decodeWithFoundation(DynamicObject.self, from: Array(text.utf8))))
    }

    @Test("JSONValue fields of typed values decode alike with KubeJSON.decoder() and a plain JSONDecoder")
    func typedFields() throws {
        let text = #"{"name":"m","managedFields":[{"manager":"kubectl","fieldsV1":{"f:data":{".":{}}},"time":null,"n":[1,1.5,true,"s",-0.0,1e2]}]}"#
        let strict = try KubeJSON.decode(ObjectMeta.self, from: Array(text.utf8))
        let plain = try JSONDecoder().decode(ObjectMeta.self, from: Data(text.utf8))
        #expect(strict == plain)
        #expect(strict.managedFields?.first?["n"] == [1, .double(1.5), true, "s", 0, 100])
        let nested = #"{"name":"m","managedFields":[{"bad":1e400}]}"#
        #expect(throws: DecodingError.self) { try KubeJSON.decode(ObjectMeta.self, from: Array(nested.utf8)) }
    }

    private struct Summary: Equatable {
        var type: String
        var object: DynamicObject?
        var bookmark: String?
        var status: Status?
    }

    private static func summary(_ line: WatchLine<DynamicObject>) -> Summary {
        switch line {
        case .event(.bookmark(let version)): Summary(type: "BOOKMARK", bookmark: version)
        case .event(let event): Summary(type: event.type, object: event.object)
        case .error(let status): Summary(type: "ERROR", status: status)
        }
    }
}
