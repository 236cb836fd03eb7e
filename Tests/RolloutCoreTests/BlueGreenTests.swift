import Foundation
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Planner: blue-green")
struct BlueGreenTests {
    let v1 = hash("web:v1")
    let v2 = hash("web:v2")

    func updating(_ configure: @escaping (inout BlueGreenStrategy) -> Void = { _ in }) -> FakeCluster {
        var cluster = FakeCluster(blueGreenRollout(replicas: 3, configure: configure))
        cluster.settle()
        precondition(cluster.status.phase == .healthy)
        cluster.deploy(image: "web:v2")
        return cluster
    }

    @Test func firstRolloutPointsBothServicesAtTheOnlyRevision() {
        var cluster = FakeCluster(blueGreenRollout())
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.services["web-active"] == .some(v1))
        #expect(cluster.services["web-preview"] == .some(v1))
        #expect(cluster.status.blueGreen == BlueGreenStatus(activeSelector: v1, previewSelector: v1))
    }

    @Test func theActiveServiceSwitchesOnlyOnceTheNewRevisionIsAvailableAtFullSize() {
        var cluster = updating { $0.previewReplicaCount = 1 }
        let first = cluster.reconcile()
        #expect(first.writes.contains(.createReplicaSet(name: "web-\(v2)", podTemplateHash: v2, replicas: 1, revision: 2)))
        #expect(first.writes.contains(.setServiceSelector(service: "web-preview", podTemplateHash: v2)))
        #expect(cluster.services["web-active"] == .some(v1))
        cluster.kubelet()
        cluster.reconcile()
        #expect(cluster.replicaSet(v2)?.replicas == 3, "scaled to full size before the switch")
        #expect(cluster.services["web-active"] == .some(v1), "not yet available at full size")
        cluster.kubelet()
        let switching = cluster.reconcile()
        #expect(switching.writes == [.setServiceSelector(service: "web-active", podTemplateHash: v2)])
        cluster.reconcile()
        #expect(cluster.status.stableRS == v2)
        #expect(cluster.events.contains { $0.reason == "RolloutCompleted" })
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.replicaSet(v1)?.scaleDownDeadline == cluster.now + 30)
        cluster.settle()
        #expect(cluster.replicaSet(v1)?.replicas == 0)
        #expect(cluster.status.blueGreen == BlueGreenStatus(activeSelector: v2, previewSelector: v2))
    }

    @Test func withoutAutoPromotionItWaitsForPromote() {
        var cluster = updating { $0.autoPromotionEnabled = false }
        cluster.settle()
        #expect(cluster.status.phase == .paused)
        #expect(cluster.status.controllerPause == true)
        #expect(cluster.services["web-active"] == .some(v1))
        #expect(cluster.services["web-preview"] == .some(v2))
        cluster.promote()
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.services["web-active"] == .some(v2))
    }

    @Test func autoPromotionSecondsPromotesAfterTheDelay() {
        var cluster = updating { $0.autoPromotionSeconds = 120 }
        cluster.run { $0.status.controllerPause == true }
        let pausedAt = cluster.now
        #expect(cluster.status.phase == .paused)
        #expect(cluster.services["web-active"] == .some(v1))
        cluster.run { $0.services["web-active"] == .some(hash("web:v2")) }
        #expect(cluster.now == pausedAt + 120)
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
    }

    @Test func promoteFullSkipsEveryGate() {
        let analysis = RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "smoke")])
        var cluster = updating {
            $0.prePromotionAnalysis = analysis
            $0.autoPromotionEnabled = false
            $0.postPromotionAnalysis = analysis
        }
        cluster.defaultVerdict = nil  // the pre-promotion analysis keeps running
        cluster.settle()
        #expect(cluster.status.phase == .progressing)
        cluster.rollout.status?.promoteFull = true
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.analysisRuns.map(\.name) == ["web-\(v2)-pre-promotion"], "no post-promotion run")
        #expect(cluster.analysisRuns.first?.terminating == true)
        #expect(cluster.status.stableRS == v2)
        #expect(cluster.status.promoteFull == nil)
    }

    @Test func abortSwitchesTheActiveServiceBackInTheSamePlan() {
        var cluster = updating { $0.postPromotionAnalysis = RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "smoke")]) }
        cluster.defaultVerdict = nil  // the post-promotion analysis keeps running
        cluster.settle()
        #expect(cluster.services["web-active"] == .some(v2))
        cluster.rollout.status?.abort = true
        let plan = cluster.reconcile()
        #expect(plan.writes.contains(.setServiceSelector(service: "web-active", podTemplateHash: v1)))
        #expect(plan.writes.contains(.setScaleDownDeadline(name: "web-\(v2)", deadline: cluster.now + 30)))
        #expect(cluster.status.phase == .aborted)
        #expect(cluster.status.blueGreen?.activeSelector == v1)
        cluster.settle()
        #expect(cluster.replicaSet(v2)?.replicas == 0)
        #expect(cluster.replicaSet(v1)?.replicas == 3)
    }
}

@Suite("Planner: blue-green promote --full before the preview is ready")
struct BlueGreenEarlyPromoteTests {
    @Test func promoteFullBeforeThePreviewIsReadySkipsTheGatesOnceItIs() {
        var cluster = FakeCluster(blueGreenRollout(replicas: 2) { $0.autoPromotionEnabled = false })
        cluster.settle()
        cluster.deploy(image: "web:v2")
        cluster.reconcile()
        cluster.rollout.status?.promoteFull = true
        cluster.settle()
        #expect(cluster.status.phase == .healthy)
        #expect(cluster.status.stableRS == hash("web:v2"))
        #expect(!cluster.events.contains { $0.reason == "RolloutPaused" }, "no gate paused")
    }
}
