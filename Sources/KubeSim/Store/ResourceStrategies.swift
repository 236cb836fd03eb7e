import KubeClient

/// Per-resource rules kube-apiserver applies on top of the generic ones (its registry
/// "strategies"): namespaces and CustomResourceDefinitions.
extension StoreState {
    /// Defaults, validation and computed fields before an object is stored.
    func prepare(_ definition: ResourceDefinition, _ object: inout JSONValue, existing: JSONValue?,
                 statusOnly: Bool) throws(APIError) {
        switch definition.groupResource {
        case Self.namespaceResource where !statusOnly:
            if let existing {
                prepareNamespaceForUpdate(&object, existing: existing)
            } else {
                prepareNamespaceForCreate(&object)
            }
        case Self.crdResource:
            try prepareCustomResourceDefinition(&object, existing: existing, statusOnly: statusOnly)
        default:
            break
        }
    }

    /// A namespace keeps existing while its `spec.finalizers` are not empty.
    static func lifecycleBlocksRemoval(_ resource: GroupResource, _ object: JSONValue) -> Bool {
        resource == namespaceResource && !namespaceFinalizers(object).isEmpty
    }

    /// What a delete request marks besides `deletionTimestamp`.
    func markDeleted(_ resource: GroupResource, _ object: inout JSONValue) {
        switch resource {
        case Self.namespaceResource:
            var status = object["status"]?.objectValue ?? [:]
            status["phase"] = "Terminating"
            object["status"] = .object(status)
        case Self.crdResource:
            markCustomResourceDefinitionDeleted(&object)
        default:
            break
        }
    }
}
