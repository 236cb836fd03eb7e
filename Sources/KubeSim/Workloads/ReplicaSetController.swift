import Foundation
import KubeClient

/// kube's ReplicaSet controller, one synchronous pass at a time.
///
/// For every ReplicaSet: adopts orphan pods its selector matches, creates pods from
/// `.spec.template` (`generateName: <rs>-`, a controller owner reference with
/// `blockOwnerDeletion`) or deletes surplus ones (not ready, then most restarted, then
/// newest first, like kube's `ActivePods` ranking), and writes `.status` (`replicas`,
/// `fullyLabeledReplicas`, `readyReplicas`, `availableReplicas`, `observedGeneration`)
/// counted after this pass's changes. Pods of a deleted ReplicaSet are the garbage
/// collector's (``ObjectStore/collectGarbage()``).
public struct ReplicaSetController: Sendable {
    public let store: ObjectStore

    public init(store: ObjectStore) { self.store = store }

    public func reconcile(now: Date) throws(APIError) {
        var pods = PodsByOwner(store: store)
        for replicaSet in try store.list(.replicaSets).items where !replicaSet.isBeingDeleted {
            try Workload.tolerating { () throws(APIError) in try sync(replicaSet, now: now, pods: &pods) }
        }
    }

    /// The pods of each namespace grouped by controller uid, listed once per pass (so a
    /// pass costs O(ReplicaSets + pods), not their product), with the orphans kept apart
    /// for adoption.
    struct PodsByOwner {
        let store: ObjectStore
        private var namespaces: [String: (owned: [String: [JSONValue]], orphans: [JSONValue])] = [:]

        init(store: ObjectStore) { self.store = store }

        mutating func pods(in namespace: String) throws(APIError) -> (owned: [String: [JSONValue]], orphans: [JSONValue]) {
            if let cached = namespaces[namespace] { return cached }
            var owned: [String: [JSONValue]] = [:]
            var orphans: [JSONValue] = []
            for pod in try store.list(.pods, namespace: namespace).items {
                if let controller = Workload.controllerUID(pod) {
                    owned[controller, default: []].append(pod)
                } else if !pod.isBeingDeleted {
                    orphans.append(pod)
                }
            }
            namespaces[namespace] = (owned, orphans)
            return (owned, orphans)
        }

        /// Records that `pod` is now controlled by `uid` (adopted), so no other ReplicaSet
        /// adopts it in the same pass.
        mutating func adopted(_ pod: JSONValue, by uid: String, in namespace: String) {
            namespaces[namespace]?.orphans.removeAll { $0.uid == pod.uid }
            namespaces[namespace]?.owned[uid, default: []].append(pod)
        }
    }

    private func ownedPods(_ replicaSet: JSONValue, selector: LabelSelector,
                           pods: inout PodsByOwner) throws(APIError) -> [JSONValue] {
        guard let uid = replicaSet.uid else { return [] }
        let namespace = replicaSet.objectNamespace
        let (owned, orphans) = try pods.pods(in: namespace)
        var result = owned[uid] ?? []
        guard !selector.isEverything else { return result }
        for pod in orphans where selector.matches(object: pod) {
            // Adoption, as kube's ControllerRefManager does for orphans.
            var adopted = pod
            adopted.setOwnerReferences(pod.ownerReferences + [Workload.ownerReference(to: replicaSet, type: .replicaSets)])
            try Workload.tolerating { () throws(APIError) in
                let stored = try store.update(.pods, namespace: namespace, adopted)
                pods.adopted(stored, by: uid, in: namespace)
                result.append(stored)
            }
        }
        return result
    }

    func sync(_ replicaSet: JSONValue, now: Date) throws(APIError) {
        var pods = PodsByOwner(store: store)
        try sync(replicaSet, now: now, pods: &pods)
    }

    func sync(_ replicaSet: JSONValue, now: Date, pods: inout PodsByOwner) throws(APIError) {
        let namespace = replicaSet.objectNamespace
        let spec = replicaSet["spec"] ?? [:]
        let selector = try LabelSelector(json: spec["selector"] ?? [:])
        let desired = max(0, Workload.int(spec["replicas"], default: 1))
        var active = try ownedPods(replicaSet, selector: selector, pods: &pods).filter(Workload.isActive)

        if active.count < desired {
            for _ in 0..<(Int(desired) - active.count) {
                active.append(try store.create(.pods, namespace: namespace, podFromTemplate(replicaSet)))
            }
        } else if active.count > desired {
            var deleted = Set<String>()
            for pod in Self.deletionOrder(active).prefix(active.count - Int(desired)) {
                try Workload.tolerating { () throws(APIError) in
                    _ = try store.delete(.pods, namespace: namespace, name: pod.objectName)
                    deleted.insert(pod.objectName)
                }
            }
            active.removeAll { deleted.contains($0.objectName) }
        }
        try writeStatus(replicaSet, activePods: active, now: now)
    }

    /// Surplus pods, the first to delete first.
    static func deletionOrder(_ pods: [JSONValue]) -> [JSONValue] {
        func phaseRank(_ pod: JSONValue) -> Int {
            switch pod["status"]?["phase"]?.stringValue {
            case "Running": 2
            case "Unknown": 1
            default: 0
            }
        }
        return pods.sorted { a, b in
            let readyA = Workload.isReady(a), readyB = Workload.isReady(b)
            if readyA != readyB { return !readyA }
            if phaseRank(a) != phaseRank(b) { return phaseRank(a) < phaseRank(b) }
            let restartsA = Workload.restartCount(a), restartsB = Workload.restartCount(b)
            if restartsA != restartsB { return restartsA > restartsB }
            let createdA = Workload.creationTime(a) ?? .distantPast, createdB = Workload.creationTime(b) ?? .distantPast
            if createdA != createdB { return createdA > createdB }
            return a.objectName > b.objectName
        }
    }

    func podFromTemplate(_ replicaSet: JSONValue) -> JSONValue {
        let template = replicaSet["spec"]?["template"] ?? [:]
        var metadata: [String: JSONValue] = [
            "generateName": .string(replicaSet.objectName + "-"),
            "namespace": .string(replicaSet.objectNamespace),
            "ownerReferences": [Workload.ownerReference(to: replicaSet, type: .replicaSets)],
        ]
        if let labels = template["metadata"]?["labels"], labels.objectValue?.isEmpty == false { metadata["labels"] = labels }
        if let annotations = template["metadata"]?["annotations"], annotations.objectValue?.isEmpty == false {
            metadata["annotations"] = annotations
        }
        if let finalizers = template["metadata"]?["finalizers"] { metadata["finalizers"] = finalizers }
        return [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": .object(metadata),
            "spec": template["spec"] ?? [:],
        ]
    }

    /// Writes `.status` counted over `pods`, the ReplicaSet's active pods after this pass's
    /// creations and deletions.
    private func writeStatus(_ replicaSet: JSONValue, activePods pods: [JSONValue], now: Date) throws(APIError) {
        let templateLabels = Workload.stringMap(replicaSet["spec"]?["template"]?["metadata"]?["labels"])
        let minReady = Workload.int(replicaSet["spec"]?["minReadySeconds"])
        var status = replicaSet["status"]?.objectValue ?? [:]
        status["replicas"] = .integer(Int64(pods.count))
        status["fullyLabeledReplicas"] = .integer(Int64(pods.filter { pod in
            let labels = pod.labels
            return templateLabels.allSatisfy { labels[$0.key] == $0.value }
        }.count))
        status["readyReplicas"] = .integer(Int64(pods.filter(Workload.isReady).count))
        status["availableReplicas"] = .integer(Int64(pods.filter {
            Workload.isAvailable($0, minReadySeconds: minReady, now: now)
        }.count))
        status["observedGeneration"] = replicaSet["metadata"]?["generation"] ?? .integer(1)
        status["selector"] = nil
        guard JSONValue.object(status) != replicaSet["status"] else { return }
        var updated = replicaSet
        updated["status"] = .object(status)
        _ = try store.updateStatus(.replicaSets, namespace: replicaSet.objectNamespace, updated)
    }
}
