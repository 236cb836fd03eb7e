import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite struct WatchTests {
    @Test func fromZeroSendsCurrentStateThenLive() async throws {
        let store = makeStore()
        _ = try store.create(.configMaps, configMap("b"))
        _ = try store.create(.configMaps, configMap("a"))
        _ = try store.create(.secrets, ["metadata": ["name": "s", "namespace": "default"]])
        let watch = try store.watch(.configMaps, resourceVersion: "0")
        var a = try store.get(.configMaps, namespace: "default", name: "a")
        a["data"] = ["k": "v"]
        _ = try store.update(.configMaps, a)
        _ = try store.delete(.configMaps, namespace: "default", name: "b")
        let events = await drain(watch)
        #expect(summary(events) == ["ADDED a", "ADDED b", "MODIFIED a", "DELETED b"])
        #expect(events[3].resourceVersion == store.currentResourceVersion, "DELETED carries the deletion's version")
    }

    @Test func fromVersionReplaysHistory() async throws {
        let store = makeStore()
        try createNamespaces(store, "other")
        let a = try store.create(.configMaps, configMap("a"))
        _ = try store.create(.configMaps, configMap("b"))
        _ = try store.create(.deployments, deployment("d"))
        _ = try store.delete(.configMaps, namespace: "default", name: "a")
        let watch = try store.watch(.configMaps, namespace: "default", resourceVersion: a.rv)
        _ = try store.create(.configMaps, configMap("c"))
        _ = try store.create(.configMaps, configMap("elsewhere", namespace: "other"))
        let events = await drain(watch)
        #expect(summary(events) == ["ADDED b", "DELETED a", "ADDED c"])
        let versions = events.compactMap { $0.resourceVersion.flatMap { Int($0) } }
        #expect(versions == versions.sorted())
    }

    @Test func tooOldVersionIs410() throws {
        let store = makeStore(historyCapacity: 2)
        let first = try store.create(.configMaps, configMap("a"))  // rv 2
        for name in ["b", "c", "d"] { _ = try store.create(.configMaps, configMap(name)) }  // rv 3...5
        let error = apiError { _ = try store.watch(.configMaps, resourceVersion: first.rv) }
        #expect(error?.code == 410)
        #expect(error?.reason == "Expired")
        #expect(error?.message == "too old resource version: 2 (3)")
        // The newest evicted version itself is still a valid start.
        _ = try store.watch(.configMaps, resourceVersion: "3")
        let bad = apiError { _ = try store.watch(.configMaps, resourceVersion: "abc") }
        #expect(bad?.code == 400)
    }

    @Test func selectorTransitionsBecomeAddedAndDeleted() async throws {
        let store = makeStore()
        var object = try store.create(.configMaps, configMap("x", labels: ["app": "api"]))
        let watch = try store.watch(.configMaps, resourceVersion: object.rv, labelSelector: try LabelSelector(parsing: "app=web"))
        object.setMetadata("labels", ["app": "web"])
        object = try store.update(.configMaps, object)  // enters: ADDED
        object["data"] = ["k": "v"]
        object = try store.update(.configMaps, object)  // stays: MODIFIED
        object.setMetadata("labels", ["app": "db"])
        let left = try store.update(.configMaps, object)  // leaves: DELETED
        _ = try store.delete(.configMaps, namespace: "default", name: "x")  // not selected: nothing
        let events = await drain(watch)
        #expect(summary(events) == ["ADDED x", "MODIFIED x", "DELETED x"])
        // The DELETED carries the last selected state at the event's version.
        #expect(events[2].object.labels == ["app": "web"])
        #expect(events[2].resourceVersion == left.rv)
    }

    @Test func fieldSelectedWatch() async throws {
        let store = makeStore()
        let watch = try store.watch(.configMaps, fieldSelector: try FieldSelector(parsing: "metadata.name=b"))
        _ = try store.create(.configMaps, configMap("a"))
        _ = try store.create(.configMaps, configMap("b"))
        #expect(summary(await drain(watch)) == ["ADDED b"])
        let error = apiError { _ = try store.watch(.configMaps, fieldSelector: try FieldSelector(parsing: "spec.x=1")) }
        #expect(error?.message == "field label not supported: spec.x")
    }

    @Test func bookmarksOnlyWhenRequested() async throws {
        let store = makeStore()
        let withBookmarks = try store.watch(.deployments, allowBookmarks: true)
        let without = try store.watch(.deployments)
        _ = try store.create(.configMaps, configMap("a"))
        store.sendBookmark()
        let events = await drain(withBookmarks)
        #expect(summary(events) == ["BOOKMARK \(store.currentResourceVersion)"])
        #expect(events[0].object["kind"] == "Deployment")
        #expect(events[0].object["apiVersion"] == "apps/v1")
        #expect(await drain(without).isEmpty)
    }

    @Test func slowWatcherIsTerminatedWithoutBlockingWriters() async throws {
        let store = makeStore(watchBufferSize: 3)
        let slow = try store.watch(.configMaps)
        let fast = try store.watch(.configMaps, bufferSize: 100)
        for index in 0..<10 { _ = try store.create(.configMaps, configMap("c\(index)")) }
        #expect(slow.terminationReason == .bufferOverflow)
        #expect(fast.terminationReason == nil)
        #expect(store.watcherCount == 1)
        // The slow watcher still gets what it buffered, then its stream ends.
        var delivered: [StoreEvent] = []
        for await event in slow.events { delivered.append(event) }
        #expect(summary(delivered) == ["ADDED c0", "ADDED c1", "ADDED c2"])
        #expect(await drain(fast).count == 10)
        #expect(store.watcherCount == 0)
    }

    @Test func initialStateDoesNotCountAgainstTheBuffer() async throws {
        let store = makeStore(watchBufferSize: 2)
        for index in 0..<5 { _ = try store.create(.configMaps, configMap("c\(index)")) }
        let watch = try store.watch(.configMaps)
        _ = try store.create(.configMaps, configMap("new"))
        #expect(watch.terminationReason == nil)
        #expect(await drain(watch).count == 6)
    }

    @Test func cancellingRemovesTheWatcher() async throws {
        let store = makeStore()
        let watch = try store.watch(.configMaps)
        #expect(store.watcherCount == 1)
        watch.cancel()
        #expect(store.watcherCount == 0)
        #expect(watch.terminationReason == .cancelled)
    }

    @Test func liveConsumerReceivesConcurrently() async throws {
        let store = makeStore()
        let watch = try store.watch(.configMaps)
        let consumer = Task {
            var names: [String] = []
            for await event in watch.events {
                names.append(event.object.name)
                if names.count == 20 { break }
            }
            return names
        }
        for index in 0..<20 { _ = try store.create(.configMaps, configMap(String(format: "c%02d", index))) }
        let names = await consumer.value
        #expect(names == (0..<20).map { String(format: "c%02d", $0) })
    }
}

@Suite struct ConcurrencyTests {
    @Test func concurrentWritersGetUniqueVersionsAndWatchersSeeThemInOrder() async throws {
        let store = makeStore(watchBufferSize: 1000)
        let watch = try store.watch(.configMaps)
        try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var versions: [Int] = []
                    for index in 0..<50 {
                        versions.append(Int(try store.create(.configMaps, configMap("w\(worker)-\(index)")).rv)!)
                    }
                    return versions
                }
            }
            var all: [Int] = []
            for try await versions in group { all += versions }
            #expect(Set(all).count == 200)
        }
        let versions = await drain(watch).compactMap { $0.resourceVersion.flatMap { Int($0) } }
        #expect(versions.count == 200)
        #expect(versions == versions.sorted())
    }
}
