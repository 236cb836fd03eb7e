import CurlHTTP
import Foundation
@testable import KubeClient
import Testing
import TestSupport

@Suite("Watch streams")
struct WatchTests {
    static let path = "/api/v1/namespaces/default/configmaps"

    @Test func eventsDecodeAsBytesArriveEvenWhenChunksSplitLines() async throws {
        let server = try await FakeAPIServer.start()
        let added = #"{"type":"ADDED","object":\#(configMapJSON("a", resourceVersion: "11"))}"# + "\n"
        let modified = #"{"type":"MODIFIED","object":\#(configMapJSON("a", resourceVersion: "12", data: #"{"k":"v2"}"#))}"# + "\n"
        let bookmark = #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"13"}}}"# + "\n"
        let deleted = #"{"type":"DELETED","object":\#(configMapJSON("a", resourceVersion: "14"))}"# + "\n"
        let split = added.index(added.startIndex, offsetBy: 17)
        try server.script("GET", Self.path, [.chunked(chunks: [
            (String(added[..<split]), delay: 0), (String(added[split...]) + String(modified.prefix(30)), delay: 0.05),
            (String(modified.dropFirst(30)) + bookmark, delay: 0.05), (deleted, delay: 0.05),
        ], hold: 120)])

        let started = ContinuousClock.now
        var events: [WatchEvent<ConfigMap>] = []
        for try await event in makeClient(server).resources(ConfigMap.self, namespace: "default")
            .watch(WatchOptions(resourceVersion: "10", timeoutSeconds: 60)) {
            events.append(event)
            if events.count == 4 { break }
        }
        #expect(events.map(\.type) == ["ADDED", "MODIFIED", "BOOKMARK", "DELETED"])
        #expect(events[1].object?.data == ["k": "v2"])
        if case .bookmark(let version) = events[2] { #expect(version == "13") } else { Issue.record("not a bookmark") }
        // The server keeps the response open for 120 s: the events were decoded while it was.
        #expect(ContinuousClock.now - started < .seconds(60))

        let query = try #require(try server.requests().first).queryItems
        #expect(query["watch"] == "1")
        #expect(query["resourceVersion"] == "10")
        #expect(query["allowWatchBookmarks"] == "true")
        #expect(query["timeoutSeconds"] == "60")
    }

    @Test func streamEndsWhenTheServerClosesTheWatch() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", Self.path, [.chunked(chunks: [(#"{"type":"ADDED","object":\#(configMapJSON("a"))}"# + "\n", delay: 0)])])
        var count = 0
        for try await _ in makeClient(server).resources(ConfigMap.self, namespace: "default").watch() { count += 1 }
        #expect(count == 1)
    }

    @Test func errorEventWith410IsExpired() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", Self.path, [.chunked(chunks: [
            (#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}}"# + "\n", delay: 0),
        ], hold: 30)])
        let error = await #expect(throws: KubeClientError.self) {
            for try await _ in makeClient(server).resources(ConfigMap.self, namespace: "default")
                .watch(WatchOptions(resourceVersion: "5")) {}
        }
        #expect(error?.isExpired == true)
        #expect(error?.status?.message == "too old resource version: 5 (120)")
    }

    @Test func http410IsExpiredToo() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", Self.path, [.status(code: 410, reason: "Gone", message: "too old resource version")])
        let error = await #expect(throws: KubeClientError.self) {
            for try await _ in makeClient(server).resources(ConfigMap.self, namespace: "default").watch() {}
        }
        #expect(error?.isExpired == true)
    }

    @Test func stalledWatchIsDetected() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", Self.path, [.chunked(chunks: [(#"{"type":"ADDED","object":\#(configMapJSON("a"))}"# + "\n", delay: 0)], hold: 120)])
        let started = ContinuousClock.now
        var events = 0
        let error = await #expect(throws: KubeClientError.self) {
            for try await _ in makeClient(server).resources(ConfigMap.self, namespace: "default")
                .watch(WatchOptions(timeoutSeconds: 300, stallTimeout: .seconds(2))) { events += 1 }
        }
        #expect(events == 1)
        guard case .transport(let transport, _) = error else { Issue.record("expected a transport error, got \(String(describing: error))"); return }
        #expect(transport.kind == .stalled)
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func stoppingTheIterationClosesTheConnection() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", Self.path, [.chunked(chunks: [(#"{"type":"ADDED","object":\#(configMapJSON("a"))}"# + "\n", delay: 0)], hold: 60)])
        let client = makeClient(server)
        for try await _ in client.resources(ConfigMap.self, namespace: "default").watch() { break }
        // The engine is free for other work at once.
        try server.script("GET", "/version", [.json(#"{"gitVersion":"v1.31.0"}"#)])
        #expect(try await client.serverVersion().gitVersion == "v1.31.0")
    }

    @Test func watchAcrossAllNamespacesUsesTheClusterPath() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/api/v1/configmaps", [.chunked(chunks: [])])
        for try await _ in makeClient(server).resources(ConfigMap.self).watch(WatchOptions(labelSelector: "app=web")) {}
        #expect(try server.requests().first?.queryItems["labelSelector"] == "app=web")
    }
}

@Suite struct LineSplitterTests {
    @Test func splitsAnywhere() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("ab".utf8)).isEmpty)
        #expect(splitter.append(Array("c\nde\n\nf".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["abc", "de"])
        #expect(splitter.remainder == Array("f".utf8))
        #expect(splitter.append(Array("\r\n".utf8)).map { String(decoding: $0, as: UTF8.self) } == ["f\r"])
    }

    @Test func byteByByteYieldsTheSameLinesAsOneChunk() {
        let text = "{\"a\":1}\n\n{\"b\":\"" + String(repeating: "x", count: 5000) + "\"}\r\n{\"c\":3}\ntail"
        var whole = LineSplitter()
        let expected = whole.append(Array(text.utf8)).map { Array($0) }
        var splitter = LineSplitter()
        var lines: [[UInt8]] = []
        for byte in text.utf8 { lines += splitter.append([byte]).map { Array($0) } }
        #expect(lines == expected)
        #expect(lines.count == 3)
        #expect(splitter.remainder == Array("tail".utf8))
    }

    @Test func multiByteCharactersSplitAcrossChunks() {
        var splitter = LineSplitter()
        let bytes = Array("é\n".utf8)
        #expect(splitter.append([bytes[0]]).isEmpty)
        #expect(splitter.append(Array(bytes[1...])).map { String(decoding: $0, as: UTF8.self) } == ["é"])
    }
}
