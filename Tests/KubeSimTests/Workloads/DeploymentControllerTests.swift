import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite("Workloads: Deployment controller")
struct WorkloadsDeploymentTests {
    private func replicaSets(_ store: ObjectStore) throws -> [JSONValue] {
        try store.list(.replicaSets, namespace: "default").items
    }

    private func setImage(_ store: ObjectStore, _ image: String) throws {
        var deployment = try store.get(.deployments, namespace: "default", name: "web")
        deployment["spec"]?["template"]?["spec"]?["containers"] = [["name": "app", "image": .string(image)]]
        _ = try store.update(.deployments, namespace: "default", deployment)
    }

    @Test func templateHashIgnoresHashLabelsAndIsStable() {
        let template: JSONValue = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["image": "a"]]]]
        var labelled = template
        labelled["metadata"]?["labels"]?["pod-template-hash"] = "x"
        let hash = DeploymentController.templateHash(of: template)
        #expect(hash == DeploymentController.templateHash(of: labelled))
        #expect(hash.count >= 8 && hash.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(hash != DeploymentController.templateHash(of: template, collisionCount: 1))
        var other = template
        other["spec"]?["containers"] = [["image": "b"]]
        #expect(hash != DeploymentController.templateHash(of: other))
    }

    @Test func createsHashedReplicaSetAndReportsStatus() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let sim = WorkloadSimulator(store: store, pods: PodLifecycleController(store: store, defaultBehaviour: .ready(after: 5)))
        let deployment = try store.create(.deployments, namespace: "default", wlDeployment("web", replicas: 3, image: "web:v1"))
        try sim.reconcile(now: clock.now)

        let hash = DeploymentController.templateHash(of: deployment["spec"]!["template"]!)
        let rs = try #require(try replicaSets(store).first)
        #expect(try replicaSets(store).count == 1)
        #expect(rs.objectName == "web-\(hash)")
        #expect(rs.labels["pod-template-hash"] == hash)
        #expect(rs["spec"]?["selector"]?["matchLabels"]?["pod-template-hash"]?.stringValue == hash)
        #expect(rs["spec"]?["replicas"] == 3)
        #expect(Workload.controllerUID(rs) == deployment.uid)
        #expect(rs["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] == "1")
        let pods = try wlPods(store)
        #expect(pods.count == 3)
        #expect(pods.allSatisfy { $0.labels == ["app": "web", "pod-template-hash": hash] && $0.objectName.hasPrefix("web-\(hash)-") })

        var status = try store.get(.deployments, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["replicas"]) == 3)
        #expect(wlInt(status?["updatedReplicas"]) == 3)
        #expect(wlInt(status?["readyReplicas"]) == 0)
        #expect(wlInt(status?["availableReplicas"]) == 0)
        #expect(wlInt(status?["observedGeneration"]) == 1)

        clock.advance(5)
        try sim.reconcile(now: clock.now)
        status = try store.get(.deployments, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["readyReplicas"]) == 3)
        #expect(wlInt(status?["availableReplicas"]) == 3)
        #expect(wlInt(status?["unavailableReplicas"]) == 0)
        #expect(Workload.condition(["status": status ?? nil], "Available")?["status"] == "True")

        // Steady state: a further tick writes nothing.
        let version = store.currentResourceVersion
        clock.advance(5)
        try sim.reconcile(now: clock.now)
        #expect(store.currentResourceVersion == version)
    }

    @Test func templateChangeRollsToANewReplicaSet() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let sim = WorkloadSimulator(store: store, pods: PodLifecycleController(store: store, defaultBehaviour: .ready(after: 5)))
        _ = try store.create(.deployments, namespace: "default", wlDeployment("web", replicas: 2, image: "web:v1"))
        try sim.reconcile(now: clock.now)
        clock.advance(5)
        try sim.reconcile(now: clock.now)
        let oldName = try #require(try replicaSets(store).first?.objectName)

        try setImage(store, "web:v2")
        try sim.reconcile(now: clock.now)
        #expect(try replicaSets(store).count == 2)
        let new = try #require(try replicaSets(store).first { $0.objectName != oldName })
        #expect(new["spec"]?["replicas"] == 2)
        #expect(new["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] == "2")
        // New pods not available yet: the old ones stay.
        #expect(try store.get(.replicaSets, namespace: "default", name: oldName)["spec"]?["replicas"] == 2)
        var status = try store.get(.deployments, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["observedGeneration"]) == 2)
        #expect(wlInt(status?["updatedReplicas"]) == 2)
        #expect(wlInt(status?["replicas"]) == 4)

        clock.advance(5)
        try sim.reconcile(now: clock.now)
        try sim.reconcile(now: clock.now)
        #expect(try store.get(.replicaSets, namespace: "default", name: oldName)["spec"]?["replicas"] == 0)
        #expect(try store.get(.replicaSets, namespace: "default", name: oldName)["status"]?["replicas"] == 0)
        let pods = try wlPods(store)
        #expect(pods.count == 2)
        #expect(pods.allSatisfy { $0["spec"]?["containers"]?.arrayValue?.first?["image"] == "web:v2" })
        status = try store.get(.deployments, namespace: "default", name: "web")["status"]
        #expect(wlInt(status?["replicas"]) == 2)
        #expect(wlInt(status?["updatedReplicas"]) == 2)
        #expect(wlInt(status?["availableReplicas"]) == 2)

        // Rolling back reuses the old ReplicaSet as revision 3.
        try setImage(store, "web:v1")
        try sim.reconcile(now: clock.now)
        let old = try store.get(.replicaSets, namespace: "default", name: oldName)
        #expect(old["spec"]?["replicas"] == 2)
        #expect(old["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] == "3")
        #expect(try replicaSets(store).count == 2)
    }

    @Test func recreateScalesOldDownBeforeNewUp() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let sim = WorkloadSimulator(store: store)
        _ = try store.create(.deployments, namespace: "default",
                             wlDeployment("web", replicas: 2, image: "web:v1", strategy: "Recreate"))
        try sim.reconcile(now: clock.now)
        let oldName = try #require(try replicaSets(store).first?.objectName)
        try setImage(store, "web:v2")

        // One controller step at a time: old to 0 first, new still at 0.
        try sim.deployments.reconcile(now: clock.now)
        let new = try #require(try replicaSets(store).first { $0.objectName != oldName })
        #expect(new["spec"]?["replicas"] == 0)
        #expect(try store.get(.replicaSets, namespace: "default", name: oldName)["spec"]?["replicas"] == 0)

        try sim.reconcile(now: clock.now)
        try sim.reconcile(now: clock.now)
        #expect(try store.get(.replicaSets, namespace: "default", name: new.objectName)["spec"]?["replicas"] == 2)
        let pods = try wlPods(store)
        #expect(pods.count == 2)
        #expect(pods.allSatisfy { $0["spec"]?["containers"]?.arrayValue?.first?["image"] == "web:v2" })
    }

    @Test func oldReplicaSetsBeyondHistoryLimitAreDeleted() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let sim = WorkloadSimulator(store: store)
        var deployment = wlDeployment("web", replicas: 1, image: "web:v1")
        deployment["spec"]?["revisionHistoryLimit"] = 1
        _ = try store.create(.deployments, namespace: "default", deployment)
        for image in ["web:v1", "web:v2", "web:v3", "web:v4"] {
            try setImage(store, image)
            for _ in 0..<3 { try sim.reconcile(now: clock.now) }
        }
        let names = try replicaSets(store).map { $0["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"] }
        #expect(Set(names) == ["web:v3", "web:v4"])
    }
}
