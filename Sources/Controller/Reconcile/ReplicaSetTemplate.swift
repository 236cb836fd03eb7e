import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// The ReplicaSet a Rollout runs one revision of its pod template in: owned by the Rollout
/// (so deleting the Rollout collects it), selected and labelled by the template hash.
enum ReplicaSetTemplate {
    static func replicaSet(for rollout: Rollout, name: String, podTemplateHash: String, replicas: Int32,
                           revision: Int) throws -> ReplicaSet {
        guard var template = rollout.spec.template else {
            throw ReplicaSetTemplateError.noTemplate(rollout: rollout.metadata.name ?? "?")
        }
        guard let rolloutName = rollout.metadata.name, let uid = rollout.metadata.uid else {
            throw ReplicaSetTemplateError.noIdentity
        }
        var labels = template.labels
        labels[RolloutLabels.podTemplateHash] = podTemplateHash
        template.metadata = template.metadata ?? ObjectMeta()
        template.metadata?.labels = labels
        var selector = rollout.spec.selector ?? LabelSelector(matchLabels: rollout.spec.template?.labels)
        selector.matchLabels = (selector.matchLabels ?? [:]).merging([RolloutLabels.podTemplateHash: podTemplateHash]) { $1 }
        let owner = OwnerReference(apiVersion: "\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)", kind: "Rollout",
                                   name: rolloutName, uid: uid, controller: true, blockOwnerDeletion: true)
        return ReplicaSet(
            metadata: ObjectMeta(name: name, namespace: rollout.metadata.namespace ?? "default", labels: labels,
                                 annotations: [RolloutLabels.revision: String(revision)], ownerReferences: [owner]),
            spec: ReplicaSetSpec(replicas: replicas, minReadySeconds: rollout.spec.minReadySeconds ?? 0,
                                 selector: selector, template: template))
    }
}

enum ReplicaSetTemplateError: Error, CustomStringConvertible {
    case noTemplate(rollout: String)
    case noIdentity

    var description: String {
        switch self {
        case .noTemplate(let rollout): "rollout \"\(rollout)\" has no spec.template (workloadRef is not supported yet)"
        case .noIdentity: "the rollout has no name or uid"
        }
    }
}
