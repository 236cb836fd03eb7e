import KubeClient

/// Named, reusable analysis (`sluice.dev/v1alpha1` AnalysisTemplate): metrics with their
/// providers and conditions, and the arguments they take. A Rollout instantiates it as an
/// ``AnalysisRun``.
public struct AnalysisTemplate: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.analysisTemplates

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: AnalysisTemplateSpec

    public init(metadata: ObjectMeta, spec: AnalysisTemplateSpec) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(AnalysisTemplateSpec.self, forKey: .spec)
    }
}

/// An ``AnalysisTemplate`` visible from every namespace (cluster-scoped).
public struct ClusterAnalysisTemplate: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.clusterAnalysisTemplates

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: AnalysisTemplateSpec

    public init(metadata: ObjectMeta, spec: AnalysisTemplateSpec) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(AnalysisTemplateSpec.self, forKey: .spec)
    }
}

/// The arguments a template takes and the metrics it measures.
public struct AnalysisTemplateSpec: Codable, Sendable, Hashable {
    public var args: [Argument]?
    public var metrics: [Metric]
    /// A statistical decision over the metrics (judge, SLO guard, experiment, shadow).
    public var decision: AnalysisDecision?

    public init(args: [Argument]? = nil, metrics: [Metric], decision: AnalysisDecision? = nil) {
        self.args = args
        self.metrics = metrics
        self.decision = decision
    }
}

/// An argument declared by a template (and resolved in a run): a default `value`, a
/// `valueFrom` source, or neither, in which case the caller must supply it.
public struct Argument: Codable, Sendable, Hashable {
    public var name: String
    public var value: String?
    public var valueFrom: TemplateArgumentValueFrom?

    public init(name: String, value: String? = nil, valueFrom: TemplateArgumentValueFrom? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }

    /// The caller must pass this argument: no default and no source.
    public var isRequired: Bool { value == nil && valueFrom == nil }
}

/// Where a template argument's value comes from: exactly one member.
public struct TemplateArgumentValueFrom: Codable, Sendable, Hashable {
    /// A key of a Secret in the run's namespace; the value is never logged.
    public var secretKeyRef: SecretKeySelector?
    /// A field of the run's owner, e.g. `metadata.labels['app']`.
    public var fieldRef: FieldReference?

    public init(secretKeyRef: SecretKeySelector? = nil, fieldRef: FieldReference? = nil) {
        self.secretKeyRef = secretKeyRef
        self.fieldRef = fieldRef
    }
}

/// One key of a Secret.
public struct SecretKeySelector: Codable, Sendable, Hashable {
    public var name: String
    public var key: String

    public init(name: String, key: String) {
        self.name = name
        self.key = key
    }
}

extension AnalysisTemplate: SchemaDescribable {
    public static var schema: Schema {
        .object("Reusable analysis: metrics, their providers and conditions, and the arguments they take.", required: ["spec"], [
            "apiVersion": String.field("sluice.dev/v1alpha1."),
            "kind": String.field("AnalysisTemplate."),
            "metadata": ObjectMeta.schema,
            "spec": AnalysisTemplateSpec.schema,
        ])
    }
}

extension ClusterAnalysisTemplate: SchemaDescribable {
    public static var schema: Schema {
        .object("An AnalysisTemplate visible from every namespace.", required: ["spec"], [
            "apiVersion": String.field("sluice.dev/v1alpha1."),
            "kind": String.field("ClusterAnalysisTemplate."),
            "metadata": ObjectMeta.schema,
            "spec": AnalysisTemplateSpec.schema,
        ])
    }
}

extension AnalysisTemplateSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("The arguments and metrics of an analysis.", required: ["metrics"], [
            "args": [Argument].field("Arguments the metrics use as {{args.NAME}}."),
            "metrics": [Metric].field("The metrics to measure."),
            "decision": AnalysisDecision.schema,
        ])
    }
}

extension Argument: SchemaDescribable {
    public static var schema: Schema {
        .object("An argument: a default value, a valueFrom source, or neither (then the caller must pass it).", required: ["name"], [
            "name": String.field("The argument's name."),
            "value": String.field("The value (or default)."),
            "valueFrom": TemplateArgumentValueFrom.schema,
        ])
    }
}

extension TemplateArgumentValueFrom: SchemaDescribable {
    public static var schema: Schema {
        .object("Where the value comes from; exactly one member.", [
            "secretKeyRef": SecretKeySelector.schema,
            "fieldRef": FieldReference.schema,
        ])
    }
}

extension SecretKeySelector: SchemaDescribable {
    public static var schema: Schema {
        .object("One key of a Secret in the same namespace.", required: ["name", "key"], [
            "name": String.field("The Secret's name."),
            "key": String.field("The key within the Secret."),
        ])
    }
}
