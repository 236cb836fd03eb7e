import Foundation
import SluiceAPI

extension PlanDraft {
    /// The ReplicaSet for `hash` exists with `replicas` and no scale-down deadline (a
    /// ReplicaSet brought back into use — a rollback to an old revision — must not be
    /// scaled down by a deadline it got when it was retired).
    mutating func ensureReplicaSet(_ hash: String, replicas: Int32, _ inputs: PlanInputs) {
        if let set = inputs.replicaSet(hash) {
            if set.replicas != replicas { scale(set.name, to: replicas) }
            if set.scaleDownDeadline != nil { setScaleDownDeadline(set.name, nil) }
        } else {
            createReplicaSet(name: inputs.replicaSetName(hash), hash: hash, replicas: replicas, revision: inputs.nextRevision)
        }
    }

    /// Scales `set` to zero at `deadline`: records the deadline on the ReplicaSet (so a
    /// restarted controller keeps it), keeps an earlier recorded one, and asks to be woken
    /// when it passes.
    mutating func scaleDown(_ set: ObservedReplicaSet, at deadline: Date, _ inputs: PlanInputs) {
        guard set.replicas > 0 else { return }
        let effective = set.scaleDownDeadline ?? deadline
        if effective <= inputs.now {
            scale(set.name, to: 0, cleanup: true)
        } else {
            if set.scaleDownDeadline == nil { setScaleDownDeadline(set.name, effective) }
            wake(at: effective)
        }
    }

    /// Every owned ReplicaSet not in `keep` is retired: scaled to zero `delaySeconds` after
    /// it was first seen retired (at once when zero; `hold` postpones that, for example
    /// until the stable pods are back without a router). Of the retired ReplicaSets at zero,
    /// the `historyLimit` most recent revisions are kept and older ones deleted.
    mutating func retireReplicaSets(keeping keep: Set<String>, delaySeconds: Int32, hold: Bool = false, historyLimit: Int32,
                                    _ inputs: PlanInputs) {
        let retired = inputs.observed.replicaSets.filter { !keep.contains($0.podTemplateHash) }
        for set in retired where set.replicas > 0 {
            if delaySeconds <= 0, set.scaleDownDeadline == nil {
                if !hold { scale(set.name, to: 0, cleanup: true) }
            } else {
                scaleDown(set, at: inputs.after(seconds: delaySeconds), inputs)
            }
        }
        let atZero = retired.filter { $0.replicas == 0 }.sorted { a, b in
            if a.revision != b.revision { return a.revision > b.revision }
            if a.createdAt != b.createdAt { return (a.createdAt ?? .distantPast) > (b.createdAt ?? .distantPast) }
            return a.name > b.name
        }
        for set in atZero.dropFirst(Int(max(0, historyLimit))) { delete(set.name) }
    }

    /// The router carries `desired`, or is asked to.
    mutating func ensureTraffic(_ desired: TrafficState, _ inputs: PlanInputs) {
        if inputs.observed.traffic != desired { setTraffic(desired) }
    }

    /// `service` selects `hash`, or is asked to; returns where it stands (a Service that
    /// does not exist is reported, never written).
    mutating func ensureService(_ service: String?, selects hash: String, field: String, _ inputs: PlanInputs) -> ServiceState {
        let state = ServiceState(service, selects: hash, field: field, inputs.observed)
        if case .pending = state, let service { selectService(service, hash: hash) }
        return state
    }
}

/// Where a Service the Rollout names stands.
enum ServiceState: Equatable {
    case inPlace
    case pending(String)
    case missing(String)

    /// Where `service` (named by `field`; nil: not configured) stands against `hash`.
    init(_ service: String?, selects hash: String, field: String, _ observed: ObservedState) {
        guard let service else {
            self = .inPlace
            return
        }
        guard let selected = observed.serviceSelectors[service] else {
            self = .missing("Service \"\(service)\" (\(field)) does not exist")
            return
        }
        self = selected == hash ? .inPlace : .pending("waiting for Service \"\(service)\" to select revision \(hash)")
    }

    var problem: String? { if case .missing(let text) = self { text } else { nil } }
    var wait: String? {
        switch self {
        case .inPlace: nil
        case .pending(let text), .missing(let text): text
        }
    }
}
