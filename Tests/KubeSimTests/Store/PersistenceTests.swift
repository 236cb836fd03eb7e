import Foundation
import KubeClient
import Testing
@testable import KubeSim

private func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

@Suite struct PersistenceTests {
    @Test func aRestartedStoreCarriesOn() throws {
        let path = temporaryPath("state.json")
        let first = makeStore()
        try createNamespaces(first, "shop")
        let config = try first.create(.configMaps, configMap("c", namespace: "shop", data: ["k": "v"]))
        _ = try first.create(.customResourceDefinitions, widgetCRD(status: true))
        let custom = try first.create(widgetsV1, widget("w", namespace: "shop"))
        try StorePersistence(store: first, path: path).save()
        let savedVersion = Int64(first.currentResourceVersion)!
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let second = ObjectStore(garbageCollection: .synchronous)
        #expect(try StorePersistence(store: second, path: path).restore())
        #expect(try second.get(.configMaps, namespace: "shop", name: "c") == config)
        #expect(try second.get(widgetsV1, namespace: "shop", name: "w") == custom, "the CRD serves again")
        #expect(second.definition(group: "example.com", plural: "widgets")?.hasStatus == true)
        #expect(second.currentResourceVersion == String(savedVersion))
        let next = try second.create(.configMaps, configMap("d", namespace: "shop"))
        #expect(Int64(next.rv)! > savedVersion)
        #expect(try second.get(.namespaces, name: "shop").uid == (try first.get(.namespaces, name: "shop").uid))
        // History starts afresh: watching from before the restart is 410.
        #expect(apiError { _ = try second.watch(.configMaps, resourceVersion: "2") }?.code == 410)
    }

    @Test func missingFileIsAFreshStart() throws {
        let store = ObjectStore()
        #expect(try StorePersistence(store: store, path: temporaryPath("none.json")).restore() == false)
        #expect(try store.list(.namespaces).items.count == 4)
    }

    @Test(arguments: ["not json at all", #"{"kind": "Something"}"#,
                      #"{"kind": "KubeSimSnapshot", "version": 1, "resourceVersion": "x", "objects": []}"#,
                      #"{"kind": "KubeSimSnapshot", "version": 1, "resourceVersion": "3", "objects": [{"group": ""}]}"#])
    func corruptFilesAreAClearError(content: String) throws {
        let path = temporaryPath("corrupt.json")
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            try StorePersistence(store: ObjectStore(), path: path).restore()
            Issue.record("a corrupt file was accepted")
        } catch {
            guard case .corrupt(let named, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(named == path)
            #expect(error.description.contains(path))
        }
    }

    @Test func theServiceSavesAfterWritesAndOnShutdown() async throws {
        let path = temporaryPath("live.json")
        let store = ObjectStore()
        let persistence = StorePersistence(store: store, path: path, interval: .milliseconds(50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await persistence.run() }
            func waitForSave(_ done: (StoreSnapshot) -> Bool) async throws -> Bool {
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    if let saved = try StorePersistence.load(path: path), done(saved) { return true }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            #expect(try await waitForSave { _ in true }, "saved at start")
            _ = try store.create(.configMaps, configMap("first"))
            #expect(try await waitForSave { $0.entries.contains { $0.object.name == "first" } }, "saved after a write")
            _ = try store.create(.configMaps, configMap("last"))
            group.cancelAll()
            try await group.waitForAll()
        }
        let saved = try #require(try StorePersistence.load(path: path))
        #expect(saved.entries.contains { $0.object.name == "last" }, "saved on shutdown")
        #expect(String(saved.resourceVersion) == store.currentResourceVersion)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["live.json"], "no temporary files left behind")
    }
}
