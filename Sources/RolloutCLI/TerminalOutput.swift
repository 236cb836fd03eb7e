import Foundation
import Synchronization

/// Where a command writes: the process's stdout and stderr, or a capture in tests.
///
/// Commands read it from ``TerminalOutput/current``, a task-local, so tests can run a
/// command in-process and see exactly what it printed.
public final class TerminalOutput: Sendable {
    private let capturing: Bool
    private let captured = Mutex((out: "", err: ""))
    /// Standard output is a terminal: colour and in-place redraw are allowed.
    public let isTerminal: Bool
    /// The environment colour decisions read (`NO_COLOR`, `TERM`).
    public let environment: [String: String]

    private init(capturing: Bool, isTerminal: Bool, environment: [String: String]) {
        self.capturing = capturing
        self.isTerminal = isTerminal
        self.environment = environment
    }

    /// Writes to the process's stdout and stderr.
    public static let standard = TerminalOutput(capturing: false, isTerminal: isatty(STDOUT_FILENO) == 1,
                                                environment: ProcessInfo.processInfo.environment)

    /// Keeps everything written, for ``standardOutput`` and ``standardError``; `terminal`
    /// makes commands behave as on a terminal.
    public static func capture(terminal: Bool = false, environment: [String: String] = [:]) -> TerminalOutput {
        TerminalOutput(capturing: true, isTerminal: terminal, environment: environment)
    }

    /// Text as it is, without a newline (in-place redraws).
    public func write(_ text: String) {
        if capturing {
            captured.withLock { $0.out += text }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

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
