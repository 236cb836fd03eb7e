import Foundation
import KubeClient
import KubeSim
import Logging
import SluiceAPI
import Testing
@testable import Controller

/// A SimulatedCluster with the Sluice CRDs, two Services and an HTTPRoute, and a client.
struct ControllerHarness: Sendable {
    let cluster: SimulatedCluster
    let client: KubernetesClient

    /// `traffic`: users sending requests by a scenario, and the workload metrics listener.
    static func with<T: Sendable>(traffic: SimulatedTraffic.Options? = nil, _ body: (ControllerHarness) async throws -> T) async throws -> T {
        let certificate = try ServingCertificate.generate()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let cluster = SimulatedCluster(token: "t", tls: certificate, tickInterval: .milliseconds(50), traffic: traffic, logger: logger)
        return try await cluster.serving { port in
            let client = KubernetesClient(
                configuration: ClientConfiguration(server: "https://127.0.0.1:\(port)",
                                                   tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                                                   credentials: Credentials(bearerToken: Secret("t"))),
                retryPolicy: .none, logger: logger)
            let harness = ControllerHarness(cluster: cluster, client: client)
            try await harness.install()
            return try await body(harness)
        }
    }

    var applier: ObjectApplier { ObjectApplier(client: client, fieldManager: "test") }

    func install() async throws {
        for crd in SluiceCRDs.all { try await applier.apply(crd.definition) }
        #expect(await eventually { (try? await client.resourceExists(.rollouts)) == true })
        for name in ["web-stable", "web-canary"] {
            try await applier.apply([
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": "default"],
                "spec": ["selector": ["app": "web"], "ports": [["port": 80, "targetPort": 8080]]],
            ])
        }
        try await applier.apply([
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": ["name": "web", "namespace": "default"],
            "spec": [
                "parentRefs": [["name": "gw"]],
                "rules": [
                    ["matches": [["path": ["type": "PathPrefix", "value": "/admin"]]], "backendRefs": [["name": "admin", "port": 80]]],
                    ["backendRefs": [["name": "web-stable", "port": 80, "weight": 100], ["name": "web-canary", "port": 80, "weight": 0]]],
                ],
            ],
        ])
    }

    /// A canary Rollout over the HTTPRoute `web` with `steps`.
    static func rollout(_ name: String = "web", image: String = "web:1", steps: [JSONValue]) -> JSONValue {
        [
            "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout",
            "metadata": ["name": .string(name), "namespace": "default"],
            "spec": [
                "replicas": 2,
                "selector": ["matchLabels": ["app": "web"]],
                "template": [
                    "metadata": ["labels": ["app": "web"]],
                    "spec": ["containers": [["name": "web", "image": .string(image)]]],
                ],
                "strategy": ["canary": [
                    "stableService": "web-stable", "canaryService": "web-canary",
                    "trafficRouting": ["gatewayAPI": ["httpRoute": "web"]],
                    "scaleDownDelaySeconds": 1, "abortScaleDownDelaySeconds": 1,
                    "steps": .array(steps),
                ]],
            ],
        ]
    }

    func controller() -> RolloutController {
        var logger = Logger(label: "test.controller")
        logger.logLevel = .critical
        return RolloutController(client: client,
                                 configuration: .init(namespace: "default", workers: 2, resyncPeriod: .seconds(30),
                                                      routerResources: SluiceRouting.resources),
                                 planner: SluiceRouting.planner, router: SluiceRouting.binding, logger: logger)
    }

    /// Runs a controller while `body` runs.
    func withController<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let controller = controller()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await controller.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    func rolloutStatus(_ name: String = "web") async throws -> JSONValue {
        try await client.resources(DynamicObject.self, .rollouts, namespace: "default").get(name).json["status"] ?? .null
    }

    func route() async throws -> DynamicObject {
        try await client.resources(DynamicObject.self, SluiceRouting.httpRoutes, namespace: "default").get("web")
    }

    /// [stable, canary] weights of the rule that carries both Services.
    func weights() async throws -> [Int64] {
        let rules = try await route().json[path: "spec", "rules"]?.arrayValue ?? []
        let refs = rules.first { ($0["backendRefs"]?.arrayValue ?? []).count == 2 }?["backendRefs"]?.arrayValue ?? []
        func weight(_ name: String) -> Int64 { refs.first { $0["name"]?.stringValue == name }?["weight"]?.integerValue ?? -1 }
        return [weight("web-stable"), weight("web-canary")]
    }

    func phase(_ name: String = "web") async -> String? {
        try? await rolloutStatus(name)["phase"]?.stringValue
    }

    func setImage(_ image: String, _ name: String = "web") async throws {
        _ = try await client.resources(DynamicObject.self, .rollouts, namespace: "default").patch(name, .json([
            JSONPatchOperation(op: "replace", path: "/spec/template/spec/containers/0/image", value: .string(image)),
        ]))
    }

    /// What `rollout promote`, `abort` and friends write: a merge patch of the status.
    func patchStatus(_ status: JSONValue, _ name: String = "web") async throws {
        _ = try await client.resources(DynamicObject.self, .rollouts, namespace: "default")
            .patch(name, .merge(["status": status]), subresource: "status")
    }
}

@Suite("Controller end to end on KubeSim", .serialized)
struct ControllerEndToEndTests {
    @Test func aCanaryWalksItsStepsToHealthy() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply(ControllerHarness.rollout(steps: [
                    ["setWeight": 20], ["pause": ["duration": "1s"]], ["setWeight": 50], ["pause": ["duration": "1s"]],
                ]))
                #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
                let stable = try await h.rolloutStatus()["stableRS"]?.stringValue
                try await h.setImage("web:2")
                // The canary reaches 20%, then 50%, then is promoted: all traffic back on (the new) stable.
                #expect(await eventually(timeout: .seconds(30)) { (try? await h.weights()) == [80, 20] })
                #expect(await eventually(timeout: .seconds(30)) { (try? await h.weights()) == [50, 50] })
                #expect(await eventually(timeout: .seconds(30)) {
                    let status = try? await h.rolloutStatus()
                    return status?["phase"] == "Healthy" && status?["stableRS"]?.stringValue != stable
                })
                #expect(try await h.weights() == [100, 0])
                // The rule the user wrote for /admin is untouched.
                let rules = try await h.route().json[path: "spec", "rules"]?.arrayValue ?? []
                #expect(rules.contains { $0["backendRefs"]?.arrayValue?.first?["name"] == "admin" && $0["backendRefs"]?.arrayValue?.first?["weight"] == nil })
            }
        }
    }

    @Test func anIndefinitePauseWaitsForPromoteAndAbortReturnsTrafficToStable() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply(ControllerHarness.rollout(steps: [["setWeight": 30], ["pause": [:]], ["setWeight": 60], ["pause": [:]]]))
                #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
                try await h.setImage("web:2")
                #expect(await eventually(timeout: .seconds(30)) {
                    let phase = await h.phase()
                    let weights = try? await h.weights()
                    return phase == "Paused" && weights == [70, 30]
                })
                // It stays paused: nothing moves for a while.
                try await Task.sleep(for: .seconds(2))
                #expect(await h.phase() == "Paused")
                #expect(try await h.weights() == [70, 30])
                // rollout promote: clear the pause start; the next step runs.
                try await h.patchStatus(["pauseStartTime": .null])
                #expect(await eventually(timeout: .seconds(30)) {
                    let phase = await h.phase()
                    let weights = try? await h.weights()
                    return phase == "Paused" && weights == [40, 60]
                })
                // rollout abort: all traffic to stable at once.
                try await h.patchStatus(["abort": true])
                #expect(await eventually(timeout: .seconds(10)) { (try? await h.weights()) == [100, 0] })
                #expect(await eventually(timeout: .seconds(10)) { await h.phase() == "Aborted" })
            }
        }
    }

    @Test func aRestartedControllerKeepsStepAndWeights() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply(ControllerHarness.rollout(steps: [["setWeight": 40], ["pause": [:]]]))
                #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
                try await h.setImage("web:2")
                #expect(await eventually(timeout: .seconds(30)) {
                    let phase = await h.phase()
                    let weights = try? await h.weights()
                    return phase == "Paused" && weights == [60, 40]
                })
            }
            // The first controller is gone. Remember what the cluster shows, start a new one.
            let before = try await h.rolloutStatus()
            let routeVersion = try await h.route().resourceVersion
            try await h.withController {
                try await Task.sleep(for: .seconds(2))
                #expect(try await h.weights() == [60, 40])
                #expect(try await h.route().resourceVersion == routeVersion)  // not even rewritten
                let after = try await h.rolloutStatus()
                #expect(after["currentStepIndex"] == before["currentStepIndex"])
                #expect(after["phase"] == "Paused")
            }
        }
    }

    @Test func anInvalidSpecIsReportedAndTheOthersCarryOn() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                var bad = ControllerHarness.rollout("bad", steps: [["setWeight": 10]])
                bad["spec"]?["strategy"]?["canary"]?["steps"] = [["setWeight": 140]]
                try await h.applier.apply(bad)
                try await h.applier.apply(ControllerHarness.rollout("good", steps: [["setWeight": 10]]))
                #expect(await eventually(timeout: .seconds(30)) {
                    let conditions = (try? await h.rolloutStatus("bad"))?["conditions"]?.arrayValue ?? []
                    return conditions.contains { $0["type"] == "InvalidSpec" && $0["message"]?.stringValue?.contains("setWeight") == true }
                })
                #expect(await eventually(timeout: .seconds(30)) { await h.phase("good") == "Healthy" })
                // Nothing was created for the bad one.
                let replicaSets = try await h.client.resources(DynamicObject.self, .replicaSets, namespace: "default").list().items
                #expect(!replicaSets.contains { $0.json[path: "metadata", "ownerReferences"]?.arrayValue?.first?["name"] == "bad" })
            }
        }
    }
}

@Suite("Controller end to end: blue-green, leader election, endpoints", .serialized)
struct ControllerOperationsTests {
    static func blueGreen(image: String) -> JSONValue {
        [
            "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout",
            "metadata": ["name": "bg", "namespace": "default"],
            "spec": [
                "replicas": 2,
                "selector": ["matchLabels": ["app": "web"]],
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": .string(image)]]]],
                "strategy": ["blueGreen": ["activeService": "web-stable", "previewService": "web-canary",
                                           "autoPromotionEnabled": false, "scaleDownDelaySeconds": 1]],
            ],
        ]
    }

    func selectorHash(_ h: ControllerHarness, _ service: String) async -> String? {
        try? await h.client.resources(DynamicObject.self, .services, namespace: "default").get(service)
            .json[path: "spec", "selector", "rollouts-pod-template-hash"]?.stringValue
    }

    @Test func blueGreenSwitchesTheActiveServiceOnPromote() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply(Self.blueGreen(image: "web:1"))
                #expect(await eventually(timeout: .seconds(30)) { await h.phase("bg") == "Healthy" })
                let blue = try #require(await selectorHash(h, "web-stable"))
                try await h.applier.apply(Self.blueGreen(image: "web:2"))
                // The preview Service gets the new revision; active stays on the old until promoted.
                #expect(await eventually(timeout: .seconds(30)) {
                    let preview = await selectorHash(h, "web-canary")
                    let phase = await h.phase("bg")
                    return preview != nil && preview != blue && phase == "Paused"
                })
                #expect(await selectorHash(h, "web-stable") == blue)
                let green = await selectorHash(h, "web-canary")
                try await h.patchStatus(["pauseStartTime": .null], "bg")
                #expect(await eventually(timeout: .seconds(30)) { await selectorHash(h, "web-stable") == green })
                #expect(await eventually(timeout: .seconds(30)) { await h.phase("bg") == "Healthy" })
            }
        }
    }

    @Test func twoReplicasOneLeadsAndTheOtherTakesOver() async throws {
        try await ControllerHarness.with { h in
            var options = ControllerRunner.Options()
            options.namespace = "default"
            options.leaderElect = true
            options.metricsHost = "127.0.0.1"
            options.metricsPort = 0
            options.leaseTiming = LeaderElector.Timing(leaseDuration: .seconds(2), renewDeadline: .milliseconds(1500),
                                                       retryPeriod: .milliseconds(200))
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            func runner(_ identity: String) -> ControllerRunner {
                var options = options
                options.identity = identity
                return ControllerRunner(options: options, client: h.client, metrics: ControllerMetrics(), logger: logger)
            }
            let leases = h.client.resources(DynamicObject.self, .leases, namespace: "default")
            func holder() async -> String? {
                try? await leases.get("sluice-controller").json[path: "spec", "holderIdentity"]?.stringValue
            }
            try await h.applier.apply(ControllerHarness.rollout(steps: [["setWeight": 50], ["pause": [:]]]))
            let first = runner("first")
            let second = runner("second")
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The first replica runs in a task of its own, so it alone can be stopped.
                let firstReplica = Task { try await withService(first) }
                #expect(await eventually { await holder() == "first" })
                group.addTask { try await withService(second) }
                #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
                try await Task.sleep(for: .seconds(1))
                #expect(await holder() == "first")
                // The leader stops (releasing its lease); the second takes over and reconciles.
                firstReplica.cancel()
                _ = await firstReplica.result
                #expect(await eventually(timeout: .seconds(10)) { await holder() == "second" })
                try await h.setImage("web:2")
                #expect(await eventually(timeout: .seconds(30)) { (try? await h.weights()) == [50, 50] })
                group.cancelAll()
            }
        }
    }

    @Test func healthReadinessAndMetricsEndpoints() async throws {
        try await ControllerHarness.with { h in
            let metrics = ControllerMetrics()
            let port = TestPorts.free()
            let controller = h.controller()
            let server = HealthServer(host: "127.0.0.1", port: port, metrics: controller.metrics, isReady: { controller.isSynced })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await withService(server) }
                group.addTask { await controller.run() }
                #expect(await eventually { (try? await TestPorts.get(port, "/healthz"))?.0 == 200 })
                #expect(await eventually { (try? await TestPorts.get(port, "/readyz"))?.0 == 200 })
                try await h.applier.apply(ControllerHarness.rollout(steps: [["setWeight": 50]]))
                #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
                #expect(await eventually(timeout: .seconds(10)) {
                    let body = (try? await TestPorts.get(port, "/metrics"))?.1 ?? ""
                    return body.contains("sluice_rollouts{phase=\"Healthy\"} 1") && body.contains("sluice_reconcile_duration_seconds_bucket")
                        && body.contains("sluice_workqueue_depth")
                })
                group.cancelAll()
            }
            _ = metrics
        }
    }
}
