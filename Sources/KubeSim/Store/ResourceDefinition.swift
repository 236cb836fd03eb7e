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

    /// Where a definition comes from: compiled in, or a CustomResourceDefinition object.
    public enum Origin: Sendable, Hashable {
        case builtIn
        /// Served because of the CRD of this name (`<plural>.<group>`).
        case customResourceDefinition(String)
    }

    /// Group, plural, kind, scope and the storage version (objects are stored with its
    /// `apiVersion`).
    public var type: ResourceType
    /// Every version served (built-ins: just `type.version`; a CRD may even leave its storage
    /// version unserved). Objects read through a served version other than the storage
    /// version carry that version's `apiVersion` (CRD conversion strategy `None`).
    public var servedVersions: [String]
    public var singular: String
    public var listKind: String
    public var shortNames: [String]
    public var categories: [String]
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
    /// Accepts `application/strategic-merge-patch+json` (built-ins do; custom resources
    /// answer 415 like kube).
    public var supportsStrategicMerge: Bool
    public var origin: Origin
    /// The defining CRD is being deleted: new objects are refused (405).
    public var isTerminating: Bool

    public init(
        _ type: ResourceType,
        hasStatus: Bool = false,
        scale: ScaleSubresource? = nil,
        tracksGeneration: Bool = true,
        allowUnconditionalUpdate: Bool = true,
        allowCreateOnUpdate: Bool = false,
        nameRule: NameRule = .dns1123Subdomain,
        selectableFields: [String] = [],
        servedVersions: [String]? = nil,
        singular: String? = nil,
        listKind: String? = nil,
        shortNames: [String] = [],
        categories: [String] = [],
        supportsStrategicMerge: Bool = true,
        origin: Origin = .builtIn
    ) {
        self.type = type
        self.servedVersions = servedVersions ?? [type.version]
        if !self.servedVersions.contains(type.version) { self.servedVersions.append(type.version) }
        self.singular = singular ?? type.kind.lowercased()
        self.listKind = listKind ?? type.kind + "List"
        self.shortNames = shortNames
        self.categories = categories
        self.supportsStrategicMerge = supportsStrategicMerge
        self.origin = origin
        self.isTerminating = false
        self.hasStatus = hasStatus
        self.scale = scale
        self.tracksGeneration = tracksGeneration
        self.allowUnconditionalUpdate = allowUnconditionalUpdate
        self.allowCreateOnUpdate = allowCreateOnUpdate
        self.nameRule = nameRule
        self.selectableFields = selectableFields
    }

    public var groupResource: GroupResource { type.groupResource }

    public func serves(_ version: String) -> Bool { servedVersions.contains(version) }

    /// The resource as served at `version` (same storage, that version's `apiVersion`).
    public func type(at version: String) -> ResourceType {
        var served = type
        served.version = version
        return served
    }

    /// This definition seen through served `version` (the handler's view of a request).
    func viewed(at version: String) -> ResourceDefinition {
        var view = self
        view.type.version = version
        return view
    }

    /// The served versions, kube's preferred (GA, then beta, then alpha; newer first) first.
    public var versionsByPriority: [String] { servedVersions.sorted(by: KubeVersionOrder.isHigherPriority) }

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
        // Ingress is built into every cluster; the other router kinds arrive as CRDs.
        ResourceDefinition(RouterResources.ingresses, hasStatus: true, shortNames: ["ing"]),
        ResourceDefinition(.customResourceDefinitions, hasStatus: true),
    ]
}
