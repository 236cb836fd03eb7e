import Foundation
import Logging

/// Turns a configuration's ``Credentials`` into what goes on each request, keeping rotating
/// credentials fresh. The HTTP layer calls ``current()`` before every request and
/// ``invalidate()`` after a 401.
///
/// - Exec plugin: run on first use and whenever its `expirationTimestamp` has passed (per the
///   injected clock), or after ``invalidate()``; without a timestamp its result is kept until
///   ``invalidate()``. Concurrent callers share one run. When a plugin is configured its token
///   wins over a kubeconfig `token`/`tokenFile`/basic auth (client-go); a certificate it returns
///   replaces the kubeconfig's client certificate. A plugin returning only a certificate leaves
///   the configured header credentials in place.
/// - Token file: re-read when a cheap `stat` shows a new modification date or size, at least
///   every 60 s, and after ``invalidate()``; whitespace trimmed. If a re-read fails and a token
///   was read before, that token is kept (client-go). Takes precedence over a literal token.
/// - Basic auth: `Basic base64(username:password)`.
public actor CredentialProvider {
    private let configuration: ClientConfiguration
    private let now: @Sendable () -> Date
    /// The environment exec plugins inherit and whose `PATH` finds them.
    private let environment: [String: String]
    private let logger: Logger

    /// How long a token file's contents are trusted without re-reading, even if `stat` shows no change.
    static let tokenFileMaximumAge: TimeInterval = 60

    private struct TokenFileState {
        var token: Secret
        var modificationDate: Date?
        var size: UInt64?
        var readAt: Date
    }

    private var tokenFile: TokenFileState?
    private var tokenFileNeedsReading = false
    private var tokenFileFailing = false

    private var execOutput: ExecPlugin.Output?
    private var execRun: Task<ExecPlugin.Output, any Error>?

    /// Creates a provider for `configuration`'s credentials.
    /// - Parameter now: the clock that exec credential expiry and token-file age are measured by.
    /// - Parameter logger: where warnings go (a token file that cannot be re-read).
    public init(configuration: ClientConfiguration, now: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "sluice.kubeclient.credentials")) {
        self.init(configuration: configuration, now: now, environment: ProcessInfo.processInfo.environment, logger: logger)
    }

    /// Creates a provider whose exec plugins inherit `environment` instead of the process's.
    init(configuration: ClientConfiguration, now: @escaping @Sendable () -> Date, environment: [String: String],
         logger: Logger = Logger(label: "sluice.kubeclient.credentials"), execTimeout: Duration = .seconds(60)) {
        self.configuration = configuration
        self.now = now
        self.environment = environment
        self.logger = logger
        self.execTimeout = execTimeout
    }

    /// How long an exec plugin may run before it is killed.
    private let execTimeout: Duration

    /// The credentials for the next request, refreshing rotated or expired ones first.
    /// - Throws: ``CredentialError`` when an exec plugin fails, or a token file cannot be read
    ///   and no earlier token is cached.
    public func current() async throws -> ResolvedCredentials {
        let credentials = configuration.credentials
        var resolved = ResolvedCredentials(clientCertificate: credentials.clientCertificate)
        if let exec = credentials.exec {
            let output = try await execCredentials(exec)
            if let token = output.token {
                resolved.authorization = Self.bearer(token)
            }
            if let certificate = output.clientCertificate {
                resolved.clientCertificate = certificate
            }
            if resolved.authorization != nil {
                return resolved
            }
        }
        if let path = credentials.bearerTokenFile {
            resolved.authorization = Self.bearer(try token(fromFile: path))
        } else if let token = credentials.bearerToken {
            resolved.authorization = Self.bearer(token)
        } else if let basic = credentials.basic {
            let pair = Array(basic.username.utf8) + Array(":".utf8) + basic.password.reveal()
            resolved.authorization = Secret("Basic " + Data(pair).base64EncodedString())
        }
        return resolved
    }

    /// Forgets cached credentials after the server rejected them (a 401): the next
    /// ``current()`` runs the exec plugin again and re-reads the token file. A plugin run already
    /// under way is kept, and its result shared, since it started after the rejected credentials.
    public func invalidate() {
        execOutput = nil
        tokenFileNeedsReading = true
    }

    // MARK: - Exec

    private func execCredentials(_ exec: ExecConfig) async throws -> ExecPlugin.Output {
        if let cached = execOutput, cached.expiry.map({ now() < $0 }) ?? true {
            return cached
        }
        if let run = execRun {
            return try await run.value
        }
        let plugin = ExecPlugin(config: exec, configuration: configuration, environment: environment, timeout: execTimeout)
        let run = Task { try await plugin.run() }
        execRun = run
        do {
            let output = try await run.value
            execRun = nil
            execOutput = output
            return output
        } catch {
            execRun = nil
            throw error
        }
    }

    // MARK: - Token file

    private func token(fromFile path: String) throws -> Secret {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let modificationDate = attributes?[.modificationDate] as? Date
        let size = attributes.flatMap { Self.size(of: $0) }
        let now = now()
        if let state = tokenFile, !tokenFileNeedsReading, attributes != nil,
           state.modificationDate == modificationDate, state.size == size,
           now.timeIntervalSince(state.readAt) < Self.tokenFileMaximumAge {
            return state.token
        }
        do {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw CredentialError(.tokenFile, subject: path, "cannot read the file")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw CredentialError(.tokenFile, subject: path, "the file is empty")
            }
            let token = Secret(text)
            tokenFile = TokenFileState(token: token, modificationDate: modificationDate, size: size, readAt: now)
            tokenFileNeedsReading = false
            tokenFileFailing = false
            return token
        } catch {
            guard let previous = tokenFile else { throw error }
            if !tokenFileFailing {
                tokenFileFailing = true
                logger.warning(
                    "cannot re-read the bearer token file; keeping the previous token",
                    metadata: ["path": "\(path)", "error": "\(error)"])
            }
            return previous.token
        }
    }

    private static func size(of attributes: [FileAttributeKey: Any]) -> UInt64? {
        switch attributes[.size] {
        case let size as UInt64: size
        case let size as Int: UInt64(clamping: size)
        case let size as NSNumber: size.uint64Value
        default: nil
        }
    }

    private static func bearer(_ token: Secret) -> Secret {
        Secret(bytes: Array("Bearer ".utf8) + token.reveal())
    }
}
