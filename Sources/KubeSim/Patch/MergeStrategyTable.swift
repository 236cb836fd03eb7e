import KubeClient

/// How a field of a built-in kind merges, for strategic merge patch and server-side apply.
///
/// Fields absent from the table merge by default: objects merge key by key, lists are
/// atomic (replaced whole).
public enum MergeStrategy: Sendable, Hashable {
    /// The list (or map, for server-side apply) is one value, replaced whole.
    case atomic
    /// A list of scalars merged as a set (`patchStrategy:merge` without key; `listType=set`).
    case set
    /// A list of objects merged by key. `mergeKey` is the strategic merge patch's
    /// `patchMergeKey`; `keys` are server-side apply's `listMapKey`s (often the same), with
    /// `defaults` for key fields an element may omit (`protocol: TCP` for ports).
    case keyed(mergeKey: String, keys: [String], defaults: [String: JSONValue])
    /// An object that server-side apply treats as one value (`mapType=atomic`, e.g. a
    /// `LabelSelector`); strategic merge patch still merges it key by key.
    case atomicMap

    /// A list merged by one key, the same for both engines.
    public static func keyed(_ key: String) -> MergeStrategy { .keyed(mergeKey: key, keys: [key], defaults: [:]) }
}

/// The merge strategies of built-in kinds, keyed by (kind, field path).
///
/// Paths are dotted field names from the object root, with `[]` stepping into the elements
/// of a list: `spec.template.spec.containers[].ports`. Kind `*` applies to every kind,
/// custom resources included (only `metadata` lives there). To extend, add entries to a
/// copy (``adding(kind:_:)``) or to ``builtin``'s construction below.
public struct MergeStrategyTable: Sendable {
    public struct Key: Hashable, Sendable {
        public var kind: String
        public var path: String
        public init(kind: String, path: String) {
            self.kind = kind
            self.path = path
        }
    }

    public var entries: [Key: MergeStrategy]

    public init(entries: [Key: MergeStrategy] = [:]) { self.entries = entries }

    /// The strategy for `path` in `kind`; `nil` means default (granular object, atomic list).
    /// `builtinKind` false limits the lookup to the `*` entries.
    public func strategy(kind: String, path: String, builtinKind: Bool = true) -> MergeStrategy? {
        if builtinKind, let entry = entries[Key(kind: kind, path: path)] { return entry }
        return entries[Key(kind: "*", path: path)]
    }

    /// A copy with more entries for `kind`.
    public func adding(kind: String, _ more: [String: MergeStrategy]) -> MergeStrategyTable {
        var copy = self
        for (path, strategy) in more { copy.entries[Key(kind: kind, path: path)] = strategy }
        return copy
    }

    /// Container ports: SMP merges by `containerPort`; SSA keys on `containerPort` and
    /// `protocol` (default `TCP`).
    static let containerPorts = MergeStrategy.keyed(
        mergeKey: "containerPort", keys: ["containerPort", "protocol"], defaults: ["protocol": "TCP"])

    /// The lists of a `PodSpec`, relative to it.
    public static let podSpec: [String: MergeStrategy] = {
        var table: [String: MergeStrategy] = [
            "volumes": .keyed("name"),
            "imagePullSecrets": .keyed("name"),
            "hostAliases": .keyed("ip"),
            "resourceClaims": .keyed("name"),
            "schedulingGates": .keyed("name"),
            "topologySpreadConstraints": .keyed(
                mergeKey: "topologyKey", keys: ["topologyKey", "whenUnsatisfiable"], defaults: [:]),
            "tolerations": .atomic,
            "readinessGates": .atomic,
        ]
        for containers in ["containers", "initContainers", "ephemeralContainers"] {
            table[containers] = .keyed("name")
            table["\(containers)[].ports"] = containerPorts
            table["\(containers)[].env"] = .keyed("name")
            table["\(containers)[].volumeMounts"] = .keyed("mountPath")
            table["\(containers)[].volumeDevices"] = .keyed("devicePath")
            table["\(containers)[].resizePolicy"] = .atomic
        }
        return table
    }()

    /// Where each workload kind keeps its pod spec.
    public static let podSpecPaths: [String: String] = [
        "Pod": "spec",
        "PodTemplate": "template.spec",
        "Deployment": "spec.template.spec",
        "ReplicaSet": "spec.template.spec",
        "StatefulSet": "spec.template.spec",
        "DaemonSet": "spec.template.spec",
        "ReplicationController": "spec.template.spec",
        "Job": "spec.template.spec",
        "CronJob": "spec.jobTemplate.spec.template.spec",
    ]

    /// The built-in table: pod specs in every workload, Service ports, conditions, selectors,
    /// and `metadata.ownerReferences` / `metadata.finalizers` for all kinds.
    public static let builtin: MergeStrategyTable = {
        var table = MergeStrategyTable(entries: [
            Key(kind: "*", path: "metadata.ownerReferences"): .keyed("uid"),
            Key(kind: "*", path: "metadata.finalizers"): .set,
            Key(kind: "*", path: "metadata.managedFields"): .atomic,
        ])
        for (kind, prefix) in podSpecPaths {
            for (path, strategy) in podSpec { table.entries[Key(kind: kind, path: "\(prefix).\(path)")] = strategy }
        }
        for kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"] {
            table.entries[Key(kind: kind, path: "spec.selector")] = .atomicMap
        }
        for kind in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Pod", "Job", "Node",
                     "ReplicationController", "PersistentVolumeClaim", "Namespace", "Service"] {
            table.entries[Key(kind: kind, path: "status.conditions")] = .keyed("type")
        }
        table.entries[Key(kind: "Service", path: "spec.ports")] = .keyed(
            mergeKey: "port", keys: ["port", "protocol"], defaults: ["protocol": "TCP"])
        table.entries[Key(kind: "Service", path: "spec.selector")] = .atomicMap
        table.entries[Key(kind: "StatefulSet", path: "spec.volumeClaimTemplates")] = .atomic
        return table
    }()

    /// API groups served by kube-apiserver's compiled-in types (which accept strategic merge
    /// patches). Anything else is a custom resource or aggregated API.
    public static let builtinGroups: Set<String> = [
        "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
        "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
        "node.k8s.io", "certificates.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
        "apiregistration.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io",
        "authorization.k8s.io", "internal.apiserver.k8s.io", "resource.k8s.io", "storagemigration.k8s.io",
        "extensions",
    ]

    /// Whether `apiVersion` (`v1`, `apps/v1`, `example.com/v1`) belongs to a built-in group.
    public static func isBuiltin(apiVersion: String) -> Bool {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/").first!) : ""
        return builtinGroups.contains(group)
    }
}
