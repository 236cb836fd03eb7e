import SluiceAPI

/// A Rollout's phase and why, as both the controller and `rollout status` tell it (Argo's
/// `CalculateRolloutPhase`): the phase the controller wrote, unless the controller has not
/// yet seen the latest spec, in which case the Rollout is Progressing toward it.
public struct RolloutPhaseSummary: Sendable, Hashable {
    public var phase: RolloutPhase
    public var message: String

    public init(phase: RolloutPhase, message: String) {
        self.phase = phase
        self.message = message
    }

    /// The update is over, one way or the other: Healthy, Degraded or Aborted (what
    /// `rollout status --watch` waits for).
    public var isFinal: Bool { phase == .healthy || phase == .degraded || phase == .aborted }
}

/// The phase of `rollout`, derived from its status; see ``RolloutPhaseSummary``.
public func phase(of rollout: Rollout) -> RolloutPhaseSummary {
    guard let status = rollout.status, let written = status.phase else {
        return RolloutPhaseSummary(phase: .progressing, message: "waiting for the controller to observe the Rollout")
    }
    if let generation = rollout.metadata.generation, (status.observedGeneration ?? 0) < generation {
        return RolloutPhaseSummary(phase: .progressing, message: "waiting for the controller to observe generation \(generation)")
    }
    return RolloutPhaseSummary(phase: written, message: status.message ?? "")
}
