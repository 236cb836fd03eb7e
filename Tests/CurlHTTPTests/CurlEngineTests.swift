import CurlHTTP
import Foundation
import Testing
import TestSupport

@Suite("CurlEngine over loopback")
struct CurlEngineTests {
    let engine = CurlEngine(userAgent: "sluice-test")

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/hello", [.json(#"{"hello":"world"}"#, headers: ["X-Test": "yes"])])
        let response = try await engine.perform(HTTPRequest(url: server.baseURL + "/hello?a=b", headers: ["Accept": "application/json"]))
        #expect(response.status == 200)
        #expect(response.headers["x-test"] == "yes")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"hello":"world"}"#)
        let seen = try server.requests()
        #expect(seen.count == 1)
        #expect(seen[0].query == "a=b")
        #expect(seen[0].header("user-agent") == "sluice-test")
        #expect(seen[0].header("accept") == "application/json")
    }

    @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
    func methodsSendTheirBodies(method: HTTPMethod) async throws {
        let server = try await FakeAPIServer.start()
        try server.script(method.rawValue, "/thing", [.json(status: 201, "{}")])
        let body = Array(#"{"spec":{"replicas":3},"note":"héllo"}"#.utf8)
        let response = try await engine.perform(HTTPRequest(
            method: method, url: server.baseURL + "/thing", headers: ["Content-Type": "application/json"], body: body))
        #expect(response.status == 201)
        let seen = try #require(try server.requests().first)
        #expect(seen.method == method.rawValue)
        #expect(seen.body == String(decoding: body, as: UTF8.self))
        #expect(seen.header("expect") == nil)
    }

    @Test func errorStatusesAreResponsesNotErrors() async throws {
        let server = try await FakeAPIServer.start()
        let response = try await engine.perform(HTTPRequest(url: server.baseURL + "/missing"))
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self).contains("NotFound"))
    }

    @Test func refusedConnectionIsClassifiedAndNotSent() async throws {
        let port = TestNetwork.unusedLoopbackPort()
        let error = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: "http://127.0.0.1:\(port)/version"))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.requestMayHaveBeenSent == false)
    }

    @Test func unresolvableHostIsClassified() async throws {
        let error = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: "https://no-such-host.invalid/version",
                                                     timeouts: TransferTimeouts(connect: .seconds(5))))
        }
        #expect(error?.kind == .nameResolution)
    }

    @Test func trustedCertificateAuthorityIsVerified() async throws {
        let pki = try await TestPKI.sharedOffloaded()
        let server = try await FakeAPIServer.start(tls: pki)
        try server.script("GET", "/version", [.json(#"{"gitVersion":"v1.31.0"}"#)])
        let ok = try await engine.perform(HTTPRequest(url: server.baseURL + "/version",
                                                      tls: TLSOptions(trustedCertificatesPEM: pki.caCertPEM)))
        #expect(ok.status == 200)

        let wrong = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: server.baseURL + "/version",
                                                     tls: TLSOptions(trustedCertificatesPEM: pki.wrongCACertPEM)))
        }
        #expect(wrong?.kind == .tlsVerification)
        #expect(wrong?.requestMayHaveBeenSent == false)

        let insecure = try await engine.perform(HTTPRequest(url: server.baseURL + "/version",
                                                            tls: TLSOptions(trustedCertificatesPEM: pki.wrongCACertPEM, verifyPeer: false)))
        #expect(insecure.status == 200)
    }

    @Test func serverNameOverridesTheNameVerifiedButNotTheHostHeader() async throws {
        let pki = try await TestPKI.sharedOffloaded()
        let server = try await FakeAPIServer.start(tls: pki, alternateCertificate: true)
        try server.script("GET", "/version", [.json("{}")])
        let mismatch = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: server.baseURL + "/version",
                                                     tls: TLSOptions(trustedCertificatesPEM: pki.caCertPEM)))
        }
        #expect(mismatch?.kind == .tlsVerification)

        let response = try await engine.perform(HTTPRequest(
            url: server.baseURL + "/version",
            tls: TLSOptions(trustedCertificatesPEM: pki.caCertPEM, serverName: "kubernetes.sluice.test")))
        #expect(response.status == 200)
        #expect(try server.requests().last?.header("host") == "127.0.0.1:\(server.port)")
    }

    @Test func clientCertificateIsPresentedFromMemory() async throws {
        let pki = try await TestPKI.sharedOffloaded()
        let server = try await FakeAPIServer.start(tls: pki, requireClientCA: true)
        try server.script("GET", "/whoami", [.json("{}")])
        let response = try await engine.perform(HTTPRequest(
            url: server.baseURL + "/whoami",
            tls: TLSOptions(trustedCertificatesPEM: pki.caCertPEM,
                            clientCertificatePEM: pki.clientCertPEM, clientKeyPEM: pki.clientKeyPEM)))
        #expect(response.status == 200)
        #expect(try server.requests().last?.clientCN == "alice")
    }

    @Test func streamedChunksArriveWhileTheResponseIsOpen() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/stream", [.chunked(chunks: [("first\n", delay: 0), ("second\n", delay: 0.1)], hold: 120)])
        let started = ContinuousClock.now
        let response = try await engine.stream(HTTPRequest(url: server.baseURL + "/stream", timeouts: TransferTimeouts(total: nil)))
        #expect(response.head.status == 200)
        var received = ""
        for try await chunk in response.body {
            received += String(decoding: chunk, as: UTF8.self)
            if received.hasSuffix("second\n") { break }
        }
        #expect(received == "first\nsecond\n")
        // The server holds the response open for 120 s; both chunks came long before that.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func stalledStreamIsDetectedByTheLowSpeedLimit() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/stall", [.chunked(chunks: [("hello\n", delay: 0)], hold: 120)])
        let response = try await engine.stream(HTTPRequest(
            url: server.baseURL + "/stall",
            timeouts: TransferTimeouts(total: nil, lowSpeed: .init(bytesPerSecond: 1, window: .seconds(2)))))
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            for try await _ in response.body {}
        }
        #expect(error?.kind == .stalled)
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func connectionDroppedMidStreamIsAnError() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/drop", [.chunked(chunks: [("partial", delay: 0)], close: true)])
        let response = try await engine.stream(HTTPRequest(url: server.baseURL + "/drop"))
        let error = await #expect(throws: TransportError.self) {
            for try await _ in response.body {}
        }
        #expect(error?.kind == .connectionLost)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/slow", [FakeResponse.json("{}").delayed(120)])
        let engine = self.engine
        let url = server.baseURL + "/slow"
        let task = Task { try await engine.perform(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        task.cancel()
        let error = await #expect(throws: TransportError.self) { _ = try await task.value }
        #expect(error?.kind == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func totalTimeoutEndsASlowRequest() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/slow", [FakeResponse.json("{}").delayed(30)])
        let error = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: server.baseURL + "/slow",
                                                     timeouts: TransferTimeouts(total: .seconds(1))))
        }
        #expect(error?.kind == .timedOut)
        #expect(error?.requestMayHaveBeenSent == true)
    }

    @Test func manyConcurrentRequestsShareOneThread() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/item", [FakeResponse.json(#"{"ok":true}"#).delayed(1)])
        let threadsBefore = TestNetwork.processThreadCount()
        let engine = self.engine
        let url = server.baseURL + "/item"
        let started = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { try await engine.perform(HTTPRequest(url: url)).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 64 && statuses.allSatisfy { $0 == 200 })
        // Each response takes 1 s; run one after another they would take 64 s.
        #expect(ContinuousClock.now - started < .seconds(32))
        // Waiting requests park no thread each: the engine's one loop thread does the waiting.
        #expect(TestNetwork.processThreadCount() - threadsBefore < 16)
    }

    @Test func shutdownFailsNewRequests() async throws {
        let engine = CurlEngine()
        engine.shutdown()
        try await Task.sleep(for: .milliseconds(100))
        let error = await #expect(throws: TransportError.self) {
            _ = try await engine.perform(HTTPRequest(url: "http://127.0.0.1:1/"))
        }
        #expect(error?.kind == .cancelled)
    }
}

@Suite("Streaming heads")
struct StreamingHeadTests {
    @Test func headArrivesBeforeAnyBodyByte() async throws {
        let server = try await FakeAPIServer.start()
        // Headers at once, then 30 s of nothing: a watch on a quiet collection.
        try server.script("GET", "/quiet", [.chunked(chunks: [("late\n", delay: 120)])])
        let engine = CurlEngine()
        let started = ContinuousClock.now
        let response = try await engine.stream(HTTPRequest(url: server.baseURL + "/quiet", timeouts: TransferTimeouts(total: nil)))
        #expect(response.head.status == 200)
        #expect(response.head.headers["transfer-encoding"] == "chunked")
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

@Suite("Request bodies")
struct RequestBodyTests {
    @Test func emptyBodyIsSentWithZeroLength() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("POST", "/empty", [.json("{}")])
        let response = try await CurlEngine().perform(HTTPRequest(method: .post, url: server.baseURL + "/empty", body: []))
        #expect(response.status == 200)
        let seen = try #require(try server.requests().first)
        #expect(seen.header("content-length") == "0")
        #expect(seen.body == "")
    }
}

@Suite("Abandoned streams")
struct AbandonedStreamTests {
    @Test func droppingAStreamClosesItsConnection() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/watch", [.chunked(chunks: [("event\n", delay: 0)], hold: 120)])
        let engine = CurlEngine()
        do {
            let response = try await engine.stream(HTTPRequest(url: server.baseURL + "/watch", timeouts: TransferTimeouts(total: nil)))
            for try await _ in response.body {
                #expect(TestNetwork.establishedConnections(toPort: server.port) == 1)
                break
            }
        }
        // Nobody reads any more: the transfer must end and its connection close, not wait
        // for the server's 120 s.
        var open = TestNetwork.establishedConnections(toPort: server.port)
        for _ in 0..<100 where open > 0 {
            try await Task.sleep(for: .milliseconds(100))
            open = TestNetwork.establishedConnections(toPort: server.port)
        }
        #expect(open == 0)
    }
}
