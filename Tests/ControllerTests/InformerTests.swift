import Foundation
import KubeClient
import KubeSim
import Synchronization
import Testing
@testable import Controller

/// Events an informer delivered, as "kind name" strings.
final class EventLog: Sendable {
    let events = Mutex<[String]>([])

    func record(_ event: InformerEvent) {
        let name = event.object.name ?? "?"
        let kind = switch event {
        case .added: "added"
        case .updated: "updated"
        case .deleted: "deleted"
        case .resync: "resync"
        }
        events.withLock { $0.append("\(kind) \(name)") }
    }

    var all: [String] { events.withLock { $0 } }
}

@Suite("Informer against KubeSim")
struct InformerTests {
    @Test func listsThenWatchesAndKeepsTheCache() async throws {
        try await withKubeSim { _, client in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            _ = try await configMaps.create(configMap("before"))
            let informer = Informer(configMaps, resyncPeriod: nil)
            let log = EventLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await informer.run { log.record($0) } }
                try await informer.waitUntilSynced()
                #expect(informer.get(ObjectKey(namespace: "default", name: "before")) != nil)
                _ = try await configMaps.create(configMap("during"))
                _ = try await configMaps.patch("during", .merge(["data": ["v": "2"]]))
                try await configMaps.delete("before")
                #expect(await eventually { log.all.count == 4 })
                #expect(log.all == ["added before", "added during", "updated during", "deleted before"])
                #expect(informer.list().compactMap(\.name) == ["during"])
                #expect(informer.get(ObjectKey(namespace: "default", name: "during"))?.json[path: "data", "v"] == "2")
                group.cancelAll()
            }
        }
    }

    @Test func indexesFollowAddsUpdatesAndDeletes() async throws {
        // No garbage collector: the owners named here do not exist.
        let store = ObjectStore(garbageCollection: .manual)
        try await withKubeSim(store: store) { _, client in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            func owned(_ name: String, by owner: String, team: String) -> DynamicObject {
                DynamicObject(["apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": ["name": .string(name), "labels": ["team": .string(team)],
                                            "ownerReferences": [["apiVersion": "v1", "kind": "Thing", "name": "t",
                                                                 "uid": .string(owner)]]]])
            }
            _ = try await configMaps.create(owned("a", by: "uid-1", team: "red"))
            let informer = Informer(configMaps, resyncPeriod: nil,
                                    indexers: ["team": { [$0.json[path: "metadata", "labels", "team"]?.stringValue ?? ""] }])
            func names(_ objects: [DynamicObject]) -> [String] { objects.compactMap(\.name) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await informer.run { _ in } }
                try await informer.waitUntilSynced()
                #expect(names(informer.list(ownedBy: "uid-1")) == ["a"])
                _ = try await configMaps.create(owned("b", by: "uid-1", team: "blue"))
                _ = try await configMaps.create(owned("c", by: "uid-2", team: "red"))
                #expect(await eventually { names(informer.list(ownedBy: "uid-1")) == ["a", "b"] })
                #expect(await eventually { names(informer.list(index: "team", value: "red")) == ["a", "c"] })
                // An update moves an object between index values; a delete removes it.
                _ = try await configMaps.patch("a", .merge(["metadata": ["labels": ["team": "blue"]]]))
                try await configMaps.delete("c")
                #expect(await eventually { names(informer.list(index: "team", value: "blue")) == ["a", "b"] })
                #expect(await eventually { informer.list(index: "team", value: "red").isEmpty })
                #expect(informer.list(ownedBy: "uid-2").isEmpty)
                #expect(informer.list(index: "no-such-index", value: "red").isEmpty)
                group.cancelAll()
            }
        }
    }

    @Test func relistsAfter410AndReportsWhatChangedMeanwhile() async throws {
        // A tiny history window: a watch resuming from an old version gets 410 Gone.
        let store = ObjectStore(historyCapacity: 5, garbageCollection: .synchronous)
        try await withKubeSim(store: store) { _, client in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            _ = try await configMaps.create(configMap("kept"))
            _ = try await configMaps.create(configMap("gone"))
            let informer = Informer(configMaps, resyncPeriod: nil)
            let log = EventLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await informer.run { log.record($0) } }
                try await informer.waitUntilSynced()
                group.cancelAll()
            }
            #expect(informer.listCount == 1)
            // While it is stopped, far more is written than the history window holds, so
            // resuming from its last version gets 410 Gone and it lists again.
            for index in 0..<20 {
                _ = try await configMaps.create(configMap("burst-\(index)"))
            }
            try await configMaps.delete("gone")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await informer.run { log.record($0) } }
                #expect(await eventually { informer.listCount == 2 && informer.list().count == 21 })
                #expect(log.all.contains("deleted gone"))
                #expect(log.all.contains("added burst-19"))
                #expect(informer.get(ObjectKey(namespace: "default", name: "gone")) == nil)
                group.cancelAll()
            }
        }
    }

    @Test func resyncReplaysTheCache() async throws {
        try await withKubeSim { _, client in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            _ = try await configMaps.create(configMap("a"))
            _ = try await configMaps.create(configMap("b"))
            let informer = Informer(configMaps, resyncPeriod: .milliseconds(200))
            let log = EventLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await informer.run { log.record($0) } }
                #expect(await eventually { log.all.filter { $0 == "resync a" }.count >= 2 })
                #expect(log.all.contains("resync b"))
                group.cancelAll()
            }
        }
    }

    @Test func anOptionalKindThatIsNotServedCountsAsEmpty() async throws {
        try await withKubeSim { _, client in
            let widgets = ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget")
            let optional = Informer(client.resources(DynamicObject.self, widgets, namespace: "default"), resyncPeriod: nil,
                                    missingResourceIsEmpty: true)
            let required = Informer(client.resources(DynamicObject.self, widgets, namespace: "default"), resyncPeriod: nil)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await optional.run { _ in } }
                group.addTask { await required.run { _ in } }
                #expect(await eventually { optional.hasSynced })
                #expect(optional.list().isEmpty)
                #expect(!required.hasSynced)
                group.cancelAll()
            }
        }
    }

    @Test func aServerThatIsDownIsRetriedNotFatal() async throws {
        let client = KubernetesClient(
            configuration: ClientConfiguration(server: "https://127.0.0.1:1"), retryPolicy: .none)
        let informer = Informer(client.resources(DynamicObject.self, .configMaps, namespace: "default"), resyncPeriod: nil)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run { _ in } }
            try? await Task.sleep(for: .milliseconds(300))
            #expect(!informer.hasSynced)
            group.cancelAll()
        }
    }
}
