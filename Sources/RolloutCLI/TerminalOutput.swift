import Foundation
import Synchronization

/// Where a command writes: the process's stdout and stderr, or a capture in tests.
///
/// Commands read it from ``TerminalOutput/current``, a task-local, so tests can run a
/// command in-process and see exactly what it printed.
public final class TerminalOutput: Sendable {
    private let capturing: Bool
    private let captured = Mutex((out: "", err: ""))

    private init(capturing: Bool) {
        self.capturing = capturing
    }

    /// Writes to the process's stdout and stderr.
    public static let standard = TerminalOutput(capturing: false)

    /// Keeps everything written, for ``standardOutput`` and ``standardError``.
    public static func capture() -> TerminalOutput { TerminalOutput(capturing: true) }

    /// The output of the command running in this task.
    @TaskLocal public static var current: TerminalOutput = .standard

    public func out(_ line: String) {
        if capturing {
            captured.withLock { $0.out += line + "\n" }
        } else {
            // Unbuffered, so a script reading a long-running command's output sees each line now.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    public func err(_ line: String) {
        if capturing {
            captured.withLock { $0.err += line + "\n" }
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    public var standardOutput: String { captured.withLock { $0.out } }
    public var standardError: String { captured.withLock { $0.err } }
}
