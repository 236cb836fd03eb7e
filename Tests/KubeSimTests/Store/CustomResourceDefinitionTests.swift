import KubeClient
import Testing
@testable import KubeSim

@Suite struct CustomResourceDefinitionTests {
    @Test func creatingACRDServesItsResource() throws {
        let store = makeStore()
        #expect(store.definition(group: "example.com", plural: "widgets") == nil)
        let crd = try store.create(.customResourceDefinitions, widgetCRD(status: true, scale: true))
        #expect(crdCondition(crd, "Established")?["status"] == "True")
        #expect(crdCondition(crd, "NamesAccepted")?["status"] == "True")
        #expect(crdCondition(crd, "NamesAccepted")?["reason"] == "NoConflicts")
        #expect(crd["status"]?["acceptedNames"]?["kind"] == "Widget")
        #expect(crd["status"]?["acceptedNames"]?["listKind"] == "WidgetList", "defaulted")
        #expect(crd["status"]?["acceptedNames"]?["singular"] == "widget", "defaulted")
        #expect(crd["status"]?["storedVersions"] == ["v1"])
        #expect(crd["spec"]?["conversion"]?["strategy"] == "None")

        let definition = try #require(store.definition(group: "example.com", plural: "widgets"))
        #expect(definition.type == widgetsV1)
        #expect(definition.hasStatus)
        #expect(definition.scale == ScaleSubresource(specReplicasPath: ".spec.size", statusReplicasPath: ".status.size",
                                                     labelSelectorPath: ".status.selector"))
        #expect(!definition.allowUnconditionalUpdate)
        #expect(!definition.supportsStrategicMerge)
        #expect(definition.shortNames == ["wd"])
        #expect(definition.origin == .customResourceDefinition("widgets.example.com"))
    }

    @Test func customObjectsFollowKubesRules() throws {
        let store = makeStore()
        _ = try store.create(.customResourceDefinitions, widgetCRD(status: true))
        var created = try store.create(widgetsV1, widget("w", size: 2))
        #expect(created.generationValue == 1)
        #expect(created["status"] == nil)
        // A PUT needs metadata.resourceVersion for custom resources.
        var unconditional = created
        unconditional.setMetadata("resourceVersion", nil)
        #expect(apiError { _ = try store.update(widgetsV1, unconditional) }?.code == 422)
        created["spec"] = ["size": 3]
        created["status"] = ["size": 3]
        let updated = try store.update(widgetsV1, created)
        #expect(updated.generationValue == 2)
        #expect(updated["status"] == nil, "status only through the subresource")
        var status = updated
        status["status"] = ["size": 3]
        #expect(try store.updateStatus(widgetsV1, status)["status"]?["size"] == 3)
        #expect(try store.get(widgetsV1, namespace: "default", name: "w").generationValue == 2)
    }

    @Test func clusterScopedAndMultiVersion() throws {
        let store = makeStore()
        _ = try store.create(.customResourceDefinitions, widgetCRD(scope: "Cluster", versions: ["v1", "v1beta1"]))
        let v1beta1 = ResourceType(group: "example.com", version: "v1beta1", plural: "widgets", kind: "Widget",
                                   namespaced: false)
        let created = try store.create(v1beta1, widget("w", namespace: nil))
        #expect(created["apiVersion"] == "example.com/v1beta1")
        #expect(created["metadata"]?["namespace"] == nil)
        var v1 = widgetsV1
        v1.namespaced = false
        #expect(try store.get(v1, name: "w")["apiVersion"] == "example.com/v1", "stored once, shown per version")
        #expect(try store.list(v1beta1).items.map(\.name) == ["w"])
        let v2 = ResourceType(group: "example.com", version: "v2", plural: "widgets", kind: "Widget", namespaced: false)
        #expect(apiError { _ = try store.get(v2, name: "w") }?.code == 404)
    }

    /// One way to break a CRD, and the field kube's error names.
    enum Breakage: String, CaseIterable, Sendable {
        case noGroup, noPlural, noKind, noScope, unknownScope, noVersions, nameNotPluralDotGroup, groupWithoutDot

        var field: String {
            switch self {
            case .noGroup, .groupWithoutDot: "spec.group"
            case .noPlural: "spec.names.plural"
            case .noKind: "spec.names.kind"
            case .noScope, .unknownScope: "spec.scope"
            case .noVersions: "spec.versions"
            case .nameNotPluralDotGroup: "metadata.name"
            }
        }

        func apply(_ crd: inout JSONValue) {
            switch self {
            case .noGroup: crd["spec"]?["group"] = nil
            case .noPlural: crd["spec"]?["names"]?["plural"] = nil
            case .noKind: crd["spec"]?["names"]?["kind"] = nil
            case .noScope: crd["spec"]?["scope"] = nil
            case .unknownScope: crd["spec"]?["scope"] = "Galaxy"
            case .noVersions: crd["spec"]?["versions"] = []
            case .nameNotPluralDotGroup: crd.setMetadata("name", "gadgets.example.com")
            case .groupWithoutDot:
                crd["spec"]?["group"] = "example"
                crd.setMetadata("name", "widgets.example")
            }
        }
    }

    @Test(arguments: Breakage.allCases)
    func invalidCRDsAreRejected(_ breakage: Breakage) throws {
        let store = makeStore()
        var crd = widgetCRD()
        breakage.apply(&crd)
        let error = try #require(apiError { _ = try store.create(.customResourceDefinitions, crd) })
        #expect(error.code == 422)
        #expect(error.reason == "Invalid")
        #expect(error.message.hasPrefix("CustomResourceDefinition.apiextensions.k8s.io"))
        #expect(error.status.details?.causes?.contains { $0.field == breakage.field } == true, "\(error.message)")
        #expect(try store.list(.customResourceDefinitions).items.isEmpty)
    }

    @Test func noStorageVersionAndMissingSchemaAreInvalid() throws {
        let store = makeStore()
        var crd = widgetCRD(versions: ["v1", "v2"])
        let versions = crd["spec"]?["versions"]?.arrayValue ?? []
        crd["spec"]?["versions"] = .array(versions.map { version in
            var version = version
            version["storage"] = false
            version["schema"] = nil
            return version
        })
        let error = try #require(apiError { _ = try store.create(.customResourceDefinitions, crd) })
        let causes = error.status.details?.causes ?? []
        #expect(causes.contains { $0.field == "spec.versions" && $0.message?.contains("exactly one version marked as storage") == true })
        #expect(causes.contains { $0.field == "spec.versions[1].schema.openAPIV3Schema" && $0.reason == "FieldValueRequired" })
    }

    @Test func updatingTheCRDUpdatesTheDefinition() throws {
        let store = makeStore()
        var crd = try store.create(.customResourceDefinitions, widgetCRD(status: false))
        #expect(store.definition(group: "example.com", plural: "widgets")?.hasStatus == false)
        let plain = try store.create(widgetsV1, widget("w"))
        #expect(apiError { _ = try store.updateStatus(widgetsV1, plain) }?.code == 404)

        let versions = crd["spec"]?["versions"]?.arrayValue ?? []
        crd["spec"]?["versions"] = .array(versions.map { version in
            var version = version
            version["subresources"] = ["status": [:]]
            return version
        })
        crd = try store.update(.customResourceDefinitions, crd)
        #expect(store.definition(group: "example.com", plural: "widgets")?.hasStatus == true)
        var withStatus = try store.get(widgetsV1, namespace: "default", name: "w")
        withStatus["status"] = ["ready": true]
        #expect(try store.updateStatus(widgetsV1, withStatus)["status"]?["ready"] == true)

        // Scope is immutable once established.
        crd["spec"]?["scope"] = "Cluster"
        let immutable = apiError { _ = try store.update(.customResourceDefinitions, crd) }
        #expect(immutable?.status.details?.causes?.first?.field == "spec.scope")
    }

    @Test func deletingTheCRDDeletesItsObjectsThenStopsServing() async throws {
        let store = makeStore(garbageCollection: .manual)
        _ = try store.create(.customResourceDefinitions, widgetCRD())
        _ = try store.create(widgetsV1, widget("a"))
        var held = widget("b")
        held.setMetadata("finalizers", ["example.com/hold"])
        _ = try store.create(widgetsV1, held)
        let watch = try store.watch(widgetsV1, resourceVersion: store.currentResourceVersion)

        let outcome = try store.delete(.customResourceDefinitions, name: "widgets.example.com")
        #expect(outcome.isPending)
        #expect(outcome.object.finalizers == [StoreState.crdCleanupFinalizer])
        #expect(crdCondition(outcome.object, "Terminating")?["status"] == "True")
        // While terminating: no new objects.
        let refused = apiError { _ = try store.create(widgetsV1, widget("c")) }
        #expect(refused?.code == 405)
        #expect(refused?.message == "create not allowed while custom resource definition is terminating")

        store.collectGarbage()
        #expect(try store.list(widgetsV1).items.map(\.name) == ["b"], "b waits for its finalizer")
        #expect(try store.get(.customResourceDefinitions, name: "widgets.example.com").isBeingDeleted)

        var b = try store.get(widgetsV1, namespace: "default", name: "b")
        b.setFinalizers([])
        _ = try store.update(widgetsV1, b)
        store.collectGarbage()
        #expect(apiError { _ = try store.get(.customResourceDefinitions, name: "widgets.example.com") }?.code == 404)
        #expect(store.definition(group: "example.com", plural: "widgets") == nil)
        #expect(apiError { _ = try store.list(widgetsV1) }?.code == 404)
        #expect(watch.terminationReason == .cancelled, "the watch ended with the resource")
        #expect(summary(await drain(watch)) == ["DELETED a", "MODIFIED b", "DELETED b"])
    }

    @Test func conflictingNamesAreNotAccepted() throws {
        let store = makeStore()
        _ = try store.create(.customResourceDefinitions, widgetCRD())
        var gadgets = widgetCRD(shortNames: ["wd"])
        gadgets.setMetadata("name", "gadgets.example.com")
        gadgets["spec"]?["names"] = ["plural": "gadgets", "kind": "Gadget", "shortNames": ["wd"]]
        let created = try store.create(.customResourceDefinitions, gadgets)
        #expect(crdCondition(created, "NamesAccepted")?["status"] == "False")
        #expect(crdCondition(created, "NamesAccepted")?["reason"] == "ShortNamesConflict")
        #expect(crdCondition(created, "Established")?["status"] == "False")
        #expect(store.definition(group: "example.com", plural: "gadgets") == nil)
        // A CRD may not take over a built-in resource.
        var ingress = widgetCRD()
        ingress.setMetadata("name", "ingresses.networking.k8s.io")
        ingress["spec"]?["group"] = "networking.k8s.io"
        ingress["spec"]?["names"] = ["plural": "ingresses", "kind": "Ingress"]
        let shadow = try store.create(.customResourceDefinitions, ingress)
        #expect(crdCondition(shadow, "NamesAccepted")?["reason"] == "PluralConflict")
        #expect(store.definition(group: "networking.k8s.io", plural: "ingresses")?.origin == .builtIn)
        _ = try store.delete(.customResourceDefinitions, name: "ingresses.networking.k8s.io")
        #expect(store.definition(group: "networking.k8s.io", plural: "ingresses")?.origin == .builtIn)
    }

    @Test func versionOrderPrefersGAThenBetaThenAlpha() {
        let sorted = ["v1alpha1", "v2beta1", "v1", "foo", "v1beta2", "v2", "v1beta1", "v10alpha3"]
            .sorted(by: KubeVersionOrder.isHigherPriority)
        #expect(sorted == ["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v10alpha3", "v1alpha1", "foo"])
    }
}
