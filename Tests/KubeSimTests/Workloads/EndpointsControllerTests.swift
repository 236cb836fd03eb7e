import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite("Workloads: Endpoints controller")
struct WorkloadsEndpointsTests {
    private func service(_ name: String, selector: [String: String]?) -> JSONValue {
        var spec: [String: JSONValue] = ["ports": [
            ["name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"],
            ["name": "metrics", "port": 9090, "targetPort": 9091],
        ]]
        if let selector { spec["selector"] = .object(selector.mapValues { .string($0) }) }
        return ["apiVersion": "v1", "kind": "Service",
                "metadata": ["name": .string(name), "namespace": "default", "labels": ["team": "a"]],
                "spec": .object(spec)]
    }

    private func endpoints(_ store: ObjectStore, _ name: String = "web") throws -> JSONValue {
        try store.get(EndpointsController.endpoints, namespace: "default", name: name)
    }

    private func ips(_ subsets: JSONValue?, _ key: String) -> [String] {
        (subsets?.arrayValue ?? []).flatMap { ($0[key]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue } }.sorted()
    }

    @Test func followsReadinessAndSelector() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        let lifecycle = PodLifecycleController(store: store, defaultBehaviour: .ready(after: 10),
                                               behaviours: ["web:bad": .neverReady])
        let sim = WorkloadSimulator(store: store, pods: lifecycle)
        _ = try store.create(.services, namespace: "default", service("web", selector: ["app": "web"]))
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("web", replicas: 2))
        _ = try store.create(.replicaSets, namespace: "default",
                             wlReplicaSet("canary", replicas: 1, labels: ["app": "web", "track": "canary"], image: "web:bad"))
        _ = try store.create(.replicaSets, namespace: "default", wlReplicaSet("other", replicas: 1, labels: ["app": "other"]))

        try sim.reconcile(now: clock.now)
        var ep = try endpoints(store)
        #expect(ep.labels == ["team": "a", "endpointslice.kubernetes.io/skip-mirror": "true"])
        #expect(ips(ep["subsets"], "addresses").isEmpty)
        #expect(ips(ep["subsets"], "notReadyAddresses").count == 3)
        let subset = try #require(ep["subsets"]?.arrayValue?.first)
        #expect(ep["subsets"]?.arrayValue?.count == 1)
        #expect(subset["ports"] == [
            ["name": "http", "port": 8080, "protocol": "TCP"],
            ["name": "metrics", "port": 9091, "protocol": "TCP"],
        ])

        clock.advance(10)
        try sim.reconcile(now: clock.now)
        ep = try endpoints(store)
        let webPods = try wlPods(store, ["app": "web"])
        let readyIPs = webPods.filter { $0.labels["track"] == nil }.compactMap { $0["status"]?["podIP"]?.stringValue }.sorted()
        let canaryIP = try #require(webPods.first { $0.labels["track"] == "canary" }?["status"]?["podIP"]?.stringValue)
        #expect(ips(ep["subsets"], "addresses") == readyIPs)
        #expect(ips(ep["subsets"], "notReadyAddresses") == [canaryIP])
        let address = try #require(ep["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.first)
        let pod = try #require(webPods.first { $0["status"]?["podIP"] == address["ip"] })
        #expect(address["targetRef"] == ["kind": "Pod", "namespace": "default", "name": .string(pod.objectName),
                                          "uid": .string(pod.uid ?? "")])

        // Steady: no writes.
        let version = store.currentResourceVersion
        try sim.endpoints.reconcile(now: clock.now)
        #expect(store.currentResourceVersion == version)

        // Narrow the selector to the canary.
        var svc = try store.get(.services, namespace: "default", name: "web")
        svc["spec"]?["selector"] = ["app": "web", "track": "canary"]
        _ = try store.update(.services, namespace: "default", svc)
        try sim.endpoints.reconcile(now: clock.now)
        ep = try endpoints(store)
        #expect(ips(ep["subsets"], "addresses").isEmpty)
        #expect(ips(ep["subsets"], "notReadyAddresses") == [canaryIP])

        // A pod that goes away leaves the Endpoints.
        _ = try store.delete(.replicaSets, namespace: "default", name: "canary")
        store.collectGarbage()
        try sim.endpoints.reconcile(now: clock.now)
        #expect(try endpoints(store)["subsets"] == nil)

        // Deleting the Service deletes its Endpoints.
        _ = try store.delete(.services, namespace: "default", name: "web")
        try sim.endpoints.reconcile(now: clock.now)
        #expect(throws: APIError.self) { try endpoints(store) }
    }

    @Test func servicesWithoutSelectorAreLeftAlone() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        _ = try store.create(.services, namespace: "default", service("external", selector: nil))
        let manual: JSONValue = ["apiVersion": "v1", "kind": "Endpoints",
                                 "metadata": ["name": "external", "namespace": "default"],
                                 "subsets": [["addresses": [["ip": "192.0.2.1"]]]]]
        _ = try store.create(EndpointsController.endpoints, namespace: "default", manual)
        try EndpointsController(store: store).reconcile(now: clock.now)
        #expect(ips(try endpoints(store, "external")["subsets"], "addresses") == ["192.0.2.1"])
    }

    @Test func podsResolvingNamedPortsDifferentlySplitSubsets() throws {
        let clock = WorkloadClock()
        let store = makeWorkloadStore(clock)
        _ = try store.create(.services, namespace: "default", service("web", selector: ["app": "web"]))
        for (name, port) in [("a", 8080), ("b", 8081)] {
            _ = try store.create(.pods, namespace: "default", [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": ["name": .string(name), "labels": ["app": "web"]],
                "spec": ["containers": [["name": "app", "image": "web:v1",
                                         "ports": [["name": "http", "containerPort": .integer(Int64(port))]]]]],
            ])
        }
        let sim = WorkloadSimulator(store: store)
        try sim.reconcile(now: clock.now)
        let subsets = try endpoints(store)["subsets"]?.arrayValue ?? []
        #expect(subsets.count == 2)
        let httpPorts = Set(subsets.compactMap { $0["ports"]?.arrayValue?.first?["port"]?.integerValue })
        #expect(httpPorts == [8080, 8081])
        #expect(subsets.allSatisfy { $0["addresses"]?.arrayValue?.count == 1 })
    }
}
