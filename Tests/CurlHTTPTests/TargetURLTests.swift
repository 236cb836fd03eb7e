@testable import CurlHTTP
import Testing

@Suite struct TargetURLTests {
    @Test func withoutServerNameTheURLIsUnchanged() throws {
        let target = try TargetURL("https://10.0.0.1:6443/api?x=1", serverName: nil)
        #expect(target == TargetURL(url: "https://10.0.0.1:6443/api?x=1"))
    }

    @Test(arguments: [
        ("https://10.0.0.1:6443/api/v1", "kube.example", "https://kube.example:6443/api/v1", "kube.example:6443:10.0.0.1:6443", "10.0.0.1:6443"),
        ("https://10.0.0.1/version", "kube.example", "https://kube.example:443/version", "kube.example:443:10.0.0.1:443", "10.0.0.1"),
        ("https://[::1]:8443/x", "kube.example", "https://kube.example:8443/x", "kube.example:8443:[::1]:8443", "[::1]:8443"),
    ])
    func serverNameRewritesURLAndConnectsToTheRealHost(raw: String, name: String, url: String, connectTo: String, host: String) throws {
        let target = try TargetURL(raw, serverName: name)
        #expect(target.url == url)
        #expect(target.connectTo == connectTo)
        #expect(target.hostHeader == host)
    }

    @Test func otherSchemesAreRejected() {
        #expect(throws: TransportError.self) { try TargetURL("ftp://example/x", serverName: nil) }
        #expect(throws: TransportError.self) { try TargetURL("example/x", serverName: nil) }
    }
}

extension TargetURL {
    init(url: String) {
        self = try! TargetURL(url, serverName: nil)
    }
}
