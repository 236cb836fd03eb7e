import Foundation
import KubeClient
import SluiceAPI

/// Writes core/v1 Events about a Rollout, as `kubectl describe` and `rollout status` show
/// them. An event that cannot be written is logged by the caller, never fatal to a reconcile.
struct EventRecorder: Sendable {
    let client: KubernetesClient
    static let component = "sluice-controller"

    func record(type: String, reason: String, message: String, about rollout: Rollout) async throws {
        let namespace = rollout.metadata.namespace ?? "default"
        let now = KubeTime.format(Date())
        let event: JSONValue = [
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": [
                "generateName": .string("\(rollout.metadata.name ?? "rollout")."),
                "namespace": .string(namespace),
            ],
            "involvedObject": [
                "apiVersion": .string("\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)"),
                "kind": "Rollout",
                "name": .string(rollout.metadata.name ?? ""),
                "namespace": .string(namespace),
                "uid": .string(rollout.metadata.uid ?? ""),
                "resourceVersion": .string(rollout.metadata.resourceVersion ?? ""),
            ],
            "type": .string(type),
            "reason": .string(reason),
            "message": .string(message),
            "source": ["component": .string(Self.component)],
            "reportingComponent": .string(Self.component),
            "firstTimestamp": .string(now),
            "lastTimestamp": .string(now),
            "count": 1,
        ]
        _ = try await client.resources(DynamicObject.self, .events, namespace: namespace).create(DynamicObject(event))
    }
}
