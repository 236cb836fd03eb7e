import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// The ReplicaSet a Rollout runs one revision of its pod template in: owned by the Rollout
/// (so deleting the Rollout collects it), selected and labelled by the template hash.
enum ReplicaSetTemplate {
    static func replicaSet(for rollout: Rollout, name: String, podTemplateHash: String, replicas: Int32,
                           revision: Int) throws -> JSONValue {
        guard let template = rollout.spec.template else {
            throw ReplicaSetTemplateError.noTemplate(rollout: rollout.metadata.name ?? "?")
        }
        guard let rolloutName = rollout.metadata.name, let uid = rollout.metadata.uid else {
            throw ReplicaSetTemplateError.noIdentity
        }
        var podTemplate = try KubeJSON.value(of: template)
        var labels = template.labels
        labels[RolloutLabels.podTemplateHash] = podTemplateHash
        podTemplate["metadata"] = podTemplate["metadata"] ?? [:]
        podTemplate["metadata"]?["labels"] = .object(labels.mapValues { .string($0) })
        var matchLabels = rollout.spec.selector?.matchLabels ?? template.labels
        matchLabels[RolloutLabels.podTemplateHash] = podTemplateHash
        var selector = try KubeJSON.value(of: rollout.spec.selector ?? LabelSelector())
        selector["matchLabels"] = .object(matchLabels.mapValues { .string($0) })
        let owner = OwnerReference(apiVersion: "\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)", kind: "Rollout",
                                   name: rolloutName, uid: uid, controller: true, blockOwnerDeletion: true)
        return [
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name),
                "namespace": .string(rollout.metadata.namespace ?? "default"),
                "labels": .object(labels.mapValues { .string($0) }),
                "annotations": [RolloutLabels.revision: .string(String(revision))],
                "ownerReferences": [try KubeJSON.value(of: owner)],
            ],
            "spec": [
                "replicas": .integer(Int64(replicas)),
                "minReadySeconds": .integer(Int64(rollout.spec.minReadySeconds ?? 0)),
                "selector": selector,
                "template": podTemplate,
            ],
        ]
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
