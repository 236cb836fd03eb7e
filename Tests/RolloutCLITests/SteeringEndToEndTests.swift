import Controller
import RolloutView
import Foundation
import KubeClient
import KubeSim
import Logging
@testable import RolloutCLI
import SluiceAPI
import Testing
import TestSupport

/// KubeSim with the Sluice CRDs, two Services and an HTTPRoute, the controller running in
/// this process, and a kubeconfig the `rollout` commands use.
struct CLIHarness: Sendable {
    let client: KubernetesClient
    let kubeconfig: String

    static func with(_ body: @Sendable (CLIHarness) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let certificate = try ServingCertificate.generate()
        let cluster = SimulatedCluster(token: "t", tls: certificate, tickInterval: .milliseconds(50), logger: logger)
        let directory = try TemporaryDirectory(prefix: "rollout-cli")
        defer { directory.remove() }
        try await cluster.serving { port in
            let server = "https://127.0.0.1:\(port)"
            let client = KubernetesClient(
                configuration: ClientConfiguration(server: server, tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                                                   credentials: Credentials(bearerToken: Secret("t"))),
                retryPolicy: .none, logger: logger)
            let path = directory.filePath("kubeconfig")
            try SimCommand.writeKubeconfig(SimCommand.kubeconfig(server: server, token: "t", caPEM: certificate.caPEM), to: path)
            let harness = CLIHarness(client: client, kubeconfig: path)
            try await harness.install()
            let controller = RolloutController(
                client: client,
                configuration: .init(namespace: "default", workers: 2, resyncPeriod: .seconds(30), routerResources: SluiceRouting.resources),
                planner: SluiceRouting.planner, router: SluiceRouting.binding, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await controller.run() }
                defer { group.cancelAll() }
                try await body(harness)
            }
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
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["parentRefs": [["name": "gw"]], "rules": [["backendRefs": [
                ["name": "web-stable", "port": 80, "weight": 100], ["name": "web-canary", "port": 80, "weight": 0],
            ]]]],
        ])
    }

    /// A canary Rollout `web` at image `web:1` with `steps`.
    func applyRollout(steps: [JSONValue]) async throws {
        try await applier.apply([
            "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout", "metadata": ["name": "web", "namespace": "default"],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "web:1"]]]],
                "strategy": ["canary": [
                    "stableService": "web-stable", "canaryService": "web-canary",
                    "trafficRouting": ["gatewayAPI": ["httpRoute": "web"]],
                    "scaleDownDelaySeconds": 1, "abortScaleDownDelaySeconds": 1, "steps": .array(steps),
                ]],
            ],
        ])
    }

    /// `rollout ARGS --kubeconfig ... -n default`, in this process.
    func rollout(_ arguments: String...) async -> (out: String, err: String, exitCode: Int32) {
        await runRollout(arguments + ["--kubeconfig", kubeconfig, "-n", "default"])
    }

    func object() async throws -> JSONValue { try await client.resources(DynamicObject.self, .rollouts, namespace: "default").get("web").json }
    func status() async -> JSONValue { (try? await object()["status"]) ?? .null }

    /// Waits until the Rollout is paused at step `index` (from 0).
    func pausedAt(_ index: Int64) async -> Bool {
        await eventually(timeout: .seconds(30)) {
            let status = await status()
            return status["phase"] == "Paused" && status["currentStepIndex"]?.integerValue == index
        }
    }

    func image() async throws -> String? {
        try await object()[path: "spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

@Suite("rollout commands against KubeSim and the controller", .serialized)
struct SteeringEndToEndTests {
    @Test func mergeDiffTurnsOneObjectIntoTheOther() {
        let old: JSONValue = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "web:1"]], "x": 1]]
        let new: JSONValue = ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "web:2"]]]]
        #expect(RolloutWriter.mergeDiff(from: old, to: new) == ["spec": ["containers": [["name": "web", "image": "web:2"]], "x": .null]])
        #expect(RolloutWriter.mergeDiff(from: old, to: old) == nil)
    }

    @Test func statusWatchPromoteAbortRetryAndUndo() async throws {
        try await CLIHarness.with { h in
            try await h.applyRollout(steps: [["setWeight": 30], ["pause": [:]], ["setWeight": 60], ["pause": [:]]])
            let healthy = await h.rollout("status", "web", "--watch", "--timeout", "60s")
            #expect(healthy.exitCode == 0, "\(healthy.err)")
            #expect(healthy.out.split(separator: "\n").last?.hasPrefix("Healthy") == true, "\(healthy.out)")
            let revision1 = await h.status()["stableRS"]?.stringValue

            let missing = await h.rollout("status", "nope")
            #expect(missing.exitCode == 1)
            #expect(missing.err.contains("error: rollout \"nope\" not found in namespace \"default\""))

            let set = await h.rollout("set", "image", "web", "web=web:2")
            #expect(set.exitCode == 0, "\(set.err)")
            #expect(try await h.image() == "web:2")
            let wrongContainer = await h.rollout("set", "image", "web", "api=web:3")
            #expect(wrongContainer.exitCode == 1)
            #expect(wrongContainer.err.contains("has no container \"api\" (it has: web)"))
            #expect(await h.pausedAt(1))

            let status = await h.rollout("status", "web")
            #expect(status.exitCode == 0)
            for text in ["Phase:      Paused", "Step:       2/4  pause (until promoted)", "Weights:    canary 30%  stable 70%",
                         "Revisions:", "canary", "web:2", "Events:", "RolloutPaused"] {
                #expect(status.out.contains(text), "no \(text) in\n\(status.out)")
            }
            let tree = await h.rollout("get", "web")
            #expect(tree.out.contains("ReplicaSet") && tree.out.contains("Pod") && tree.out.contains("revision 2"), "\(tree.out)")
            let list = await h.rollout("list")
            #expect(list.out.contains("web") && list.out.contains("Paused") && list.out.contains("2/4"), "\(list.out)")
            let names = await h.rollout("list", "-o", "name")
            #expect(names.out == "rollout.sluice.dev/web\n")
            let json = await h.rollout("status", "web", "-o", "json")
            let report = try JSONDecoder().decode(RolloutStatusReport.self, from: Data(json.out.utf8))
            #expect(report.step?.label == "2/4")

            // promote: the next step runs and the Rollout pauses again at step 4, at 60%.
            let promote = await h.rollout("promote", "web")
            #expect(promote.out.contains("promoted at step 2/4"), "\(promote.out)\(promote.err)")
            #expect(await h.pausedAt(3))
            #expect(await h.status()["weights"]?["canary"] == 60)

            // abort: traffic back on stable; status --watch exits 1.
            #expect(await h.rollout("abort", "web").exitCode == 0)
            let aborted = await h.rollout("status", "web", "--watch", "--timeout", "60s")
            #expect(aborted.exitCode == 1)
            #expect(aborted.err.contains("rollout \"web\" is Aborted"))
            #expect(await h.status()["weights"]?["canary"] == 0)

            // retry: the update starts again from step 1 and pauses at step 2.
            let retry = await h.rollout("retry", "web")
            #expect(retry.exitCode == 0, "\(retry.err)")
            #expect(await h.pausedAt(1))
            let again = await h.rollout("retry", "web")
            #expect(again.exitCode == 1)
            #expect(again.err.contains("is not aborted"))

            // promote --full, then undo back to revision 1's template: an update to it, through the steps.
            #expect(await h.rollout("promote", "web", "--full").exitCode == 0)
            #expect(await h.rollout("status", "web", "--watch", "--timeout", "60s").exitCode == 0)
            #expect(await h.status()["stableRS"]?.stringValue != revision1)
            let undo = await h.rollout("undo", "web")
            #expect(undo.exitCode == 0, "\(undo.err)")
            #expect(undo.out.contains("goes back to revision 1 (web:1)"), "\(undo.out)")
            #expect(try await h.image() == "web:1")
            #expect(await h.pausedAt(1))
            #expect(await h.status()["canaryRS"]?.stringValue == revision1)  // revision 1's ReplicaSet, reused
            #expect(await h.rollout("promote", "web", "--full").exitCode == 0)
            #expect(await h.rollout("status", "web", "--watch", "--timeout", "60s").exitCode == 0)
            #expect(await h.status()["stableRS"]?.stringValue == revision1)

            // pause, resume, restart.
            #expect(await h.rollout("pause", "web").exitCode == 0)
            #expect(try await h.object()[path: "spec", "paused"] == true)
            #expect(await h.rollout("resume", "web").exitCode == 0)
            #expect(try await h.object()[path: "spec", "paused"] == false)
            #expect(await h.rollout("restart", "web").exitCode == 0)
            #expect(try await h.object()[path: "spec", "template", "metadata", "annotations", RestartCommand.annotation] != nil)
        }
    }

    @Test func concurrentPromotesEndOnePause() async throws {
        try await CLIHarness.with { h in
            try await h.applyRollout(steps: [["setWeight": 20], ["pause": [:]], ["setWeight": 40], ["pause": [:]], ["setWeight": 60], ["pause": [:]]])
            #expect(await eventually(timeout: .seconds(30)) { await h.status()["phase"] == "Healthy" })
            #expect(await h.rollout("set", "image", "web", "web=web:2").exitCode == 0)
            #expect(await h.pausedAt(1))

            async let first = h.rollout("promote", "web")
            async let second = h.rollout("promote", "web")
            let results = await [first, second]
            // The pause at step 2 ends exactly once, whichever way the two interleave: the
            // loser gets a 409, re-reads and reports the pause already ended; on a busy machine
            // it may instead arrive after the controller moved on (not paused: exit 1), or so
            // late that the next pause has begun, which it then ends — a later promote, not a
            // concurrent one. Two "promoted at step 2/6" would be the bug.
            #expect(results.filter { $0.out.hasPrefix("rollout \"web\" promoted at step 2/6") }.count == 1, "\(results)")
            let loser = results.first { !$0.out.hasPrefix("rollout \"web\" promoted at step 2/6") }
            let late = loser?.out.hasPrefix("rollout \"web\" promoted at step 4/6") == true
            #expect(late || loser?.out.contains("already promoted") == true
                        || (loser?.exitCode == 1 && loser?.err.contains("is not paused") == true), "\(results)")

            // One promotion of that pause: paused at step 4 (40%), never past it.
            if !late {
                #expect(await h.pausedAt(3))
                try await Task.sleep(for: .seconds(2))
                let status = await h.status()
                #expect(status["currentStepIndex"] == 3 && status["phase"] == "Paused")
                #expect(status["weights"]?["canary"] == 40)
            }
        }
    }
}
