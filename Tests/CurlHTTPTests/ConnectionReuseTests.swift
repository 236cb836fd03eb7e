import CurlHTTP
import Foundation
import Testing
import TestSupport

@Suite("Protocol negotiation and connection reuse, against nginx")
struct ConnectionReuseTests {
    let pki: TestPKI
    let nginx: NginxServer
    let engine = CurlEngine()

    init() async throws {
        pki = try await TestPKI.sharedOffloaded()
        nginx = try await NginxServer.start(pki: pki, files: ["/api/v1/namespaces/default/configmaps/a": #"{"kind":"ConfigMap"}"#])
    }

    func get(_ port: Int) async throws -> HTTPResponse {
        try await engine.perform(HTTPRequest(
            url: "https://127.0.0.1:\(port)/api/v1/namespaces/default/configmaps/a",
            tls: TLSOptions(trustedCertificatesPEM: pki.caCertPEM)))
    }

    @Test func http2IsNegotiatedAndConcurrentRequestsShareOneConnection() async throws {
        let first = try await get(nginx.http2Port)
        #expect(first.head.httpVersion == "2")
        let port = nginx.http2Port
        let versions = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<40 { group.addTask { try await get(port).head.httpVersion } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(versions.count == 40 && versions.allSatisfy { $0 == "2" })
        let used = nginx.connectionsUsed(uri: "/api/v1/namespaces/default/configmaps/a")
        #expect(used.protocols == ["HTTP/2.0"])
        #expect(used.connections.count == 1)
    }

    @Test func http11ConnectionsAreKeptAliveAndReused() async throws {
        for _ in 0..<10 {
            let response = try await get(nginx.http1Port)
            #expect(response.status == 200)
            #expect(response.head.httpVersion == "1.1")
        }
        let used = nginx.connectionsUsed(uri: "/api/v1/namespaces/default/configmaps/a")
        #expect(used.protocols == ["HTTP/1.1"])
        #expect(used.connections.count == 1)
    }
}
