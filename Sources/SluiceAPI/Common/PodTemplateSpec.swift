import KubeClient

/// The pods a workload makes: their labels and annotations typed, the pod spec kept as
/// written (Sluice passes it to ReplicaSets untouched and hashes it for the template hash).
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    /// A `core/v1` PodSpec.
    public var spec: JSONValue?

    public init(metadata: ObjectMeta? = nil, spec: JSONValue? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    public var labels: [String: String] { metadata?.labels ?? [:] }
}

extension PodTemplateSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("The pods to run, as in a Deployment.", [
            "metadata": ObjectMeta.templateSchema,
            "spec": .preservedObject("A core/v1 PodSpec, kept as written."),
        ])
    }
}

extension PodTemplateSpec {
    /// The checks Sluice can make before the API server sees a ReplicaSet: at least one
    /// container, each with a name and an image.
    func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        guard let spec else {
            problems.add(path["spec"], "required: the pod spec with at least one container")
            return problems.problems
        }
        guard case .array(let containers)? = spec["containers"], !containers.isEmpty else {
            problems.add(path["spec"]["containers"], "must list at least one container")
            return problems.problems
        }
        for (index, container) in containers.enumerated() {
            let here = path["spec"]["containers"][index]
            for field in ["name", "image"] {
                let value = container[field]?.stringValue
                if value == nil || value!.isEmpty { problems.add(here[field], "required: a non-empty string") }
            }
        }
        return problems.problems
    }
}
