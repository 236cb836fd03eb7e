import Analysis
import Foundation
import KubeClient
import SluiceAPI
import Synchronization
import Testing

/// Jobs in memory: what the provider created and deleted; tests set a Job's conditions as
/// the Job controller would. (KubeSim serves no batch/v1 Jobs, so the provider is tested
/// through its ``JobClient`` protocol.)
final class FakeJobClient: JobClient {
    let jobs = Mutex<[String: JSONValue]>([:])
    let deleted = Mutex<[String]>([])

    func create(_ job: JSONValue, namespace: String) async throws(MeasurementError) -> Bool {
        let name = job[path: "metadata", "name"]?.stringValue ?? ""
        return jobs.withLock { jobs in
            guard jobs["\(namespace)/\(name)"] == nil else { return false }
            jobs["\(namespace)/\(name)"] = job
            return true
        }
    }

    func get(_ name: String, namespace: String) async throws(MeasurementError) -> JSONValue? {
        jobs.withLock { $0["\(namespace)/\(name)"] }
    }

    func delete(_ name: String, namespace: String) async throws(MeasurementError) {
        jobs.withLock { _ = $0.removeValue(forKey: "\(namespace)/\(name)") }
        deleted.withLock { $0.append("\(namespace)/\(name)") }
    }

    /// Sets a `True` condition of `type` on the Job, as the Job controller does when it ends.
    func finish(_ key: String, _ type: String, reason: String? = nil, message: String? = nil) {
        jobs.withLock { jobs in
            guard case .object(var job)? = jobs[key] else { return }
            var condition: [String: JSONValue] = ["type": .string(type), "status": "True"]
            if let reason { condition["reason"] = .string(reason) }
            if let message { condition["message"] = .string(message) }
            job["status"] = ["conditions": [.object(condition)]]
            jobs[key] = .object(job)
        }
    }
}

let jobSpec: JSONValue = ["backoffLimit": 0, "template": ["spec": ["restartPolicy": "Never", "containers": [["name": "smoke", "image": "curlimages/curl"]]]]]

func jobMetric(_ name: String = "smoke", success: String? = nil) -> Metric {
    Metric(name: name, successCondition: success,
           provider: MetricProviderSpec(job: JobMetric(metadata: ObjectMeta(labels: ["team": "shop"], annotations: ["note": "x"]), spec: jobSpec)))
}

@Suite("Job provider")
struct JobProviderTests {
    @Test func createsAnOwnedJobAndReadsItsOutcome() async throws {
        let client = FakeJobClient()
        let provider = JobProvider(jobs: client)
        var context = context()
        context.runUID = "uid-1"
        context.measurementIndex = 2
        let progress = try await provider.begin(jobMetric(), context: context)
        #expect(progress == .running(metadata: ["job-name": "web-1-smoke-2"]))
        let job = try #require(client.jobs.withLock { $0["shop/web-1-smoke-2"] })
        #expect(job["spec"] == jobSpec)
        #expect(job[path: "metadata", "labels"] == ["team": "shop", "sluice.dev/analysis-run": "web-1", "sluice.dev/metric": "smoke"])
        #expect(job[path: "metadata", "annotations"] == ["note": "x"])
        #expect(job[path: "metadata", "ownerReferences"] == [["apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisRun", "name": "web-1", "uid": "uid-1",
                                                              "controller": true, "blockOwnerDeletion": true]])
        // A retried begin adopts the Job instead of failing or making a second one.
        #expect(try await provider.begin(jobMetric(), context: context) == progress)
        #expect(client.jobs.withLock { $0.count } == 1)

        let metadata = ["job-name": "web-1-smoke-2"]
        #expect(try await provider.resume(jobMetric(), metadata: metadata, context: context) == .running(metadata: metadata))
        client.finish("shop/web-1-smoke-2", "Complete")
        #expect(try await provider.resume(jobMetric(), metadata: metadata, context: context) == .finished(.verdict(passed: true, detail: "Job web-1-smoke-2 completed")))
        client.finish("shop/web-1-smoke-2", "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        #expect(try await provider.resume(jobMetric(), metadata: metadata, context: context)
                == .finished(.verdict(passed: false, detail: "Job web-1-smoke-2 failed: BackoffLimitExceeded: Job has reached the specified backoff limit")))

        try await provider.terminate(jobMetric(), metadata: metadata, context: context)
        try await provider.terminate(jobMetric(), metadata: metadata, context: context)
        #expect(client.deleted.withLock { $0 } == ["shop/web-1-smoke-2", "shop/web-1-smoke-2"])
        await #expect(throws: MeasurementError(.job, "Job shop/web-1-smoke-2 no longer exists")) {
            try await provider.resume(jobMetric(), metadata: metadata, context: context)
        }
    }

    @Test func jobNamesAreValidAndStable() {
        #expect(JobProvider.jobName(run: "Web_1", metric: "smoke.test", index: 0) == "web-1-smoke-test-0")
        let long = JobProvider.jobName(run: String(repeating: "r", count: 60), metric: "smoke", index: 12)
        #expect(long.count == 63)
        #expect(long == JobProvider.jobName(run: String(repeating: "r", count: 60), metric: "smoke", index: 12))
        #expect(long != JobProvider.jobName(run: String(repeating: "r", count: 60), metric: "smoke", index: 13))
    }
}
