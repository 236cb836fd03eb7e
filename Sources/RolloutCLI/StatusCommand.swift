import ArgumentParser
import Foundation
import RolloutCore
import RolloutView

/// `rollout status NAME`: phase, step, weights, ready pods per revision, analyses and the
/// last events; `--watch` follows until the update settles.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where a Rollout is: phase, step, traffic weights, ready pods, analyses, events.",
        discussion: """
            Exit status: 0 when Healthy, Progressing or Paused; 1 when Degraded or Aborted. With --watch, \\
            follows the Rollout until it is Healthy (exit 0), Degraded or Aborted (exit 1), or --timeout \\
            passes (exit 2): redrawn in place on a terminal, one line per change otherwise.
            """)

    @ArgumentParser.Argument(help: "The Rollout's name.")
    public var name: String

    @OptionGroup public var kube: KubeOptions

    @Flag(name: [.short, .long], help: "Follow the Rollout until it is Healthy, Degraded or Aborted.")
    public var watch = false

    @Option(name: .long, help: "With --watch: give up after this long (e.g. 10m, 90s); exit 2.")
    public var timeout: String?

    @Option(name: .long, help: "How many of the most recent events to show.")
    public var events: Int = 5

    @Option(name: [.short, .long], help: "Output format: json or yaml (the status as data).")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws {
        try OutputFormat.validateViewFlags("status", output: output, watch: watch, timeout: timeout)
    }

    public func run() async throws {
        try await reportingErrors {
            let console = TerminalOutput.current
            let session = try ClusterSession(kube)
            let style = TerminalStyle.detect(isTerminal: console.isTerminal, environment: console.environment)
            let eventLimit = events
            guard watch else {
                let snapshot = try await session.snapshot(name)
                if let document = try OutputFormat.document(RolloutStatusReport(snapshot, eventLimit: eventLimit), as: output) {
                    console.out(document)
                } else {
                    console.out(StatusView(snapshot: snapshot, now: Date(), style: style, eventLimit: eventLimit).render())
                }
                if [.degraded, .aborted].contains(snapshot.phase.phase) { throw ExitCode(1) }
                return
            }
            let follower = RolloutFollower(session: session, name: name, timeout: try KubeOptions.parseTimeout(timeout))
            let code = try await follower.run(
                render: { snapshot in
                    let view = StatusView(snapshot: snapshot, now: Date(), style: style, eventLimit: eventLimit)
                    return (view.render(), view.line())
                },
                decide: { snapshot in
                    let phase = snapshot.phase
                    guard phase.isFinal else { return nil }
                    return phase.phase == .healthy ? 0 : 1
                })
            guard let code else {
                let last = try? await session.snapshot(name)
                let state = last.map { " (last seen: \($0.phase.phase.rawValue)\($0.phase.message.isEmpty ? "" : ": \($0.phase.message)"))" } ?? ""
                throw CLIError("timed out after \(timeout ?? "") waiting for rollout \"\(name)\" to finish\(state)", code: 2)
            }
            if code != 0 {
                let last = try await session.snapshot(name)
                console.err("rollout \"\(name)\" is \(last.phase.phase.rawValue): \(last.phase.message)")
                throw ExitCode(code)
            }
        }
    }
}
