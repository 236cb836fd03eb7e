import Analysis
import Foundation
import KubeClient
import KubeSim
import SluiceAPI
import Testing

/// A KubeSim API server (HTTPS) for the length of `body`, with a client that trusts it.
func withKubeSim<T: Sendable>(_ body: (ObjectStore, KubernetesClient) async throws -> T) async throws -> T {
    let store = ObjectStore(historyCapacity: 100, garbageCollection: .synchronous)
    let certificate = try ServingCertificate.generate()
    let server = KubeSimServer(store: store, configuration: .init(token: "t", tls: certificate))
    return try await server.serving { port in
        let client = KubernetesClient(
            configuration: ClientConfiguration(
                server: "https://127.0.0.1:\(port)",
                tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                credentials: Credentials(bearerToken: Secret("t"))),
            retryPolicy: .none)
        return try await body(store, client)
    }
}

/// The Kubernetes-backed Secret reader and Job client over real REST calls to KubeSim.
/// KubeSim has no built-in batch/v1 Jobs (and no Job controller), and like kube-apiserver
/// refuses a CRD in group `batch`; so a CRD serves Jobs in a stand-in group, and the test sets
/// a Job's conditions as the Job controller would.
@Suite("Kubernetes Secret reader and Job client")
struct KubernetesClientsTests {
    @Test func readsSecrets() async throws {
        try await withKubeSim { store, client in
            _ = try store.create(.namespaces, ["metadata": ["name": "shop"]])
            _ = try store.create(.secrets, namespace: "shop", [
                "metadata": ["name": "prom"], "data": ["token": .string(Data("s3cret\n".utf8).base64EncodedString())],
            ])
            let reader = KubernetesSecretReader(client: client)
            #expect(try await reader.value(namespace: "shop", name: "prom", key: "token") == "s3cret\n")
            await #expect(throws: MeasurementError(.secret, "Secret shop/prom has no key \"password\"")) {
                try await reader.value(namespace: "shop", name: "prom", key: "password")
            }
            await #expect(throws: MeasurementError(.secret, "Secret shop/missing not found")) {
                try await reader.value(namespace: "shop", name: "missing", key: "token")
            }
        }
    }

    @Test func runsAJobThroughTheAPI() async throws {
        try await withKubeSim { store, client in
            _ = try store.create(.namespaces, ["metadata": ["name": "shop"]])
            let jobs = ResourceType(group: "batch.sluice.test", version: "v1", plural: "jobs", kind: "Job")
            _ = try store.create(.customResourceDefinitions, RouterCRDs.crd(jobs, singular: "job", categories: [], versions: ["v1"]))
            let provider = JobProvider(jobs: KubernetesJobClient(client: client, resource: jobs))
            // No run UID: KubeSim's garbage collector would delete a Job owned by an AnalysisRun it does not hold.
            let context = context()
            let started = try await provider.begin(jobMetric(), context: context)
            #expect(started == .running(metadata: ["job-name": "web-1-smoke-0"]))
            #expect(try await provider.begin(jobMetric(), context: context) == started)

            var job = try store.get(jobs, namespace: "shop", name: "web-1-smoke-0")
            #expect(job["spec"] == jobSpec)
            #expect(job[path: "metadata", "labels", "sluice.dev/analysis-run"] == "web-1")
            let metadata = ["job-name": "web-1-smoke-0"]
            #expect(try await provider.resume(jobMetric(), metadata: metadata, context: context) == .running(metadata: metadata))

            job["status"] = ["conditions": [["type": "Failed", "status": "True", "reason": "DeadlineExceeded", "message": "Job was active longer than specified deadline"]]]
            _ = try store.updateStatus(jobs, namespace: "shop", name: "web-1-smoke-0", job)
            #expect(try await provider.resume(jobMetric(), metadata: metadata, context: context)
                    == .finished(.verdict(passed: false, detail: "Job web-1-smoke-0 failed: DeadlineExceeded: Job was active longer than specified deadline")))

            try await provider.terminate(jobMetric(), metadata: metadata, context: context)
            try await provider.terminate(jobMetric(), metadata: metadata, context: context)
            #expect(throws: APIError.self) { try store.get(jobs, namespace: "shop", name: "web-1-smoke-0") }
            await #expect(throws: MeasurementError(.job, "Job shop/web-1-smoke-0 no longer exists")) {
                try await provider.resume(jobMetric(), metadata: metadata, context: context)
            }
        }
    }
}
