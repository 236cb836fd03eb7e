import KubeClient

/// Namespaces the way kube-apiserver runs them: the bootstrap namespaces exist from the
/// start; new namespaced objects need an existing, active namespace (NamespaceLifecycle
/// admission); deleting a namespace marks it `Terminating`, after which the namespace
/// controller (a pass of ``collectGarbage(maxPasses:)``) deletes everything in it and then
/// the namespace itself.
extension StoreState {
    static let namespaceResource = ResourceType.namespaces.groupResource
    /// The `spec.finalizers` entry the namespace controller removes once the namespace is empty.
    static let namespaceFinalizer = "kubernetes"
    static let bootstrapNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]
    /// Namespaces that may not be deleted.
    static let immortalNamespaces: Set<String> = ["default", "kube-public", "kube-system"]
    static let namespaceNameLabel = "kubernetes.io/metadata.name"

    /// Namespaces are enforced only when the store serves them.
    var enforcesNamespaces: Bool { definitions[Self.namespaceResource] != nil }

    /// Creates the bootstrap namespaces as part of the initial state (no events, no new version).
    mutating func seedBootstrapNamespaces() {
        guard enforcesNamespaces else { return }
        for name in Self.bootstrapNamespaces {
            var namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
            namespace.setMetadata("uid", .string(environment.makeUID()))
            namespace.setMetadata("creationTimestamp", .string(rfc3339(environment.now())))
            namespace.setMetadata("resourceVersion", .string(String(resourceVersion)))
            prepareNamespaceForCreate(&namespace)
            let key = ObjectKey(namespace: "", name: name)
            objects[Self.namespaceResource, default: [:]][key] = namespace
            if let uid = namespace.uid { uidIndex[uid] = ObjectRef(resource: Self.namespaceResource, key: key) }
        }
    }

    /// NamespaceLifecycle admission of a create: 404 for a missing namespace, 403 for one
    /// being deleted.
    func admitCreate(_ definition: ResourceDefinition, namespace: String, name: String) throws(APIError) {
        guard definition.type.namespaced, enforcesNamespaces else { return }
        guard let existing = objects[Self.namespaceResource]?[ObjectKey(namespace: "", name: namespace)] else {
            throw APIError.notFound(Self.namespaceResource, name: namespace)
        }
        if existing.isBeingDeleted || existing["status"]?["phase"]?.stringValue == "Terminating" {
            throw APIError.namespaceTerminating(definition.groupResource, name: name, namespace: namespace)
        }
    }

    /// NamespaceLifecycle admission of a delete: the immortal namespaces stay.
    func admitNamespaceDelete(_ name: String) throws(APIError) {
        if Self.immortalNamespaces.contains(name) {
            throw APIError.forbidden(Self.namespaceResource, name: name, "this namespace may not be deleted")
        }
    }

    /// kube's namespace strategy on create: phase `Active`, the `kubernetes` finalizer, the
    /// `kubernetes.io/metadata.name` label.
    func prepareNamespaceForCreate(_ namespace: inout JSONValue) {
        var finalizers = (namespace["spec"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !finalizers.contains(Self.namespaceFinalizer) { finalizers.append(Self.namespaceFinalizer) }
        var spec = namespace["spec"]?.objectValue ?? [:]
        spec["finalizers"] = .array(finalizers.map { .string($0) })
        namespace["spec"] = .object(spec)
        namespace["status"] = ["phase": "Active"]
        Self.labelNamespace(&namespace)
    }

    /// On update `spec.finalizers` only change through finalization, and the name label stays.
    func prepareNamespaceForUpdate(_ namespace: inout JSONValue, existing: JSONValue) {
        var spec = namespace["spec"]?.objectValue ?? [:]
        spec["finalizers"] = existing["spec"]?["finalizers"]
        namespace["spec"] = .object(spec)
        Self.labelNamespace(&namespace)
    }

    private static func labelNamespace(_ namespace: inout JSONValue) {
        var labels = namespace["metadata"]?["labels"]?.objectValue ?? [:]
        labels[namespaceNameLabel] = .string(namespace.objectName)
        namespace.setMetadata("labels", .object(labels))
    }

    static func namespaceFinalizers(_ namespace: JSONValue) -> [String] {
        (namespace["spec"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// The namespace controller: for every namespace being deleted, deletes its content
    /// (background propagation); once nothing is left, drops the `kubernetes` finalizer,
    /// which removes the namespace. Returns the number of writes.
    mutating func finalizeNamespaces() -> Int {
        var writes = 0
        let namespaces = objects[Self.namespaceResource] ?? [:]
        for key in namespaces.keys.sorted() {
            guard let namespace = namespaces[key], namespace.isBeingDeleted,
                  Self.namespaceFinalizers(namespace).contains(Self.namespaceFinalizer) else { continue }
            var remaining = 0
            for resource in objects.keys.sorted() where resource != Self.namespaceResource {
                let bucket = objects[resource] ?? [:]
                for objectKey in bucket.keys.sorted() where objectKey.namespace == key.name {
                    remaining += 1
                    guard let object = bucket[objectKey], !object.isBeingDeleted else { continue }
                    _ = deleteObject(ObjectRef(resource: resource, key: objectKey), object, policy: .background)
                    writes += 1
                }
            }
            guard remaining == 0 else { continue }
            var finalized = namespace
            var spec = finalized["spec"]?.objectValue ?? [:]
            let left = Self.namespaceFinalizers(namespace).filter { $0 != Self.namespaceFinalizer }
            spec["finalizers"] = left.isEmpty ? nil : .array(left.map { .string($0) })
            finalized["spec"] = .object(spec)
            replace(ObjectRef(resource: Self.namespaceResource, key: key), finalized, previous: namespace)
            writes += 1
        }
        return writes
    }
}
