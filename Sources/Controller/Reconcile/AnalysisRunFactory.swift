import Analysis
import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// The AnalysisRun a Rollout starts: the named templates instantiated with the arguments
/// the Rollout passes (pod-template hashes and fields filled in; Secrets stay references,
/// read per measurement), an experiment decision completed from its step's variants, or for
/// the SLO guard a generated spec (``SLOGuardRunSpec``); labelled with the Rollout, revision,
/// trigger and step, and owned by the Rollout (controller: true) so that deleting the Rollout
/// collects it.
enum AnalysisRunFactory {
    /// Set on a run whose arguments could not be resolved: the analysis controller marks it
    /// Error with this message instead of measuring (so the Rollout fails safe to stable).
    static let startErrorAnnotation = "rollout.sluice.dev/start-error"

    static func run(for request: AnalysisRunRequest, rollout: Rollout, templates: [ObservedAnalysisTemplate]) throws -> AnalysisRun {
        guard let rolloutName = rollout.metadata.name, let uid = rollout.metadata.uid else {
            throw ReplicaSetTemplateError.noIdentity
        }
        let namespace = rollout.metadata.namespace ?? "default"
        var annotations: [String: String]?
        let spec: AnalysisRunSpec
        if let slo = request.sloGuard {
            guard let source = slo.prometheus else { throw ExecutorError.noSLOSource(run: request.name) }
            spec = SLOGuardRunSpec.spec(slo, source: source, namespace: namespace, podTemplateHash: request.podTemplateHash)
        } else {
            var specs: [AnalysisTemplateSpec] = []
            for reference in request.analysis.templates {
                let clusterScope = reference.clusterScope == true
                guard let spec = templates.first(where: { $0.name == reference.templateName && $0.clusterScope == clusterScope })?.spec else {
                    throw ExecutorError.noTemplate(run: request.name, template: reference.templateName)
                }
                specs.append(spec)
            }
            let source = RolloutArgumentSource(stablePodTemplateHash: request.stablePodTemplateHash,
                                               latestPodTemplateHash: request.podTemplateHash, rollout: try KubeJSON.value(of: rollout))
            do {
                let instantiated = try AnalysisRunSpec.fromTemplates(specs, passing: request.analysis.args ?? [], source: source)
                spec = request.experiment?.completing(instantiated) ?? instantiated
            } catch {
                spec = AnalysisRunSpec(metrics: specs.flatMap(\.metrics))
                annotations = [startErrorAnnotation: "cannot start: \(error.description)"]
            }
        }
        let owner = OwnerReference(apiVersion: "\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)", kind: "Rollout",
                                   name: rolloutName, uid: uid, controller: true, blockOwnerDeletion: true)
        return AnalysisRun(
            metadata: ObjectMeta(name: request.name, namespace: namespace,
                                 labels: request.labels(rollout: rolloutName), annotations: annotations, ownerReferences: [owner]),
            spec: spec)
    }
}
