import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors thrown by the TestSupport helpers.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for test failure messages.
    public let description: String

    /// Creates an error with the given message.
    public init(_ description: String) {
        self.description = description
    }
}

/// Runs a child process to completion and captures its output.
public enum TestProcess {
    /// Runs `exe` with `args` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - exe: an absolute or relative path (anything containing `/`), or a bare
    ///     name looked up on `PATH` through `/usr/bin/env`.
    ///   - args: the arguments, not including the program name.
    ///   - environment: variables added to (overriding) the inherited environment;
    ///     `nil` inherits it unchanged.
    ///   - stdin: text written to the child's standard input, which is then closed;
    ///     `nil` gives the child an empty standard input.
    /// - Returns: the exit status (or `128 + signal` when killed by a signal) and
    ///   everything the child wrote to stdout and stderr, decoded as UTF-8.
    public static func run(
        _ exe: String,
        _ args: [String],
        environment: [String: String]? = nil,
        stdin: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        if exe.contains("/") {
            process.executableURL = URL(fileURLWithPath: exe)
            process.arguments = args
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [exe] + args
        }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe

        ignoreSIGPIPE()
        do {
            try process.run()
        } catch {
            throw TestSupportError("cannot run \(exe): \(error)")
        }

        // Feed stdin and drain stderr on other threads so that a child filling one
        // pipe while we block on another cannot deadlock.
        let group = DispatchGroup()
        let errBox = LockedBox(Data())
        let input = Data((stdin ?? "").utf8)
        let inHandle = inPipe.fileHandleForWriting
        let errHandle = errPipe.fileHandleForReading
        DispatchQueue.global().async(group: group) {
            if !input.isEmpty {
                try? inHandle.write(contentsOf: input)
            }
            try? inHandle.close()
        }
        DispatchQueue.global().async(group: group) {
            let data = (try? errHandle.readToEnd()) ?? Data()
            errBox.set(data)
        }
        let outData = (try? outPipe.fileHandleForReading.readToEnd()) ?? Data()
        group.wait()
        process.waitUntilExit()
        try? outPipe.fileHandleForReading.close()
        try? errHandle.close()

        let status: Int32 = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus
            : process.terminationStatus
        return (
            status,
            String(decoding: outData, as: UTF8.self),
            String(decoding: errBox.get(), as: UTF8.self)
        )
    }
}

/// Writing to a pipe whose reader has exited must fail with EPIPE, not kill the
/// test process. libcurl-based tests want this anyway.
func ignoreSIGPIPE() {
    _ = signal(SIGPIPE, SIG_IGN)
}

/// A value shared across threads behind a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func get() -> Value {
        lock.withLock { value }
    }

    func set(_ newValue: Value) {
        lock.withLock { value = newValue }
    }

    func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try lock.withLock { try body(&value) }
    }
}

/// A uniquely named directory under `NSTemporaryDirectory()` for test files.
///
/// It is not removed automatically; call ``remove()`` when done (e.g. in a `defer`).
public struct TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates a fresh, empty directory named `<prefix>-<UUID>`.
    public init(prefix: String = "sluice-test") throws {
        let base = NSTemporaryDirectory()
        let path = (base as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw TestSupportError("cannot create temporary directory \(path): \(error)")
        }
        self.path = path
    }

    /// The absolute path of `name` inside this directory (nothing is created).
    public func filePath(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Writes `contents` (UTF-8) to `name` inside this directory, creating
    /// intermediate directories, and optionally sets its POSIX permissions
    /// (e.g. `0o755` for a script, `0o600` for a key).
    /// - Returns: the file's full path.
    @discardableResult
    public func write(_ name: String, _ contents: String, mode: Int? = nil) throws -> String {
        let file = filePath(name)
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        do {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw TestSupportError("cannot write \(file): \(error)")
        }
        if let mode {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        }
        return file
    }

    /// Deletes the directory and everything in it; errors are ignored.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
