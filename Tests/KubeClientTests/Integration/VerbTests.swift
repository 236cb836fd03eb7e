import CurlHTTP
import Foundation
@testable import KubeClient
import Testing
import TestSupport

@Suite("Kubernetes verbs against a scripted server")
struct VerbTests {
    @Test func getTypedObjectSendsTokenAndAccept() async throws {
        let server = try await FakeAPIServer.start(requireToken: "t0ken-abc")
        try server.script("GET", "/api/v1/namespaces/default/configmaps/web", [.json(configMapJSON("web"))])
        let client = makeClient(server)
        let configMap = try await client.resources(ConfigMap.self, namespace: "default").get("web")
        #expect(configMap.metadata.name == "web")
        #expect(configMap.data == ["k": "v"])
        let seen = try #require(try server.requests().first)
        #expect(seen.header("authorization") == "Bearer t0ken-abc")
        #expect(seen.header("accept") == "application/json")
    }

    @Test func customResourcesUseTheirGroupPath() async throws {
        let server = try await FakeAPIServer.start()
        let routes = ResourceType(group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")
        try server.script("GET", "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/web",
                          [.json(#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web"},"spec":{"rules":[{"backendRefs":[{"name":"web-stable","weight":100}]}]}}"#)])
        let route = try await makeClient(server).resources(DynamicObject.self, routes, namespace: "shop").get("web")
        #expect(route.json[path: "spec", "rules"]?.arrayValue?.first?[path: "backendRefs"]?.arrayValue?.first?["weight"] == 100)
        #expect(route.name == "web")
    }

    @Test func clusterScopedAndNamespacedPaths() {
        #expect(ResourceType.namespaces.path(namespace: "ignored", name: "kube-system") == "/api/v1/namespaces/kube-system")
        #expect(ResourceType.replicaSets.path(namespace: "shop", name: "web-abc", subresource: "scale")
                == "/apis/apps/v1/namespaces/shop/replicasets/web-abc/scale")
        #expect(ResourceType.pods.path(namespace: nil) == "/api/v1/pods")
    }

    @Test func namespacedObjectWithoutNamespaceIsACallerError() async throws {
        let server = try await FakeAPIServer.start()
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server).resources(ConfigMap.self).get("web")
        }
        #expect(error?.description.contains("namespace") == true)
        #expect(try server.requests().isEmpty)
    }

    @Test func listPassesSelectorsAndFollowsContinueTokens() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/api/v1/namespaces/default/configmaps", [
            .json(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10","continue":"page-2 token"},"items":[\#(configMapJSON("a"))]}"#),
            .json(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[\#(configMapJSON("b")),\#(configMapJSON("c"))]}"#),
        ])
        let list = try await makeClient(server).resources(ConfigMap.self, namespace: "default")
            .listAll(ListOptions(labelSelector: "app=web,tier in (a,b)", fieldSelector: "metadata.name!=x"), pageSize: 1)
        #expect(list.items.map(\.metadata.name) == ["a", "b", "c"])
        #expect(list.metadata.resourceVersion == "10")
        let queries = try server.requests().map(\.queryItems)
        #expect(queries.count == 2)
        #expect(queries[0]["labelSelector"] == "app=web,tier in (a,b)")
        #expect(queries[0]["fieldSelector"] == "metadata.name!=x")
        #expect(queries[0]["limit"] == "1")
        #expect(queries[0]["continue"] == nil)
        #expect(queries[1]["continue"] == "page-2 token")
    }

    @Test func expiredContinueTokenIsTheExpiredError() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/api/v1/namespaces/default/configmaps", [
            .json(#"{"metadata":{"continue":"old"},"items":[]}"#),
            .status(code: 410, reason: "Expired", message: "The provided continue parameter is too old"),
        ])
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default").listAll(pageSize: 1)
        }
        #expect(error?.isExpired == true)
    }

    @Test func createFillsKindAndAPIVersion() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("POST", "/api/v1/namespaces/default/configmaps", [.json(status: 201, configMapJSON("new"))])
        let created = try await makeClient(server).resources(ConfigMap.self, namespace: "default")
            .create(ConfigMap(name: "new", data: ["k": "v"]), fieldManager: "sluice")
        #expect(created.metadata.resourceVersion == "1")
        let seen = try #require(try server.requests().first)
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(seen.body.utf8))
        #expect(body["apiVersion"] == "v1")
        #expect(body["kind"] == "ConfigMap")
        #expect(body[path: "metadata", "name"] == "new")
        #expect(seen.header("content-type") == "application/json")
        #expect(seen.queryItems["fieldManager"] == "sluice")
    }

    @Test func staleUpdateIsAConflictWithTheServersStatus() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("PUT", "/api/v1/namespaces/default/configmaps/web", [
            .json(status: 409, #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"web\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"web","kind":"configmaps"},"code":409}"#),
        ])
        var stale = ConfigMap(name: "web", data: ["k": "v2"])
        stale.metadata.resourceVersion = "3"
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default").update(stale)
        }
        #expect(error?.isConflict == true)
        #expect(error?.status?.reason == "Conflict")
        #expect(error?.status?.details?.name == "web")
        #expect(error?.description.contains("PUT /api/v1/namespaces/default/configmaps/web") == true)
        // A conflict is an answer, not a transient failure: sent once.
        #expect(try server.requests().count == 1)
    }

    @Test func statusSubresourceIsAddressed() async throws {
        let server = try await FakeAPIServer.start()
        let rollouts = ResourceType(group: "sluice.dev", version: "v1alpha1", plural: "rollouts", kind: "Rollout")
        try server.script("PUT", "/apis/sluice.dev/v1alpha1/namespaces/ml/rollouts/fraud/status", [.json(#"{"metadata":{"name":"fraud"},"status":{"phase":"Healthy"}}"#)])
        let object = DynamicObject(["metadata": ["name": "fraud", "namespace": "ml"], "status": ["phase": "Healthy"]])
        let updated = try await makeClient(server).resources(DynamicObject.self, rollouts, namespace: "ml").updateStatus(object)
        #expect(updated.json[path: "status", "phase"] == "Healthy")
        #expect(try server.requests().first?.path == "/apis/sluice.dev/v1alpha1/namespaces/ml/rollouts/fraud/status")
    }

    @Test func deleteSendsPropagationPolicyAndPreconditions() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("DELETE", "/apis/apps/v1/namespaces/shop/replicasets/web-1", [.json(#"{"kind":"Status","status":"Success"}"#)])
        try await makeClient(server).resources(DynamicObject.self, .replicaSets, namespace: "shop")
            .delete("web-1", options: DeleteOptions(propagationPolicy: .foreground, preconditions: .init(uid: "u-1")))
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(try server.requests().first).body.utf8))
        #expect(body["propagationPolicy"] == "Foreground")
        #expect(body[path: "preconditions", "uid"] == "u-1")
        #expect(body["kind"] == "DeleteOptions")
    }

    @Test(arguments: [
        (Patch.merge(["metadata": ["labels": ["a": "b"]]]), "application/merge-patch+json", #"{"metadata":{"labels":{"a":"b"}}}"#),
        (Patch.json([.test("/metadata/resourceVersion", "5"), .replace("/spec/replicas", 3)]), "application/json-patch+json",
         #"[{"op":"test","path":"/metadata/resourceVersion","value":"5"},{"op":"replace","path":"/spec/replicas","value":3}]"#),
        (Patch.strategicMerge(["spec": ["replicas": 2]]), "application/strategic-merge-patch+json", #"{"spec":{"replicas":2}}"#),
    ])
    func patchKindsSendTheirContentType(patch: Patch, contentType: String, body: String) async throws {
        let server = try await FakeAPIServer.start()
        try server.script("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", [.json(#"{"metadata":{"name":"web"}}"#)])
        _ = try await makeClient(server).resources(DynamicObject.self, .deployments, namespace: "shop")
            .patch("web", patch, fieldManager: "sluice")
        let seen = try #require(try server.requests().first)
        #expect(seen.header("content-type") == contentType)
        #expect(seen.body == body)
        #expect(seen.queryItems["fieldManager"] == "sluice")
    }

    @Test func serverSideApplySendsFieldManagerAndForce() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("PATCH", "/api/v1/namespaces/default/configmaps/web", [.json(configMapJSON("web"))])
        _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default")
            .apply(ConfigMap(name: "web", data: ["k": "v"]), fieldManager: "sluice-controller", force: true)
        let seen = try #require(try server.requests().first)
        #expect(seen.header("content-type") == "application/apply-patch+yaml")
        #expect(seen.queryItems["fieldManager"] == "sluice-controller")
        #expect(seen.queryItems["force"] == "true")
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(seen.body.utf8))
        #expect(body["kind"] == "ConfigMap")
    }

    @Test func applyConflictIsReportedWithItsCauses() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("PATCH", "/api/v1/namespaces/default/configmaps/web", [
            .json(status: 409, #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Apply failed with 1 conflict: conflict with \"kubectl\": .data.k","reason":"Conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl\"","field":".data.k"}]},"code":409}"#),
        ])
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default")
                .apply(ConfigMap(name: "web", data: ["k": "x"]), fieldManager: "sluice")
        }
        #expect(error?.status?.details?.causes?.first?.field == ".data.k")
    }

    @Test func scaleSubresource() async throws {
        let server = try await FakeAPIServer.start()
        let scale = #"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web"},"spec":{"replicas":4},"status":{"replicas":3,"selector":"app=web"}}"#
        try server.script("GET", "/apis/apps/v1/namespaces/shop/replicasets/web/scale", [.json(scale)])
        try server.script("PATCH", "/apis/apps/v1/namespaces/shop/replicasets/web/scale", [.json(scale)])
        let replicaSets = makeClient(server).resources(DynamicObject.self, .replicaSets, namespace: "shop")
        let current = try await replicaSets.scale("web")
        #expect(current.spec.replicas == 4)
        #expect(current.status?.selector == "app=web")
        _ = try await replicaSets.setScale("web", replicas: 4)
        #expect(try server.requests().last?.body == #"{"spec":{"replicas":4}}"#)
    }

    @Test func discoveryTellsWhetherAResourceIsServed() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/apis/gateway.networking.k8s.io/v1", [.json(#"{"kind":"APIResourceList","groupVersion":"gateway.networking.k8s.io/v1","resources":[{"name":"httproutes","singularName":"httproute","namespaced":true,"kind":"HTTPRoute","verbs":["get","list","watch"]},{"name":"httproutes/status","singularName":"","namespaced":true,"kind":"HTTPRoute","verbs":["get"]}]}"#)])
        let client = makeClient(server)
        #expect(try await client.resourceExists(ResourceType(group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")))
        #expect(try await !client.resourceExists(ResourceType(group: "gateway.networking.k8s.io", version: "v1", plural: "grpcroutes", kind: "GRPCRoute")))
        #expect(try await !client.resourceExists(ResourceType(group: "networking.istio.io", version: "v1", plural: "virtualservices", kind: "VirtualService")))
    }

    @Test func nonStatusErrorBodiesBecomeAStatus() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/version", [FakeResponse(status: 502, headers: ["Content-Type": "text/html"], body: "<html>Bad Gateway</html>")])
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server, retry: .none).serverVersion()
        }
        #expect(error?.code == 502)
        #expect(error?.status?.message == "<html>Bad Gateway</html>")
    }
}
