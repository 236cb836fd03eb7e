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
        let event = KubernetesEvent(
            metadata: ObjectMeta(namespace: namespace, generateName: "\(rollout.metadata.name ?? "rollout")."),
            involvedObject: ObjectReference(
                apiVersion: "\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)", kind: "Rollout", name: rollout.metadata.name,
                namespace: namespace, uid: rollout.metadata.uid, resourceVersion: rollout.metadata.resourceVersion),
            type: type, reason: reason, message: message, source: EventSource(component: Self.component),
            reportingComponent: Self.component, firstTimestamp: now, lastTimestamp: now, count: 1)
        _ = try await client.resources(KubernetesEvent.self, namespace: namespace).create(event)
    }
}
