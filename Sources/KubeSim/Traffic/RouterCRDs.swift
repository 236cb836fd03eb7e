import KubeClient

/// The resources of the router objects KubeSim's traffic simulation reads. Ingress is built
/// into every cluster; the others are served once their CRDs (``RouterCRDs``) are installed.
public enum RouterResources {
    public static let ingresses = ResourceType(group: "networking.k8s.io", version: "v1", plural: "ingresses", kind: "Ingress")
    public static let httpRoutes = ResourceType(
        group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")
    public static let virtualServices = ResourceType(
        group: "networking.istio.io", version: "v1", plural: "virtualservices", kind: "VirtualService")
    public static let destinationRules = ResourceType(
        group: "networking.istio.io", version: "v1", plural: "destinationrules", kind: "DestinationRule")
    public static let trafficSplits = ResourceType(
        group: "split.smi-spec.io", version: "v1alpha2", plural: "trafficsplits", kind: "TrafficSplit")
}

/// Minimal CustomResourceDefinitions for the router kinds that arrive as CRDs in a real
/// cluster — Gateway API HTTPRoute, Istio VirtualService and DestinationRule, SMI
/// TrafficSplit — with upstream's names, versions and subresources and an open schema
/// (`x-kubernetes-preserve-unknown-fields`). `rollout sim` installs them at start-up.
public enum RouterCRDs {
    public static let all: [JSONValue] = [
        crd(RouterResources.httpRoutes, singular: "httproute", categories: ["gateway-api"],
            versions: ["v1", "v1beta1"], annotations: [
                "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/gateway-api/pull/3328",
                "gateway.networking.k8s.io/bundle-version": "v1.4.1",
                "gateway.networking.k8s.io/channel": "standard",
            ]),
        crd(RouterResources.virtualServices, singular: "virtualservice", shortNames: ["vs"],
            categories: ["istio-io", "networking-istio-io"], versions: ["v1", "v1alpha3", "v1beta1"]),
        crd(RouterResources.destinationRules, singular: "destinationrule", shortNames: ["dr"],
            categories: ["istio-io", "networking-istio-io"], versions: ["v1", "v1alpha3", "v1beta1"]),
        crd(RouterResources.trafficSplits, singular: "trafficsplit", shortNames: ["ts"], categories: [],
            versions: ["v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4"], hasStatus: false),
    ]

    /// A CRD serving `type` at `versions`, storing at `type.version`.
    public static func crd(_ type: ResourceType, singular: String, shortNames: [String] = [], categories: [String],
                           versions: [String], hasStatus: Bool = true, annotations: [String: String] = [:]) -> JSONValue {
        var names: [String: JSONValue] = [
            "plural": .string(type.plural), "singular": .string(singular), "kind": .string(type.kind),
            "listKind": .string(type.kind + "List"),
        ]
        if !shortNames.isEmpty { names["shortNames"] = .array(shortNames.map { .string($0) }) }
        if !categories.isEmpty { names["categories"] = .array(categories.map { .string($0) }) }
        var metadata: [String: JSONValue] = ["name": .string("\(type.plural).\(type.group)")]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues { .string($0) }) }
        let schema: JSONValue = ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]
        return [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": .object(metadata),
            "spec": [
                "group": .string(type.group),
                "names": .object(names),
                "scope": type.namespaced ? "Namespaced" : "Cluster",
                "versions": .array(versions.map { version in
                    var entry: [String: JSONValue] = [
                        "name": .string(version), "served": true, "storage": .bool(version == type.version), "schema": schema,
                    ]
                    if hasStatus { entry["subresources"] = ["status": [:]] }
                    return .object(entry)
                }),
            ],
        ]
    }

    /// Creates the router CRDs the store does not have yet; returns the names created.
    @discardableResult
    public static func install(into store: ObjectStore) throws(APIError) -> [String] {
        var created: [String] = []
        for crd in all {
            do {
                _ = try store.get(.customResourceDefinitions, name: crd.objectName)
            } catch where error.code == 404 {
                _ = try store.create(.customResourceDefinitions, crd)
                created.append(crd.objectName)
            }
        }
        return created
    }
}
