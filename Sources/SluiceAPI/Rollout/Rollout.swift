import KubeClient

/// A Sluice `Rollout` (`sluice.dev/v1alpha1`): a workload whose new versions reach traffic
/// through canary or blue-green steps, with all progress kept in ``status``.
public struct Rollout: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.rollouts

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: RolloutSpec
    public var status: RolloutStatus?

    public init(metadata: ObjectMeta, spec: RolloutSpec, status: RolloutStatus? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(RolloutSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(RolloutStatus.self, forKey: .status)
    }
}

/// What the user asks of a Rollout: how many pods, which pods, and how new versions roll out.
public struct RolloutSpec: Codable, Sendable, Hashable {
    /// Desired pods; 1 when absent.
    public var replicas: Int32?
    public var selector: LabelSelector?
    /// The pods to run; exactly one of `template` and `workloadRef`.
    public var template: PodTemplateSpec?
    /// A Deployment (or other workload) whose pod template this Rollout runs.
    public var workloadRef: WorkloadRef?
    public var minReadySeconds: Int32?
    /// Old ReplicaSets kept for rollback; 10 when absent.
    public var revisionHistoryLimit: Int32?
    /// Seconds without progress before the Rollout is Degraded; 600 when absent.
    public var progressDeadlineSeconds: Int32?
    /// Abort, not only mark Degraded, when the progress deadline passes.
    public var progressDeadlineAbort: Bool?
    /// Stops the Rollout where it is until cleared.
    public var paused: Bool?
    public var strategy: RolloutStrategy

    public init(
        replicas: Int32? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil,
        workloadRef: WorkloadRef? = nil, minReadySeconds: Int32? = nil, revisionHistoryLimit: Int32? = nil,
        progressDeadlineSeconds: Int32? = nil, progressDeadlineAbort: Bool? = nil, paused: Bool? = nil,
        strategy: RolloutStrategy
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.workloadRef = workloadRef
        self.minReadySeconds = minReadySeconds
        self.revisionHistoryLimit = revisionHistoryLimit
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.progressDeadlineAbort = progressDeadlineAbort
        self.paused = paused
        self.strategy = strategy
    }

    public static let defaultReplicas: Int32 = 1
    public static let defaultRevisionHistoryLimit: Int32 = 10
    public static let defaultProgressDeadlineSeconds: Int32 = 600
}

/// A workload that supplies the pod template (`workloadRef`), as in Argo Rollouts.
public struct WorkloadRef: Codable, Sendable, Hashable {
    /// What happens to the referenced workload's own pods once the Rollout runs.
    public enum ScaleDown: String, Codable, Sendable, Hashable, CaseIterable {
        case never, onsuccess, progressively
    }

    public var apiVersion: String
    public var kind: String
    public var name: String
    public var scaleDown: ScaleDown?

    public init(apiVersion: String = "apps/v1", kind: String = "Deployment", name: String, scaleDown: ScaleDown? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.scaleDown = scaleDown
    }
}

/// How new versions roll out: exactly one of `canary` and `blueGreen`.
public struct RolloutStrategy: Codable, Sendable, Hashable {
    public var canary: CanaryStrategy?
    public var blueGreen: BlueGreenStrategy?

    public init(canary: CanaryStrategy? = nil, blueGreen: BlueGreenStrategy? = nil) {
        self.canary = canary
        self.blueGreen = blueGreen
    }
}

extension ResourceType {
    public static let rollouts = ResourceType(group: SluiceAPIGroup.name, version: SluiceAPIGroup.version, plural: "rollouts", kind: "Rollout")
    public static let analysisTemplates = ResourceType(
        group: SluiceAPIGroup.name, version: SluiceAPIGroup.version, plural: "analysistemplates", kind: "AnalysisTemplate")
    public static let clusterAnalysisTemplates = ResourceType(
        group: SluiceAPIGroup.name, version: SluiceAPIGroup.version, plural: "clusteranalysistemplates",
        kind: "ClusterAnalysisTemplate", namespaced: false)
    public static let analysisRuns = ResourceType(
        group: SluiceAPIGroup.name, version: SluiceAPIGroup.version, plural: "analysisruns", kind: "AnalysisRun")
}

/// Sluice's API group and version.
public enum SluiceAPIGroup {
    public static let name = "sluice.dev"
    public static let version = "v1alpha1"
    /// `sluice.dev/v1alpha1`.
    public static let apiVersion = "\(name)/\(version)"
}

extension Rollout: SchemaDescribable {
    public static var schema: Schema {
        .object("A workload whose new versions reach traffic through canary or blue-green steps.", required: ["spec"], [
            "apiVersion": String.field("sluice.dev/v1alpha1."),
            "kind": String.field("Rollout."),
            "metadata": ObjectMeta.schema,
            "spec": RolloutSpec.schema,
            "status": RolloutStatus.schema,
        ])
    }
}

extension RolloutSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("The desired pods and how new versions of them roll out.", required: ["strategy"], [
            "replicas": Int32.field("Desired pods; 1 when absent."),
            "selector": LabelSelector.field("Selects the Rollout's pods; must match the template's labels."),
            "template": PodTemplateSpec.schema,
            "workloadRef": WorkloadRef.schema,
            "minReadySeconds": Int32.field("Seconds a new pod must be ready before it counts as available."),
            "revisionHistoryLimit": Int32.field("Old ReplicaSets kept for rollback; 10 when absent."),
            "progressDeadlineSeconds": Int32.field("Seconds without progress before the Rollout is Degraded; 600 when absent."),
            "progressDeadlineAbort": Bool.field("Abort the update when the progress deadline passes."),
            "paused": Bool.field("Stop the Rollout where it is until cleared."),
            "strategy": RolloutStrategy.schema,
        ])
    }
}

extension WorkloadRef: SchemaDescribable {
    public static var schema: Schema {
        .object("A workload whose pod template this Rollout runs, instead of template.", required: ["apiVersion", "kind", "name"], [
            "apiVersion": String.field("The workload's API version, e.g. apps/v1."),
            "kind": String.field("The workload's kind, e.g. Deployment."),
            "name": String.field("The workload's name, in the Rollout's namespace."),
            "scaleDown": .enumeration(ScaleDown.self, "When to scale the referenced workload down: never, onsuccess or progressively."),
        ])
    }
}

extension RolloutStrategy: SchemaDescribable {
    public static var schema: Schema {
        .object("Exactly one of canary and blueGreen.", [
            "canary": CanaryStrategy.schema,
            "blueGreen": BlueGreenStrategy.schema,
        ])
    }
}
