import CurlHTTP
import Foundation
import KubeClient
import Testing
@testable import KubeSim

private let crdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
private let httpRoutes = RouterResources.httpRoutes

private func httpRoute(_ name: String) -> DynamicObject {
    DynamicObject([
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": ["name": .string(name), "namespace": "default"],
        "spec": [
            "parentRefs": [["name": "gateway"]],
            "hostnames": ["shop.example.com"],
            "rules": [["backendRefs": [["name": "web-stable", "port": 80, "weight": 100]]]],
        ],
    ])
}

@Suite("KubeSim HTTP: custom resources, namespaces, dry runs, read versions", .serialized)
struct CustomResourceServerTests {
    @Test func upstreamHTTPRouteCRDThenHTTPRouteCRUD() async throws {
        try await withServer { _, client, url in
            // The upstream CRD, as YAML.
            let (code, crd) = try await raw(url + crdsPath, method: .post, contentType: "application/yaml",
                                            body: try httpRouteCRDFixture())
            #expect(code == 201)
            #expect(crdCondition(try #require(crd), "Established")?["status"] == "True")
            #expect(crd?["status"]?["acceptedNames"]?["kind"] == "HTTPRoute")
            #expect(crd?["status"]?["storedVersions"] == ["v1"])

            // Discovery.
            let (_, groups) = try await raw(url + "/apis")
            let group = groups?["groups"]?.arrayValue?.first { $0["name"] == "gateway.networking.k8s.io" }
            #expect(group?["versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue } == ["v1", "v1beta1"])
            #expect(group?["preferredVersion"]?["version"] == "v1")
            let (groupCode, _) = try await raw(url + "/apis/gateway.networking.k8s.io")
            #expect(groupCode == 200)
            let (_, resources) = try await raw(url + "/apis/gateway.networking.k8s.io/v1beta1")
            let listed = resources?["resources"]?.arrayValue ?? []
            let main = listed.first { $0["name"] == "httproutes" }
            #expect(main?["singularName"] == "httproute")
            #expect(main?["categories"] == ["gateway-api"])
            #expect(main?["namespaced"] == true)
            #expect(listed.contains { $0["name"] == "httproutes/status" })

            // CRUD through the client.
            let routes = client.resources(DynamicObject.self, httpRoutes, namespace: "default")
            let created = try await routes.create(httpRoute("shop"))
            #expect(created.json["metadata"]?["generation"] == 1)
            #expect(try await routes.list().items.map(\.name) == ["shop"])
            let patched = try await routes.patch("shop", .merge(["spec": ["hostnames": ["www.example.com"]]]))
            #expect(patched.json["spec"]?["hostnames"] == ["www.example.com"])
            #expect(patched.json["metadata"]?["generation"] == 2)
            var withStatus = patched
            withStatus.json["status"] = ["parents": [["controllerName": "example.com/gateway", "parentRef": ["name": "gateway"]]]]
            let statusUpdated = try await routes.updateStatus(withStatus)
            #expect(statusUpdated.json["status"]?["parents"]?.arrayValue?.count == 1)
            #expect(statusUpdated.json["metadata"]?["generation"] == 2)

            let strategic = await kubeError { _ = try await routes.patch("shop", .strategicMerge(["spec": ["hostnames": []]])) }
            #expect(strategic?.code == 415)
            var unconditional = statusUpdated
            unconditional.json["metadata"]?["resourceVersion"] = nil
            #expect(await kubeError { _ = try await routes.update(unconditional) }?.code == 422)

            // The same object through the other served version.
            var beta = httpRoutes
            beta.version = "v1beta1"
            let viaBeta = try await client.resources(DynamicObject.self, beta, namespace: "default").get("shop")
            #expect(viaBeta.json["apiVersion"] == "gateway.networking.k8s.io/v1beta1")
            #expect(viaBeta.json["spec"] == statusUpdated.json["spec"])

            try await routes.delete("shop")
            #expect(await kubeError { _ = try await routes.get("shop") }?.isNotFound == true)

            // Deleting the CRD removes its objects and its endpoints.
            _ = try await routes.create(httpRoute("again"))
            let (deleteCode, _) = try await raw(url + crdsPath + "/httproutes.gateway.networking.k8s.io", method: .delete)
            #expect(deleteCode == 200)
            let (gone, _) = try await raw(url + "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes")
            #expect(gone == 404)
            let (groupGone, _) = try await raw(url + "/apis/gateway.networking.k8s.io")
            #expect(groupGone == 404)
        }
    }

    @Test func namespaceAdmissionOverHTTP() async throws {
        try await withServer(store: ObjectStore(garbageCollection: .manual)) { server, client, url in
            let missing = try await raw(url + "/api/v1/namespaces/nowhere/configmaps", method: .post,
                                        body: Array(#"{"metadata": {"name": "c"}}"#.utf8))
            #expect(missing.0 == 404)
            #expect(missing.1?["message"] == #"namespaces "nowhere" not found"#)

            let namespaces = client.resources(DynamicObject.self, .namespaces)
            _ = try await namespaces.create(DynamicObject(["metadata": ["name": "shop"]]))
            let (code, terminating) = try await raw(url + "/api/v1/namespaces/shop", method: .delete)
            #expect(code == 200)
            #expect(terminating?["status"]?["phase"] == "Terminating")
            let refused = try await raw(url + "/api/v1/namespaces/shop/configmaps", method: .post,
                                        body: Array(#"{"metadata": {"name": "c"}}"#.utf8))
            #expect(refused.0 == 403)
            #expect(refused.1?["reason"] == "Forbidden")
            #expect(refused.1?["details"]?["causes"]?.arrayValue?.first?["reason"] == "NamespaceTerminating")
            server.store.collectGarbage()
            #expect(await kubeError { _ = try await namespaces.get("shop") }?.isNotFound == true)
        }
    }

    @Test func dryRunOverHTTP() async throws {
        try await withServer { server, client, url in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let before = server.store.currentResourceVersion
            let answered = try await configMaps.create(
                DynamicObject(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "dry"]]), dryRun: true)
            #expect(answered.name == "dry")
            #expect(await kubeError { _ = try await configMaps.get("dry") }?.isNotFound == true)
            #expect(server.store.currentResourceVersion == before)

            let bogus = try await raw(url + "/api/v1/namespaces/default/configmaps?dryRun=Bogus", method: .post,
                                      body: Array(#"{"metadata": {"name": "x"}}"#.utf8))
            #expect(bogus.0 == 422)
            #expect(bogus.1?["message"] == #"CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Bogus"}: supported values: "All""#)

            _ = try await configMaps.create(DynamicObject(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "real"],
                                                           "data": ["k": "1"]]))
            let patch = try await raw(url + "/api/v1/namespaces/default/configmaps/real?dryRun=All", method: .patch,
                                      contentType: "application/merge-patch+json", body: Array(#"{"data": {"k": "2"}}"#.utf8))
            #expect(patch.0 == 200)
            #expect(patch.1?["data"]?["k"] == "2")
            let delete = try await raw(url + "/api/v1/namespaces/default/configmaps/real", method: .delete,
                                       body: Array(#"{"dryRun": ["All"]}"#.utf8))
            #expect(delete.0 == 200)
            #expect(try await configMaps.get("real").json["data"]?["k"] == "1")
        }
    }

    @Test func readVersionsOverHTTP() async throws {
        try await withServer { server, client, url in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let first = try await configMaps.create(DynamicObject(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "a"]]))
            _ = try await configMaps.create(DynamicObject(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "b"]]))
            let list = try await configMaps.list()
            #expect(list.metadata.resourceVersion == server.store.currentResourceVersion)
            let base = url + "/api/v1/namespaces/default/configmaps"
            let exact = try await raw(base + "?resourceVersion=\(first.resourceVersion!)&resourceVersionMatch=Exact")
            #expect(exact.1?["items"]?.arrayValue?.count == 1)
            #expect(exact.1?["metadata"]?["resourceVersion"] == .string(first.resourceVersion!))
            let fromCache = try await configMaps.list(ListOptions(resourceVersion: "0"))
            #expect(fromCache.items.count == 2)
            let tooNew = try await raw(base + "?resourceVersion=999999")
            #expect(tooNew.0 == 504)
            #expect(tooNew.1?["reason"] == "Timeout")
            let tooNewGet = try await raw(base + "/a?resourceVersion=999999")
            #expect(tooNewGet.0 == 504)
            let forbidden = try await raw(base + "?resourceVersionMatch=Exact")
            #expect(forbidden.0 == 422)
            let watchMatch = try await raw(base + "?watch=1&resourceVersion=1&resourceVersionMatch=NotOlderThan")
            #expect(watchMatch.0 == 422)
        }
    }

    @Test func routerCRDsServeTheRouterKinds() async throws {
        let store = ObjectStore(garbageCollection: .synchronous)
        let installed = try RouterCRDs.install(into: store)
        #expect(installed.count == 4)
        #expect(try RouterCRDs.install(into: store).isEmpty, "idempotent")
        for type in [RouterResources.httpRoutes, RouterResources.virtualServices, RouterResources.destinationRules,
                     RouterResources.trafficSplits, RouterResources.ingresses] {
            let object: JSONValue = ["apiVersion": .string(type.apiVersion), "kind": .string(type.kind),
                                     "metadata": ["name": "r", "namespace": "default"], "spec": [:]]
            #expect(try store.create(type, object)["kind"] == .string(type.kind))
        }
        var alpha3 = RouterResources.virtualServices
        alpha3.version = "v1alpha3"
        #expect(try store.get(alpha3, namespace: "default", name: "r")["apiVersion"] == "networking.istio.io/v1alpha3")
        #expect(store.definition(group: "networking.istio.io", plural: "virtualservices")?.shortNames == ["vs"])
    }
}
