import Foundation
import KubeClient
import SluiceAPI

/// Measures by running a batch/v1 Job built from the metric's `job` (metadata and spec as
/// written): the Job completing is a passing measurement, the Job failing a failing one.
///
/// ``begin(_:context:)`` creates the Job, named after the run, metric and measurement index
/// (so a retried create adopts it), owned by the AnalysisRun, and returns at once with the
/// Job's name as metadata; ``resume(_:metadata:context:)`` reads its `Complete` / `Failed`
/// conditions; ``terminate(_:metadata:context:)`` deletes it.
public struct JobProvider: MetricProvider {
    /// Metadata key holding the Job's name while the measurement runs.
    public static let jobNameKey = "job-name"
    /// Labels put on every Job.
    public static let runLabel = "sluice.dev/analysis-run"
    public static let metricLabel = "sluice.dev/metric"

    private let jobs: any JobClient

    public init(jobs: any JobClient) { self.jobs = jobs }

    public func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        let job = try Self.job(for: metric, context: context)
        let name = job[path: "metadata", "name"]?.stringValue ?? ""
        do {
            _ = try await jobs.create(job, namespace: context.namespace)
        } catch {
            throw context.arguments.redact(error)
        }
        return .running(metadata: [Self.jobNameKey: name])
    }

    public func resume(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        guard let name = metadata[Self.jobNameKey] else {
            throw MeasurementError(.job, "metric \"\(metric.name)\": the running measurement does not name its Job")
        }
        guard let job = try await jobs.get(name, namespace: context.namespace) else {
            throw MeasurementError(.job, "Job \(context.namespace)/\(name) no longer exists")
        }
        return Self.progress(of: job, name: name, metadata: metadata)
    }

    public func terminate(_ metric: Metric, metadata: [String: String], context: MeasurementContext) async throws(MeasurementError) {
        guard let name = metadata[Self.jobNameKey] else { return }
        try await jobs.delete(name, namespace: context.namespace)
    }

    /// Finished when the Job has a `Complete` or `Failed` condition that is `True`.
    static func progress(of job: JSONValue, name: String, metadata: [String: String]) -> MeasurementProgress {
        for condition in job[path: "status", "conditions"]?.arrayValue ?? [] where condition["status"]?.stringValue == "True" {
            let reason = [condition["reason"]?.stringValue, condition["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
            switch condition["type"]?.stringValue {
            case "Complete":
                return .finished(.verdict(passed: true, detail: "Job \(name) completed"))
            case "Failed":
                return .finished(.verdict(passed: false, detail: "Job \(name) failed\(reason.isEmpty ? "" : ": \(reason)")"))
            default: continue
            }
        }
        return .running(metadata: metadata)
    }

    /// The Job object for one measurement (pure; exposed for tests).
    public static func job(for metric: Metric, context: MeasurementContext) throws(MeasurementError) -> JSONValue {
        guard let spec = metric.provider.job else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\" has no job provider")
        }
        guard case .object = spec.spec else {
            throw MeasurementError(.configuration, "metric \"\(metric.name)\": job.spec must be a JobSpec object")
        }
        let name = jobName(run: context.runName, metric: metric.name, index: context.measurementIndex)
        var labels = spec.metadata?.labels ?? [:]
        labels[runLabel] = String(context.runName.prefix(63))
        labels[metricLabel] = labelValue(metric.name)
        var metadata: [String: JSONValue] = [
            "name": .string(name),
            "namespace": .string(context.namespace),
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let annotations = spec.metadata?.annotations, !annotations.isEmpty {
            metadata["annotations"] = .object(annotations.mapValues { .string($0) })
        }
        if let uid = context.runUID {
            metadata["ownerReferences"] = [[
                "apiVersion": .string(AnalysisRun.resourceType.apiVersion), "kind": .string(AnalysisRun.resourceType.kind),
                "name": .string(context.runName), "uid": .string(uid), "controller": true, "blockOwnerDeletion": true,
            ]]
        }
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": .object(metadata), "spec": spec.spec]
    }

    /// `RUN-METRIC-INDEX`, lower-cased, with characters a name cannot hold turned into `-`,
    /// and at most 63 characters (a Job's name becomes its pods' `job-name` label): longer
    /// names keep their start and end in a stable hash.
    public static func jobName(run: String, metric: String, index: Int) -> String {
        let raw = "\(run)-\(metric)-\(index)".lowercased()
        var name = String(raw.unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" ? Character(scalar) : "-"
        })
        if name.count > 63 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in raw.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            name = String(name.prefix(54)) + "-" + String(String(hash, radix: 16).prefix(8))
        }
        return String(name.drop { $0 == "-" }.reversed().drop { $0 == "-" }.reversed())
    }

    private static func labelValue(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { scalar -> Character in
            scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar)
                ? Character(scalar) : "-"
        }.prefix(63))
        let edges = CharacterSet(charactersIn: "-_.")
        return cleaned.trimmingCharacters(in: edges)
    }
}
