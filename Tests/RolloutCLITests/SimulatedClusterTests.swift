import Foundation
import KubeClient
import KubeSim
@testable import RolloutCLI
import Testing
import TestSupport

@Suite("rollout against KubeSim")
struct SimulatedClusterTests {
    /// Runs `body` with a KubeSim cluster serving HTTPS on a free port, then stops it.
    func withCluster(_ body: @Sendable (SimulatedCluster, String) async throws -> Void) async throws {
        let cluster = SimulatedCluster(token: "sim-token", tls: try ServingCertificate.generate(),
                                       tickInterval: .milliseconds(50))
        try await cluster.serving { port in
            try await body(cluster, "https://127.0.0.1:\(port)")
        }
    }

    @Test func rolloutVersionWorksWithTheKubeconfigSimWrites() async throws {
        try await withCluster { cluster, server in
            let ca = cluster.server.configuration.tls?.caPEM
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.filePath("kubeconfig")
            try SimCommand.writeKubeconfig(SimCommand.kubeconfig(server: server, token: "sim-token", caPEM: ca), to: path)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let result = await runRollout(["version", "--kubeconfig", path])
            #expect(result.exitCode == 0, "\(result.err)")
            #expect(result.out.contains("Server Version: v1.31.0-kubesim"))
            #expect(result.out.contains("Server: \(server)"))

            try SimCommand.writeKubeconfig(SimCommand.kubeconfig(server: server, token: "wrong", caPEM: ca), to: path)
            let rejected = await runRollout(["version", "--kubeconfig", path])
            #expect(rejected.exitCode == 1)
            #expect(rejected.err.contains("401 Unauthorized"))
        }
    }

    @Test func aDeploymentBecomesReadyPodsBehindItsService() async throws {
        try await withCluster { cluster, server in
            let client = KubernetesClient(configuration: ClientConfiguration(
                server: server,
                tls: TLSConfiguration(certificateAuthority: cluster.server.configuration.tls.map { Array($0.caPEM.utf8) }),
                credentials: Credentials(bearerToken: Secret("sim-token"))))
            let deployments = client.resources(DynamicObject.self, .deployments, namespace: "default")
            let labels: JSONValue = ["app": "web"]
            _ = try await deployments.create(DynamicObject([
                "metadata": ["name": "web"],
                "spec": [
                    "replicas": 3,
                    "selector": ["matchLabels": labels],
                    "template": [
                        "metadata": ["labels": labels],
                        "spec": ["containers": [["name": "web", "image": "web:1", "ports": [["containerPort": 8080]]]]],
                    ],
                ],
            ]))
            _ = try await client.resources(DynamicObject.self, .services, namespace: "default").create(DynamicObject([
                "metadata": ["name": "web"],
                "spec": ["selector": labels, "ports": [["port": 80, "targetPort": 8080]]],
            ]))
            var ready: Int64 = 0
            for _ in 0..<200 where ready < 3 {
                try await Task.sleep(for: .milliseconds(50))
                ready = try await deployments.get("web").json[path: "status", "readyReplicas"]?.integerValue ?? 0
            }
            #expect(ready == 3)
            let pods = try await client.resources(DynamicObject.self, .pods, namespace: "default")
                .list(ListOptions(labelSelector: "app=web"))
            #expect(pods.items.count == 3)
            let endpointsType = ResourceType(group: "", version: "v1", plural: "endpoints", kind: "Endpoints")
            var addresses = 0
            for _ in 0..<100 where addresses < 3 {
                let endpoints = try? await client.resources(DynamicObject.self, endpointsType, namespace: "default").get("web")
                addresses = endpoints?.json["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.count ?? 0
                if addresses < 3 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(addresses == 3)
        }
    }
}
