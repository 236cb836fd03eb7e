import KubeClient

/// How one of Sluice's kinds is served: its names, scope, schema and subresources. The
/// CRDs under `manifests/crds/` are generated from these (`rollout crds`).
public struct CustomResourceDescription: Sendable {
    /// A column `kubectl get` prints.
    public struct PrinterColumn: Sendable, Hashable {
        public var name: String
        /// `string`, `integer`, `number`, `boolean` or `date`.
        public var type: String
        public var jsonPath: String
        public var description: String?

        public init(name: String, type: String, jsonPath: String, description: String? = nil) {
            self.name = name
            self.type = type
            self.jsonPath = jsonPath
            self.description = description
        }
    }

    public var resourceType: ResourceType
    public var singular: String
    public var shortNames: [String]
    public var categories: [String]
    public var schema: Schema
    public var hasStatus: Bool
    /// The `scale` subresource, for kinds that `kubectl scale` and autoscalers can drive.
    public var scale: (specReplicasPath: String, statusReplicasPath: String, labelSelectorPath: String)?
    public var printerColumns: [PrinterColumn]

    /// `rollouts.sluice.dev`.
    public var name: String { "\(resourceType.plural).\(resourceType.group)" }

    /// `sluice.dev_rollouts.yaml`, as controller-gen names CRD files.
    public var fileName: String { "\(resourceType.group)_\(resourceType.plural).yaml" }

    /// The `apiextensions.k8s.io/v1` CustomResourceDefinition.
    public var definition: JSONValue {
        var subresources: [String: JSONValue] = [:]
        if hasStatus { subresources["status"] = .object([:]) }
        if let scale {
            subresources["scale"] = [
                "specReplicasPath": .string(scale.specReplicasPath),
                "statusReplicasPath": .string(scale.statusReplicasPath),
                "labelSelectorPath": .string(scale.labelSelectorPath),
            ]
        }
        var version: [String: JSONValue] = [
            "name": .string(resourceType.version),
            "served": true,
            "storage": true,
            "schema": ["openAPIV3Schema": schema.openAPIV3],
        ]
        if !subresources.isEmpty { version["subresources"] = .object(subresources) }
        if !printerColumns.isEmpty {
            version["additionalPrinterColumns"] = .array(printerColumns.map { column in
                var node: [String: JSONValue] = ["name": .string(column.name), "type": .string(column.type), "jsonPath": .string(column.jsonPath)]
                if let description = column.description { node["description"] = .string(description) }
                return .object(node)
            })
        }
        var names: [String: JSONValue] = [
            "kind": .string(resourceType.kind),
            "listKind": .string(resourceType.kind + "List"),
            "plural": .string(resourceType.plural),
            "singular": .string(singular),
        ]
        if !shortNames.isEmpty { names["shortNames"] = .array(shortNames.map(JSONValue.string)) }
        if !categories.isEmpty { names["categories"] = .array(categories.map(JSONValue.string)) }
        return [
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": ["name": .string(name)],
            "spec": [
                "group": .string(resourceType.group),
                "names": .object(names),
                "scope": resourceType.namespaced ? "Namespaced" : "Cluster",
                "versions": [.object(version)],
            ],
        ]
    }
}

/// Sluice's CustomResourceDefinitions.
public enum SluiceCRDs {
    private static let age = CustomResourceDescription.PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp")

    public static let rollouts = CustomResourceDescription(
        resourceType: .rollouts, singular: "rollout", shortNames: ["ro"], categories: ["sluice"],
        schema: Rollout.schema, hasStatus: true,
        scale: (specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: ".status.selector"),
        printerColumns: [
            .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Progressing, Paused, Healthy, Degraded or Aborted"),
            .init(name: "Step", type: "integer", jsonPath: ".status.currentStepIndex", description: "Index of the canary step in progress"),
            .init(name: "Weight", type: "integer", jsonPath: ".status.weights.canary", description: "Percent of traffic on the canary"),
            .init(name: "Desired", type: "integer", jsonPath: ".spec.replicas", description: "Desired pods"),
            .init(name: "Available", type: "integer", jsonPath: ".status.availableReplicas", description: "Available pods"),
            age,
        ])

    public static let analysisTemplates = CustomResourceDescription(
        resourceType: .analysisTemplates, singular: "analysistemplate", shortNames: ["at"], categories: ["sluice"],
        schema: AnalysisTemplate.schema, hasStatus: true, scale: nil, printerColumns: [])

    public static let clusterAnalysisTemplates = CustomResourceDescription(
        resourceType: .clusterAnalysisTemplates, singular: "clusteranalysistemplate", shortNames: ["cat"], categories: ["sluice"],
        schema: ClusterAnalysisTemplate.schema, hasStatus: true, scale: nil, printerColumns: [])

    public static let analysisRuns = CustomResourceDescription(
        resourceType: .analysisRuns, singular: "analysisrun", shortNames: ["ar"], categories: ["sluice"],
        schema: AnalysisRun.schema, hasStatus: true, scale: nil,
        printerColumns: [
            .init(name: "Phase", type: "string", jsonPath: ".status.phase", description: "Pending, Running, Successful, Failed, Error or Inconclusive"),
            age,
        ])

    /// All four, in a stable order.
    public static let all = [rollouts, analysisTemplates, clusterAnalysisTemplates, analysisRuns]

    /// The first line of every generated file.
    public static let header = "# Generated by `rollout crds` from the types in Sources/SluiceAPI. Do not edit; run `make crds`."

    /// One CRD as a YAML document, with the generated-file header.
    public static func yaml(for crd: CustomResourceDescription) throws -> String {
        header + "\n" + (try YAMLText.render(crd.definition))
    }

    /// All CRDs as one multi-document YAML stream.
    public static func yaml() throws -> String {
        try all.map { try yaml(for: $0) }.map { "---\n" + $0 }.joined()
    }
}
