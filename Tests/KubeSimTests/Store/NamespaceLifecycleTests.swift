import KubeClient
import Testing
@testable import KubeSim

@Suite struct NamespaceLifecycleTests {
    @Test func bootstrapNamespacesExistAndAreActive() throws {
        let store = makeStore()
        let names = try store.list(.namespaces).items.map(\.name)
        #expect(names == ["default", "kube-node-lease", "kube-public", "kube-system"])
        let system = try store.get(.namespaces, name: "kube-system")
        #expect(system["status"]?["phase"] == "Active")
        #expect(system["spec"]?["finalizers"] == ["kubernetes"])
        #expect(system["metadata"]?["labels"]?["kubernetes.io/metadata.name"] == "kube-system")
        #expect(store.currentResourceVersion == "1", "part of the initial state, not writes")
    }

    @Test func createdNamespacesGetKubesDefaults() throws {
        let store = makeStore()
        let created = try store.create(.namespaces, ["metadata": ["name": "shop"], "status": ["phase": "Terminating"]])
        #expect(created["status"]?["phase"] == "Active")
        #expect(created["spec"]?["finalizers"] == ["kubernetes"])
        var edited = created
        edited["spec"] = ["finalizers": []]
        edited.setMetadata("labels", ["team": "a"])
        let updated = try store.update(.namespaces, edited)
        #expect(updated["spec"]?["finalizers"] == ["kubernetes"], "only finalization removes it")
        #expect(updated["metadata"]?["labels"] == ["team": "a", "kubernetes.io/metadata.name": "shop"])
    }

    @Test func creatingInAMissingNamespaceIsNotFound() throws {
        let store = makeStore()
        let error = try #require(apiError { _ = try store.create(.configMaps, configMap("c", namespace: "nowhere")) })
        #expect(error.code == 404)
        #expect(error.message == #"namespaces "nowhere" not found"#)
        #expect(error.status.details?.kind == "namespaces")
        #expect(error.status.details?.name == "nowhere")
        // Validation comes first, as in kube.
        let invalid = apiError { _ = try store.create(.configMaps, configMap("Bad_Name", namespace: "nowhere")) }
        #expect(invalid?.code == 422)
        // Endpoints and Leases create on PUT: admitted the same way.
        let lease: JSONValue = ["metadata": ["name": "l", "namespace": "nowhere"], "spec": [:]]
        #expect(apiError { _ = try store.update(.leases, lease) }?.code == 404)
        // Cluster-scoped objects need no namespace.
        _ = try store.create(.customResourceDefinitions, widgetCRD())
    }

    @Test func deletingANamespaceTerminatesItThenRemovesEverything() async throws {
        let store = makeStore(garbageCollection: .manual)
        try createNamespaces(store, "shop")
        _ = try store.create(.configMaps, configMap("a", namespace: "shop"))
        var held = configMap("held", namespace: "shop")
        held.setMetadata("finalizers", ["example.com/hold"])
        _ = try store.create(.configMaps, held)
        _ = try store.create(.configMaps, configMap("elsewhere"))
        _ = try store.create(.customResourceDefinitions, widgetCRD())
        _ = try store.create(widgetsV1, widget("w", namespace: "shop"))
        let namespaceWatch = try store.watch(.namespaces, resourceVersion: store.currentResourceVersion)

        let outcome = try store.delete(.namespaces, name: "shop")
        #expect(outcome.isPending)
        #expect(outcome.object["status"]?["phase"] == "Terminating")
        #expect(outcome.object.isBeingDeleted)

        let forbidden = try #require(apiError { _ = try store.create(.configMaps, configMap("late", namespace: "shop")) })
        #expect(forbidden.code == 403)
        #expect(forbidden.reason == "Forbidden")
        #expect(forbidden.message == #"configmaps "late" is forbidden: unable to create new content in namespace shop because it is being terminated"#)
        #expect(forbidden.status.details?.causes?.first?.reason == "NamespaceTerminating")

        store.collectGarbage()
        #expect(try store.list(.configMaps, namespace: "shop").items.map(\.name) == ["held"])
        #expect(try store.list(widgetsV1, namespace: "shop").items.isEmpty)
        #expect(try store.get(.namespaces, name: "shop")["status"]?["phase"] == "Terminating", "held keeps it")
        #expect(try store.get(.configMaps, namespace: "default", name: "elsewhere").name == "elsewhere")

        var release = try store.get(.configMaps, namespace: "shop", name: "held")
        release.setFinalizers([])
        _ = try store.update(.configMaps, release)
        store.collectGarbage()
        #expect(apiError { _ = try store.get(.namespaces, name: "shop") }?.code == 404)
        #expect(summary(await drain(namespaceWatch)) == ["MODIFIED shop", "DELETED shop"])
        // The name is free again.
        try createNamespaces(store, "shop")
    }

    @Test func immortalNamespacesCannotBeDeleted() throws {
        let store = makeStore()
        for name in ["default", "kube-system", "kube-public"] {
            let error = try #require(apiError { _ = try store.delete(.namespaces, name: name) })
            #expect(error.code == 403)
            #expect(error.message == "namespaces \(goQuoted(name)) is forbidden: this namespace may not be deleted")
        }
        _ = try store.delete(.namespaces, name: "kube-node-lease")
        #expect(apiError { _ = try store.get(.namespaces, name: "kube-node-lease") }?.code == 404)
    }

    @Test func aStoreWithoutNamespacesDoesNotEnforceThem() throws {
        let store = ObjectStore(resources: [ResourceDefinition(.configMaps, tracksGeneration: false)])
        _ = try store.create(.configMaps, configMap("c", namespace: "anywhere"))
    }
}
