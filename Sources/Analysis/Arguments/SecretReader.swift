import Foundation
import KubeClient

/// Reads one key of a Secret. The plug point between measurements and the cluster, so tests
/// need no cluster and values never pass through logs.
///
/// Implementations must be safe to call concurrently; a missing Secret or key throws a
/// ``MeasurementError`` of kind `.secret` whose message names the Secret and key, never a value.
public protocol SecretReader: Sendable {
    func value(namespace: String, name: String, key: String) async throws(MeasurementError) -> String
}

/// Secrets read through the Kubernetes API (`GET /api/v1/namespaces/NS/secrets/NAME`).
public struct KubernetesSecretReader: SecretReader {
    public let client: KubernetesClient

    public init(client: KubernetesClient) { self.client = client }

    public func value(namespace: String, name: String, key: String) async throws(MeasurementError) -> String {
        let secret: JSONValue
        do {
            secret = try await client.resources(JSONValue.self, .secrets, namespace: namespace).get(name)
        } catch let error as KubeClientError where error.isNotFound {
            throw MeasurementError(.secret, "Secret \(namespace)/\(name) not found")
        } catch {
            throw MeasurementError(.secret, "could not read Secret \(namespace)/\(name): \(error)")
        }
        if let encoded = secret[path: "data", key]?.stringValue {
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                throw MeasurementError(.secret, "key \"\(key)\" of Secret \(namespace)/\(name) is not base64-encoded UTF-8")
            }
            return text
        }
        if let text = secret[path: "stringData", key]?.stringValue { return text }
        throw MeasurementError(.secret, "Secret \(namespace)/\(name) has no key \"\(key)\"")
    }
}

/// Secrets held in memory, keyed by namespace, name and key: for tests and for callers that
/// already hold the values.
public struct InMemorySecretReader: SecretReader {
    /// `namespace/name` → key → value.
    public var secrets: [String: [String: String]]

    public init(_ secrets: [String: [String: String]] = [:]) { self.secrets = secrets }

    public func value(namespace: String, name: String, key: String) async throws(MeasurementError) -> String {
        guard let secret = secrets["\(namespace)/\(name)"] else { throw MeasurementError(.secret, "Secret \(namespace)/\(name) not found") }
        guard let value = secret[key] else { throw MeasurementError(.secret, "Secret \(namespace)/\(name) has no key \"\(key)\"") }
        return value
    }
}
