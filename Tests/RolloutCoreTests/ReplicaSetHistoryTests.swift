import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: old ReplicaSets")
struct ReplicaSetHistoryTests {
    @Test(arguments: [Int32(0), 1, 3])
    func revisionHistoryLimitKeepsThatManyOldReplicaSetsAtZero(limit: Int32) {
        var cluster = FakeCluster(canaryRollout(replicas: 2, steps: [.weight(50)]))
        cluster.rollout.spec.revisionHistoryLimit = limit
        cluster.settle()
        for version in 2...6 {
            cluster.deploy(image: "web:v\(version)")
            cluster.settle()
            #expect(cluster.status.stableRS == hash("web:v\(version)"))
        }
        let old = cluster.replicaSets.filter { $0.podTemplateHash != hash("web:v6") }
        #expect(old.count == Int(limit))
        #expect(old.allSatisfy { $0.replicas == 0 })
        #expect(Set(old.map(\.revision)) == Set((0..<Int(limit)).map { 5 - $0 }), "the most recent revisions are kept")
    }

    @Test func aRollbackToAnOldRevisionReusesItsReplicaSetAndClearsItsDeadline() {
        var cluster = FakeCluster(canaryRollout(replicas: 2, steps: [.weight(50)]))
        cluster.settle()
        cluster.deploy(image: "web:v2")
        cluster.settle()
        let v1Set = cluster.replicaSet(hash("web:v1"))
        #expect(v1Set?.replicas == 0)
        #expect(v1Set?.scaleDownDeadline != nil)
        cluster.deploy(image: "web:v1")
        let plan = cluster.reconcile()
        #expect(!plan.writes.contains { if case .createReplicaSet = $0 { true } else { false } })
        #expect(plan.writes.contains(.setScaleDownDeadline(name: v1Set!.name, deadline: nil)))
        cluster.settle()
        #expect(cluster.status.stableRS == hash("web:v1"))
        #expect(cluster.replicaSet(hash("web:v1"))?.replicas == 2)
        #expect(cluster.replicaSet(hash("web:v1"))?.scaleDownDeadline == nil)
    }

    @Test func aDeadlineRecordedOnAReplicaSetIsKeptAcrossRestarts() {
        var cluster = FakeCluster(canaryRollout(replicas: 2, steps: []) { $0.scaleDownDelaySeconds = 300 })
        cluster.settle()
        cluster.deploy(image: "web:v2")
        cluster.run { $0.status.stableRS == hash("web:v2") }
        let deadline = cluster.replicaSet(hash("web:v1"))?.scaleDownDeadline
        #expect(deadline == cluster.now + 300)
        cluster.now += 100
        let plan = cluster.reconcile()
        #expect(plan.writes.isEmpty, "the recorded deadline stands; no new one")
        #expect(plan.requeueAfter == .seconds(200))
    }
}
