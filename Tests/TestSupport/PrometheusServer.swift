import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real Prometheus (the Debian package's `/usr/bin/prometheus`) on a free loopback port,
/// scraping the given targets, with its TSDB in a temporary directory. ``stop()`` (or
/// deinit) kills it and removes the directory. `make deps` installs the package; when the
/// binary is missing, ``init(targets:scrapeInterval:)`` throws saying so.
public final class PrometheusServer: @unchecked Sendable {
    public static let binary = "/usr/bin/prometheus"
    public static let promtool = "/usr/bin/promtool"
    public static let jobName = "kubesim-workloads"

    public let port: Int
    private let process: Process
    private let directory: TemporaryDirectory
    private let lock = NSLock()
    private var stopped = false

    /// The error tests report when the Prometheus binaries are not installed.
    public static func missing(_ path: String) -> TestSupportError {
        TestSupportError("\(path) is missing: run `make deps` (it installs the Debian package prometheus)")
    }

    /// Starts Prometheus scraping `targets` (`host:port`, path /metrics) every `scrapeInterval`
    /// as job ``jobName``; returns once it reports itself ready (`/-/ready`).
    public init(targets: [String], scrapeInterval: String = "1s") throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw Self.missing(Self.binary) }
        directory = try TemporaryDirectory(prefix: "sluice-prometheus")
        port = TestNetwork.unusedLoopbackPort()
        let targetList = targets.map { "\"\($0)\"" }.joined(separator: ", ")
        let config = try directory.write("prometheus.yml", """
            global:
              scrape_interval: \(scrapeInterval)
              evaluation_interval: \(scrapeInterval)
            scrape_configs:
              - job_name: \(Self.jobName)
                scrape_interval: \(scrapeInterval)
                scrape_timeout: \(scrapeInterval)
                static_configs:
                  - targets: [\(targetList)]
            """)
        let log = directory.filePath("prometheus.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--config.file=\(config)",
            "--storage.tsdb.path=\(directory.filePath("data"))",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        try? logHandle.close()
        for _ in 0..<600 {
            // Ready, not just listening: until its TSDB is open the API answers 503.
            if TestNetwork.httpStatus(onLoopbackPort: port, path: "/-/ready") == 200 { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        let output = self.log()
        stop()
        throw TestSupportError("prometheus did not start listening on 127.0.0.1:\(port): \(output)")
    }

    deinit { stop() }

    /// `http://127.0.0.1:port`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// What Prometheus has logged so far.
    public func log() -> String {
        (try? String(contentsOfFile: directory.filePath("prometheus.log"), encoding: .utf8)) ?? ""
    }

    /// Terminates Prometheus (SIGTERM, then SIGKILL after 5 s) and removes its files.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            for _ in 0..<250 where process.isRunning { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        directory.remove()
    }

    /// Runs `promtool check metrics` on `text` (Prometheus exposition format): its exit
    /// status and what it printed (lint problems go to stderr).
    public static func checkMetrics(_ text: String) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: promtool) else { throw missing(promtool) }
        let result = try TestProcess.run(promtool, ["check", "metrics"], stdin: text)
        return (result.status, result.stdout + result.stderr)
    }
}
