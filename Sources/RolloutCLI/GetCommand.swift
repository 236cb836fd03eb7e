import ArgumentParser
import Foundation
import RolloutCore
import RolloutView

/// `rollout get NAME`: the revision tree — Rollout, ReplicaSets, pods, AnalysisRuns.
public struct GetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a Rollout's revision tree: ReplicaSets, pods and AnalysisRuns, with status and age.",
        discussion: "With --watch, redraws on every change until interrupted (or --timeout passes).")

    @ArgumentParser.Argument(help: "The Rollout's name.")
    public var name: String

    @OptionGroup public var kube: KubeOptions

    @Flag(name: [.short, .long], help: "Keep showing the tree as it changes.")
    public var watch = false

    @Option(name: .long, help: "With --watch: stop after this long (e.g. 10m).")
    public var timeout: String?

    @Option(name: [.short, .long], help: "Output format: json or yaml (the tree as data).")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws {
        try OutputFormat.validateViewFlags("get", output: output, watch: watch, timeout: timeout)
    }

    public func run() async throws {
        try await reportingErrors {
            let console = TerminalOutput.current
            let session = try ClusterSession(kube)
            let style = TerminalStyle.detect(isTerminal: console.isTerminal, environment: console.environment)
            guard watch else {
                let snapshot = try await session.snapshot(name)
                if let document = try OutputFormat.document(RolloutTree(snapshot), as: output) {
                    console.out(document)
                } else {
                    console.out(TreeView(snapshot: snapshot, now: Date(), style: style).render())
                }
                return
            }
            let follower = RolloutFollower(session: session, name: name, timeout: try KubeOptions.parseTimeout(timeout))
            _ = try await follower.run(
                render: { snapshot in
                    let text = TreeView(snapshot: snapshot, now: Date(), style: style).render()
                    // Off a terminal, a new tree only when something other than an age changed.
                    let undated = TreeView(snapshot: snapshot, now: .distantFuture, style: .plain).render()
                    return (text, undated == text ? text : "\n" + TreeView(snapshot: snapshot, now: Date(), style: .plain).render())
                },
                decide: { _ in nil })
        }
    }
}
