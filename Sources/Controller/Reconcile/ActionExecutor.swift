import Analysis
import Foundation
import KubeClient
import Logging
import RolloutCore
import SluiceAPI

/// Applies a plan's actions through the Kubernetes API, each idempotently: creating what
/// exists already is success, writes are patches with Sluice's field manager, and the status
/// and route writes carry the resourceVersion they were planned from, so a concurrent writer
/// (an SRE's `rollout promote`, a user editing the HTTPRoute) makes them fail with 409 and the
/// Rollout is planned again from what is there now.
public struct ActionExecutor: Sendable {
    public static let fieldManager = "sluice-controller"

    public let client: KubernetesClient
    /// Edits the router object for `setTraffic`; nil when the Rollout has no router.
    public let routeWriter: RouteWriter?
    /// The analysis templates the Rollout names (as planned from), for `createAnalysisRun`.
    public let templates: [ObservedAnalysisTemplate]
    private let logger: Logger

    public init(client: KubernetesClient, routeWriter: RouteWriter?, templates: [ObservedAnalysisTemplate] = [],
                logger: Logger = Logger(label: "sluice.executor")) {
        self.client = client
        self.routeWriter = routeWriter
        self.templates = templates
        self.logger = logger
    }

    /// Applies `actions` in order for `rollout` (as read, with its resourceVersion); stops at
    /// the first failure and throws it (the reconciler retries with backoff).
    public func apply(_ actions: [Action], to rollout: Rollout) async throws {
        for action in actions {
            try await apply(action, to: rollout)
        }
    }

    func apply(_ action: Action, to rollout: Rollout) async throws {
        let namespace = rollout.metadata.namespace ?? "default"
        let replicaSets = client.resources(DynamicObject.self, .replicaSets, namespace: namespace)
        switch action {
        case .createReplicaSet(let name, let hash, let replicas, let revision):
            let replicaSet = try ReplicaSetTemplate.replicaSet(for: rollout, name: name, podTemplateHash: hash,
                                                               replicas: replicas, revision: revision)
            do {
                _ = try await client.resources(ReplicaSet.self, namespace: namespace)
                    .create(replicaSet, fieldManager: Self.fieldManager)
            } catch let error as KubeClientError where error.status?.reason == "AlreadyExists" {
                // Created by an earlier reconcile whose cache had not caught up: fine.
            }
        case .scaleReplicaSet(let name, let replicas):
            _ = try await replicaSets.patch(name, .merge(["spec": ["replicas": .integer(Int64(replicas))]]),
                                            fieldManager: Self.fieldManager)
        case .setScaleDownDeadline(let name, let deadline):
            let value: JSONValue = deadline.map { .string(KubeTime.format($0)) } ?? .null
            _ = try await replicaSets.patch(
                name, .merge(["metadata": ["annotations": [RolloutLabels.scaleDownDeadline: value]]]),
                fieldManager: Self.fieldManager)
        case .deleteReplicaSet(let name):
            do {
                try await replicaSets.delete(name, options: DeleteOptions(propagationPolicy: .background))
            } catch let error as KubeClientError where error.status?.code == 404 {
                // Already gone.
            }
        case .setTraffic(let state):
            guard let routeWriter else {
                throw ExecutorError.noRouter(rollout: rollout.metadata.name ?? "?")
            }
            try await routeWriter.write(state, for: rollout, client: client)
        case .setServiceSelector(let service, let hash):
            let services = client.resources(DynamicObject.self, .services, namespace: namespace)
            _ = try await services.patch(
                service, .merge(["spec": ["selector": [RolloutLabels.podTemplateHash: .string(hash)]]]),
                fieldManager: Self.fieldManager)
        case .createAnalysisRun(let request):
            let run = try AnalysisRunFactory.run(for: request, rollout: rollout, templates: templates)
            do {
                _ = try await client.resources(AnalysisRun.self, namespace: namespace).create(run, fieldManager: Self.fieldManager)
            } catch let error as KubeClientError where error.status?.reason == "AlreadyExists" {
                // Created by an earlier reconcile whose cache had not caught up: fine.
            }
        case .terminateAnalysisRun(let name):
            do {
                _ = try await client.resources(DynamicObject.self, .analysisRuns, namespace: namespace)
                    .patch(name, .merge(["spec": ["terminate": true]]), fieldManager: Self.fieldManager)
            } catch let error as KubeClientError where error.status?.code == 404 {
                // Already gone.
            }
        case .updateStatus(let status):
            var updated = rollout
            updated.status = status
            // PUT to /status with the resourceVersion planned from: 409 if anyone wrote since.
            _ = try await client.resources(Rollout.self, namespace: namespace).updateStatus(updated, fieldManager: Self.fieldManager)
        case .event(let type, let reason, let message):
            try await EventRecorder(client: client).record(type: type.rawValue, reason: reason, message: message,
                                                           about: rollout)
        }
    }
}

/// Why an action could not be applied.
public enum ExecutorError: Error, CustomStringConvertible {
    case noRouter(rollout: String)
    case noTemplate(run: String, template: String)
    /// An SLO guard run planned for a `canary.slo` without `prometheus` (validation rejects it).
    case noSLOSource(run: String)

    public var description: String {
        switch self {
        case .noRouter(let rollout): "rollout \"\(rollout)\": a traffic change was planned but it has no traffic router"
        case .noTemplate(let run, let template): "analysis run \(run): template \"\(template)\" is not in the cache (deleted since planning?)"
        case .noSLOSource(let run): "analysis run \(run): canary.slo has no prometheus to read the canary's counters from"
        }
    }
}
