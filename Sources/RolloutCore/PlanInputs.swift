import Foundation
import SluiceAPI

/// What one planning pass reads: the Rollout, the observed world, and values derived from
/// them once. Immutable.
struct PlanInputs {
    let rollout: Rollout
    let observed: ObservedState
    /// Traffic is split by a router (false: weights are replica ratios).
    let routed: Bool
    let name: String
    /// `spec.replicas`, 1 when absent.
    let replicas: Int32
    /// Pod-template hash of the current `spec.template`.
    let desiredHash: String

    init(rollout: Rollout, observed: ObservedState, routed: Bool, template: PodTemplateSpec) {
        self.rollout = rollout
        self.observed = observed
        self.routed = routed
        self.name = rollout.metadata.name ?? "rollout"
        self.replicas = max(0, rollout.spec.replicas ?? RolloutSpec.defaultReplicas)
        self.desiredHash = podTemplateHash(template, collisionCount: rollout.status?.collisionCount)
    }

    private init(copying inputs: PlanInputs, observed: ObservedState) {
        rollout = inputs.rollout
        self.observed = observed
        routed = inputs.routed
        name = inputs.name
        replicas = inputs.replicas
        desiredHash = inputs.desiredHash
    }

    /// The same inputs, seeing what the caches will show once `draft`'s writes are applied.
    func predicting(_ draft: PlanDraft) -> PlanInputs {
        PlanInputs(copying: self, observed: draft.predicted(from: observed))
    }

    var now: Date { observed.now }
    var spec: RolloutSpec { rollout.spec }
    /// `spec.paused`: the user stopped the Rollout where it is.
    var pausedBySpec: Bool { spec.paused == true }

    /// The owned ReplicaSet running `hash`.
    func replicaSet(_ hash: String?) -> ObservedReplicaSet? {
        guard let hash else { return nil }
        return observed.replicaSets.first { $0.podTemplateHash == hash }
    }

    /// `<rollout>-<hash>`, the name of the ReplicaSet Sluice creates for `hash`.
    func replicaSetName(_ hash: String) -> String { replicaSet(hash)?.name ?? "\(name)-\(hash)" }

    /// One more than the highest revision among the owned ReplicaSets.
    var nextRevision: Int { (observed.replicaSets.map(\.revision).max() ?? 0) + 1 }

    /// The revision of `hash`'s ReplicaSet, or the one it will get.
    func revision(of hash: String) -> Int { replicaSet(hash)?.revision ?? nextRevision }

    /// A ReplicaSet has scaled to `target` and that many pods are available.
    func isAvailable(_ hash: String, at target: Int32) -> Bool {
        guard let set = replicaSet(hash) else { return false }
        return set.replicas == target && set.availableReplicas >= target
    }

    /// Why `hash`'s ReplicaSet is not yet at `target` available pods, nil when it is.
    func replicaSetWait(_ hash: String, target: Int32, role: String) -> String? {
        let set = replicaSet(hash)
        let available = set?.availableReplicas ?? 0
        if available < target || set == nil {
            return "waiting for the \(role) ReplicaSet \(replicaSetName(hash)): \(available)/\(target) pods available"
        }
        if let set, set.replicas != target { return "waiting for the \(role) ReplicaSet \(set.name) to scale to \(target) (now \(set.replicas))" }
        return nil
    }

    /// Seconds as a `TimeInterval`.
    func after(seconds: Int32) -> Date { now.addingTimeInterval(TimeInterval(seconds)) }
}

/// Pods for `weight` percent of `total`, rounded up (a 1% canary of 3 pods is 1 pod).
func replicas(forWeight weight: Int32, of total: Int32) -> Int32 {
    let product = Int64(max(0, total)) * Int64(min(max(0, weight), 100))
    return Int32((product + 99) / 100)
}

extension Duration {
    /// The duration as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
