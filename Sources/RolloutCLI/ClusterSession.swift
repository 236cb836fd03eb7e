import Foundation
import KubeClient
import RolloutCore
import RolloutView
import SluiceAPI

/// A command's connection to the cluster: the client, the namespace the flags select, and
/// the reads `status`, `get` and the steering commands share. Every failure comes out as a
/// ``CLIError`` naming the object and the next step.
struct ClusterSession: Sendable {
    let client: KubernetesClient
    let namespace: String
    let server: String
    /// Field manager of every write the CLI makes.
    static let fieldManager = "rollout-cli"

    init(_ options: KubeOptions) throws {
        let configuration: ClientConfiguration
        do {
            configuration = try options.clientConfiguration()
        } catch {
            throw CLIError("\(error)", hint: "pass --kubeconfig or set KUBECONFIG; `rollout sim` writes a kubeconfig for KubeSim")
        }
        client = options.makeClient(configuration, retryPolicy: RetryPolicy(maxAttempts: 3))
        namespace = configuration.namespace
        server = configuration.server
    }

    var rollouts: ResourceClient<DynamicObject> { client.resources(DynamicObject.self, .rollouts, namespace: namespace) }

    func explain(_ error: any Error, name: String?) -> CLIError {
        CLIError.explain(error, name: name, namespace: namespace, server: server)
    }

    /// The Rollout as stored (JSON, for writes) and typed.
    func read(_ name: String) async throws -> (json: DynamicObject, rollout: Rollout) {
        let object: DynamicObject
        do {
            object = try await rollouts.get(name)
        } catch {
            throw explain(error, name: name)
        }
        do {
            return (object, try KubeJSON.decode(Rollout.self, from: KubeJSON.encode(object.json)))
        } catch {
            throw CLIError("rollout \"\(name)\" in namespace \"\(namespace)\" cannot be read: \(error)",
                           hint: "`rollout lint` on its manifest shows what is wrong")
        }
    }

    /// The ReplicaSets the Rollout owns.
    func replicaSets(of rollout: Rollout) async throws -> [ReplicaSet] {
        do {
            let sets = try await client.resources(ReplicaSet.self, namespace: namespace)
                .listAll(ListOptions(labelSelector: RolloutLabels.podTemplateHash)).items
            return sets.filter { set in
                (set.metadata.ownerReferences ?? []).contains { owner in
                    owner.kind == "Rollout" && (rollout.metadata.uid.map { $0 == owner.uid } ?? (owner.name == rollout.metadata.name))
                }
            }
        } catch {
            throw explain(error, name: nil)
        }
    }

    /// Everything `status` and `get` show of `name`.
    func snapshot(_ name: String) async throws -> RolloutSnapshot {
        let (_, rollout) = try await read(name)
        let sets = try await replicaSets(of: rollout)
        let hashes = Set(sets.compactMap { $0.metadata.labels?[RolloutLabels.podTemplateHash] })
        var pods: [PodSummary] = []
        var runs: [AnalysisRun] = []
        var events: [KubernetesEvent] = []
        do {
            if let selector = rollout.spec.selector?.selectorString, !hashes.isEmpty {
                pods = try await client.resources(DynamicObject.self, .pods, namespace: namespace)
                    .listAll(ListOptions(labelSelector: selector)).items
                    .map { PodSummary(pod: $0.json) }
                    .filter { $0.podTemplateHash.map(hashes.contains) ?? false }
            }
            let summaries = Set((rollout.status?.analysis ?? []).map(\.name))
            do {
                runs = try await client.resources(AnalysisRun.self, namespace: namespace).listAll().items.filter { run in
                    summaries.contains(run.metadata.name ?? "")
                        || (run.metadata.ownerReferences ?? []).contains { $0.kind == "Rollout" && $0.uid == rollout.metadata.uid }
                }
            } catch let error as KubeClientError where error.isNotFound {
                runs = []  // The AnalysisRun CRD is not installed: nothing to show.
            }
            events = try await client.resources(KubernetesEvent.self, namespace: namespace).listAll().items.filter { event in
                event.involvedObject.kind == "Rollout" && event.involvedObject.name == name
                    && (event.involvedObject.uid == nil || event.involvedObject.uid == rollout.metadata.uid)
            }
        } catch {
            throw explain(error, name: nil)
        }
        return RolloutSnapshot(rollout: rollout, replicaSets: sets, pods: pods, analysisRuns: runs, events: events)
    }
}

extension KubeOptions {
    /// `--timeout` text (`10m`, `90s`, `300`) as a duration, or a usage error.
    static func parseTimeout(_ text: String?) throws -> Duration? {
        guard let text else { return nil }
        switch DurationString(Int64(text).map { _ in text + "s" } ?? text).parsed() {
        case .success(let duration) where duration > .zero: return duration
        case .success: throw CLIError("--timeout must be greater than 0, got \"\(text)\"", code: 3)
        case .failure(let error): throw CLIError("--timeout: \(error.description)", code: 3)
        }
    }
}
