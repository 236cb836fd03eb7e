import Foundation
import KubeClient
import Synchronization
@testable import KubeSim

/// A counter-backed generator of deterministic strings.
final class Counter: Sendable {
    private let next = Mutex(0)
    private let prefix: String
    init(_ prefix: String) { self.prefix = prefix }
    func callAsFunction() -> String {
        next.withLock { value in
            value += 1
            return "\(prefix)\(value)"
        }
    }
}

let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

func makeStore(
    historyCapacity: Int = 1000,
    watchBufferSize: Int = 100,
    garbageCollection: ObjectStore.GarbageCollectionMode = .synchronous,
    extra: [ResourceDefinition] = [],
    nameSuffixes: [String]? = nil
) -> ObjectStore {
    let uids = Counter("uid-")
    let suffixes = Mutex(nameSuffixes ?? [])
    return ObjectStore(
        resources: ResourceDefinition.builtIns + extra,
        historyCapacity: historyCapacity,
        watchBufferSize: watchBufferSize,
        garbageCollection: garbageCollection,
        clock: { fixedDate },
        uidGenerator: { uids() },
        nameSuffixGenerator: {
            suffixes.withLock { list in list.isEmpty ? ObjectStore.randomNameSuffix() : list.removeFirst() }
        })
}

/// Creates namespaces (kube refuses objects in namespaces that do not exist).
func createNamespaces(_ store: ObjectStore, _ names: String...) throws {
    for name in names {
        _ = try store.create(.namespaces, ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
    }
}

/// The first uid a test's objects get: the four bootstrap namespaces took `uid-1`...`uid-4`.
let firstTestUID = "uid-5"

func configMap(_ name: String, namespace: String? = "default", labels: [String: String]? = nil,
               data: [String: String] = [:]) -> JSONValue {
    var metadata: [String: JSONValue] = ["name": .string(name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    if let labels { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
    return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(metadata),
            "data": .object(data.mapValues { .string($0) })]
}

func deployment(_ name: String, replicas: Int64 = 1, ownerUID: String? = nil, block: Bool = false) -> JSONValue {
    var metadata: [String: JSONValue] = ["name": .string(name), "namespace": "default"]
    if let ownerUID {
        metadata["ownerReferences"] = [[
            "apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": .string(ownerUID),
            "blockOwnerDeletion": .bool(block),
        ]]
    }
    return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": .object(metadata),
            "spec": ["replicas": .integer(replicas)]]
}

extension JSONValue {
    var rv: String { self["metadata"]?["resourceVersion"]?.stringValue ?? "" }
    var generationValue: Int64? { self["metadata"]?["generation"]?.integerValue }
    var name: String { self["metadata"]?["name"]?.stringValue ?? "" }
}

/// Captures the APIError a throwing call raises.
func apiError(_ body: () throws -> Void) -> APIError? {
    do {
        try body()
        return nil
    } catch {
        return error as? APIError
    }
}

/// Ends the watch and returns everything it had buffered.
func drain(_ subscription: WatchSubscription) async -> [StoreEvent] {
    subscription.cancel()
    var events: [StoreEvent] = []
    for await event in subscription.events { events.append(event) }
    return events
}

func summary(_ events: [StoreEvent]) -> [String] {
    events.map { event in
        event.type == .bookmark ? "BOOKMARK \(event.resourceVersion ?? "")" : "\(event.type.rawValue) \(event.object.name)"
    }
}
