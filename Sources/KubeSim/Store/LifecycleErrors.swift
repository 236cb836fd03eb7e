import KubeClient

/// The errors of namespace lifecycle, CRD lifecycle, dry runs and read consistency, worded
/// like kube-apiserver's.
extension APIError {
    /// 403 `configmaps "x" is forbidden: <why>` (no name: `configmaps is forbidden: <why>`).
    public static func forbidden(_ resource: GroupResource, name: String, _ why: String,
                                 causes: [Status.Cause]? = nil) -> APIError {
        let subject = name.isEmpty ? resource.description : "\(resource) \(goQuoted(name))"
        return APIError(code: 403, reason: "Forbidden", message: "\(subject) is forbidden: \(why)",
                        details: Status.Details(name: name.isEmpty ? nil : name, group: resource.group,
                                                kind: resource.resource, causes: causes))
    }

    /// 403 for new content in a namespace that is being deleted (NamespaceLifecycle admission).
    static func namespaceTerminating(_ resource: GroupResource, name: String, namespace: String) -> APIError {
        forbidden(resource, name: name,
                  "unable to create new content in namespace \(namespace) because it is being terminated",
                  causes: [Status.Cause(reason: "NamespaceTerminating", message: "namespace \(namespace) is being terminated",
                                        field: "metadata.namespace")])
    }

    /// 504 when a read asks for a version the store has not reached yet.
    static func tooLargeResourceVersion(_ requested: Int64, current: Int64) -> APIError {
        APIError(code: 504, reason: "Timeout",
                 message: "Timeout: Too large resource version: \(requested), current: \(current)",
                 details: Status.Details(causes: [Status.Cause(reason: "ResourceVersionTooLarge",
                                                               message: "Too large resource version")],
                                         retryAfterSeconds: 1))
    }

    /// 410 for an `Exact` list at a version that has left the history window.
    static func listVersionExpired() -> APIError {
        expired("The resourceVersion for the provided list is too old.")
    }

    /// 422 for invalid request options (`ListOptions`, `CreateOptions`, ...), group `meta.k8s.io`.
    static func invalidOptions(_ kind: String, _ errors: [FieldError]) -> APIError {
        invalid(GroupKind(group: "meta.k8s.io", kind: kind), name: "", errors: errors)
    }
}
