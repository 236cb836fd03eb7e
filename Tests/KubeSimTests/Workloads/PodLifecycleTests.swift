import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite("Workloads: pod lifecycle")
struct WorkloadsPodLifecycleTests {
    private func pod(_ name: String, image: String, in store: ObjectStore) throws {
        _ = try store.create(.pods, namespace: "default", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "labels": ["app": "web"]],
            "spec": ["containers": [["name": "app", "image": .string(image)]]],
        ])
    }

    private func condition(_ pod: JSONValue, _ type: String) -> String? {
        Workload.condition(pod, type)?["status"]?.stringValue
    }

    @Test func becomesReadyAfterTheDelay() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store, defaultBehaviour: .ready(after: 10))
        try pod("a", image: "web:v1", in: store)
        try pod("b", image: "web:v1", in: store)

        clock.advance(4)
        try lifecycle.reconcile(now: clock.now)
        var a = try store.get(.pods, namespace: "default", name: "a")
        #expect(a["status"]?["phase"] == "Running")
        #expect(a["status"]?["podIP"] == "10.244.0.1")
        #expect(try store.get(.pods, namespace: "default", name: "b")["status"]?["podIP"] == "10.244.0.2")
        #expect(condition(a, "Ready") == "False")
        #expect(condition(a, "PodScheduled") == "True")
        #expect(a["status"]?["containerStatuses"]?.arrayValue?.first?["ready"] == .bool(false))
        #expect(Workload.isReady(a) == false)

        // Nothing changes before the delay: no writes.
        let version = store.currentResourceVersion
        clock.advance(5)
        try lifecycle.reconcile(now: clock.now)
        #expect(store.currentResourceVersion == version)

        clock.advance(1)
        try lifecycle.reconcile(now: clock.now)
        a = try store.get(.pods, namespace: "default", name: "a")
        #expect(condition(a, "Ready") == "True")
        #expect(condition(a, "ContainersReady") == "True")
        #expect(a["status"]?["podIP"] == "10.244.0.1")  // stable
        #expect(a["status"]?["containerStatuses"]?.arrayValue?.first?["ready"] == .bool(true))
        #expect(Workload.condition(a, "Ready")?["lastTransitionTime"] == "2023-11-14T22:13:30Z")
    }

    @Test func neverReadyImageStaysRunningButUnready() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store, behaviours: ["web:bad": .neverReady])
        try pod("good", image: "web:v1", in: store)
        try pod("bad", image: "web:bad", in: store)
        clock.advance(3600)
        try lifecycle.reconcile(now: clock.now)
        let bad = try store.get(.pods, namespace: "default", name: "bad")
        #expect(bad["status"]?["phase"] == "Running")
        #expect(condition(bad, "Ready") == "False")
        #expect(bad["status"]?["podIP"]?.stringValue?.hasPrefix("10.244.") == true)
        #expect(condition(try store.get(.pods, namespace: "default", name: "good"), "Ready") == "True")
    }

    @Test func crashLoopCountsRestartsWithBackoff() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store)
        lifecycle.setBehaviour(.crashLoop, forImage: "web:crash")
        try pod("c", image: "web:crash", in: store)
        func container() throws -> JSONValue? {
            try store.get(.pods, namespace: "default", name: "c")["status"]?["containerStatuses"]?.arrayValue?.first
        }
        try lifecycle.reconcile(now: clock.now)
        var status = try container()
        #expect(status?["state"]?["waiting"]?["reason"] == "CrashLoopBackOff")
        #expect(status?["restartCount"] == 0)
        #expect(status?["ready"] == .bool(false))
        #expect(status?["lastState"]?["terminated"]?["exitCode"] == 1)

        clock.advance(10)
        try lifecycle.reconcile(now: clock.now)
        #expect(try container()?["restartCount"] == 1)
        clock.advance(20)  // 10 + 20
        try lifecycle.reconcile(now: clock.now)
        status = try container()
        #expect(status?["restartCount"] == 2)
        #expect(status?["state"]?["waiting"]?["message"]?.stringValue?.hasPrefix("back-off 40s") == true)
        clock.advance(3600)
        try lifecycle.reconcile(now: clock.now)
        #expect((try container()?["restartCount"]?.integerValue ?? 0) > 10)
        #expect(condition(try store.get(.pods, namespace: "default", name: "c"), "Ready") == "False")

        #expect(PodLifecycleController.crashLoop(elapsed: 0).restarts == 0)
        #expect(PodLifecycleController.crashLoop(elapsed: 69).restarts == 2)
        #expect(PodLifecycleController.crashLoop(elapsed: 70).restarts == 3)
        #expect(PodLifecycleController.crashLoop(elapsed: 10_000).backoff == 300)
    }

    @Test func behaviourChangesApplyToRunningPods() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store)
        try pod("a", image: "web:v1", in: store)
        try lifecycle.reconcile(now: clock.now)
        #expect(condition(try store.get(.pods, namespace: "default", name: "a"), "Ready") == "True")
        lifecycle.setBehaviour(.neverReady, forImage: "web:v1")
        clock.advance(1)
        try lifecycle.reconcile(now: clock.now)
        #expect(condition(try store.get(.pods, namespace: "default", name: "a"), "Ready") == "False")
    }

    @Test func terminatingPodsAreLeftAlone() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store)
        _ = try store.create(.pods, namespace: "default", [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": "t", "finalizers": ["example.com/hold"]],
            "spec": ["containers": [["name": "app", "image": "web:v1"]]],
        ])
        _ = try store.delete(.pods, namespace: "default", name: "t")
        try lifecycle.reconcile(now: clock.now)
        #expect(try store.get(.pods, namespace: "default", name: "t")["status"] == nil)
    }
}

@Suite struct WorkloadsScenarioReadinessTests {
    @Test(arguments: [
        (PodReadinessBehaviour(readyAfter: 2), PodBehaviour.ready(after: 2)),
        (PodReadinessBehaviour(readyAfter: 2, neverReady: true), .neverReady),
        (PodReadinessBehaviour(neverReady: true, crashLoop: true), .crashLoop),
    ])
    func scenarioReadinessBecomesPodBehaviour(readiness: PodReadinessBehaviour, expected: PodBehaviour) {
        #expect(PodBehaviour(readiness) == expected)
    }
}
