import Foundation
import KubeClient

/// All the workload controllers in the order one tick needs them: Deployments scale
/// ReplicaSets, ReplicaSets create pods, pods progress, then ReplicaSet and Deployment
/// status catch up and Endpoints follow readiness. Call ``reconcile(now:)`` on a timer or
/// after writes; `store.collectGarbage()` is the caller's (the server loop's) job.
public struct WorkloadSimulator: Sendable {
    public let store: ObjectStore
    public let pods: PodLifecycleController
    public let replicaSets: ReplicaSetController
    public let deployments: DeploymentController
    public let endpoints: EndpointsController

    public init(store: ObjectStore, pods: PodLifecycleController? = nil) {
        self.store = store
        self.pods = pods ?? PodLifecycleController(store: store)
        self.replicaSets = ReplicaSetController(store: store)
        self.deployments = DeploymentController(store: store)
        self.endpoints = EndpointsController(store: store)
    }

    /// One pass of every controller. Returns the earliest later time at which a pod changes
    /// by itself (see ``PodLifecycleController/reconcile(now:)``), or nil.
    @discardableResult
    public func reconcile(now: Date) throws(APIError) -> Date? {
        try deployments.reconcile(now: now)
        try replicaSets.reconcile(now: now)
        let nextChange = try pods.reconcile(now: now)
        try replicaSets.reconcile(now: now)
        try deployments.reconcile(now: now)
        try endpoints.reconcile(now: now)
        return nextChange
    }
}
