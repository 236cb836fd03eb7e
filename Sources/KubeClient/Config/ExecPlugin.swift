import Foundation
import Synchronization

/// Runs a kubeconfig exec credential plugin once and parses its ExecCredential.
///
/// The plugin gets the parent environment plus the configured `env` entries plus
/// `KUBERNETES_EXEC_INFO`; standard input is `/dev/null` (never interactive). The process is
/// awaited through `terminationHandler`, and its pipes are drained on two dedicated threads, so
/// no Swift concurrency thread ever blocks on it.
struct ExecPlugin: Sendable {
    /// What one run produced.
    struct Output: Sendable, Equatable {
        var token: Secret?
        var clientCertificate: ClientCertificate?
        /// When to run the plugin again; `nil`: only after ``CredentialProvider/invalidate()``.
        var expiry: Date?
    }

    /// The cluster as told to the plugin when `provideClusterInfo` is set.
    struct ClusterInfo: Encodable, Sendable, Equatable {
        var server: String
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }

        init(_ configuration: ClientConfiguration) {
            server = configuration.server
            certificateAuthorityData = configuration.tls.certificateAuthority.map { Data($0).base64EncodedString() }
            insecureSkipTLSVerify = configuration.tls.insecureSkipVerify ? true : nil
            tlsServerName = configuration.tls.serverName
        }
    }

    var config: ExecConfig
    var cluster: ClusterInfo?
    /// The environment the plugin inherits (and where a bare command is looked up on `PATH`).
    var environment: [String: String]

    /// A plugin still running after this long is killed: a hung plugin must not stall
    /// every request of the client forever.
    var timeout: Duration

    init(config: ExecConfig, configuration: ClientConfiguration, environment: [String: String],
         timeout: Duration = .seconds(60)) {
        self.config = config
        self.cluster = config.provideClusterInfo ? ClusterInfo(configuration) : nil
        self.environment = environment
        self.timeout = timeout
    }

    // MARK: - Running

    func run() async throws -> Output {
        let executable = try executablePath()
        var environment = self.environment
        for variable in config.env {
            environment[variable.name] = variable.value
        }
        environment["KUBERNETES_EXEC_INFO"] = execInfo()

        let result: ProcessResult
        do {
            result = try await Self.runProcess(executable: executable, arguments: config.args, environment: environment,
                                               timeout: timeout)
        } catch {
            throw CredentialError(.launchFailed, subject: config.command, "cannot start \(executable): \(error)")
        }
        switch result.termination {
        case .exit(0):
            return try parse(result.stdout)
        case .exit(let status):
            throw CredentialError(.exitStatus(status), subject: config.command, "exited with status \(status)\(stderrTail(result.stderr))")
        case .signal(let signal):
            throw CredentialError(.signal(signal), subject: config.command, "was killed by signal \(signal)\(stderrTail(result.stderr))")
        case .timedOut:
            throw CredentialError(.timedOut, subject: config.command, "did not finish within \(timeout.humanReadable) and was killed")
        }
    }

    /// At most the last 512 characters of standard error, after a colon; never standard output.
    private func stderrTail(_ stderr: Data) -> String {
        let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "" }
        return ": " + (text.count > 512 ? "..." + text.suffix(512) : text)
    }

    /// The command's absolute path: as given when it holds a `/`, else the first executable
    /// match on the inherited `PATH`.
    func executablePath() throws -> String {
        let fileManager = FileManager.default
        func isExecutable(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fileManager.isExecutableFile(atPath: path)
        }
        let hint = config.installHint.nonEmptyString.map { "\n\($0)" } ?? ""
        if config.command.contains("/") {
            guard isExecutable(config.command) else {
                throw CredentialError(.commandNotFound, subject: config.command, "no executable file at this path\(hint)")
            }
            return config.command
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + config.command
            if isExecutable(candidate) {
                return candidate
            }
        }
        throw CredentialError(.commandNotFound, subject: config.command, "command not found on PATH\(hint)")
    }

    /// The `KUBERNETES_EXEC_INFO` JSON.
    func execInfo() -> String {
        struct Spec: Encodable {
            var interactive: Bool
            var cluster: ClusterInfo?
        }
        struct Info: Encodable {
            var apiVersion: String
            var kind: String
            var spec: Spec
        }
        let info = Info(apiVersion: config.apiVersion, kind: "ExecCredential", spec: Spec(interactive: false, cluster: cluster))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and booleans cannot fail.
        return (try? String(decoding: encoder.encode(info), as: UTF8.self)) ?? "{}"
    }

    // MARK: - Parsing

    private struct ExecCredential: Decodable {
        var apiVersion: String?
        var kind: String?
        var status: Status?

        struct Status: Decodable {
            var expirationTimestamp: String?
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
        }
    }

    /// Parses the plugin's standard output. Messages never quote it: it may hold a token.
    func parse(_ stdout: Data) throws -> Output {
        func invalid(_ detail: String) -> CredentialError {
            CredentialError(.invalidOutput, subject: config.command, detail)
        }
        let credential: ExecCredential
        do {
            credential = try JSONDecoder().decode(ExecCredential.self, from: stdout)
        } catch {
            throw invalid("output is not an ExecCredential JSON object")
        }
        guard credential.apiVersion == config.apiVersion else {
            let got = credential.apiVersion.map(quotedName) ?? "no apiVersion"
            throw invalid("returned \(got), expected apiVersion \(quotedName(config.apiVersion))")
        }
        guard credential.kind == "ExecCredential" else {
            let got = credential.kind.map(quotedName) ?? "no kind"
            throw invalid("returned \(got), expected kind \"ExecCredential\"")
        }
        guard let status = credential.status else {
            throw invalid("returned no status")
        }
        var output = Output()
        output.token = status.token.nonEmptyString.map(Secret.init)
        switch (status.clientCertificateData.nonEmptyString, status.clientKeyData.nonEmptyString) {
        case let (certificate?, key?):
            output.clientCertificate = ClientCertificate(certificatePEM: Array(certificate.utf8), keyPEM: Secret(key))
        case (.some, nil):
            throw invalid("returned status.clientCertificateData without status.clientKeyData")
        case (nil, .some):
            throw invalid("returned status.clientKeyData without status.clientCertificateData")
        case (nil, nil):
            break
        }
        guard output.token != nil || output.clientCertificate != nil else {
            throw invalid("returned neither status.token nor status.clientCertificateData and status.clientKeyData")
        }
        if let timestamp = status.expirationTimestamp.nonEmptyString {
            guard let date = Self.parseRFC3339(timestamp) else {
                throw invalid("status.expirationTimestamp \(quotedName(timestamp)) is not an RFC 3339 time")
            }
            output.expiry = date
        }
        return output
    }

    /// RFC 3339 with or without fractional seconds.
    static func parseRFC3339(_ text: String) -> Date? { KubeTime.parse(text) }

    // MARK: - Process

    struct ProcessResult: Sendable {
        enum Termination: Sendable, Equatable {
            case exit(Int32)
            case signal(Int32)
            /// Killed because it ran past its time limit.
            case timedOut
        }
        var termination: Termination
        var stdout: Data
        var stderr: Data
    }

    /// Starts the process and resumes once it has exited and both pipes are drained.
    static func runProcess(executable: String, arguments: [String], environment: [String: String],
                           timeout: Duration) async throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let stdoutReader = stdoutPipe.fileHandleForReading
        let stderrReader = stderrPipe.fileHandleForReading

        let collector = ProcessCollector()
        // Keep the Process alive until it has been reaped and its handler has run.
        defer { withExtendedLifetime(process) {} }
        return try await withCheckedThrowingContinuation { continuation in
            collector.start(continuation)
            process.terminationHandler = { process in
                let termination: ProcessResult.Termination = process.terminationReason == .uncaughtSignal
                    ? .signal(process.terminationStatus)
                    : .exit(process.terminationStatus)
                collector.terminated(termination)
            }
            do {
                try process.run()
            } catch {
                collector.failed(error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout.seconds) {
                collector.timeOut { kill(pid, SIGKILL) }
            }
            // Drain both pipes concurrently so a chatty plugin never blocks on a full pipe.
            Thread.detachNewThread {
                collector.stdout(stdoutReader.readDataToEndOfFile())
            }
            Thread.detachNewThread {
                collector.stderr(stderrReader.readDataToEndOfFile())
            }
        }
    }
}

/// Gathers a process's exit and both outputs, and resumes the waiting task exactly once.
private final class ProcessCollector: Sendable {
    private struct State {
        var continuation: CheckedContinuation<ExecPlugin.ProcessResult, any Error>?
        var termination: ExecPlugin.ProcessResult.Termination?
        var stdout: Data?
        var stderr: Data?
    }

    private let state = Mutex(State())

    /// Unless the process has exited already: `kill` it and resume the waiting task with
    /// `.timedOut` at once, without waiting for the pipes (a grandchild may hold them open).
    /// Checked under the lock, so a reaped process id is never signalled.
    func timeOut(kill: () -> Void) {
        let continuation = state.withLock { state -> CheckedContinuation<ExecPlugin.ProcessResult, any Error>? in
            guard state.termination == nil, let continuation = state.continuation else { return nil }
            kill()
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: ExecPlugin.ProcessResult(termination: .timedOut, stdout: Data(), stderr: Data()))
    }

    func start(_ continuation: CheckedContinuation<ExecPlugin.ProcessResult, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func terminated(_ termination: ExecPlugin.ProcessResult.Termination) {
        update { $0.termination = termination }
    }

    func stdout(_ data: Data) {
        update { $0.stdout = data }
    }

    func stderr(_ data: Data) {
        update { $0.stderr = data }
    }

    func failed(_ error: any Error) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: error)
    }

    private func update(_ change: (inout State) -> Void) {
        let ready: (CheckedContinuation<ExecPlugin.ProcessResult, any Error>, ExecPlugin.ProcessResult)? = state.withLock { state in
            change(&state)
            guard let continuation = state.continuation,
                  let termination = state.termination, let stdout = state.stdout, let stderr = state.stderr
            else { return nil }
            state.continuation = nil
            return (continuation, ExecPlugin.ProcessResult(termination: termination, stdout: stdout, stderr: stderr))
        }
        if let (continuation, result) = ready {
            continuation.resume(returning: result)
        }
    }
}
