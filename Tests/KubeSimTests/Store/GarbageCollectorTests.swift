import KubeClient
import Testing
@testable import KubeSim

@Suite struct FinalizerTests {
    @Test func finalizersDelayDeletion() async throws {
        let store = makeStore()
        var body = configMap("c")
        body.setMetadata("finalizers", ["example.com/cleanup"])
        let created = try store.create(.configMaps, body)
        let watch = try store.watch(.configMaps, resourceVersion: created.rv)

        let outcome = try store.delete(.configMaps, namespace: "default", name: "c")
        #expect(outcome.isPending)
        #expect(outcome.object["metadata"]?["deletionTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(outcome.object["metadata"]?["deletionGracePeriodSeconds"] == 0)
        var current = try store.get(.configMaps, namespace: "default", name: "c")
        #expect(current == outcome.object)

        // Deleting again changes nothing.
        let again = try store.delete(.configMaps, namespace: "default", name: "c")
        #expect(again.isPending)
        #expect(again.object.rv == current.rv)

        // No new finalizers on an object being deleted.
        var adding = current
        adding.setMetadata("finalizers", ["example.com/cleanup", "other"])
        let forbidden = apiError { _ = try store.update(.configMaps, adding) }
        #expect(forbidden?.code == 422)
        #expect(forbidden?.status.details?.causes?.first?.reason == "FieldValueForbidden")

        // Emptying the finalizers removes it.
        current.setMetadata("finalizers", nil)
        _ = try store.update(.configMaps, current)
        let missing = apiError { _ = try store.get(.configMaps, namespace: "default", name: "c") }
        #expect(missing?.code == 404)
        #expect(summary(await drain(watch)) == ["MODIFIED c", "DELETED c"])
    }

    @Test func deletePreconditions() throws {
        let store = makeStore()
        let object = try store.create(.configMaps, configMap("c"))
        let uidError = apiError {
            _ = try store.delete(.configMaps, namespace: "default", name: "c", options: DeleteOptions(preconditionUID: "nope"))
        }
        #expect(uidError?.code == 409)
        #expect(uidError?.message == #"Operation cannot be fulfilled on configmaps "c": Precondition failed: UID in precondition: nope, UID in object meta: \#(firstTestUID)"#)
        let versionError = apiError {
            _ = try store.delete(.configMaps, namespace: "default", name: "c", options: DeleteOptions(preconditionResourceVersion: "1"))
        }
        #expect(versionError?.code == 409)
        let outcome = try store.delete(.configMaps, namespace: "default", name: "c",
                                       options: DeleteOptions(preconditionUID: object.uid, preconditionResourceVersion: object.rv))
        #expect(!outcome.isPending)
        #expect(Int(outcome.object.rv)! > Int(object.rv)!)
    }
}

@Suite struct GarbageCollectorTests {
    /// An owner ConfigMap with two dependent Deployments (one blocking).
    func setUp(_ store: ObjectStore) throws -> String {
        let owner = try store.create(.configMaps, configMap("owner"))
        let uid = try #require(owner["metadata"]?["uid"]?.stringValue)
        _ = try store.create(.deployments, deployment("d1", ownerUID: uid, block: true))
        _ = try store.create(.deployments, deployment("d2", ownerUID: uid))
        _ = try store.create(.deployments, deployment("unrelated"))
        return uid
    }

    @Test func backgroundDeletesDependentsAfterTheOwner() async throws {
        let store = makeStore(garbageCollection: .manual)
        _ = try setUp(store)
        let watch = try store.watch(.deployments, resourceVersion: store.currentResourceVersion)
        let outcome = try store.delete(.configMaps, namespace: "default", name: "owner")
        #expect(!outcome.isPending)
        #expect(try store.list(.deployments).items.count == 3, "manual mode: nothing collected yet")
        #expect(store.collectGarbage() == 2)
        #expect(try store.list(.deployments).items.map(\.name) == ["unrelated"])
        #expect(store.collectGarbage() == 0)
        #expect(summary(await drain(watch)) == ["DELETED d1", "DELETED d2"])
    }

    @Test func synchronousModeCollectsImmediately() throws {
        let store = makeStore(garbageCollection: .synchronous)
        _ = try setUp(store)
        _ = try store.delete(.configMaps, namespace: "default", name: "owner",
                             options: DeleteOptions(propagationPolicy: .background))
        #expect(try store.list(.deployments).items.map(\.name) == ["unrelated"])
    }

    @Test func orphanRemovesOwnerReferences() async throws {
        let store = makeStore()
        _ = try setUp(store)
        let watch = try store.watch(.configMaps, resourceVersion: store.currentResourceVersion)
        let outcome = try store.delete(.configMaps, namespace: "default", name: "owner",
                                       options: DeleteOptions(propagationPolicy: .orphan))
        #expect(outcome.isPending, "the orphan finalizer holds the owner until dependents are released")
        #expect(outcome.object.finalizers == ["orphan"])
        let remaining = try store.list(.deployments).items
        #expect(remaining.map(\.name) == ["d1", "d2", "unrelated"])
        #expect(remaining.allSatisfy { $0["metadata"]?["ownerReferences"] == nil })
        let gone = apiError { _ = try store.get(.configMaps, namespace: "default", name: "owner") }
        #expect(gone?.code == 404)
        #expect(summary(await drain(watch)) == ["MODIFIED owner", "DELETED owner"])
    }

    @Test func foregroundDeletesDependentsFirst() async throws {
        let store = makeStore(garbageCollection: .manual)
        _ = try setUp(store)
        let configMaps = try store.watch(.configMaps, resourceVersion: store.currentResourceVersion)
        let deployments = try store.watch(.deployments, resourceVersion: store.currentResourceVersion)
        let outcome = try store.delete(.configMaps, namespace: "default", name: "owner",
                                       options: DeleteOptions(propagationPolicy: .foreground))
        #expect(outcome.isPending)
        #expect(outcome.object.finalizers == ["foregroundDeletion"])
        #expect(outcome.object["metadata"]?["deletionTimestamp"] != nil)
        store.collectGarbage()
        #expect(try store.list(.deployments).items.map(\.name) == ["unrelated"])
        #expect(try store.list(.configMaps).items.isEmpty)
        #expect(summary(await drain(configMaps)) == ["MODIFIED owner", "DELETED owner"])
        #expect(summary(await drain(deployments)) == ["DELETED d1", "DELETED d2"])
    }

    @Test func foregroundWaitsForBlockingDependentWithFinalizer() throws {
        let store = makeStore()
        let owner = try store.create(.configMaps, configMap("owner"))
        let uid = try #require(owner["metadata"]?["uid"]?.stringValue)
        var blocker = deployment("blocker", ownerUID: uid, block: true)
        blocker.setMetadata("finalizers", ["example.com/hold"])
        _ = try store.create(.deployments, blocker)
        _ = try store.delete(.configMaps, namespace: "default", name: "owner",
                             options: DeleteOptions(propagationPolicy: .foreground))
        // The dependent is being deleted but held by its finalizer, so the owner waits.
        var held = try store.get(.deployments, namespace: "default", name: "blocker")
        #expect(held["metadata"]?["deletionTimestamp"] != nil)
        #expect(try store.get(.configMaps, namespace: "default", name: "owner").finalizers == ["foregroundDeletion"])
        held.setMetadata("finalizers", nil)
        _ = try store.update(.deployments, held)
        #expect(try store.list(.deployments).items.isEmpty)
        #expect(try store.list(.configMaps).items.isEmpty)
    }

    @Test func danglingReferenceNextToLiveOwnerIsRemoved() throws {
        let store = makeStore()
        let a = try store.create(.configMaps, configMap("a"))
        let b = try store.create(.configMaps, configMap("b"))
        var body = deployment("d")
        body.setMetadata("ownerReferences", [
            ["apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": a["metadata"]!["uid"]!],
            ["apiVersion": "v1", "kind": "ConfigMap", "name": "b", "uid": b["metadata"]!["uid"]!],
        ])
        _ = try store.create(.deployments, body)
        _ = try store.delete(.configMaps, namespace: "default", name: "a")
        let d = try store.get(.deployments, namespace: "default", name: "d")
        #expect(d.ownerReferences.count == 1)
        #expect(d.ownerReferences.first?["name"] == "b")
    }

    @Test func chainsCascade() throws {
        let store = makeStore()
        let root = try store.create(.configMaps, configMap("root"))
        let rootUID = root["metadata"]!["uid"]!
        var middle = configMap("middle")
        middle.setMetadata("ownerReferences", [["apiVersion": "v1", "kind": "ConfigMap", "name": "root", "uid": rootUID]])
        let middleUID = try store.create(.configMaps, middle)["metadata"]!["uid"]!
        var leaf = configMap("leaf")
        leaf.setMetadata("ownerReferences", [["apiVersion": "v1", "kind": "ConfigMap", "name": "middle", "uid": middleUID]])
        _ = try store.create(.configMaps, leaf)
        _ = try store.delete(.configMaps, namespace: "default", name: "root")
        #expect(try store.list(.configMaps).items.isEmpty)
    }
}
