import KubeClient

/// Where the `scale` subresource reads and writes replicas (CRD `subresources.scale` terms).
public struct ScaleSubresource: Sendable, Hashable {
    public var specReplicasPath: String
    public var statusReplicasPath: String
    /// JSON path of the label selector string (or `metav1.LabelSelector`), if any.
    public var labelSelectorPath: String?

    public init(specReplicasPath: String = ".spec.replicas", statusReplicasPath: String = ".status.replicas",
                labelSelectorPath: String? = nil) {
        self.specReplicasPath = specReplicasPath
        self.statusReplicasPath = statusReplicasPath
        self.labelSelectorPath = labelSelectorPath
    }
}

/// Everything the store needs to know about one kind of resource.
public struct ResourceDefinition: Sendable, Hashable {
    public enum NameRule: Sendable, Hashable {
        case dns1123Subdomain
        case dns1123Label
    }

    public var type: ResourceType
    /// Has a `status` subresource: `.status` is written only through it, and plain updates
    /// keep the stored status.
    public var hasStatus: Bool
    public var scale: ScaleSubresource?
    /// Objects carry `metadata.generation` (ConfigMaps, Secrets, Events, Leases do not).
    public var tracksGeneration: Bool
    /// A PUT without `metadata.resourceVersion` is accepted (false for custom resources).
    public var allowUnconditionalUpdate: Bool
    /// A PUT of a missing object creates it (Leases, Endpoints).
    public var allowCreateOnUpdate: Bool
    public var nameRule: NameRule
    /// Field-selector fields besides `metadata.name` and `metadata.namespace`.
    public var selectableFields: [String]

    public init(
        _ type: ResourceType,
        hasStatus: Bool = false,
        scale: ScaleSubresource? = nil,
        tracksGeneration: Bool = true,
        allowUnconditionalUpdate: Bool = true,
        allowCreateOnUpdate: Bool = false,
        nameRule: NameRule = .dns1123Subdomain,
        selectableFields: [String] = []
    ) {
        self.type = type
        self.hasStatus = hasStatus
        self.scale = scale
        self.tracksGeneration = tracksGeneration
        self.allowUnconditionalUpdate = allowUnconditionalUpdate
        self.allowCreateOnUpdate = allowCreateOnUpdate
        self.nameRule = nameRule
        self.selectableFields = selectableFields
    }

    public var groupResource: GroupResource { type.groupResource }

    public var supportedFieldSelectors: Set<String> {
        Set(["metadata.name", "metadata.namespace"] + selectableFields)
    }

    /// The resources a fresh cluster serves.
    public static let builtIns: [ResourceDefinition] = [
        ResourceDefinition(.namespaces, hasStatus: true, tracksGeneration: false, nameRule: .dns1123Label,
                           selectableFields: ["status.phase"]),
        ResourceDefinition(.configMaps, tracksGeneration: false),
        ResourceDefinition(.secrets, tracksGeneration: false, selectableFields: ["type"]),
        ResourceDefinition(.services, hasStatus: true, tracksGeneration: false, nameRule: .dns1123Label),
        ResourceDefinition(.pods, hasStatus: true, tracksGeneration: false,
                           selectableFields: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                                              "spec.serviceAccountName", "status.phase", "status.podIP"]),
        ResourceDefinition(.events, tracksGeneration: false,
                           selectableFields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                                              "involvedObject.uid", "involvedObject.apiVersion",
                                              "involvedObject.resourceVersion", "involvedObject.fieldPath",
                                              "reason", "reportingComponent", "source", "type"]),
        ResourceDefinition(ResourceType(group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount"),
                           tracksGeneration: false),
        ResourceDefinition(ResourceType(group: "", version: "v1", plural: "endpoints", kind: "Endpoints"),
                           tracksGeneration: false, allowCreateOnUpdate: true),
        ResourceDefinition(.deployments, hasStatus: true, scale: ScaleSubresource()),
        ResourceDefinition(.replicaSets, hasStatus: true, scale: ScaleSubresource(),
                           selectableFields: ["status.replicas"]),
        ResourceDefinition(ResourceType(group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet"),
                           hasStatus: true, scale: ScaleSubresource()),
        ResourceDefinition(.leases, tracksGeneration: false, allowCreateOnUpdate: true),
        ResourceDefinition(.customResourceDefinitions, hasStatus: true),
    ]
}
