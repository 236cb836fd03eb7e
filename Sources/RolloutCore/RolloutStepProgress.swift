import SluiceAPI

/// Where a Rollout is in its steps (canary) or gates (blue-green), as the controller counts
/// them in `status.currentStepIndex` and names them in its messages: `rollout status` shows
/// `step 2/4 (pause (until promoted))` from this, so the two never disagree.
public struct RolloutStepProgress: Sendable, Hashable {
    /// The step in progress, from 0; `count` once every step is done.
    public var index: Int
    public var count: Int
    /// The step in progress for people (`setWeight 20`, `pause 10m`); nil once all are done.
    public var current: String?
    /// Every step for people, in order.
    public var steps: [String]

    /// `2/4`, counting from 1 as the controller's messages do (`4/4` once all are done).
    public var label: String { count == 0 ? "0/0" : "\(min(index + 1, count))/\(count)" }
    /// Every step is done.
    public var isComplete: Bool { index >= count }
}

/// The step progress of `rollout`; nil while the controller has not recorded a step.
public func stepProgress(of rollout: Rollout) -> RolloutStepProgress? {
    let steps: [String]
    if let canary = rollout.spec.strategy.canary {
        steps = (canary.steps ?? []).map(\.summary)
    } else if let blueGreen = rollout.spec.strategy.blueGreen {
        steps = BlueGreenGate.gates(of: blueGreen).map(\.summary)
    } else {
        return nil
    }
    guard let recorded = rollout.status?.currentStepIndex else { return nil }
    let index = min(max(Int(recorded), 0), steps.count)
    return RolloutStepProgress(index: index, count: steps.count, current: index < steps.count ? steps[index] : nil, steps: steps)
}

extension CanaryStep {
    /// The step for people, as the controller's messages name it: `setWeight 20`.
    public var displayName: String { summary }
}
