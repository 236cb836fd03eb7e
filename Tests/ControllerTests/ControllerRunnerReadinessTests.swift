import Foundation
import KubeClient
import Logging
import Testing
@testable import Controller

/// `/readyz` of a leader-elected replica: a standby waiting for the Lease is ready (so a
/// Deployment of two replicas can roll), a leader only once its caches have synced.
@Suite("ControllerRunner readiness", .serialized)
struct ControllerRunnerReadinessTests {
    @Test func aStandbyWaitingForTheLeaseIsReadyAndReconcilesNothing() async throws {
        try await withKubeSim { _, client in
            // Another replica holds the Lease for an hour.
            let leases = client.resources(DynamicObject.self, .leases, namespace: "default")
            _ = try await leases.create(DynamicObject([
                "metadata": ["name": "sluice-controller"],
                "spec": ["holderIdentity": "other", "leaseDurationSeconds": 3600,
                         "renewTime": .string(KubeTime.format(Date()))],
            ]))
            var options = ControllerRunner.Options()
            options.leaderElect = true
            options.leaderElectionNamespace = "default"
            options.identity = "standby"
            options.metricsHost = "127.0.0.1"
            options.metricsPort = TestPorts.free()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let runner = ControllerRunner(options: options, client: client, metrics: ControllerMetrics(), logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await withService(runner) }
                #expect(await eventually { (try? await TestPorts.get(options.metricsPort, "/readyz"))?.0 == 200 })
                #expect(!runner.controller.isSynced)
                let holder = try await leases.get("sluice-controller").json[path: "spec", "holderIdentity"]
                #expect(holder == "other")
                group.cancelAll()
            }
        }
    }

    @Test func withoutLeaderElectionReadyWaitsForTheCaches() async throws {
        // No Sluice CRDs installed: the Rollout informer cannot list, so the caches never sync.
        try await withKubeSim { _, client in
            var options = ControllerRunner.Options()
            options.metricsHost = "127.0.0.1"
            options.metricsPort = TestPorts.free()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let runner = ControllerRunner(options: options, client: client, metrics: ControllerMetrics(), logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await withService(runner) }
                #expect(await eventually { (try? await TestPorts.get(options.metricsPort, "/healthz"))?.0 == 200 })
                let (status, _) = try await TestPorts.get(options.metricsPort, "/readyz")
                #expect(status == 503)
                group.cancelAll()
            }
        }
    }
}
