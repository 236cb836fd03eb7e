import Foundation
import KubeClient
import RolloutCore
import RolloutView

/// Follows one Rollout for `status --watch` and `get --watch`: reads a fresh snapshot
/// whenever the Rollout changes (a watch on it) and every `refresh` (pods, events and ages
/// change without it), and shows each change — redrawn in place on a terminal, appended
/// otherwise — until `decide` returns an exit code or the timeout passes.
struct RolloutFollower: Sendable {
    let session: ClusterSession
    let name: String
    let timeout: Duration?
    var refresh: Duration = .seconds(1)

    /// What to show for a snapshot: the full text (terminal) and the text for a log.
    typealias Render = @Sendable (RolloutSnapshot) -> (screen: String, log: String)

    /// Returns the exit code `decide` gave, or nil when the timeout passed first.
    func run(render: @escaping Render, decide: @escaping @Sendable (RolloutSnapshot) -> Int32?) async throws -> Int32? {
        let console = TerminalOutput.current
        let (signals, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        let session = self.session
        let name = self.name
        let refresh = self.refresh
        return try await withThrowingTaskGroup(of: Int32??.self) { group in
            group.addTask {
                // The Rollout's own changes, as they happen.
                while !Task.isCancelled {
                    do {
                        let options = WatchOptions(fieldSelector: "metadata.name=\(name)", timeoutSeconds: 120)
                        for try await _ in session.rollouts.watch(options) { continuation.yield() }
                    } catch {
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                return .none
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: refresh)
                    continuation.yield()
                }
                return .none
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .some(nil)
                }
            }
            group.addTask {
                var shown = ""
                var lines = 0
                for await _ in signals {
                    let snapshot = try await session.snapshot(name)
                    let (screen, log) = render(snapshot)
                    if console.isTerminal {
                        if screen != shown {
                            // Up to the first line drawn last time, clear to the end, draw again.
                            console.write((lines > 0 ? "\u{1B}[\(lines)F\u{1B}[J" : "") + screen + "\n")
                            lines = screen.split(separator: "\n", omittingEmptySubsequences: false).count
                            shown = screen
                        }
                    } else if log != shown {
                        console.out(log)
                        shown = log
                    }
                    if let code = decide(snapshot) { return .some(code) }
                }
                return .none
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if case .some(let outcome) = result { return outcome }
            }
            return nil
        }
    }
}
