import Foundation
import KubeClient
import RolloutCore

/// What `rollout get` shows of a pod, read from its JSON the way `kubectl get pods` reads it.
public struct PodSummary: Codable, Sendable, Hashable {
    public var name: String
    /// The `rollouts-pod-template-hash` label: the revision the pod runs.
    public var podTemplateHash: String?
    /// kubectl's STATUS: a waiting or terminated container's reason, `Terminating`, else the phase.
    public var status: String
    public var readyContainers: Int
    public var containers: Int
    public var restarts: Int64
    public var images: [String]
    public var createdAt: String?

    public init(name: String, podTemplateHash: String?, status: String, readyContainers: Int, containers: Int,
                restarts: Int64, images: [String], createdAt: String?) {
        self.name = name
        self.podTemplateHash = podTemplateHash
        self.status = status
        self.readyContainers = readyContainers
        self.containers = containers
        self.restarts = restarts
        self.images = images
        self.createdAt = createdAt
    }

    /// Reads a core/v1 Pod.
    public init(pod json: JSONValue) {
        let statuses = json[path: "status", "containerStatuses"]?.arrayValue ?? []
        let specContainers = json[path: "spec", "containers"]?.arrayValue ?? []
        var status = json[path: "status", "phase"]?.stringValue ?? "Pending"
        for container in statuses {
            if let reason = container[path: "state", "waiting", "reason"]?.stringValue, !reason.isEmpty {
                status = reason
                break
            }
            if let reason = container[path: "state", "terminated", "reason"]?.stringValue, !reason.isEmpty {
                status = reason
                break
            }
        }
        if json[path: "metadata", "deletionTimestamp"]?.stringValue != nil { status = "Terminating" }
        self.init(
            name: json[path: "metadata", "name"]?.stringValue ?? "?",
            podTemplateHash: json[path: "metadata", "labels", RolloutLabels.podTemplateHash]?.stringValue,
            status: status,
            readyContainers: statuses.filter { $0["ready"] == .bool(true) }.count,
            containers: max(specContainers.count, statuses.count),
            restarts: statuses.reduce(0) { $0 + ($1["restartCount"]?.integerValue ?? 0) },
            images: specContainers.compactMap { $0["image"]?.stringValue },
            createdAt: json[path: "metadata", "creationTimestamp"]?.stringValue)
    }

    /// Running with every container ready.
    public var isReady: Bool { status == "Running" && readyContainers == containers && containers > 0 }
}
