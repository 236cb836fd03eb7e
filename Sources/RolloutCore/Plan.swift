import Foundation
import KubeClient
import SluiceAPI

/// One ReplicaSet owned by a Rollout, as the informer cache shows it.
public struct ObservedReplicaSet: Sendable, Hashable {
    public var name: String
    /// The `rollouts-pod-template-hash` label: which revision of the pod template it runs.
    public var podTemplateHash: String
    /// `spec.replicas`.
    public var replicas: Int32
    public var readyReplicas: Int32
    public var availableReplicas: Int32
    /// The `rollout.sluice.dev/revision` annotation.
    public var revision: Int
    /// The `rollout.sluice.dev/scale-down-deadline` annotation: when a ReplicaSet that is no
    /// longer needed may be scaled to zero.
    public var scaleDownDeadline: Date?
    public var createdAt: Date?

    public init(name: String, podTemplateHash: String, replicas: Int32, readyReplicas: Int32 = 0,
                availableReplicas: Int32 = 0, revision: Int = 0, scaleDownDeadline: Date? = nil, createdAt: Date? = nil) {
        self.name = name
        self.podTemplateHash = podTemplateHash
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.revision = revision
        self.scaleDownDeadline = scaleDownDeadline
        self.createdAt = createdAt
    }
}

/// The traffic split a router should carry. `canaryWeight` + stable = 100.
public struct TrafficState: Sendable, Hashable {
    /// Percent of user traffic sent to the canary.
    public var canaryWeight: Int32
    /// Header-match routes to the canary (`setHeaderRoute`), by route name.
    public var headerRoutes: [String: SetHeaderRoute]
    /// Mirror routes (`setMirrorRoute`), by route name: a copy of matching traffic to the canary.
    public var mirrorRoutes: [String: SetMirrorRoute]

    public init(canaryWeight: Int32 = 0, headerRoutes: [String: SetHeaderRoute] = [:],
                mirrorRoutes: [String: SetMirrorRoute] = [:]) {
        self.canaryWeight = canaryWeight
        self.headerRoutes = headerRoutes
        self.mirrorRoutes = mirrorRoutes
    }

    /// All traffic to stable, no header or mirror routes: where an abort goes.
    public static let allStable = TrafficState()
}

/// Everything `plan` may look at besides the Rollout itself. Built by the controller from
/// its informer caches; a value, so tests build it by hand.
public struct ObservedState: Sendable, Hashable {
    /// ReplicaSets the Rollout owns.
    public var replicaSets: [ObservedReplicaSet]
    /// What the router currently carries; nil when the Rollout has no router or the router
    /// object does not exist yet.
    public var traffic: TrafficState?
    /// Services named by the Rollout, by name: the `rollouts-pod-template-hash` their selector
    /// pins (nil: none), or absent when the Service does not exist.
    public var serviceSelectors: [String: String?]
    /// The controller's clock.
    public var now: Date

    public init(replicaSets: [ObservedReplicaSet] = [], traffic: TrafficState? = nil,
                serviceSelectors: [String: String?] = [:], now: Date) {
        self.replicaSets = replicaSets
        self.traffic = traffic
        self.serviceSelectors = serviceSelectors
        self.now = now
    }
}

/// A write the controller makes. The executor applies each idempotently, in order.
public enum Action: Sendable, Hashable {
    /// Create the ReplicaSet for the Rollout's current pod template.
    case createReplicaSet(name: String, podTemplateHash: String, replicas: Int32, revision: Int)
    case scaleReplicaSet(name: String, replicas: Int32)
    /// Set (or with nil clear) when a ReplicaSet may be scaled down.
    case setScaleDownDeadline(name: String, deadline: Date?)
    case deleteReplicaSet(name: String)
    /// Make the router carry this split (never issued without a router).
    case setTraffic(TrafficState)
    /// Point a Service's selector at one revision (adds `rollouts-pod-template-hash`).
    case setServiceSelector(service: String, podTemplateHash: String)
    /// Write `status` through the status subresource.
    case updateStatus(RolloutStatus)
    /// A Kubernetes Event on the Rollout.
    case event(EventType, reason: String, message: String)

    public enum EventType: String, Sendable, Hashable { case normal = "Normal", warning = "Warning" }
}

/// What one reconcile decided: the writes, and when to look again even if nothing changes
/// (a timed pause ending, a scale-down deadline, the progress deadline).
public struct Plan: Sendable, Hashable {
    public var actions: [Action]
    public var requeueAfter: Duration?

    public init(actions: [Action] = [], requeueAfter: Duration? = nil) {
        self.actions = actions
        self.requeueAfter = requeueAfter
    }
}

/// Labels and annotations Sluice puts on what it creates.
public enum RolloutLabels {
    public static let podTemplateHash = "rollouts-pod-template-hash"
    public static let revision = "rollout.sluice.dev/revision"
    public static let scaleDownDeadline = "rollout.sluice.dev/scale-down-deadline"
}
