/// A Swift type for one kind of Kubernetes object, which knows where the API serves it.
///
/// `apiVersion` and `kind` are optional because list responses omit them on items; the
/// client fills them in from ``resourceType`` when it writes an object.
public protocol KubernetesObject: Codable, Sendable {
    /// Where objects of this type are served.
    static var resourceType: ResourceType { get }
    var metadata: ObjectMeta { get set }
}

/// An object of any kind, kept as JSON: custom resources and router objects that have no
/// Swift type, or callers that must not lose fields they do not know.
public struct DynamicObject: Codable, Sendable, Hashable {
    /// The whole object.
    public var json: JSONValue

    public init(_ json: JSONValue) { self.json = json }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    /// The object's metadata, decoded on each access; setting it replaces `metadata`.
    public var metadata: ObjectMeta {
        get {
            guard let raw = json["metadata"], let bytes = try? KubeJSON.encode(raw),
                  let meta = try? KubeJSON.decode(ObjectMeta.self, from: bytes) else { return ObjectMeta() }
            return meta
        }
        set { json["metadata"] = try? KubeJSON.value(of: newValue) }
    }

    public var name: String? { json[path: "metadata", "name"]?.stringValue }
    public var namespace: String? { json[path: "metadata", "namespace"]?.stringValue }
    public var resourceVersion: String? { json[path: "metadata", "resourceVersion"]?.stringValue }
    public var kind: String? { json["kind"]?.stringValue }
    public var apiVersion: String? { json["apiVersion"]?.stringValue }
}

/// One page of a list: its items and where the list stands.
public struct ObjectList<Object: Decodable & Sendable>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [Object]

    public init(metadata: ListMeta, items: [Object]) {
        self.metadata = metadata
        self.items = items
    }

    enum CodingKeys: String, CodingKey { case metadata, items }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([Object].self, forKey: .items) ?? []
    }
}

/// The `scale` subresource (autoscaling/v1 Scale).
public struct Scale: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: ScaleStatus?

    /// Desired replicas.
    public struct Spec: Codable, Sendable, Hashable {
        public var replicas: Int32?
        public init(replicas: Int32? = nil) { self.replicas = replicas }
    }

    /// Observed replicas and the selector that counts them.
    public struct ScaleStatus: Codable, Sendable, Hashable {
        public var replicas: Int32?
        public var selector: String?
    }

    public init(metadata: ObjectMeta, replicas: Int32) {
        self.apiVersion = "autoscaling/v1"
        self.kind = "Scale"
        self.metadata = metadata
        self.spec = Spec(replicas: replicas)
    }
}

/// The server's `/version`.
public struct VersionInfo: Codable, Sendable, Hashable {
    public var major: String?
    public var minor: String?
    public var gitVersion: String
    public var gitCommit: String?
    public var buildDate: String?
    public var goVersion: String?
    public var platform: String?
}

/// Discovery: the resources one group/version serves (`/api/v1`, `/apis/G/V`).
public struct APIResourceList: Codable, Sendable, Hashable {
    public var groupVersion: String
    public var resources: [APIResource]

    /// One served resource or subresource (`deployments`, `deployments/scale`).
    public struct APIResource: Codable, Sendable, Hashable {
        public var name: String
        public var singularName: String?
        public var namespaced: Bool
        public var kind: String
        public var verbs: [String]?
        public var shortNames: [String]?
    }
}
