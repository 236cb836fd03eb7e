import Foundation
import KubeClient
import SluiceAPI
@testable import RolloutCore

/// A fixed clock start for every test.
let start = Date(timeIntervalSince1970: 1_750_000_000)

func podTemplate(image: String) -> PodTemplateSpec {
    PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "web"]), spec: ["containers": [["name": "web", "image": .string(image)]]])
}

func hash(_ image: String) -> String { podTemplateHash(podTemplate(image: image)) }

/// A canary Rollout `web` with stable and canary Services, routed by a Gateway API HTTPRoute
/// unless `router` is false.
func canaryRollout(image: String = "web:v1", replicas: Int32 = 4, steps: [CanaryStep], router: Bool = true,
                   configure: (inout CanaryStrategy) -> Void = { _ in }) -> Rollout {
    var canary = CanaryStrategy(stableService: "web-stable", canaryService: "web-canary",
                                trafficRouting: router ? TrafficRouting(gatewayAPI: GatewayAPITrafficRouting(httpRoute: "web")) : nil,
                                steps: steps)
    configure(&canary)
    var rollout = Rollout(
        metadata: ObjectMeta(name: "web", namespace: "default"),
        spec: RolloutSpec(replicas: replicas, selector: LabelSelector(matchLabels: ["app": "web"]), template: podTemplate(image: image),
                          strategy: RolloutStrategy(canary: canary)))
    rollout.metadata.generation = 1
    return rollout
}

func blueGreenRollout(image: String = "web:v1", replicas: Int32 = 3, configure: (inout BlueGreenStrategy) -> Void = { _ in }) -> Rollout {
    var blueGreen = BlueGreenStrategy(activeService: "web-active", previewService: "web-preview")
    configure(&blueGreen)
    var rollout = Rollout(
        metadata: ObjectMeta(name: "web", namespace: "default"),
        spec: RolloutSpec(replicas: replicas, selector: LabelSelector(matchLabels: ["app": "web"]), template: podTemplate(image: image),
                          strategy: RolloutStrategy(blueGreen: blueGreen)))
    rollout.metadata.generation = 1
    return rollout
}

extension CanaryStep {
    static func weight(_ value: Int32) -> CanaryStep { CanaryStep(setWeight: value) }
    static func pause(_ duration: DurationString? = nil) -> CanaryStep { CanaryStep(pause: RolloutPause(duration: duration)) }
    static func scale(weight: Int32? = nil, replicas: Int32? = nil, matchTrafficWeight: Bool? = nil) -> CanaryStep {
        CanaryStep(setCanaryScale: SetCanaryScale(weight: weight, replicas: replicas, matchTrafficWeight: matchTrafficWeight))
    }
    static func header(_ name: String?, _ match: [HeaderRoutingMatch]?) -> CanaryStep {
        CanaryStep(setHeaderRoute: SetHeaderRoute(name: name, match: match))
    }
    static func mirror(_ name: String?, _ percentage: Int32?) -> CanaryStep {
        CanaryStep(setMirrorRoute: SetMirrorRoute(name: name, percentage: percentage))
    }
    static var analysis: CanaryStep {
        CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "http-slo")]))
    }
}

/// A valid template with one Prometheus metric, taking the canary's hash as `hash`.
func analysisTemplate(_ name: String, clusterScope: Bool = false) -> ObservedAnalysisTemplate {
    let metric = Metric(name: "error-ratio", successCondition: "result[0] < 0.01",
                        provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090",
                                                                                  query: "ratio{hash=\"{{args.hash}}\"}")))
    return ObservedAnalysisTemplate(name: name, clusterScope: clusterScope,
                                    spec: AnalysisTemplateSpec(args: [Argument(name: "hash", value: "x")], metrics: [metric]))
}

/// A small world the plans act on: the Rollout, its ReplicaSets, the router's split and
/// the Services, with a clock. `apply` executes actions the way the controller's executor
/// does (idempotently); `kubelet` makes every pod of every ReplicaSet available.
struct FakeCluster {
    var rollout: Rollout
    var replicaSets: [ObservedReplicaSet] = []
    var traffic: TrafficState?
    var services: [String: String?]
    var now = start
    var hasRouter = true
    var events: [(reason: String, message: String)] = []
    var applied: [Action] = []
    var analysisRuns: [ObservedAnalysisRun] = []
    var analysisTemplates: [ObservedAnalysisTemplate] = [analysisTemplate("http-slo"), analysisTemplate("smoke")]
    /// What the stand-in analysis controller (run by ``kubelet()``) makes of a run that is
    /// measuring: its verdict by run name, else ``defaultVerdict``; nil keeps it Running.
    var verdicts: [String: AnalysisPhase] = [:]
    var defaultVerdict: AnalysisPhase? = .successful

    init(_ rollout: Rollout, services: [String] = ["web-stable", "web-canary", "web-active", "web-preview"], traffic: TrafficState? = nil) {
        self.rollout = rollout
        self.services = Dictionary(uniqueKeysWithValues: services.map { ($0, String?.none) })
        self.traffic = traffic
        hasRouter = rollout.spec.strategy.canary?.trafficRouting != nil
    }

    var observed: ObservedState {
        ObservedState(replicaSets: replicaSets, traffic: hasRouter ? traffic : nil, serviceSelectors: services,
                      analysisRuns: analysisRuns, analysisTemplates: analysisTemplates, now: now)
    }

    func plan() -> Plan { Planner().plan(rollout: rollout, observed: observed, hasRouter: hasRouter) }

    var status: RolloutStatus { rollout.status ?? RolloutStatus() }

    func replicaSet(_ hash: String) -> ObservedReplicaSet? { replicaSets.first { $0.podTemplateHash == hash } }

    @discardableResult
    mutating func reconcile() -> Plan {
        let plan = plan()
        apply(plan)
        return plan
    }

    mutating func apply(_ plan: Plan) {
        for action in plan.actions { apply(action) }
    }

    mutating func apply(_ action: Action) {
        applied.append(action)
        switch action {
        case .createReplicaSet(let name, let hash, let replicas, let revision):
            guard !replicaSets.contains(where: { $0.name == name }) else { return }
            replicaSets.append(ObservedReplicaSet(name: name, podTemplateHash: hash, replicas: replicas, revision: revision, createdAt: now))
        case .scaleReplicaSet(let name, let replicas):
            update(name) {
                $0.replicas = replicas
                $0.readyReplicas = min($0.readyReplicas, replicas)
                $0.availableReplicas = min($0.availableReplicas, replicas)
            }
        case .setScaleDownDeadline(let name, let deadline):
            update(name) { $0.scaleDownDeadline = deadline.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) } }
        case .deleteReplicaSet(let name):
            replicaSets.removeAll { $0.name == name }
        case .setTraffic(let state):
            precondition(hasRouter, "setTraffic planned without a router")
            traffic = state
        case .setServiceSelector(let service, let hash):
            services[service] = .some(hash)
        case .createAnalysisRun(let request):
            guard !analysisRuns.contains(where: { $0.name == request.name }) else { return }
            analysisRuns.append(ObservedAnalysisRun(name: request.name, podTemplateHash: request.podTemplateHash, trigger: request.trigger,
                                                    stepIndex: request.stepIndex))
        case .terminateAnalysisRun(let name):
            guard let index = analysisRuns.firstIndex(where: { $0.name == name }) else { return }
            analysisRuns[index].terminating = true
        case .updateStatus(let status):
            rollout.status = status
        case .event(_, let reason, let message):
            events.append((reason, message))
        }
    }

    private mutating func update(_ name: String, _ change: (inout ObservedReplicaSet) -> Void) {
        guard let index = replicaSets.firstIndex(where: { $0.name == name }) else { return }
        change(&replicaSets[index])
    }

    /// Every pod of every ReplicaSet becomes ready and available; the stand-in analysis
    /// controller moves every run on (see ``verdicts``).
    mutating func kubelet() {
        for index in replicaSets.indices {
            replicaSets[index].readyReplicas = replicaSets[index].replicas
            replicaSets[index].availableReplicas = replicaSets[index].replicas
        }
        analyse()
    }

    /// One pass of the stand-in analysis controller: a stopping run ends Successful (what
    /// it measured passed), a measuring one gets its verdict or keeps Running.
    mutating func analyse() {
        for index in analysisRuns.indices where !analysisRuns[index].phase.isCompleted {
            let run = analysisRuns[index]
            if run.terminating {
                analysisRuns[index].phase = .successful
            } else if let verdict = verdicts[run.name] ?? defaultVerdict {
                analysisRuns[index].phase = verdict
                if verdict != .successful { analysisRuns[index].message = "metric \"error-ratio\" \(verdict.rawValue): value 0.05" }
            } else {
                analysisRuns[index].phase = .running
            }
        }
    }

    /// The run the status records for `trigger` (and step).
    func run(_ trigger: AnalysisRunSummary.Trigger, step: Int32? = nil) -> ObservedAnalysisRun? {
        guard let name = status.analysis?.first(where: { $0.trigger == trigger && $0.stepIndex == step })?.name else { return nil }
        return analysisRuns.first { $0.name == name }
    }

    /// Reconciles, lets pods start, and moves the clock to the requested requeue, until a
    /// plan asks for nothing and for no later look (a healthy Rollout, or one waiting for a
    /// person); returns the number of reconciles. Traps after `limit` passes (a plan that
    /// never settles is a bug).
    @discardableResult
    mutating func settle(limit: Int = 200) -> Int {
        for pass in 1...limit {
            let plan = reconcile()
            kubelet()
            if plan.actions.isEmpty {
                guard let after = plan.requeueAfter else { return pass }
                now = now.addingTimeInterval(after.timeInterval)
            }
        }
        fatalError("the rollout did not settle in \(limit) reconciles: \(status.message ?? "")")
    }

    /// Reconciles (pods starting after each pass, the clock moving to requested requeues)
    /// until `done` holds; traps after `limit` passes.
    mutating func run(until done: (FakeCluster) -> Bool, limit: Int = 100) {
        for _ in 0..<limit {
            let plan = reconcile()
            if done(self) { return }
            kubelet()
            if plan.actions.isEmpty, let after = plan.requeueAfter { now = now.addingTimeInterval(after.timeInterval) }
        }
        fatalError("the condition did not hold within \(limit) reconciles: \(status.message ?? "")")
    }

    /// `rollout promote`: clears the pause start.
    mutating func promote() { rollout.status?.pauseStartTime = nil }

    /// A new pod template (the GitOps commit).
    mutating func deploy(image: String) {
        rollout.spec.template = podTemplate(image: image)
        rollout.metadata.generation = (rollout.metadata.generation ?? 0) + 1
    }

    func actions(of plan: Plan) -> [Action] { plan.actions }
}

extension Plan {
    /// The actions other than the status write and events.
    var writes: [Action] {
        actions.filter {
            switch $0 {
            case .updateStatus, .event: false
            default: true
            }
        }
    }

    var status: RolloutStatus? {
        for case .updateStatus(let status) in actions { return status }
        return nil
    }

    var eventReasons: [String] {
        actions.compactMap { if case .event(_, let reason, _) = $0 { reason } else { nil } }
    }

    var eventMessages: [String] {
        actions.compactMap { if case .event(_, _, let message) = $0 { message } else { nil } }
    }
}
