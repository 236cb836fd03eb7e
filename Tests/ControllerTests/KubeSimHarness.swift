import Foundation
import KubeClient
import KubeSim
import Logging
import ServiceLifecycle
import TestSupport
import CurlHTTP

/// A KubeSim API server (HTTPS) for the length of `body`, with a client that trusts it.
func withKubeSim<T: Sendable>(
    store: ObjectStore = ObjectStore(historyCapacity: 1000, garbageCollection: .synchronous),
    _ body: (KubeSimServer, KubernetesClient) async throws -> T
) async throws -> T {
    let certificate = try ServingCertificate.generate()
    let server = KubeSimServer(store: store, configuration: .init(token: "t", tls: certificate,
                                                                  bookmarkInterval: .milliseconds(200)))
    return try await server.serving { port in
        let client = KubernetesClient(
            configuration: ClientConfiguration(
                server: "https://127.0.0.1:\(port)",
                tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                credentials: Credentials(bearerToken: Secret("t"))),
            retryPolicy: .none)
        return try await body(server, client)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

func configMap(_ name: String, _ value: String = "1") -> DynamicObject {
    DynamicObject(["metadata": ["name": .string(name)], "data": ["v": .string(value)]])
}

/// Runs `service` in a service group until the calling task is cancelled.
func withService(_ service: some Service) async throws {
    var logger = Logger(label: "test.services")
    logger.logLevel = .critical
    try await ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger).run()
}

/// Loopback ports and plain GETs for the controller's HTTP endpoints.
enum TestPorts {
    static func free() -> Int { TestNetwork.unusedLoopbackPort() }

    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let response = try await CurlEngine().perform(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)"))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }
}
