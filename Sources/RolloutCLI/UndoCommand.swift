import ArgumentParser
import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// `rollout undo NAME [--to-revision N]`.
public struct UndoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Go back to an earlier revision: the Rollout's pod template becomes that revision's.",
        discussion: """
            Revisions are the Rollout's ReplicaSets (annotation rollout.sluice.dev/revision; `rollout get` lists \\
            them). Without --to-revision, the most recent revision other than the current one. If that revision \\
            is the stable one, the controller goes back to it at once; otherwise it rolls out through the steps.
            """)

    @OptionGroup public var target: RolloutTargetOptions

    @Option(name: .long, help: "The revision to go back to.")
    public var toRevision: Int?

    public init() {}

    public func run() async throws {
        try await reportingErrors {
            let name = target.name
            let writer = try target.writer()
            let toRevision = self.toRevision
            let (_, first) = try await writer.session.read(name)
            let sets = try await writer.session.replicaSets(of: first)
            let message = try await writer.write { json, rollout in
                guard let template = rollout.spec.template else {
                    throw CLIError("rollout \"\(name)\" has no spec.template (workloadRef): undo the referenced workload instead")
                }
                let current = podTemplateHash(template, collisionCount: rollout.status?.collisionCount)
                let revisions = sets.compactMap { set -> (revision: Int, set: ReplicaSet)? in
                    guard let text = set.metadata.annotations?[RolloutLabels.revision], let revision = Int(text) else { return nil }
                    return (revision, set)
                }.sorted { $0.revision > $1.revision }
                let known = revisions.map { String($0.revision) }.joined(separator: ", ")
                let chosen: (revision: Int, set: ReplicaSet)
                if let toRevision {
                    guard let match = revisions.first(where: { $0.revision == toRevision }) else {
                        throw CLIError("rollout \"\(name)\" has no revision \(toRevision) (it has: \(known.isEmpty ? "none" : known))",
                                       hint: "`rollout get \(name)` lists the revisions")
                    }
                    chosen = match
                } else {
                    guard let previous = revisions.first(where: { $0.set.metadata.labels?[RolloutLabels.podTemplateHash] != current }) else {
                        throw CLIError("rollout \"\(name)\" has no earlier revision to go back to")
                    }
                    chosen = previous
                }
                var previous = chosen.set.spec.template
                previous.metadata?.labels?[RolloutLabels.podTemplateHash] = nil
                if previous.metadata?.labels?.isEmpty == true { previous.metadata?.labels = nil }
                if chosen.set.metadata.labels?[RolloutLabels.podTemplateHash] == current {
                    return .nothing("rollout \"\(name)\" already runs revision \(chosen.revision)")
                }
                let wanted = try KubeJSON.value(of: previous)
                guard let diff = RolloutWriter.mergeDiff(from: json.json[path: "spec", "template"], to: wanted) else {
                    return .nothing("rollout \"\(name)\" already runs revision \(chosen.revision)'s template")
                }
                return .patch(["spec": ["template": diff]], status: false,
                              message: "rollout \"\(name)\" goes back to revision \(chosen.revision) (\(chosen.set.spec.template.spec?["containers"]?.arrayValue?.compactMap { $0["image"]?.stringValue }.joined(separator: ", ") ?? ""))")
            }
            TerminalOutput.current.out(message)
        }
    }
}
