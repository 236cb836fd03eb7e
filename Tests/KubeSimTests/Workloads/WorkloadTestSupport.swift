import Foundation
import KubeClient
import Synchronization
@testable import KubeSim

/// A settable clock shared by the store (creation timestamps) and the controllers.
final class WorkloadClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

func makeWorkloadStore(_ clock: WorkloadClock) -> ObjectStore {
    let uids = Counter("uid-")
    return ObjectStore(garbageCollection: .manual, clock: { clock.now }, uidGenerator: { uids() })
}

func wlReplicaSet(_ name: String, replicas: Int64, labels: [String: String] = ["app": "web"],
                  image: String = "web:v1", minReadySeconds: Int64? = nil) -> JSONValue {
    let labelJSON = JSONValue.object(labels.mapValues { .string($0) })
    var spec: [String: JSONValue] = [
        "replicas": .integer(replicas),
        "selector": ["matchLabels": labelJSON],
        "template": [
            "metadata": ["labels": labelJSON],
            "spec": ["containers": [["name": "app", "image": .string(image),
                                     "ports": [["name": "http", "containerPort": 8080]]]]],
        ],
    ]
    if let minReadySeconds { spec["minReadySeconds"] = .integer(minReadySeconds) }
    return ["apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": ["name": .string(name), "namespace": "default"], "spec": .object(spec)]
}

func wlDeployment(_ name: String, replicas: Int64, image: String, strategy: String? = nil) -> JSONValue {
    var spec: [String: JSONValue] = [
        "replicas": .integer(replicas),
        "selector": ["matchLabels": ["app": .string(name)]],
        "template": [
            "metadata": ["labels": ["app": .string(name)]],
            "spec": ["containers": [["name": "app", "image": .string(image)]]],
        ],
    ]
    if let strategy { spec["strategy"] = ["type": .string(strategy)] }
    return ["apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(name), "namespace": "default"], "spec": .object(spec)]
}

func wlPods(_ store: ObjectStore, _ labels: [String: String] = [:]) throws -> [JSONValue] {
    let selector = LabelSelector(requirements: labels.map { .init(key: $0.key, op: .equals, values: [$0.value]) })
    return try store.list(.pods, namespace: "default", labelSelector: selector).items
}

func wlInt(_ value: JSONValue?) -> Int64? { value?.integerValue }
