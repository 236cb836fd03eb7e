import ArgumentParser
import Foundation
import KubeClient
import RolloutView
import SluiceAPI

/// `rollout list`: one row per Rollout, like `kubectl get rollouts`.
public struct ListCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List Rollouts with their phase, step, canary weight and pods.")

    @OptionGroup public var kube: KubeOptions

    @Flag(name: [.customShort("A"), .long], help: "List the Rollouts of every namespace.")
    public var allNamespaces = false

    @Option(name: [.short, .long], help: "Output format: json, yaml, wide or name.")
    public var output: OutputFormat?

    public init() {}

    public func run() async throws {
        try await reportingErrors {
            let console = TerminalOutput.current
            let session = try ClusterSession(kube)
            let namespace = allNamespaces ? nil : session.namespace
            let list: ObjectList<DynamicObject>
            do {
                list = try await session.client.resources(DynamicObject.self, .rollouts, namespace: namespace).listAll()
            } catch {
                throw session.explain(error, name: nil)
            }
            let rollouts = list.items.compactMap { try? KubeJSON.decode(Rollout.self, from: KubeJSON.encode($0.json)) }
            switch output {
            case .json?, .yaml?:
                let document: JSONValue = ["apiVersion": "v1", "kind": "List", "items": .array(list.items.map(\.json))]
                console.out(try OutputFormat.document(document, as: output) ?? "")
            case .name?:
                if !rollouts.isEmpty { console.out(ListView.names(rollouts)) }
            default:
                guard !rollouts.isEmpty else {
                    console.err(allNamespaces ? "No Rollouts found." : "No Rollouts found in namespace \"\(session.namespace)\".")
                    return
                }
                let style = TerminalStyle.detect(isTerminal: console.isTerminal, environment: console.environment)
                console.out(ListView(rollouts: rollouts, now: Date(), style: style, allNamespaces: allNamespaces,
                                     wide: output == .wide).render())
            }
        }
    }
}
