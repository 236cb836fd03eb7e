import CurlHTTP
import Foundation
@testable import KubeClient
import Logging
import Synchronization
import TestSupport

/// A client for a fake server, with fast retries so tests stay quick.
func makeClient(
    _ server: FakeAPIServer,
    credentials: Credentials = Credentials(bearerToken: Secret("t0ken-abc")),
    tls: TLSConfiguration? = nil,
    retry: RetryPolicy = RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100)),
    logger: Logger = Logger(label: "test")
) -> KubernetesClient {
    let tls = tls ?? (server.tls.map { TLSConfiguration(certificateAuthority: $0.caCertPEM) } ?? TLSConfiguration())
    return KubernetesClient(
        configuration: ClientConfiguration(server: server.baseURL, tls: tls, credentials: credentials, source: "test"),
        retryPolicy: retry, logger: logger)
}

/// A ConfigMap, typed, as a caller of the client would write it.
struct ConfigMap: KubernetesObject, Equatable {
    static let resourceType = ResourceType.configMaps
    var apiVersion: String?
    var kind: String?
    var metadata: ObjectMeta
    var data: [String: String]?

    init(name: String, namespace: String = "default", data: [String: String]) {
        self.metadata = ObjectMeta(name: name, namespace: namespace)
        self.data = data
    }
}

func configMapJSON(_ name: String, resourceVersion: String = "1", data: String = #"{"k":"v"}"#) -> String {
    #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","namespace":"default","resourceVersion":"\#(resourceVersion)"},"data":\#(data)}"#
}

/// Keeps every log message and its metadata, for checks that no secret is logged.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(self.metadata) \(event.error.map { "\($0)" } ?? "")") }
    }
}
