import Foundation
import KubeClient

/// A basic Deployment controller, one synchronous pass at a time.
///
/// Each pod template gets one ReplicaSet named `<deployment>-<hash>`, where the hash
/// (kube-style FNV-1a of the template, see ``templateHash(of:)``) is also its
/// `pod-template-hash` label, selector term and pod label. The ReplicaSet whose template
/// equals the Deployment's is the new one; every other owned ReplicaSet is old.
///
/// Strategies (simplified, documented):
/// - `RollingUpdate` (default): the new ReplicaSet is scaled straight to `.spec.replicas`
///   (unbounded surge, `maxSurge`/`maxUnavailable` are ignored); old ReplicaSets together keep at most
///   `replicas - new.availableReplicas` pods, scaled down newest-revision-last, so they reach 0
///   once the new pods are available.
/// - `Recreate`: old ReplicaSets go to 0 first; the new one is scaled up once no old pod remains.
///
/// `spec.paused` stops scaling (status is still written). Old ReplicaSets at 0 beyond
/// `revisionHistoryLimit` (default 10) are deleted. Status: `replicas`, `updatedReplicas`,
/// `readyReplicas`, `availableReplicas`, `unavailableReplicas`, `observedGeneration`, and an
/// `Available` condition. Needs the ReplicaSet controller to have written ReplicaSet status.
public struct DeploymentController: Sendable {
    public static let revisionAnnotation = "deployment.kubernetes.io/revision"

    public let store: ObjectStore

    public init(store: ObjectStore) { self.store = store }

    /// The `pod-template-hash` of a pod template.
    public static func templateHash(of template: JSONValue, collisionCount: Int64 = 0) -> String {
        Workload.templateHash(template, collisionCount: collisionCount)
    }

    public func reconcile(now: Date) throws(APIError) {
        for deployment in try store.list(.deployments).items where !deployment.isBeingDeleted {
            try Workload.tolerating { () throws(APIError) in try sync(deployment, now: now) }
        }
    }

    private func revision(_ object: JSONValue) -> Int64 {
        Int64(object["metadata"]?["annotations"]?[Self.revisionAnnotation]?.stringValue ?? "") ?? 0
    }

    func sync(_ deployment: JSONValue, now: Date) throws(APIError) {
        guard let uid = deployment.uid else { return }
        let namespace = deployment.objectNamespace
        let spec = deployment["spec"] ?? [:]
        let replicas = max(0, Workload.int(spec["replicas"], default: 1))
        let template = spec["template"] ?? [:]
        let identity = Workload.templateIdentity(template)
        let paused = spec["paused"] == .bool(true)

        let owned = try store.list(.replicaSets, namespace: namespace).items
            .filter { Workload.controllerUID($0) == uid && !$0.isBeingDeleted }
        var newRS = owned.first { Workload.templateIdentity($0["spec"]?["template"]) == identity }
        let old = owned.filter { $0.uid != newRS?.uid }
            .sorted { (revision($0), $0.objectName) < (revision($1), $1.objectName) }
        let maxRevision = owned.map(revision).max() ?? 0

        if newRS == nil, !paused {
            newRS = try createReplicaSet(deployment, template: template, revision: maxRevision + 1)
        } else if let current = newRS, revision(current) < maxRevision, !paused {
            // A rollback to an older template: it becomes the newest revision.
            var bumped = current
            var annotations = current["metadata"]?["annotations"]?.objectValue ?? [:]
            annotations[Self.revisionAnnotation] = .string(String(maxRevision + 1))
            bumped.setMetadata("annotations", .object(annotations))
            newRS = try store.update(.replicaSets, namespace: namespace, bumped)
        }

        if !paused {
            let recreate = spec["strategy"]?["type"]?.stringValue == "Recreate"
            let oldPods = old.map { Workload.int($0["status"]?["replicas"]) }.reduce(0, +)
            let oldSpec = old.map { Workload.int($0["spec"]?["replicas"], default: 1) }.reduce(0, +)
            if recreate {
                for rs in old { try scale(rs, to: 0) }
                if let newRS { try scale(newRS, to: oldPods == 0 && oldSpec == 0 ? replicas : 0) }
            } else {
                if let newRS { try scale(newRS, to: replicas) }
                let newAvailable = Workload.int(newRS?["status"]?["availableReplicas"])
                var budget = max(0, replicas - newAvailable)
                // Keep the newest old revisions longest.
                for rs in old.reversed() {
                    let current = Workload.int(rs["spec"]?["replicas"], default: 1)
                    let keep = min(current, budget)
                    budget -= keep
                    try scale(rs, to: keep)
                }
            }
            try pruneHistory(old, limit: Workload.int(spec["revisionHistoryLimit"], default: 10))
        }
        try writeStatus(deployment, newRS: newRS, now: now)
    }

    private func createReplicaSet(_ deployment: JSONValue, template: JSONValue, revision: Int64) throws(APIError) -> JSONValue {
        let spec = deployment["spec"] ?? [:]
        var collisionCount = Workload.int(deployment["status"]?["collisionCount"])
        var attempts = 0
        while true {
            let hash = Workload.templateHash(template, collisionCount: collisionCount)
            var rsTemplate = template
            var templateMeta = template["metadata"]?.objectValue ?? [:]
            var podLabels = templateMeta["labels"]?.objectValue ?? [:]
            podLabels[podTemplateHashLabel] = .string(hash)
            templateMeta["labels"] = .object(podLabels)
            rsTemplate["metadata"] = .object(templateMeta)

            var selector = spec["selector"]?.objectValue ?? [:]
            var matchLabels = selector["matchLabels"]?.objectValue ?? [:]
            matchLabels[podTemplateHashLabel] = .string(hash)
            selector["matchLabels"] = .object(matchLabels)

            var rsSpec: [String: JSONValue] = [
                "replicas": 0,
                "selector": .object(selector),
                "template": rsTemplate,
            ]
            if let minReady = spec["minReadySeconds"] { rsSpec["minReadySeconds"] = minReady }
            let replicaSet: JSONValue = [
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": [
                    "name": .string("\(deployment.objectName)-\(hash)"),
                    "namespace": .string(deployment.objectNamespace),
                    "labels": .object(podLabels),
                    "annotations": [
                        .init(stringLiteral: Self.revisionAnnotation): .string(String(revision)),
                        "deployment.kubernetes.io/desired-replicas": .string(String(Workload.int(spec["replicas"], default: 1))),
                    ],
                    "ownerReferences": [Workload.ownerReference(to: deployment, type: .deployments)],
                ],
                "spec": .object(rsSpec),
            ]
            do throws(APIError) {
                return try store.create(.replicaSets, namespace: deployment.objectNamespace, replicaSet)
            } catch let error where error.code == 409 && attempts < 5 {
                // Name taken by a ReplicaSet with another template: bump collisionCount like kube.
                attempts += 1
                collisionCount += 1
                var updated = deployment
                var status = deployment["status"]?.objectValue ?? [:]
                status["collisionCount"] = .integer(collisionCount)
                updated["status"] = .object(status)
                _ = try? store.updateStatus(.deployments, namespace: deployment.objectNamespace, updated)
            }
        }
    }

    private func scale(_ replicaSet: JSONValue, to replicas: Int64) throws(APIError) {
        guard Workload.int(replicaSet["spec"]?["replicas"], default: 1) != replicas else { return }
        var updated = replicaSet
        updated["spec"]?["replicas"] = .integer(replicas)
        try Workload.tolerating { () throws(APIError) in
            _ = try store.update(.replicaSets, namespace: replicaSet.objectNamespace, updated)
        }
    }

    private func pruneHistory(_ old: [JSONValue], limit: Int64) throws(APIError) {
        let idle = old.filter {
            Workload.int($0["spec"]?["replicas"], default: 1) == 0 && Workload.int($0["status"]?["replicas"]) == 0
        }
        let surplus = idle.count - Int(max(0, limit))
        guard surplus > 0 else { return }
        for rs in idle.prefix(surplus) {
            try Workload.tolerating { () throws(APIError) in
                _ = try store.delete(.replicaSets, namespace: rs.objectNamespace, name: rs.objectName)
            }
        }
    }

    private func writeStatus(_ deployment: JSONValue, newRS: JSONValue?, now: Date) throws(APIError) {
        guard let uid = deployment.uid else { return }
        // Re-read: scaling above may have changed nothing in status yet, but names/uids are current.
        let owned = try store.list(.replicaSets, namespace: deployment.objectNamespace).items
            .filter { Workload.controllerUID($0) == uid && !$0.isBeingDeleted }
        func sum(_ field: String) -> Int64 { owned.map { Workload.int($0["status"]?[field]) }.reduce(0, +) }
        let replicas = max(0, Workload.int(deployment["spec"]?["replicas"], default: 1))
        let total = sum("replicas")
        let available = sum("availableReplicas")
        let current = owned.first { $0.uid != nil && $0.uid == newRS?.uid }

        var status = deployment["status"]?.objectValue ?? [:]
        status["replicas"] = .integer(total)
        status["updatedReplicas"] = .integer(Workload.int(current?["status"]?["replicas"]))
        status["readyReplicas"] = .integer(sum("readyReplicas"))
        status["availableReplicas"] = .integer(available)
        status["unavailableReplicas"] = .integer(max(0, max(total, replicas) - available))
        status["observedGeneration"] = deployment["metadata"]?["generation"] ?? .integer(1)
        var conditions: [JSONValue] = []
        let previous = deployment["status"]?["conditions"]?.arrayValue ?? []
        let isAvailable = available >= replicas
        Workload.setCondition(&conditions, previous: previous, type: "Available", status: isAvailable, now: now,
                              reason: isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                              message: isAvailable ? "Deployment has minimum availability."
                                  : "Deployment does not have minimum availability.")
        status["conditions"] = .array(conditions)
        guard JSONValue.object(status) != deployment["status"] else { return }
        var updated = deployment
        updated["status"] = .object(status)
        _ = try store.updateStatus(.deployments, namespace: deployment.objectNamespace, updated)
    }
}
