import Foundation
import KubeClient
import SluiceAPI

/// One ReplicaSet owned by a Rollout, as the informer cache shows it.
public struct ObservedReplicaSet: Sendable, Hashable {
    public var name: String
    /// The `rollouts-pod-template-hash` label: which revision of the pod template it runs.
    public var podTemplateHash: String
    /// `spec.replicas`.
    public var replicas: Int32
    public var readyReplicas: Int32
    public var availableReplicas: Int32
    /// The `rollout.sluice.dev/revision` annotation.
    public var revision: Int
    /// The `rollout.sluice.dev/scale-down-deadline` annotation: when a ReplicaSet that is no
    /// longer needed may be scaled to zero.
    public var scaleDownDeadline: Date?
    public var createdAt: Date?

    public init(name: String, podTemplateHash: String, replicas: Int32, readyReplicas: Int32 = 0,
                availableReplicas: Int32 = 0, revision: Int = 0, scaleDownDeadline: Date? = nil, createdAt: Date? = nil) {
        self.name = name
        self.podTemplateHash = podTemplateHash
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.revision = revision
        self.scaleDownDeadline = scaleDownDeadline
        self.createdAt = createdAt
    }
}

/// The traffic split a router should carry. `canaryWeight` + stable = 100.
public struct TrafficState: Sendable, Hashable {
    /// Percent of user traffic sent to the canary.
    public var canaryWeight: Int32
    /// Header-match routes to the canary (`setHeaderRoute`), by route name.
    public var headerRoutes: [String: SetHeaderRoute]
    /// Mirror routes (`setMirrorRoute`), by route name: a copy of matching traffic to the canary.
    public var mirrorRoutes: [String: SetMirrorRoute]

    public init(canaryWeight: Int32 = 0, headerRoutes: [String: SetHeaderRoute] = [:],
                mirrorRoutes: [String: SetMirrorRoute] = [:]) {
        self.canaryWeight = canaryWeight
        self.headerRoutes = headerRoutes
        self.mirrorRoutes = mirrorRoutes
    }

    /// All traffic to stable, no header or mirror routes: where an abort goes.
    public static let allStable = TrafficState()
}

/// An AnalysisRun the Rollout owns, as the informer cache shows it.
public struct ObservedAnalysisRun: Sendable, Hashable {
    public var name: String
    /// The `rollouts-pod-template-hash` label: the revision the run analyses.
    public var podTemplateHash: String?
    /// The `rollout.sluice.dev/analysis` label: what started the run.
    public var trigger: AnalysisRunSummary.Trigger?
    /// The `rollout.sluice.dev/step-index` label, for step analyses.
    public var stepIndex: Int32?
    /// `status.phase`; Pending before the analysis controller has looked at the run.
    public var phase: AnalysisPhase
    /// `status.message`: for a finished run, the metric that decided it and why.
    public var message: String?
    /// `spec.terminate` is set: the run is being stopped and takes no more measurements.
    public var terminating: Bool
    /// `status.verdict`: the statistical decision of a judge, SLO guard, experiment or shadow
    /// run (the controller leaves out its `state`, which only the analysis controller reads).
    public var verdict: StatisticalVerdict?

    public init(name: String, podTemplateHash: String? = nil, trigger: AnalysisRunSummary.Trigger? = nil, stepIndex: Int32? = nil,
                phase: AnalysisPhase = .pending, message: String? = nil, terminating: Bool = false, verdict: StatisticalVerdict? = nil) {
        self.name = name
        self.podTemplateHash = podTemplateHash
        self.trigger = trigger
        self.stepIndex = stepIndex
        self.phase = phase
        self.message = message
        self.terminating = terminating
        self.verdict = verdict
    }

    /// The decision's verdict in words (an experiment's winner and lift, the objective a guard
    /// found breached).
    public var verdictReason: String? { verdict?.reason }

    /// What the Rollout's status says of the run: its message, and once it has finished the
    /// decision's verdict too when the message does not already tell it (while it runs the
    /// verdict changes at every look, and the Rollout is not rewritten for each).
    public var summaryMessage: String? {
        guard phase.isCompleted, let reason = verdictReason, !reason.isEmpty else { return message }
        guard let message, !message.isEmpty else { return reason }
        return message.contains(reason) ? message : "\(message); \(reason)"
    }
}

/// An AnalysisTemplate (or, with `clusterScope`, a ClusterAnalysisTemplate) the Rollout
/// names, as the informer cache shows it. Templates the Rollout names that the cache does
/// not hold are simply absent from ``ObservedState/analysisTemplates``.
public struct ObservedAnalysisTemplate: Sendable, Hashable {
    public var name: String
    public var clusterScope: Bool
    /// The spec; nil when the object does not decode.
    public var spec: AnalysisTemplateSpec?
    /// Why the template cannot be used as written (decoding and validation problems, each
    /// with its field path inside the template); empty when it can.
    public var problems: [String]

    public init(name: String, clusterScope: Bool = false, spec: AnalysisTemplateSpec?, problems: [String] = []) {
        self.name = name
        self.clusterScope = clusterScope
        self.spec = spec
        self.problems = problems
    }
}

/// Everything `plan` may look at besides the Rollout itself. Built by the controller from
/// its informer caches; a value, so tests build it by hand.
public struct ObservedState: Sendable, Hashable {
    /// ReplicaSets the Rollout owns.
    public var replicaSets: [ObservedReplicaSet]
    /// What the router currently carries; nil when the Rollout has no router or the router
    /// object does not exist yet.
    public var traffic: TrafficState?
    /// Services named by the Rollout, by name: the `rollouts-pod-template-hash` their selector
    /// pins (nil: none), or absent when the Service does not exist.
    public var serviceSelectors: [String: String?]
    /// AnalysisRuns the Rollout owns.
    public var analysisRuns: [ObservedAnalysisRun]
    /// The analysis templates the Rollout names that exist.
    public var analysisTemplates: [ObservedAnalysisTemplate]
    /// The controller's clock.
    public var now: Date

    public init(replicaSets: [ObservedReplicaSet] = [], traffic: TrafficState? = nil,
                serviceSelectors: [String: String?] = [:], analysisRuns: [ObservedAnalysisRun] = [],
                analysisTemplates: [ObservedAnalysisTemplate] = [], now: Date) {
        self.replicaSets = replicaSets
        self.traffic = traffic
        self.serviceSelectors = serviceSelectors
        self.analysisRuns = analysisRuns
        self.analysisTemplates = analysisTemplates
        self.now = now
    }
}

/// A write the controller makes. The executor applies each idempotently, in order.
public enum Action: Sendable, Hashable {
    /// Create the ReplicaSet for the Rollout's current pod template.
    case createReplicaSet(name: String, podTemplateHash: String, replicas: Int32, revision: Int)
    case scaleReplicaSet(name: String, replicas: Int32)
    /// Set (or with nil clear) when a ReplicaSet may be scaled down.
    case setScaleDownDeadline(name: String, deadline: Date?)
    case deleteReplicaSet(name: String)
    /// Make the router carry this split (never issued without a router).
    case setTraffic(TrafficState)
    /// Point a Service's selector at one revision (adds `rollouts-pod-template-hash`).
    case setServiceSelector(service: String, podTemplateHash: String)
    /// Create the AnalysisRun `request` describes (owned by the Rollout, labelled with it):
    /// the executor instantiates the named templates with the arguments. Creating one that
    /// exists already is success.
    case createAnalysisRun(AnalysisRunRequest)
    /// Stop an AnalysisRun (`spec.terminate: true`); one already gone is fine.
    case terminateAnalysisRun(name: String)
    /// Write `status` through the status subresource.
    case updateStatus(RolloutStatus)
    /// A Kubernetes Event on the Rollout.
    case event(EventType, reason: String, message: String)

    public enum EventType: String, Sendable, Hashable { case normal = "Normal", warning = "Warning" }
}

/// An AnalysisRun the plan starts: its name, what it is for, and the templates and
/// arguments it instantiates. The executor builds the run's spec from the templates (the
/// plan stays a value that names them, not one that copies them) — or, for the SLO guard,
/// generates it (``SLOGuardRunSpec``).
public struct AnalysisRunRequest: Sendable, Hashable {
    public var name: String
    public var trigger: AnalysisRunSummary.Trigger
    /// The step that starts it, for step and experiment analyses.
    public var stepIndex: Int32?
    /// For an experiment step's analysis: its name in the step's `analyses`.
    public var experimentAnalysis: String?
    /// The revision under analysis (the latest ReplicaSet's pod-template hash).
    public var podTemplateHash: String
    /// The stable (active) revision's pod-template hash, for `podTemplateHashValue: Stable`.
    public var stablePodTemplateHash: String
    /// The templates and the arguments the Rollout passes them (none for the SLO guard).
    public var analysis: RolloutAnalysis
    /// For the SLO guard: the Rollout's `canary.slo`, from which the run's spec is generated.
    public var sloGuard: SLOGuard?
    /// For an experiment step's analysis: the step's variants, which complete an `experiment`
    /// decision (``ExperimentVariants/completing(_:)``).
    public var experiment: ExperimentVariants?

    public init(name: String, trigger: AnalysisRunSummary.Trigger, stepIndex: Int32? = nil, experimentAnalysis: String? = nil,
                podTemplateHash: String, stablePodTemplateHash: String, analysis: RolloutAnalysis, sloGuard: SLOGuard? = nil,
                experiment: ExperimentVariants? = nil) {
        self.name = name
        self.trigger = trigger
        self.stepIndex = stepIndex
        self.experimentAnalysis = experimentAnalysis
        self.podTemplateHash = podTemplateHash
        self.stablePodTemplateHash = stablePodTemplateHash
        self.analysis = analysis
        self.sloGuard = sloGuard
        self.experiment = experiment
    }

    /// The labels the run carries (the controller reads trigger and step back from them).
    public func labels(rollout: String) -> [String: String] {
        var labels = [
            RolloutLabels.rollout: rollout, RolloutLabels.podTemplateHash: podTemplateHash,
            RolloutLabels.analysisTrigger: trigger.rawValue,
        ]
        if let stepIndex { labels[RolloutLabels.stepIndex] = String(stepIndex) }
        return labels
    }
}

/// What one reconcile decided: the writes, and when to look again even if nothing changes
/// (a timed pause ending, a scale-down deadline, the progress deadline).
public struct Plan: Sendable, Hashable {
    public var actions: [Action]
    public var requeueAfter: Duration?

    public init(actions: [Action] = [], requeueAfter: Duration? = nil) {
        self.actions = actions
        self.requeueAfter = requeueAfter
    }
}

/// Labels and annotations Sluice puts on what it creates.
public enum RolloutLabels {
    public static let podTemplateHash = "rollouts-pod-template-hash"
    public static let revision = "rollout.sluice.dev/revision"
    public static let scaleDownDeadline = "rollout.sluice.dev/scale-down-deadline"
    /// On AnalysisRuns: the Rollout that started the run.
    public static let rollout = "rollout.sluice.dev/rollout"
    /// On AnalysisRuns: what started the run (`step`, `background`, `prePromotion`, `postPromotion`,
    /// `judge`, `experiment`, `sloGuard`).
    public static let analysisTrigger = "rollout.sluice.dev/analysis"
    /// On AnalysisRuns started by a step (an analysis or experiment step): the step's index.
    public static let stepIndex = "rollout.sluice.dev/step-index"
}
