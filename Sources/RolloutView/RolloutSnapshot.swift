import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// Everything `rollout status` and `rollout get` show of one Rollout, read at one moment:
/// the Rollout, the ReplicaSets and pods it owns, its AnalysisRuns and its Events.
public struct RolloutSnapshot: Sendable, Hashable {
    public var rollout: Rollout
    public var replicaSets: [ReplicaSet]
    public var pods: [PodSummary]
    public var analysisRuns: [AnalysisRun]
    public var events: [KubernetesEvent]

    public init(rollout: Rollout, replicaSets: [ReplicaSet] = [], pods: [PodSummary] = [],
                analysisRuns: [AnalysisRun] = [], events: [KubernetesEvent] = []) {
        self.rollout = rollout
        self.replicaSets = replicaSets
        self.pods = pods
        self.analysisRuns = analysisRuns
        self.events = events
    }

    public var name: String { rollout.metadata.name ?? "?" }
    public var namespace: String { rollout.metadata.namespace ?? "default" }
    /// The phase as the controller computes it (RolloutCore's `phase(of:)`).
    public var phase: RolloutPhaseSummary { RolloutCore.phase(of: rollout) }
    public var step: RolloutStepProgress? { stepProgress(of: rollout) }
    public var strategyName: String { rollout.spec.strategy.blueGreen != nil ? "blueGreen" : "canary" }

    /// The owned ReplicaSets as revisions, newest first.
    public var revisions: [Revision] {
        let status = rollout.status
        let blueGreen = rollout.spec.strategy.blueGreen != nil
        return replicaSets.map { set in
            let hash = set.metadata.labels?[RolloutLabels.podTemplateHash] ?? ""
            let role: Revision.Role
            if blueGreen, hash == status?.blueGreen?.activeSelector, !hash.isEmpty {
                role = .active
            } else if blueGreen, hash == status?.blueGreen?.previewSelector, !hash.isEmpty {
                role = .preview
            } else if hash == status?.stableRS, !hash.isEmpty {
                role = blueGreen ? .active : .stable
            } else if hash == status?.canaryRS, !hash.isEmpty {
                role = blueGreen ? .preview : .canary
            } else {
                role = .old
            }
            let images = (set.spec.template.spec?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
            return Revision(
                revision: set.metadata.annotations?[RolloutLabels.revision].flatMap { Int($0) },
                name: set.metadata.name ?? "?", podTemplateHash: hash, role: role, images: images,
                desired: set.spec.replicas ?? 0, current: set.status?.replicas ?? 0, ready: set.status?.readyReplicas ?? 0,
                available: set.status?.availableReplicas ?? 0, createdAt: set.metadata.creationTimestamp,
                scaleDownDeadline: set.metadata.annotations?[RolloutLabels.scaleDownDeadline])
        }.sorted { ($0.revision ?? 0, $0.name) > ($1.revision ?? 0, $1.name) }
    }

    /// Events about the Rollout, oldest first.
    public var orderedEvents: [KubernetesEvent] {
        events.enumerated().sorted { a, b in
            let left = a.element.lastTimestamp ?? a.element.metadata.creationTimestamp ?? ""
            let right = b.element.lastTimestamp ?? b.element.metadata.creationTimestamp ?? ""
            return left == right ? a.offset < b.offset : left < right
        }.map(\.element)
    }
}

/// One revision of the pod template: its ReplicaSet, what it runs and how many pods are up.
public struct Revision: Codable, Sendable, Hashable {
    /// What a revision is to the Rollout now.
    public enum Role: String, Codable, Sendable, Hashable {
        case stable, canary, active, preview, old
    }

    /// The `rollout.sluice.dev/revision` annotation.
    public var revision: Int?
    /// The ReplicaSet's name.
    public var name: String
    public var podTemplateHash: String
    public var role: Role
    public var images: [String]
    public var desired: Int32
    public var current: Int32
    public var ready: Int32
    public var available: Int32
    public var createdAt: String?
    /// When the controller scales it down (`rollout.sluice.dev/scale-down-deadline`).
    public var scaleDownDeadline: String?

    /// `Healthy` (all desired pods available), `ScaledDown`, or `Progressing`.
    public var state: String {
        if desired == 0 { return current == 0 ? "ScaledDown" : "ScalingDown" }
        return available >= desired && current == desired ? "Healthy" : "Progressing"
    }
}
