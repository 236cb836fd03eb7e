extension PlanDraft {
    /// The stable (active) revision an update starts from, or nil when the desired revision
    /// is itself stable — the first revision, an update reverted, or a stable ReplicaSet that
    /// has gone (the desired revision then becomes stable without steps, with a warning).
    /// `role` names the stable revision in events ("stable", "active"); `progression` what
    /// it skips ("steps", "gates").
    mutating func stableRevisionToUpdateFrom(_ inputs: PlanInputs, role: String, progression: String) -> String? {
        let desired = inputs.desiredHash
        var stable = status.stableRS
        if let lost = stable, lost != desired, inputs.replicaSet(lost) == nil {
            event(.warning, "StableReplicaSetMissing",
                  "the \(role) ReplicaSet (revision \(lost)) is gone: revision \(desired) becomes \(role) without \(progression)")
            stable = nil
        }
        guard let stable, stable != desired else {
            if status.stableRS == nil {
                event(.normal, "InitialRevision",
                      "revision \(inputs.revision(of: desired)) (\(desired)) is the first \(role) revision: it runs at full size without steps")
            }
            status.stableRS = desired
            return nil
        }
        return stable
    }
}

extension PlanDraft {
    /// The pod template went back to the stable (`role`) revision while an update was in
    /// progress: say the update is abandoned.
    mutating func noteRevertedUpdate(to stable: String, role: String) {
        if let abandoned = status.canaryRS, abandoned != stable {
            event(.normal, "UpdateReverted",
                  "the pod template is back to the \(role) revision \(stable): the update to \(abandoned) is abandoned")
        }
    }
}
