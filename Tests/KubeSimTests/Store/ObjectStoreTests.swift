import KubeClient
import Testing
@testable import KubeSim

@Suite struct ObjectStoreCRUDTests {
    @Test func createAssignsSystemFields() throws {
        let store = makeStore()
        let created = try store.create(.deployments, deployment("web"))
        #expect(created["metadata"]?["uid"] == .string(firstTestUID))
        #expect(created["metadata"]?["creationTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(created.rv == "2")
        #expect(created.generationValue == 1)
        #expect(created["apiVersion"] == "apps/v1")
        #expect(created["kind"] == "Deployment")
        #expect(try store.get(.deployments, namespace: "default", name: "web") == created)
        // ConfigMaps carry no generation, like kube.
        #expect(try store.create(.configMaps, configMap("c")).generationValue == nil)
    }

    @Test func resourceVersionIsGlobalAndMonotonic() throws {
        let store = makeStore()
        try createNamespaces(store, "other")
        var versions: [Int] = []
        versions.append(Int(try store.create(.configMaps, configMap("a")).rv)!)
        versions.append(Int(try store.create(.deployments, deployment("d")).rv)!)
        versions.append(Int(try store.create(.configMaps, configMap("b", namespace: "other")).rv)!)
        var updated = try store.get(.deployments, namespace: "default", name: "d")
        updated["spec"] = ["replicas": 3]
        versions.append(Int(try store.update(.deployments, namespace: "default", updated).rv)!)
        versions.append(Int(try store.delete(.configMaps, namespace: "default", name: "a").object.rv)!)
        #expect(versions == versions.sorted())
        #expect(Set(versions).count == versions.count)
        #expect(store.currentResourceVersion == String(versions.last!))
        #expect(try store.list(.configMaps).resourceVersion == store.currentResourceVersion)
    }

    @Test func notFoundAndAlreadyExists() throws {
        let store = makeStore()
        let missing = apiError { _ = try store.get(.configMaps, namespace: "default", name: "x") }
        #expect(missing?.code == 404)
        #expect(missing?.reason == "NotFound")
        #expect(missing?.message == #"configmaps "x" not found"#)
        #expect(missing?.status.details == Status.Details(name: "x", group: "", kind: "configmaps"))
        let missingDeployment = apiError { _ = try store.get(.deployments, namespace: "default", name: "x") }
        #expect(missingDeployment?.message == #"deployments.apps "x" not found"#)

        _ = try store.create(.configMaps, configMap("x"))
        let duplicate = apiError { _ = try store.create(.configMaps, configMap("x")) }
        #expect(duplicate?.code == 409)
        #expect(duplicate?.reason == "AlreadyExists")
        #expect(duplicate?.message == #"configmaps "x" already exists"#)

        let unknown = apiError { _ = try store.get(ResourceType(group: "x.io", version: "v1", plural: "foos", kind: "Foo"), name: "a") }
        #expect(unknown?.code == 404)
        #expect(unknown?.message == "the server could not find the requested resource")
    }

    @Test func generateNameRetriesCollisions() throws {
        let store = makeStore(nameSuffixes: ["abcde", "abcde", "fghij"])
        let first = try store.create(.configMaps, ["metadata": ["generateName": "web-", "namespace": "default"]])
        #expect(first.name == "web-abcde")
        let second = try store.create(.configMaps, ["metadata": ["generateName": "web-", "namespace": "default"]])
        #expect(second.name == "web-fghij")
        let random = try store.create(.configMaps, ["metadata": ["generateName": "x-", "namespace": "default"]])
        #expect(random.name.count == 7)
        #expect(random.name.hasPrefix("x-"))
    }

    @Test func invalidNameIs422WithCause() throws {
        let store = makeStore()
        let error = apiError { _ = try store.create(.configMaps, configMap("Bad_Name")) }
        #expect(error?.code == 422)
        #expect(error?.reason == "Invalid")
        #expect(error?.message.hasPrefix(#"ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain"#) == true)
        #expect(error?.status.details?.kind == "ConfigMap")
        #expect(error?.status.details?.name == "Bad_Name")
        #expect(error?.status.details?.causes?.first?.field == "metadata.name")
        #expect(error?.status.details?.causes?.first?.reason == "FieldValueInvalid")

        let noName = apiError { _ = try store.create(.configMaps, ["metadata": ["namespace": "default"]]) }
        #expect(noName?.code == 422)
        #expect(noName?.status.details?.causes == [
            Status.Cause(reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                         field: "metadata.name"),
        ])

        let deploymentError = apiError { _ = try store.create(.deployments, deployment("a..b")) }
        #expect(deploymentError?.message.hasPrefix(#"Deployment.apps "a..b" is invalid"#) == true)

        let badLabel = apiError { _ = try store.create(.configMaps, configMap("ok", labels: ["a": "-no-"])) }
        #expect(badLabel?.status.details?.causes?.first?.field == "metadata.labels")
    }

    @Test func namespaceRules() throws {
        let store = makeStore()
        try createNamespaces(store, "team", "other")
        // From the request when the body has none.
        let created = try store.create(.configMaps, namespace: "team", configMap("a", namespace: nil))
        #expect(created["metadata"]?["namespace"] == "team")
        let mismatch = apiError { _ = try store.create(.configMaps, namespace: "team", configMap("b", namespace: "other")) }
        #expect(mismatch?.code == 400)
        #expect(mismatch?.message == "the namespace of the provided object does not match the namespace sent on the request")
        let none = apiError { _ = try store.create(.configMaps, configMap("c", namespace: nil)) }
        #expect(none?.code == 422)
        #expect(none?.status.details?.causes?.first?.field == "metadata.namespace")
        // Cluster-scoped objects lose any namespace.
        let namespace = try store.create(.namespaces, ["metadata": ["name": "squad", "namespace": "x"]])
        #expect(namespace["metadata"]?["namespace"] == nil)
        #expect(try store.get(.namespaces, name: "squad") == namespace)
    }
}

@Suite struct ObjectStoreUpdateTests {
    @Test func generationBumpsOnlyOnSpecChange() throws {
        let store = makeStore()
        var object = try store.create(.deployments, deployment("web"))
        #expect(object.generationValue == 1)

        object.setMetadata("labels", ["app": "web"])
        object = try store.update(.deployments, object)
        #expect(object.generationValue == 1, "metadata change")

        object["spec"] = ["replicas": 5]
        object = try store.update(.deployments, object)
        #expect(object.generationValue == 2, "spec change")

        object["status"] = ["replicas": 5]
        object = try store.updateStatus(.deployments, object)
        #expect(object.generationValue == 2, "status change")
        #expect(object["status"] == ["replicas": 5])
    }

    @Test func statusSubresourceSeparation() throws {
        let store = makeStore()
        var body = deployment("web")
        body["status"] = ["replicas": 9]
        var object = try store.create(.deployments, body)
        #expect(object["status"] == nil, "create drops status when there is a status subresource")

        // A plain update ignores status changes.
        object["status"] = ["replicas": 7]
        object["spec"] = ["replicas": 2]
        object = try store.update(.deployments, object)
        #expect(object["status"] == nil)
        #expect(object["spec"] == ["replicas": 2])

        // The status update takes only status.
        var statusBody = object
        statusBody["spec"] = ["replicas": 100]
        statusBody["status"] = ["replicas": 2]
        statusBody.setMetadata("labels", ["sneaky": "yes"])
        object = try store.updateStatus(.deployments, statusBody)
        #expect(object["spec"] == ["replicas": 2])
        #expect(object["status"] == ["replicas": 2])
        #expect(object["metadata"]?["labels"] == nil)

        // Without a status subresource, status is ordinary content.
        let configMaps = apiError { _ = try store.updateStatus(.configMaps, configMap("x")) }
        #expect(configMaps?.code == 404)
    }

    @Test func staleUpdateIsConflict() throws {
        let store = makeStore()
        let original = try store.create(.configMaps, configMap("c", data: ["k": "1"]))
        var first = original
        first["data"] = ["k": "2"]
        _ = try store.update(.configMaps, first)
        var stale = original
        stale["data"] = ["k": "3"]
        let error = apiError { _ = try store.update(.configMaps, stale) }
        #expect(error?.code == 409)
        #expect(error?.reason == "Conflict")
        #expect(error?.message == #"Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again"#)
        #expect(error?.status.details == Status.Details(name: "c", group: "", kind: "configmaps"))

        // No resourceVersion: unconditional.
        stale.setMetadata("resourceVersion", nil)
        #expect(try store.update(.configMaps, stale)["data"] == ["k": "3"])
    }

    @Test func unconditionalUpdateCanBeForbidden() throws {
        let widgets = ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget")
        let store = makeStore(extra: [ResourceDefinition(widgets, hasStatus: true, allowUnconditionalUpdate: false)])
        var object = try store.create(widgets, ["metadata": ["name": "w", "namespace": "default"], "spec": ["a": 1]])
        object.setMetadata("resourceVersion", nil)
        let error = apiError { _ = try store.update(widgets, object) }
        #expect(error?.code == 422)
        #expect(error?.message == #"widgets.example.com "w" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"#)
    }

    @Test func noOpUpdateKeepsVersionAndEmitsNothing() async throws {
        let store = makeStore()
        let object = try store.create(.configMaps, configMap("c", data: ["k": "v"]))
        let watch = try store.watch(.configMaps, resourceVersion: object.rv)
        let again = try store.update(.configMaps, object)
        #expect(again.rv == object.rv)
        #expect(store.currentResourceVersion == object.rv)
        var unversioned = object
        unversioned.setMetadata("resourceVersion", nil)
        #expect(try store.update(.configMaps, unversioned).rv == object.rv)
        #expect(await drain(watch).isEmpty)
    }

    @Test func immutableFieldsKept() throws {
        let store = makeStore()
        let object = try store.create(.configMaps, configMap("c"))
        var body = object
        body.setMetadata("uid", nil)
        body.setMetadata("creationTimestamp", "2000-01-01T00:00:00Z")
        body["data"] = ["x": "y"]
        let updated = try store.update(.configMaps, body)
        #expect(updated["metadata"]?["uid"] == object["metadata"]?["uid"])
        #expect(updated["metadata"]?["creationTimestamp"] == object["metadata"]?["creationTimestamp"])

        var otherUID = updated
        otherUID.setMetadata("uid", "zzz")
        let uidError = apiError { _ = try store.update(.configMaps, otherUID) }
        #expect(uidError?.code == 422)
        #expect(uidError?.status.details?.causes?.first?.field == "metadata.uid")

        let nameError = apiError { _ = try store.update(.configMaps, namespace: "default", name: "other", updated) }
        #expect(nameError?.code == 400)
        #expect(nameError?.message == "the name of the object (c) does not match the name on the URL (other)")

        let missing = apiError { _ = try store.update(.configMaps, configMap("nope")) }
        #expect(missing?.code == 404)
    }

    @Test func createOnUpdateForLeases() throws {
        let store = makeStore()
        let lease = try store.update(.leases, namespace: "default", name: "leader",
                                     ["metadata": ["name": "leader"], "spec": ["holderIdentity": "me"]])
        #expect(lease["metadata"]?["uid"] != nil)
        #expect(lease["spec"]?["holderIdentity"] == "me")
    }
}

@Suite struct ObjectStoreListTests {
    @Test func selectorsAndNamespaces() throws {
        let store = makeStore()
        try createNamespaces(store, "ns1", "ns2")
        _ = try store.create(.configMaps, configMap("a", namespace: "ns1", labels: ["app": "web"]))
        _ = try store.create(.configMaps, configMap("b", namespace: "ns1", labels: ["app": "db"]))
        _ = try store.create(.configMaps, configMap("c", namespace: "ns2", labels: ["app": "web"]))
        #expect(try store.list(.configMaps).items.map(\.name) == ["a", "b", "c"])
        #expect(try store.list(.configMaps, namespace: "ns1").items.map(\.name) == ["a", "b"])
        #expect(try store.list(.configMaps, labelSelector: try LabelSelector(parsing: "app=web")).items.map(\.name) == ["a", "c"])
        #expect(try store.list(.configMaps, fieldSelector: try FieldSelector(parsing: "metadata.namespace!=ns1")).items.map(\.name) == ["c"])
        let json = try store.list(.configMaps).json(for: .configMaps)
        #expect(json["kind"] == "ConfigMapList")
        #expect(json["metadata"]?["resourceVersion"] == .string(store.currentResourceVersion))
    }

    @Test func pagingIsConsistentAcrossWrites() throws {
        let store = makeStore()
        for name in ["e", "a", "d", "b", "c"] { _ = try store.create(.configMaps, configMap(name)) }
        let first = try store.list(.configMaps, limit: 2)
        #expect(first.items.map(\.name) == ["a", "b"])
        #expect(first.remainingItemCount == 3)
        let token = try #require(first.continueToken)

        // Writes between pages do not show up: the pages come from the first page's snapshot.
        _ = try store.create(.configMaps, configMap("bb"))
        _ = try store.delete(.configMaps, namespace: "default", name: "d")
        var c = try store.get(.configMaps, namespace: "default", name: "c")
        c["data"] = ["changed": "yes"]
        _ = try store.update(.configMaps, c)

        let second = try store.list(.configMaps, limit: 2, continue: token)
        #expect(second.items.map(\.name) == ["c", "d"])
        #expect(second.items[0]["data"] == [:], "the snapshot's version of c")
        #expect(second.resourceVersion == first.resourceVersion)
        let third = try store.list(.configMaps, limit: 2, continue: second.continueToken)
        #expect(third.items.map(\.name) == ["e"])
        #expect(third.continueToken == nil)

        // A fresh list sees the new state.
        #expect(try store.list(.configMaps).items.map(\.name) == ["a", "b", "bb", "c", "e"])
    }

    @Test func pagingWithSelector() throws {
        let store = makeStore()
        for index in 0..<6 {
            _ = try store.create(.configMaps, configMap("c\(index)", labels: ["even": index % 2 == 0 ? "yes" : "no"]))
        }
        let selector = try LabelSelector(parsing: "even=yes")
        let first = try store.list(.configMaps, labelSelector: selector, limit: 2)
        #expect(first.items.map(\.name) == ["c0", "c2"])
        #expect(first.remainingItemCount == nil)
        let second = try store.list(.configMaps, labelSelector: selector, limit: 2, continue: first.continueToken)
        #expect(second.items.map(\.name) == ["c4"])
        #expect(second.continueToken == nil)
    }

    @Test func expiredContinueIs410WithInconsistentToken() throws {
        let store = makeStore(historyCapacity: 3)
        for name in ["a", "b", "c"] { _ = try store.create(.configMaps, configMap(name)) }
        let first = try store.list(.configMaps, limit: 1)
        for index in 0..<4 { _ = try store.create(.secrets, ["metadata": ["name": .string("s\(index)"), "namespace": "default"]]) }
        let error = apiError { _ = try store.list(.configMaps, limit: 1, continue: first.continueToken) }
        #expect(error?.code == 410)
        #expect(error?.reason == "Expired")
        #expect(error?.message == APIError.continueExpiredMessage)
        // kube's inconsistent continuation: the remainder from the current state.
        let token = try #require(error?.status.metadata?.continue)
        let rest = try store.list(.configMaps, continue: token)
        #expect(rest.items.map(\.name) == ["b", "c"])
        #expect(rest.resourceVersion == store.currentResourceVersion)
    }

    @Test func malformedContinueIsBadRequest() {
        let store = makeStore()
        let error = apiError { _ = try store.list(.configMaps, continue: "!!!") }
        #expect(error?.code == 400)
        #expect(error?.message.hasPrefix("invalid continue token") == true)
    }
}
