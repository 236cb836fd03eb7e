import Foundation
import SluiceAPI

/// The plan being assembled by one planning pass: the status it will write and the actions
/// grouped so that they come out in a safe order — traffic first (an abort or a new update
/// lowers the canary's share before anything else moves), then ReplicaSets, Services,
/// AnalysisRuns (started and stopped), scale-downs and deletions, the status, and events last.
struct PlanDraft {
    var status: RolloutStatus
    private var traffic: TrafficState?
    private var replicaSetWrites: [Action] = []
    private var serviceWrites: [Action] = []
    private var analysisWrites: [Action] = []
    private var cleanup: [Action] = []
    private var events: [Action] = []
    private var wakeUps: [Date] = []

    init(status: RolloutStatus) { self.status = status }

    /// Make the router carry `state` (the last request in a pass wins).
    mutating func setTraffic(_ state: TrafficState) { traffic = state }
    /// Drop a traffic change planned earlier in this pass.
    mutating func cancelTraffic() { traffic = nil }

    mutating func createReplicaSet(name: String, hash: String, replicas: Int32, revision: Int) {
        replicaSetWrites.append(.createReplicaSet(name: name, podTemplateHash: hash, replicas: replicas, revision: revision))
    }

    mutating func scale(_ name: String, to replicas: Int32, cleanup isCleanup: Bool = false) {
        let action = Action.scaleReplicaSet(name: name, replicas: replicas)
        if isCleanup { cleanup.append(action) } else { replicaSetWrites.append(action) }
    }

    mutating func setScaleDownDeadline(_ name: String, _ deadline: Date?) {
        let action = Action.setScaleDownDeadline(name: name, deadline: deadline)
        if deadline == nil { replicaSetWrites.append(action) } else { cleanup.append(action) }
    }

    mutating func delete(_ name: String) { cleanup.append(.deleteReplicaSet(name: name)) }

    mutating func selectService(_ service: String, hash: String) {
        let action = Action.setServiceSelector(service: service, podTemplateHash: hash)
        if !serviceWrites.contains(where: { if case .setServiceSelector(service, _) = $0 { true } else { false } }) {
            serviceWrites.append(action)
        } else {
            serviceWrites = serviceWrites.map { if case .setServiceSelector(service, _) = $0 { action } else { $0 } }
        }
    }

    mutating func createAnalysisRun(_ request: AnalysisRunRequest) {
        let action = Action.createAnalysisRun(request)
        if !analysisWrites.contains(action) { analysisWrites.append(action) }
    }

    mutating func terminateAnalysisRun(_ name: String) {
        let action = Action.terminateAnalysisRun(name: name)
        if !analysisWrites.contains(action) { analysisWrites.append(action) }
    }

    mutating func event(_ type: Action.EventType = .normal, _ reason: String, _ message: String) {
        events.append(.event(type, reason: reason, message: message))
    }

    /// Look again at `date` even if nothing changes (only future dates matter).
    mutating func wake(at date: Date) { wakeUps.append(date) }

    /// What the informer caches will show once this plan's writes are applied (new
    /// ReplicaSets with no pods available yet, scaled sizes, Service selectors, the split).
    /// Phase, message and counts are computed on it, so that the status written is the one
    /// the next pass computes too and a settled Rollout plans no write at all.
    func predicted(from observed: ObservedState) -> ObservedState {
        var world = observed
        if let traffic { world.traffic = traffic }
        for action in replicaSetWrites + serviceWrites + analysisWrites + cleanup {
            switch action {
            case .createReplicaSet(let name, let hash, let replicas, let revision):
                if !world.replicaSets.contains(where: { $0.name == name }) {
                    world.replicaSets.append(ObservedReplicaSet(name: name, podTemplateHash: hash, replicas: replicas, revision: revision))
                }
            case .scaleReplicaSet(let name, let replicas):
                if let index = world.replicaSets.firstIndex(where: { $0.name == name }) {
                    world.replicaSets[index].replicas = replicas
                    world.replicaSets[index].readyReplicas = min(world.replicaSets[index].readyReplicas, replicas)
                    world.replicaSets[index].availableReplicas = min(world.replicaSets[index].availableReplicas, replicas)
                }
            case .setScaleDownDeadline(let name, let deadline):
                if let index = world.replicaSets.firstIndex(where: { $0.name == name }) {
                    world.replicaSets[index].scaleDownDeadline = deadline
                }
            case .deleteReplicaSet(let name):
                world.replicaSets.removeAll { $0.name == name }
            case .setServiceSelector(let service, let hash):
                world.serviceSelectors[service] = .some(hash)
            case .createAnalysisRun(let request):
                if !world.analysisRuns.contains(where: { $0.name == request.name }) {
                    world.analysisRuns.append(ObservedAnalysisRun(name: request.name, podTemplateHash: request.podTemplateHash,
                                                                  trigger: request.trigger, stepIndex: request.stepIndex))
                }
            case .terminateAnalysisRun(let name):
                if let index = world.analysisRuns.firstIndex(where: { $0.name == name }) { world.analysisRuns[index].terminating = true }
            default:
                break
            }
        }
        return world
    }

    /// The finished plan: the status is written only when it differs from `original`.
    func plan(original: RolloutStatus?, now: Date) -> Plan {
        var actions: [Action] = []
        if let traffic { actions.append(.setTraffic(traffic)) }
        actions += replicaSetWrites + serviceWrites + analysisWrites + cleanup
        if status != (original ?? RolloutStatus()) || original == nil { actions.append(.updateStatus(status)) }
        actions += events
        let next = wakeUps.filter { $0 > now }.min()
        let requeue = next.map { Duration.milliseconds(Int64(($0.timeIntervalSince(now) * 1000).rounded(.up))) }
        return Plan(actions: actions, requeueAfter: requeue)
    }
}
