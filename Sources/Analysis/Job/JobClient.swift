import KubeClient

/// The Kubernetes calls the Job provider makes, behind a protocol so the provider can be
/// tested without a cluster that runs Jobs.
///
/// Calls may run concurrently. Errors are ``MeasurementError``s of kind `.job`.
public protocol JobClient: Sendable {
    /// Creates `job` (a complete batch/v1 Job object) in `namespace`. Returns `false`,
    /// without error, when a Job of that name already exists (a retried create adopts it).
    func create(_ job: JSONValue, namespace: String) async throws(MeasurementError) -> Bool
    /// The Job, or nil when there is none of that name.
    func get(_ name: String, namespace: String) async throws(MeasurementError) -> JSONValue?
    /// Deletes the Job and, in the background, its pods. Deleting one already gone succeeds.
    func delete(_ name: String, namespace: String) async throws(MeasurementError)
}

extension ResourceType {
    /// `batch/v1` Jobs.
    public static let jobs = ResourceType(group: "batch", version: "v1", plural: "jobs", kind: "Job")
}

/// Jobs through the Kubernetes API.
public struct KubernetesJobClient: JobClient {
    public let client: KubernetesClient
    public let fieldManager: String
    /// Where Jobs are served: ``ResourceType/jobs``, or a stand-in with the same shape
    /// (the tests use a CRD, since KubeSim serves no batch/v1 Jobs).
    public let resource: ResourceType

    public init(client: KubernetesClient, fieldManager: String = "sluice", resource: ResourceType = .jobs) {
        self.client = client
        self.fieldManager = fieldManager
        self.resource = resource
    }

    private func jobs(_ namespace: String) -> ResourceClient<JSONValue> {
        client.resources(JSONValue.self, resource, namespace: namespace)
    }

    public func create(_ job: JSONValue, namespace: String) async throws(MeasurementError) -> Bool {
        var job = job
        if case .object(var members) = job {
            members["apiVersion"] = .string(resource.apiVersion)
            job = .object(members)
        }
        do {
            _ = try await jobs(namespace).create(job, fieldManager: fieldManager)
            return true
        } catch let error as KubeClientError where error.isAlreadyExists {
            return false
        } catch {
            throw MeasurementError(.job, "could not create Job \(namespace)/\(job[path: "metadata", "name"]?.stringValue ?? "?"): \(error)")
        }
    }

    public func get(_ name: String, namespace: String) async throws(MeasurementError) -> JSONValue? {
        do {
            return try await jobs(namespace).get(name)
        } catch let error as KubeClientError where error.isNotFound {
            return nil
        } catch {
            throw MeasurementError(.job, "could not read Job \(namespace)/\(name): \(error)")
        }
    }

    public func delete(_ name: String, namespace: String) async throws(MeasurementError) {
        do {
            try await jobs(namespace).delete(name, options: DeleteOptions(propagationPolicy: .background))
        } catch let error as KubeClientError where error.isNotFound {
            return
        } catch {
            throw MeasurementError(.job, "could not delete Job \(namespace)/\(name): \(error)")
        }
    }
}
