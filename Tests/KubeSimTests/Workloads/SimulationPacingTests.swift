import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite("Workloads: pacing of the simulated controllers")
struct SimulationPacingTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func passesUntilAPassWritesNothingThenWaitsForAChange() {
        var pacing = SimulationPacing()
        #expect(pacing.isDue(stateVersion: "1/0", now: start))
        // The first pass wrote (1 -> 5): another pass follows.
        pacing.passed(stateVersionBefore: "1/0", after: "5/0", nextChange: nil, now: start)
        #expect(pacing.isDue(stateVersion: "5/0", now: start.addingTimeInterval(0.1)))
        // A pass that wrote nothing settles it.
        pacing.passed(stateVersionBefore: "5/0", after: "5/0", nextChange: nil, now: start.addingTimeInterval(0.1))
        #expect(!pacing.isDue(stateVersion: "5/0", now: start.addingTimeInterval(0.2)))
        // A write by anyone else, or a behaviour change, wakes it.
        #expect(pacing.isDue(stateVersion: "6/0", now: start.addingTimeInterval(0.2)))
        #expect(pacing.isDue(stateVersion: "5/1", now: start.addingTimeInterval(0.2)))
        // And so does the idle interval.
        #expect(pacing.isDue(stateVersion: "5/0", now: start.addingTimeInterval(1.1)))
    }

    @Test func wakesWhenAPodChangeIsDue() {
        var pacing = SimulationPacing()
        pacing.idleInterval = 60
        pacing.passed(stateVersionBefore: "5/0", after: "5/0", nextChange: start.addingTimeInterval(2), now: start)
        #expect(!pacing.isDue(stateVersion: "5/0", now: start.addingTimeInterval(1.9)))
        #expect(pacing.isDue(stateVersion: "5/0", now: start.addingTimeInterval(2)))
    }

    @Test func podLifecycleReportsItsNextChange() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store, defaultBehaviour: .ready(after: 10))
        lifecycle.setBehaviour(.crashLoop, forImage: "web:crash")
        _ = try store.create(.pods, namespace: "default", [
            "metadata": ["name": "slow"], "spec": ["containers": [["name": "app", "image": "web:v1"]]]])
        let created = clock.now
        clock.advance(4)
        #expect(try lifecycle.reconcile(now: clock.now) == created.addingTimeInterval(10))
        clock.advance(6)
        #expect(try lifecycle.reconcile(now: clock.now) == nil)  // ready: nothing more by itself

        _ = try store.create(.pods, namespace: "default", [
            "metadata": ["name": "crash"], "spec": ["containers": [["name": "app", "image": "web:crash"]]]])
        let crashCreated = clock.now
        clock.advance(15)  // first restart at 10 s, the next at 10 + 20
        #expect(try lifecycle.reconcile(now: clock.now) == crashCreated.addingTimeInterval(30))
        #expect(PodLifecycleController.crashLoopElapsed(restarts: 3) == 70)
    }
}
