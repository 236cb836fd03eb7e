import CurlHTTP
import Foundation
import KubeClient
import Testing
@testable import KubeSim

private func configMap(_ name: String, namespace: String = "default", data: [String: JSONValue] = [:],
                       labels: [String: JSONValue] = [:]) -> DynamicObject {
    DynamicObject([
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": .object(labels)],
        "data": .object(data),
    ])
}

private func deployment(_ name: String, replicas: Int64 = 1) -> DynamicObject {
    DynamicObject([
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": .string(name), "namespace": "default"],
        "spec": [
            "replicas": .integer(replicas),
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": [
                "metadata": ["labels": ["app": .string(name)]],
                "spec": ["containers": [["name": "app", "image": "nginx:1.0"]]],
            ],
        ],
    ])
}

@Suite("KubeSim HTTP server", .serialized)
struct KubeSimServerTests {
    @Test func versionAndDiscovery() async throws {
        try await withServer { _, client, url in
            let version = try await client.serverVersion()
            #expect(version.gitVersion == "v1.31.0-kubesim")
            #expect(version.platform == "linux/amd64")
            #expect(try await client.resourceExists(.configMaps))
            #expect(try await client.resourceExists(.deployments))
            #expect(try await client.resourceExists(.leases))
            #expect(try await !client.resourceExists(ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget")))
            let apps = try #require(try await client.apiResources(groupVersion: "apps/v1"))
            let names = Set(apps.resources.map(\.name))
            #expect(names.isSuperset(of: ["deployments", "deployments/status", "deployments/scale", "replicasets"]))
            let (code, groups) = try await raw(url + "/apis")
            #expect(code == 200)
            #expect(groups?["kind"]?.stringValue == "APIGroupList")
            #expect(groups?["groups"]?.arrayValue?.contains { $0["name"]?.stringValue == "apps" } == true)
            let (apiCode, api) = try await raw(url + "/api")
            #expect(apiCode == 200)
            #expect(api?["versions"] == ["v1"])
            let (unknownCode, unknown) = try await raw(url + "/api/v1/widgets")
            #expect(unknownCode == 404)
            #expect(unknown?["reason"]?.stringValue == "NotFound")
            #expect(unknown?["kind"]?.stringValue == "Status")
        }
    }

    @Test func configMapCRUDAndPaging() async throws {
        try await withServer { _, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            for index in 0..<5 {
                let created = try await configMaps.create(configMap("cm-\(index)", data: ["i": .string("\(index)")],
                                                                    labels: ["tier": index % 2 == 0 ? "even" : "odd"]))
                #expect(created.resourceVersion?.isEmpty == false)
            }
            let fetched = try await configMaps.get("cm-1")
            #expect(fetched.json["data"]?["i"] == "1")
            #expect(fetched.json["metadata"]?["managedFields"]?.arrayValue?.isEmpty == false)

            // Paging.
            let page1 = try await configMaps.list(ListOptions(limit: 2))
            #expect(page1.items.count == 2)
            let token = try #require(page1.metadata.continue)
            let page2 = try await configMaps.list(ListOptions(limit: 2, continueToken: token))
            #expect(page2.items.map(\.name) == ["cm-2", "cm-3"])
            let all = try await configMaps.listAll(pageSize: 2)
            #expect(all.items.count == 5)
            let even = try await configMaps.list(ListOptions(labelSelector: "tier=even"))
            #expect(even.items.map(\.name) == ["cm-0", "cm-2", "cm-4"])
            let byName = try await configMaps.list(ListOptions(fieldSelector: "metadata.name=cm-3"))
            #expect(byName.items.map(\.name) == ["cm-3"])
            let across = try await client.resources(DynamicObject.self, .configMaps).list()
            #expect(across.items.count == 5)

            // Duplicate create.
            let duplicate = await kubeError { _ = try await configMaps.create(configMap("cm-0")) }
            #expect(duplicate?.isAlreadyExists == true)

            // Update and conflict on a stale version.
            var object = fetched
            object.json["data"] = ["i": "updated"]
            let updated = try await configMaps.update(object)
            #expect(updated.json["data"]?["i"] == "updated")
            #expect(updated.resourceVersion != fetched.resourceVersion)
            let conflict = await kubeError { _ = try await configMaps.update(object) }
            #expect(conflict?.isConflict == true)
            #expect(conflict?.status?.reason == "Conflict")

            // Delete.
            try await configMaps.delete("cm-1")
            let missing = await kubeError { _ = try await configMaps.get("cm-1") }
            #expect(missing?.isNotFound == true)
            let deleteAgain = await kubeError { try await configMaps.delete("cm-1") }
            #expect(deleteAgain?.isNotFound == true)
        }
    }

    @Test func deleteWithFinalizerReturnsMarkedObject() async throws {
        try await withServer { _, _, url in
            var object = configMap("held").json
            object["metadata"]?["finalizers"] = ["example.com/hold"]
            let (code, _) = try await raw(url + "/api/v1/namespaces/default/configmaps", method: .post,
                                          body: try KubeJSON.encode(object))
            #expect(code == 201)
            let (deleteCode, deleted) = try await raw(url + "/api/v1/namespaces/default/configmaps/held?propagationPolicy=Background",
                                                      method: .delete)
            #expect(deleteCode == 200)
            #expect(deleted?["metadata"]?["deletionTimestamp"] != nil)
            let (getCode, _) = try await raw(url + "/api/v1/namespaces/default/configmaps/held")
            #expect(getCode == 200)
        }
    }

    @Test func statusSubresourceDoesNotBumpGeneration() async throws {
        try await withServer { _, client, _ in
            let deployments = client.resources(DynamicObject.self, .deployments, namespace: "default")
            let created = try await deployments.create(deployment("web"))
            #expect(created.json["metadata"]?["generation"] == 1)
            var withStatus = created
            withStatus.json["status"] = ["replicas": 1, "readyReplicas": 1, "observedGeneration": 1]
            let updated = try await deployments.updateStatus(withStatus)
            #expect(updated.json["status"]?["readyReplicas"] == 1)
            #expect(updated.json["metadata"]?["generation"] == 1)
            // A status change through the main resource is ignored.
            var sneaky = updated
            sneaky.json["status"] = ["replicas": 9]
            let ignored = try await deployments.update(sneaky)
            #expect(ignored.json["status"]?["replicas"] == 1)
            // Spec change bumps the generation.
            let patched = try await deployments.patch("web", .merge(["spec": ["replicas": 3]]))
            #expect(patched.json["metadata"]?["generation"] == 2)
            // Status patch.
            let statusPatched = try await deployments.patch("web", .merge(["status": ["replicas": 3]]), subresource: "status")
            #expect(statusPatched.json["status"]?["replicas"] == 3)
            #expect(statusPatched.json["metadata"]?["generation"] == 2)
            // Scale subresource.
            let scale = try await deployments.scale("web")
            #expect(scale.spec.replicas == 3)
            let rescaled = try await deployments.setScale("web", replicas: 5)
            #expect(rescaled.spec.replicas == 5)
            #expect(try await deployments.get("web").json["spec"]?["replicas"] == 5)
        }
    }

    @Test func patches() async throws {
        try await withServer { server, client, url in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            _ = try await configMaps.create(configMap("p", data: ["a": "1", "b": "2"]))
            let merged = try await configMaps.patch("p", .merge(["data": ["a": "10", "b": nil]]))
            #expect(merged.json["data"] == ["a": "10"])
            let jsonPatched = try await configMaps.patch("p", .json([.add("/data/c", "3"), .test("/data/a", "10")]))
            #expect(jsonPatched.json["data"] == ["a": "10", "c": "3"])
            let failedTest = await kubeError { _ = try await configMaps.patch("p", .json([.test("/data/a", "nope")])) }
            #expect(failedTest?.code == 422)
            let strategic = try await configMaps.patch("p", .strategicMerge(["data": ["d": "4"]]))
            #expect(strategic.json["data"]?["d"] == "4")

            let deployments = client.resources(DynamicObject.self, .deployments, namespace: "default")
            _ = try await deployments.create(deployment("sm"))
            let containers: JSONValue = ["spec": ["template": ["spec": ["containers": [["name": "sidecar", "image": "envoy:1"]]]]]]
            let withSidecar = try await deployments.patch("sm", .strategicMerge(containers))
            let names = withSidecar.json["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(Set(names ?? []) == ["app", "sidecar"])

            // Strategic merge on a custom resource: 415.
            let widgets = ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget")
            server.store.register(ResourceDefinition(widgets, allowUnconditionalUpdate: false))
            let widgetClient = client.resources(DynamicObject.self, widgets, namespace: "default")
            _ = try await widgetClient.create(DynamicObject(["apiVersion": "example.com/v1", "kind": "Widget",
                                                             "metadata": ["name": "w"], "spec": ["size": 1]]))
            let unsupported = await kubeError { _ = try await widgetClient.patch("w", .strategicMerge(["spec": ["size": 2]])) }
            #expect(unsupported?.code == 415)
            let crMerge = try await widgetClient.patch("w", .merge(["spec": ["size": 2]]))
            #expect(crMerge.json["spec"]?["size"] == 2)

            // Unknown patch content type: 415.
            let (code, status) = try await raw(url + "/api/v1/namespaces/default/configmaps/p", method: .patch,
                                               contentType: "text/plain", body: Array("{}".utf8))
            #expect(code == 415)
            #expect(status?["reason"]?.stringValue == "UnsupportedMediaType")
        }
    }

    @Test func serverSideApply() async throws {
        try await withServer { _, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let config: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap",
                                     "metadata": ["name": "applied", "namespace": "default"], "data": ["owner": "alice"]]
            let created = try await configMaps.apply(config, fieldManager: "alice")
            #expect(created.json["data"]?["owner"] == "alice")
            let managers = created.json["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(managers == ["alice"])
            // Re-apply is idempotent.
            let again = try await configMaps.apply(config, fieldManager: "alice")
            #expect(again.resourceVersion == created.resourceVersion)

            var bobConfig = config
            bobConfig["data"] = ["owner": "bob"]
            let conflict = await kubeError { _ = try await configMaps.apply(bobConfig, fieldManager: "bob") }
            #expect(conflict?.code == 409)
            #expect(conflict?.status?.reason == "Conflict")
            let forced = try await configMaps.apply(bobConfig, fieldManager: "bob", force: true)
            #expect(forced.json["data"]?["owner"] == "bob")
            let owners = forced.json["metadata"]?["managedFields"]?.arrayValue?.compactMap { $0["manager"]?.stringValue }
            #expect(owners?.contains("bob") == true)
        }
    }

    @Test func yamlBodies() async throws {
        try await withServer { _, _, url in
            let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              labels:
                app: demo
            data:
              count: "3"
              enabled: "true"
            """
            let (code, applied) = try await raw(url + "/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=yamler",
                                                method: .patch, contentType: "application/apply-patch+yaml",
                                                body: Array(yaml.utf8))
            #expect(code == 201)
            #expect(applied?["data"] == ["count": "3", "enabled": "true"])
            #expect(applied?["metadata"]?["labels"] == ["app": "demo"])
            let post = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: posted\ndata:\n  k: v\n"
            let (postCode, posted) = try await raw(url + "/api/v1/namespaces/default/configmaps", method: .post,
                                                   contentType: "application/yaml", body: Array(post.utf8))
            #expect(postCode == 201)
            #expect(posted?["data"] == ["k": "v"])
            let (noManager, _) = try await raw(url + "/api/v1/namespaces/default/configmaps/from-yaml",
                                               method: .patch, contentType: "application/apply-patch+yaml",
                                               body: Array(yaml.utf8))
            #expect(noManager == 400)
        }
    }

    @Test func clusterScopedResources() async throws {
        try await withServer { _, client, url in
            let namespaces = client.resources(DynamicObject.self, .namespaces)
            let created = try await namespaces.create(DynamicObject(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team-a"]]))
            #expect(created.name == "team-a")
            #expect(try await namespaces.get("team-a").name == "team-a")
            #expect(try await namespaces.list().items.contains { $0.name == "team-a" })
            let (statusCode, status) = try await raw(url + "/api/v1/namespaces/team-a/status")
            #expect(statusCode == 200)
            #expect(status?["metadata"]?["name"] == "team-a")
            let (wrongScope, _) = try await raw(url + "/api/v1/namespaces/default/namespaces/team-a")
            #expect(wrongScope == 404)
            let (wrongVersion, _) = try await raw(url + "/apis/apps/v2/deployments")
            #expect(wrongVersion == 404)
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "team-a")
            _ = try await configMaps.create(configMap("in-a", namespace: "team-a"))
            let (mismatch, _) = try await raw(url + "/api/v1/namespaces/team-a/configmaps/other", method: .put,
                                              body: try KubeJSON.encode(configMap("in-a", namespace: "team-a").json))
            #expect(mismatch == 400)
        }
    }

    @Test func clientHangUpEndsWatch() async throws {
        try await withServer(plainHTTP: true) { server, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            _ = try await configMaps.create(configMap("seen"))
            let port = try #require(server.port)
            // A raw connection that reads the first event and hangs up.
            #if os(Linux)
            let streamType = Int32(SOCK_STREAM.rawValue)
            #else
            let streamType = SOCK_STREAM
            #endif
            let fd = socket(AF_INET, streamType, 0)
            #expect(fd >= 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            let request = "GET /api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=60 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let received = recv(fd, &buffer, buffer.count, 0)
            #expect(received > 0)
            #expect(String(decoding: buffer.prefix(max(0, received)), as: UTF8.self).contains("200"))
            #expect(server.store.watcherCount == 1)
            close(fd)
            var waited = 0
            while server.store.watcherCount > 0, waited < 50 {
                try await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
            #expect(server.store.watcherCount == 0)
        }
    }

    @Test func portInUseFailsToStart() async throws {
        let first = KubeSimServer()
        try await first.serving { port in
            let second = KubeSimServer(configuration: .init(port: port))
            await #expect(throws: (any Error).self) { try await second.serving { _ in } }
            #expect(second.port == nil)
        }
        #expect(first.port == nil)
    }

    @Test func shutdownEndsOpenWatches() async throws {
        let server = KubeSimServer(configuration: .init(token: "t"))
        let consumer = try await server.serving { port in
            let client = KubernetesClient(
                configuration: ClientConfiguration(server: "http://127.0.0.1:\(port)", credentials: Credentials(bearerToken: Secret("t"))),
                retryPolicy: .none)
            let stream = client.resources(DynamicObject.self, .configMaps).watch(WatchOptions(allowWatchBookmarks: false, timeoutSeconds: 60))
            let consumer = Task {
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            var waited = 0
            while server.store.watcherCount == 0, waited < 100 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(server.store.watcherCount == 1)
            return consumer
        }
        // `serving` returned: the 60-second watch was ended by the shutdown, not waited for.
        #expect(server.store.watcherCount == 0)
        _ = try? await consumer.value
    }

    @Test func servesHTTPSWithItsGeneratedCertificate() async throws {
        try await withServer { server, client, url in
            #expect(url.hasPrefix("https://"))
            #expect(server.url == url)
            #expect(try await client.serverVersion().gitVersion == "v1.31.0-kubesim")
            // Another CA is not trusted.
            let stranger = try ServingCertificate.generate()
            let untrusting = KubernetesClient(
                configuration: ClientConfiguration(server: url, tls: TLSConfiguration(certificateAuthority: Array(stranger.caPEM.utf8)),
                                                   credentials: Credentials(bearerToken: Secret("t"))),
                retryPolicy: .none)
            await #expect(throws: (any Error).self) { _ = try await untrusting.serverVersion() }
            // kube-apiserver negotiates HTTP/2 by ALPN; so does KubeSim.
            let response = try await CurlEngine().perform(HTTPRequest(
                url: url + "/version", headers: ["Authorization": "Bearer t"],
                tls: TLSOptions(trustedCertificatesPEM: Array(try #require(server.configuration.tls).caPEM.utf8))))
            #expect(response.status == 200)
            #expect(response.head.httpVersion == "2")
        }
    }

    @Test func watchFromResourceVersion() async throws {
        try await withServer { _, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let seed = try await configMaps.create(configMap("before"))
            let start = try #require(seed.resourceVersion)
            let stream = configMaps.watch(WatchOptions(resourceVersion: start, allowWatchBookmarks: true, timeoutSeconds: 20))
            let writer = Task {
                try await Task.sleep(for: .milliseconds(300))
                _ = try await configMaps.create(configMap("w", data: ["v": "1"]))
                _ = try await configMaps.patch("w", .merge(["data": ["v": "2"]]))
                try await configMaps.delete("w")
            }
            var seen: [String] = []
            var bookmarks = 0
            for try await event in stream {
                switch event {
                case .bookmark: bookmarks += 1
                case .added(let object), .modified(let object), .deleted(let object):
                    #expect(object.name == "w")
                    seen.append(event.type)
                }
                if seen.count == 3 { break }
            }
            try await writer.value
            #expect(seen == ["ADDED", "MODIFIED", "DELETED"])
        }
    }

    @Test func watchTimeoutEndsStreamAndBookmarks() async throws {
        try await withServer { server, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let stream = configMaps.watch(WatchOptions(allowWatchBookmarks: true, timeoutSeconds: 1))
            var bookmarks = 0
            let started = ContinuousClock.now
            for try await event in stream {
                if case .bookmark = event { bookmarks += 1 }
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(bookmarks >= 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.store.watcherCount == 0)
        }
    }

    @Test func watchTooOldVersionIsExpired() async throws {
        let store = ObjectStore(historyCapacity: 2, garbageCollection: .synchronous)
        try await withServer(store: store) { _, client, _ in
            let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
            let first = try await configMaps.create(configMap("old"))
            for index in 0..<5 { _ = try await configMaps.create(configMap("n\(index)")) }
            let stream = configMaps.watch(WatchOptions(resourceVersion: first.resourceVersion, timeoutSeconds: 5))
            let error = await kubeError { for try await _ in stream {} }
            #expect(error?.isExpired == true)
            #expect(error?.code == 410)
        }
    }

    @Test func authenticationAndBadInput() async throws {
        try await withServer { _, _, url in
            let collection = url + "/api/v1/namespaces/default/configmaps"
            let (noToken, status) = try await raw(collection, token: nil)
            #expect(noToken == 401)
            #expect(status?["reason"]?.stringValue == "Unauthorized")
            let (wrongToken, _) = try await raw(collection, token: "nope")
            #expect(wrongToken == 401)

            let (malformed, badRequest) = try await raw(collection, method: .post, body: Array("{\"metadata\": ".utf8))
            #expect(malformed == 400)
            #expect(badRequest?["reason"]?.stringValue == "BadRequest")
            #expect(badRequest?["kind"]?.stringValue == "Status")
            let (notObject, _) = try await raw(collection, method: .post, body: Array("[1,2]".utf8))
            #expect(notObject == 400)
            let (badPatch, _) = try await raw(collection + "/x", method: .patch, contentType: "application/merge-patch+json",
                                              body: Array("not json".utf8))
            #expect(badPatch == 400 || badPatch == 404)
            let (badSelector, _) = try await raw(collection + "?labelSelector=a%20in%20(")
            #expect(badSelector == 400)
            let big = Array(repeating: UInt8(ascii: "a"), count: 3 * 1024 * 1024 + 10)
            let (tooLarge, _) = try await raw(collection, method: .post, body: big)
            #expect(tooLarge == 413)
            let (wrongMethod, _) = try await raw(url + "/version", method: .post, body: Array("{}".utf8))
            #expect(wrongMethod == 405)
            let (deepPath, _) = try await raw(url + "/api/v1/namespaces/default/configmaps/a/b/c/d")
            #expect(deepPath == 404)
            for weird in ["{\"metadata\": 5}", "{\"metadata\": {\"name\": 5}}", "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"x\"}}",
                          "{\"metadata\": {\"name\": \"Not_Valid\"}}", "null", "\"text\"", "{\"metadata\": {\"name\": \"m\", \"managedFields\": 7}}"] {
                let (weirdCode, weirdStatus) = try await raw(collection, method: .post, body: Array(weird.utf8))
                #expect((400..<500).contains(weirdCode) || weirdCode == 201, "\(weird) -> \(weirdCode)")
                if weirdCode != 201 { #expect(weirdStatus?["kind"]?.stringValue == "Status") }
            }
            let (badVersion, _) = try await raw(collection + "?watch=1&resourceVersion=abc")
            #expect(badVersion == 400)
            let (hugeTimeout, _) = try await raw(collection + "?watch=1&timeoutSeconds=99999999999999999&resourceVersion=abc")
            #expect(hugeTimeout == 400)
            let (badJSONPatch, _) = try await raw(collection + "/m", method: .patch, contentType: "application/json-patch+json",
                                                  body: Array("{\"op\": \"add\"}".utf8))
            #expect((400..<500).contains(badJSONPatch))
            let (badEncoding, _) = try await raw(url + "/api/v1/namespaces/%zz/configmaps/%")
            #expect(badEncoding == 404 || badEncoding == 400)
            let (badLimit, _) = try await raw(collection + "?limit=abc")
            #expect(badLimit == 400)
            let (badPolicy, _) = try await raw(collection + "/m?propagationPolicy=Sideways", method: .delete)
            #expect(badPolicy == 422)
            let (clusterPost, _) = try await raw(url + "/api/v1/configmaps", method: .post, body: Array("{}".utf8))
            #expect(clusterPost == 405)
            // The server still works.
            let (ok, list) = try await raw(collection)
            #expect(ok == 200)
            #expect(list?["kind"]?.stringValue == "ConfigMapList")
        }
    }
}
