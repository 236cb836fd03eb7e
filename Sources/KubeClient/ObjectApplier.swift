/// `kubectl apply --server-side` for objects of any kind: finds where each kind is served
/// through discovery (so custom resources work once their CRD is established), then applies
/// with a field manager. Namespaced objects without a namespace go to `defaultNamespace`.
///
/// ```swift
/// let applier = ObjectApplier(client: client, fieldManager: "rollout-demo")
/// for object in objects { _ = try await applier.apply(object) }
/// ```
public struct ObjectApplier: Sendable {
    public let client: KubernetesClient
    public let fieldManager: String
    public let defaultNamespace: String

    public init(client: KubernetesClient, fieldManager: String, defaultNamespace: String = "default") {
        self.client = client
        self.fieldManager = fieldManager
        self.defaultNamespace = defaultNamespace
    }

    /// The resource that serves `kind` in `apiVersion`, by discovery; throws if none does.
    public func resourceType(apiVersion: String, kind: String) async throws -> ResourceType {
        guard let list = try await client.apiResources(groupVersion: apiVersion),
              let found = list.resources.first(where: { $0.kind == kind && !$0.name.contains("/") }) else {
            throw KubeClientError.invalidArgument("the server does not serve kind \(kind) in \(apiVersion) (is its CRD installed?)")
        }
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let (group, version) = parts.count == 2 ? (parts[0], parts[1]) : ("", parts[0])
        return ResourceType(group: group, version: version, plural: found.name, kind: kind, namespaced: found.namespaced)
    }

    /// Server-side applies `object` (forcing conflicts, as a declarative source of truth);
    /// returns the object as stored.
    @discardableResult
    public func apply(_ object: JSONValue, force: Bool = true) async throws -> DynamicObject {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
              object[path: "metadata", "name"]?.stringValue != nil else {
            throw KubeClientError.invalidArgument("an object to apply needs apiVersion, kind and metadata.name")
        }
        let resource = try await resourceType(apiVersion: apiVersion, kind: kind)
        let namespace = resource.namespaced ? object[path: "metadata", "namespace"]?.stringValue ?? defaultNamespace : nil
        var body = object
        if let namespace { body["metadata"]?["namespace"] = .string(namespace) }
        return try await client.resources(DynamicObject.self, resource, namespace: namespace)
            .apply(DynamicObject(body), fieldManager: fieldManager, force: force)
    }
}
