import Foundation
import KubeClient
import Synchronization
import Testing
@testable import KubeSim

@Suite("Workloads: ReplicaSet controller")
struct WorkloadsReplicaSetTests {
    @Test func scalesUpWithOwnedLabelledPods() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let rs = try store.create(.replicaSets, namespace: "default",
                                  wlReplicaSet("web-abc", replicas: 3, labels: ["app": "web", "rollouts-pod-template-hash": "abc"]))
        try ReplicaSetController(store: store).reconcile(now: clock.now)

        let pods = try wlPods(store)
        #expect(pods.count == 3)
        for pod in pods {
            let name = pod.objectName
            #expect(name.hasPrefix("web-abc-"))
            let suffix = name.dropFirst("web-abc-".count)
            #expect(suffix.count == 5)
            #expect(suffix.allSatisfy { $0.isLowercase || $0.isNumber })
            #expect(pod.labels == ["app": "web", "rollouts-pod-template-hash": "abc"])
            let owner = try #require(pod.ownerReferences.first)
            #expect(owner["uid"]?.stringValue == rs.uid)
            #expect(owner["kind"] == "ReplicaSet")
            #expect(owner["apiVersion"] == "apps/v1")
            #expect(owner["name"] == "web-abc")
            #expect(owner["controller"] == .bool(true))
            #expect(owner["blockOwnerDeletion"] == .bool(true))
            #expect(pod["spec"]?["containers"]?.arrayValue?.first?["image"] == "web:v1")
        }
        let status = try store.get(.replicaSets, namespace: "default", name: "web-abc")["status"]
        #expect(wlInt(status?["replicas"]) == 3)
        #expect(wlInt(status?["fullyLabeledReplicas"]) == 3)
        #expect(wlInt(status?["readyReplicas"]) == 0)
        #expect(wlInt(status?["availableReplicas"]) == 0)
        #expect(wlInt(status?["observedGeneration"]) == 1)

        // Idempotent: a second pass changes nothing.
        let version = store.currentResourceVersion
        try ReplicaSetController(store: store).reconcile(now: clock.now)
        #expect(store.currentResourceVersion == version)
    }

    @Test func scaleDownDeletesNotReadyThenNewest() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let sick = Mutex<String?>(nil)
        let pods = PodLifecycleController(store: store, defaultBehaviour: .ready(after: 5)) { _, pod in
            sick.withLock { $0 } == pod.objectName ? .neverReady : nil
        }
        let controller = ReplicaSetController(store: store)
        func scale(_ replicas: Int64) throws {
            var rs = try store.get(.replicaSets, namespace: "default", name: "web")
            rs["spec"]?["replicas"] = .integer(replicas)
            _ = try store.update(.replicaSets, namespace: "default", rs)
            try controller.reconcile(now: clock.now)
            clock.advance(10)
            try pods.reconcile(now: clock.now)
            try controller.reconcile(now: clock.now)
        }
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("web", replicas: 0))
        try scale(1)
        let oldest = try #require(try wlPods(store).first?.objectName)
        try scale(2)
        let middle = try #require(try wlPods(store).map(\.objectName).first { $0 != oldest })
        try scale(3)
        let newest = try #require(try wlPods(store).map(\.objectName).first { $0 != oldest && $0 != middle })

        // The oldest pod turns unready: it is the first to go.
        sick.withLock { $0 = oldest }
        try pods.reconcile(now: clock.now)
        try controller.reconcile(now: clock.now)
        #expect(wlInt(try store.get(.replicaSets, namespace: "default", name: "web")["status"]?["readyReplicas"]) == 2)
        try scale(2)
        #expect(Set(try wlPods(store).map(\.objectName)) == [middle, newest])

        // Among ready pods, the newest goes.
        try scale(1)
        #expect(try wlPods(store).map(\.objectName) == [middle])

        let status = try store.get(.replicaSets, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["replicas"]) == 1)
        #expect(wlInt(status?["readyReplicas"]) == 1)
        #expect(wlInt(status?["availableReplicas"]) == 1)
        #expect(wlInt(status?["observedGeneration"]) == 6)
    }

    @Test func garbageCollectorDeletesPodsOfDeletedReplicaSet() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("web", replicas: 2))
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("other", replicas: 1, labels: ["app": "other"]))
        try ReplicaSetController(store: store).reconcile(now: clock.now)
        #expect(try wlPods(store).count == 3)
        _ = try store.delete(.replicaSets, namespace: "default", name: "web")
        #expect(try wlPods(store).count == 3)
        store.collectGarbage()
        let left = try wlPods(store)
        #expect(left.count == 1)
        #expect(left.first?.labels["app"] == "other")
    }

    @Test func adoptsOrphansAndCountsFullyLabeled() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        // An orphan the selector matches but missing a template label.
        _ = try store.create(.pods, namespace: "default", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": "stray", "labels": ["app": "web"]],
            "spec": ["containers": [["name": "app", "image": "web:v1"]]],
        ])
        var template = wlReplicaSet("web", replicas: 2)
        template["spec"]?["template"]?["metadata"]?["labels"]?["tier"] = "front"
        let rs = try store.create(.replicaSets, namespace: "default", template)
        try ReplicaSetController(store: store).reconcile(now: clock.now)
        let pods = try wlPods(store)
        #expect(pods.count == 2)
        let stray = try store.get(.pods, namespace: "default", name: "stray")
        #expect(Workload.controllerUID(stray) == rs.uid)
        let status = try store.get(.replicaSets, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["replicas"]) == 2)
        #expect(wlInt(status?["fullyLabeledReplicas"]) == 1)
    }

    @Test func availabilityHonoursMinReadySeconds() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let pods = PodLifecycleController(store: store, defaultBehaviour: .ready(after: 2))
        let controller = ReplicaSetController(store: store)
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("web", replicas: 1, minReadySeconds: 10))
        try controller.reconcile(now: clock.now)
        clock.advance(5)
        try pods.reconcile(now: clock.now)
        try controller.reconcile(now: clock.now)
        var status = try store.get(.replicaSets, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["readyReplicas"]) == 1)
        #expect(wlInt(status?["availableReplicas"]) == 0)
        clock.advance(7)  // ready since t=2, now t=12
        try controller.reconcile(now: clock.now)
        status = try store.get(.replicaSets, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["availableReplicas"]) == 1)
    }
}
