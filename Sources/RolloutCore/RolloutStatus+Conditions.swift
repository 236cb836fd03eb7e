import Foundation
import SluiceAPI

extension RolloutStatus {
    /// The condition of `type`, if the status has one.
    public func condition(_ type: RolloutConditionType) -> RolloutCondition? {
        conditions?.first { $0.type == type }
    }

    /// Sets a condition the Kubernetes way: `lastTransitionTime` moves only when `status`
    /// changes; `lastUpdateTime` when the status or reason changes, or when `touch` says the
    /// thing the condition tracks made progress. Other conditions keep their order.
    mutating func setCondition(
        _ type: RolloutConditionType, _ status: ConditionStatus, reason: String, message: String, now: Date, touch: Bool = false
    ) {
        let stamp = Timestamp(now)
        var all = conditions ?? []
        if let index = all.firstIndex(where: { $0.type == type }) {
            var condition = all[index]
            if condition.status != status {
                condition.lastTransitionTime = stamp
                condition.lastUpdateTime = stamp
            } else if condition.reason != reason || touch || condition.lastUpdateTime == nil {
                condition.lastUpdateTime = stamp
            }
            if condition.lastTransitionTime == nil { condition.lastTransitionTime = stamp }
            condition.status = status
            condition.reason = reason
            condition.message = message
            all[index] = condition
        } else {
            all.append(RolloutCondition(type: type, status: status, reason: reason, message: message,
                                        lastTransitionTime: stamp, lastUpdateTime: stamp))
        }
        conditions = all
    }

    /// Sets `type` to False only if it is present: conditions that have never been true
    /// (Paused, say) stay out of the list.
    mutating func clearCondition(_ type: RolloutConditionType, reason: String, message: String, now: Date) {
        guard let existing = condition(type), existing.status != .false || existing.reason != reason else { return }
        setCondition(type, .false, reason: reason, message: message, now: now)
    }

    mutating func removeCondition(_ type: RolloutConditionType) {
        conditions?.removeAll { $0.type == type }
        if conditions?.isEmpty == true { conditions = nil }
    }
}
