import KubeClient

/// core/v1 Event: what the controller records on a Rollout for every transition, as
/// `kubectl describe` and `rollout status` show them.
public struct KubernetesEvent: KubernetesObject, Hashable {
    public static let resourceType = ResourceType.events

    public var apiVersion: String? = "v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    /// `Normal` or `Warning`.
    public var type: String
    public var reason: String
    public var message: String
    public var source: EventSource?
    public var reportingComponent: String?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var count: Int32?

    public init(metadata: ObjectMeta, involvedObject: ObjectReference, type: String, reason: String, message: String,
                source: EventSource? = nil, reportingComponent: String? = nil, firstTimestamp: String? = nil,
                lastTimestamp: String? = nil, count: Int32? = nil) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.type = type
        self.reason = reason
        self.message = message
        self.source = source
        self.reportingComponent = reportingComponent
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
    }
}

/// Which object an Event is about.
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var name: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?

    public init(apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil,
                uid: String? = nil, resourceVersion: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// The component that reported an Event.
public struct EventSource: Codable, Sendable, Hashable {
    public var component: String?

    public init(component: String? = nil) { self.component = component }
}
