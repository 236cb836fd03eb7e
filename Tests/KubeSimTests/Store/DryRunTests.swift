import KubeClient
import Testing
@testable import KubeSim

@Suite struct DryRunTests {
    @Test func dryRunCreateIsAnsweredButNotStored() async throws {
        let store = makeStore()
        let before = store.currentResourceVersion
        let watch = try store.watch(.configMaps, resourceVersion: before)
        let answered = try store.create(.configMaps, configMap("c", data: ["k": "v"]), dryRun: true)
        #expect(answered.name == "c")
        #expect(answered["metadata"]?["uid"] != nil)
        #expect(answered["metadata"]?["creationTimestamp"] != nil)
        #expect(answered["metadata"]?["resourceVersion"] == nil)
        #expect(answered["data"]?["k"] == "v")
        #expect(store.currentResourceVersion == before)
        #expect(apiError { _ = try store.get(.configMaps, namespace: "default", name: "c") }?.code == 404)
        #expect(await drain(watch).isEmpty)
    }

    @Test func dryRunStillValidatesAndAdmits() throws {
        let store = makeStore()
        #expect(apiError { _ = try store.create(.configMaps, configMap("Bad_Name"), dryRun: true) }?.code == 422)
        #expect(apiError { _ = try store.create(.configMaps, configMap("c", namespace: "nowhere"), dryRun: true) }?.code == 404)
        _ = try store.create(.configMaps, configMap("taken"))
        #expect(apiError { _ = try store.create(.configMaps, configMap("taken"), dryRun: true) }?.code == 409)
        #expect(apiError { _ = try store.create(.customResourceDefinitions, ["metadata": ["name": "x.y.z"]], dryRun: true) }?.code == 422)
    }

    @Test func dryRunUpdateAndDeleteChangeNothing() async throws {
        let store = makeStore()
        let stored = try store.create(.deployments, deployment("d"))
        let watch = try store.watch(.deployments, resourceVersion: stored.rv)
        var changed = stored
        changed["spec"] = ["replicas": 7]
        let answered = try store.update(.deployments, changed, dryRun: true)
        #expect(answered["spec"]?["replicas"] == 7)
        #expect(answered.generationValue == 2)
        #expect(answered.rv == stored.rv, "a dry run keeps the stored version")
        var stale = stored
        stale.setMetadata("resourceVersion", "1")
        #expect(apiError { _ = try store.update(.deployments, stale, dryRun: true) }?.code == 409)

        let deleted = try store.delete(.deployments, namespace: "default", name: "d", options: DeleteOptions(dryRun: true))
        #expect(!deleted.isPending)
        #expect(deleted.object.name == "d")
        _ = try store.deleteCollection(.deployments, options: DeleteOptions(dryRun: true))
        #expect(try store.get(.deployments, namespace: "default", name: "d") == stored)
        #expect(store.currentResourceVersion == stored.rv)
        #expect(await drain(watch).isEmpty)
    }

    @Test func dryRunNamespaceDeleteKeepsTheNamespaceAndItsContent() throws {
        let store = makeStore()
        try createNamespaces(store, "shop")
        _ = try store.create(.configMaps, configMap("a", namespace: "shop"))
        let answered = try store.delete(.namespaces, name: "shop", options: DeleteOptions(dryRun: true))
        #expect(answered.object["status"]?["phase"] == "Terminating")
        #expect(try store.get(.namespaces, name: "shop")["status"]?["phase"] == "Active")
        #expect(try store.list(.configMaps, namespace: "shop").items.count == 1)
    }

    @Test func dryRunCRDDoesNotServeAnything() throws {
        let store = makeStore()
        let answered = try store.create(.customResourceDefinitions, widgetCRD(), dryRun: true)
        #expect(crdCondition(answered, "Established")?["status"] == "True")
        #expect(store.definition(group: "example.com", plural: "widgets") == nil)
    }
}
