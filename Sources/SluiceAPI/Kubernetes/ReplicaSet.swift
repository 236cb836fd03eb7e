import KubeClient

/// apps/v1 ReplicaSet: what the controller creates for each revision of a Rollout's pod
/// template (the fields it writes and reads; the pod spec stays as the user wrote it).
public struct ReplicaSet: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.replicaSets

    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "ReplicaSet"
    public var metadata: ObjectMeta
    public var spec: ReplicaSetSpec
    public var status: ReplicaSetStatus?

    public init(metadata: ObjectMeta, spec: ReplicaSetSpec, status: ReplicaSetStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// A ReplicaSet's desired state.
public struct ReplicaSetSpec: Codable, Sendable, Hashable {
    public var replicas: Int32?
    public var minReadySeconds: Int32?
    public var selector: LabelSelector
    public var template: PodTemplateSpec

    public init(replicas: Int32?, minReadySeconds: Int32? = nil, selector: LabelSelector, template: PodTemplateSpec) {
        self.replicas = replicas
        self.minReadySeconds = minReadySeconds
        self.selector = selector
        self.template = template
    }
}

/// What the ReplicaSet controller reports.
public struct ReplicaSetStatus: Codable, Sendable, Hashable {
    public var replicas: Int32?
    public var readyReplicas: Int32?
    public var availableReplicas: Int32?
    public var observedGeneration: Int64?

    public init(replicas: Int32? = nil, readyReplicas: Int32? = nil, availableReplicas: Int32? = nil,
                observedGeneration: Int64? = nil) {
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.observedGeneration = observedGeneration
    }
}
