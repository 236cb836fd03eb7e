import Foundation
import Testing

@testable import KubeClient

/// ``CredentialProvider`` running real exec plugins: small `/bin/sh` scripts that count their
/// runs in a file and print an ExecCredential.
@Suite struct ExecCredentialTests {
    static let v1 = "client.authentication.k8s.io/v1"
    /// 2030-01-01T00:00:00Z.
    static let expiry = Date(timeIntervalSince1970: 1_893_456_000)

    /// A plugin script in `dir`. `stdout` may use `$n`, the 1-based run number.
    struct Plugin {
        let dir: ConfigScratchDir
        let path: String

        init(
            in dir: ConfigScratchDir,
            stdout: String,
            stderr: String = "",
            exitStatus: Int = 0,
            sleep: String = "0"
        ) throws {
            self.dir = dir
            path = try dir.write("bin/plugin", """
                #!/bin/sh
                echo $$ > "$COUNTER_FILE.pid"
                echo run >> "$COUNTER_FILE"
                n=$(wc -l < "$COUNTER_FILE" | tr -d ' ')
                printf '%s' "$KUBERNETES_EXEC_INFO" > "$COUNTER_FILE.info"
                printf '%s' "$PARENT_VAR" > "$COUNTER_FILE.parent"
                readlink /proc/self/fd/0 > "$COUNTER_FILE.stdin"
                cat > /dev/null
                sleep \(sleep)
                cat <<EOF
                \(stdout)
                EOF
                printf '%s' '\(stderr)' >&2
                exit \(exitStatus)

                """, executable: true)
        }

        var counter: String { dir.file("runs") }
        var runs: Int { dir.read("runs")?.split(separator: "\n").count ?? 0 }
        var execInfo: String? { dir.read("runs.info") }

        func exec(apiVersion: String = ExecCredentialTests.v1, provideClusterInfo: Bool = false) -> ExecConfig {
            ExecConfig(
                command: path, env: [.init(name: "COUNTER_FILE", value: counter)],
                apiVersion: apiVersion, provideClusterInfo: provideClusterInfo)
        }
    }

    static func credential(
        token: String? = "exec-token-$n", expiration: String? = "2030-01-01T00:00:00Z", apiVersion: String = v1,
        extraStatus: String = ""
    ) -> String {
        var status: [String] = []
        if let token { status.append(#""token":"\#(token)""#) }
        if let expiration { status.append(#""expirationTimestamp":"\#(expiration)""#) }
        if !extraStatus.isEmpty { status.append(extraStatus) }
        return #"{"apiVersion":"\#(apiVersion)","kind":"ExecCredential","status":{\#(status.joined(separator: ","))}}"#
    }

    static func provider(
        _ exec: ExecConfig, clock: ConfigTestClock, credentials: Credentials = Credentials(),
        tls: TLSConfiguration = TLSConfiguration()
    ) -> CredentialProvider {
        var credentials = credentials
        credentials.exec = exec
        return CredentialProvider(
            configuration: ClientConfiguration(server: "https://k.example:6443", tls: tls, credentials: credentials),
            now: clock.closure)
    }

    @Test func cachedUntilExpiryThenReRun() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential())
        let clock = ConfigTestClock(Self.expiry.addingTimeInterval(-600))
        let provider = Self.provider(plugin.exec(), clock: clock)

        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-1")
        clock.set(Self.expiry.addingTimeInterval(-1))
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-1")
        #expect(plugin.runs == 1)

        clock.set(Self.expiry.addingTimeInterval(1))
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-2")
        #expect(plugin.runs == 2)
    }

    @Test func withoutExpiryCachedUntilInvalidate() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential(expiration: nil))
        let clock = ConfigTestClock(Self.expiry)
        let provider = Self.provider(plugin.exec(), clock: clock)

        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-1")
        clock.advance(86_400 * 365)
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-1")
        #expect(plugin.runs == 1)

        await provider.invalidate()
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-2")
        #expect(plugin.runs == 2)
    }

    @Test func invalidateReRunsBeforeExpiry() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential())
        let clock = ConfigTestClock(Self.expiry.addingTimeInterval(-600))
        let provider = Self.provider(plugin.exec(), clock: clock)
        _ = try await provider.current()
        await provider.invalidate()
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-2")
        #expect(plugin.runs == 2)
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential(), sleep: "0.5")
        let provider = Self.provider(plugin.exec(), clock: ConfigTestClock(Self.expiry.addingTimeInterval(-600)))

        let values = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask { try await provider.current().authorization?.revealString() }
            }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: "Bearer exec-token-1", count: 8))
        #expect(plugin.runs == 1)
    }

    @Test func nonZeroExitReportsStderrButNeverStdout() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(
            in: dir, stdout: Self.credential(token: "SECRET-STDOUT-TOKEN"),
            stderr: "error: your session has expired", exitStatus: 3)
        let provider = Self.provider(plugin.exec(), clock: ConfigTestClock(Self.expiry))
        let error = await #expect(throws: CredentialError.self) { try await provider.current() }
        #expect(error?.reason == .exitStatus(3))
        #expect(error?.description == "exec plugin \"\(plugin.path)\": exited with status 3: error: your session has expired")
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func hungPluginIsKilledAfterItsTimeLimit() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential(), stderr: "waiting for browser login", sleep: "30")
        var credentials = Credentials()
        credentials.exec = plugin.exec()
        let provider = CredentialProvider(
            configuration: ClientConfiguration(server: "https://k.example:6443", credentials: credentials),
            now: ConfigTestClock(Self.expiry).closure, environment: ProcessInfo.processInfo.environment,
            execTimeout: .seconds(1))
        let error = await #expect(throws: CredentialError.self) { try await provider.current() }
        #expect(error?.reason == .timedOut)
        #expect(error?.description.contains("did not finish within 1.0s") == true)
        // Killed, not waited for: the plugin's process is gone long before its 30 s sleep ends.
        let pid = try #require(dir.read("runs.pid").flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        /// Gone, or dead and waiting to be reaped (`Z` in /proc/PID/stat).
        func dead() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return true }
            return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        }
        var killed = false
        for _ in 0..<200 where !killed {
            killed = dead()
            if !killed { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(killed, "plugin process \(pid) still running")
    }

    @Test func onlyTheTailOfALongStderrIsKept() async throws {
        let dir = try ConfigScratchDir()
        let noise = String(repeating: "x", count: 3000)
        let plugin = try Plugin(in: dir, stdout: "", stderr: "START\(noise)END", exitStatus: 1)
        let provider = Self.provider(plugin.exec(), clock: ConfigTestClock(Self.expiry))
        let error = await #expect(throws: CredentialError.self) { try await provider.current() }
        let detail = error?.detail ?? ""
        #expect(detail.hasSuffix("xxxEND"))
        #expect(!detail.contains("START"))
        #expect(detail.count < 600)
    }

    @Test func commandNotFoundShowsTheInstallHint() async throws {
        var exec = ExecConfig(command: "sluice-test-no-such-plugin", installHint: "Install it with: apt-get install no-such-plugin")
        exec.apiVersion = Self.v1
        let provider = Self.provider(exec, clock: ConfigTestClock(Self.expiry))
        let error = await #expect(throws: CredentialError.self) { try await provider.current() }
        #expect(error?.reason == .commandNotFound)
        #expect(error?.description == """
            exec plugin "sluice-test-no-such-plugin": command not found on PATH
            Install it with: apt-get install no-such-plugin
            """)
    }

    @Test(arguments: [
        ("not json at all SECRET", "output is not an ExecCredential JSON object"),
        (credential(apiVersion: "client.authentication.k8s.io/v1beta1"),
         #"returned "client.authentication.k8s.io/v1beta1", expected apiVersion "client.authentication.k8s.io/v1""#),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"SECRET"}}"#,
         #"returned "Secret", expected kind "ExecCredential""#),
        (#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#, "returned no status"),
        (credential(token: nil), "returned neither status.token nor status.clientCertificateData and status.clientKeyData"),
        (credential(token: nil, extraStatus: #""clientCertificateData":"CERT""#),
         "returned status.clientCertificateData without status.clientKeyData"),
        (credential(token: "SECRET", expiration: "next tuesday"),
         #"status.expirationTimestamp "next tuesday" is not an RFC 3339 time"#),
    ])
    func invalidOutputIsRejected(stdout: String, detail: String) async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: stdout)
        let provider = Self.provider(plugin.exec(), clock: ConfigTestClock(Self.expiry))
        let error = await #expect(throws: CredentialError.self) { try await provider.current() }
        #expect(error?.reason == .invalidOutput)
        #expect(error?.description == "exec plugin \"\(plugin.path)\": \(detail)")
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func execInfoCarriesTheClusterWhenAsked() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential())
        let tls = TLSConfiguration(certificateAuthority: Array(ConfigFakePEM.ca.utf8), serverName: "api.internal")
        _ = try await Self.provider(plugin.exec(provideClusterInfo: true), clock: ConfigTestClock(Self.expiry), tls: tls).current()

        let info = try #require(plugin.execInfo)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
        #expect(json["apiVersion"] as? String == Self.v1)
        #expect(json["kind"] as? String == "ExecCredential")
        let spec = try #require(json["spec"] as? [String: Any])
        #expect(spec["interactive"] as? Bool == false)
        let cluster = try #require(spec["cluster"] as? [String: Any])
        #expect(cluster["server"] as? String == "https://k.example:6443")
        #expect(cluster["certificate-authority-data"] as? String == configBase64(ConfigFakePEM.ca))
        #expect(cluster["tls-server-name"] as? String == "api.internal")
        #expect(cluster["insecure-skip-tls-verify"] == nil)
    }

    @Test func execInfoOmitsTheClusterByDefault() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential())
        _ = try await Self.provider(plugin.exec(), clock: ConfigTestClock(Self.expiry)).current()
        #expect(plugin.execInfo == #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}"#)
        // Never interactive: standard input is /dev/null.
        #expect(dir.read("runs.stdin") == "/dev/null\n")
    }

    @Test func pluginInheritsTheParentEnvironmentAndBareNamesUsePath() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential())
        // `sh` is a bare name: found on PATH of the environment the provider was given.
        let exec = ExecConfig(
            command: "sh", args: [plugin.path], env: [.init(name: "COUNTER_FILE", value: plugin.counter)],
            apiVersion: Self.v1)
        let provider = CredentialProvider(
            configuration: ClientConfiguration(server: "https://k.example", credentials: Credentials(exec: exec)),
            now: { Self.expiry.addingTimeInterval(-60) },
            environment: ["PATH": "/nonexistent:/usr/bin:/bin", "PARENT_VAR": "from-parent"])
        #expect(try await provider.current().authorization?.revealString() == "Bearer exec-token-1")
        #expect(dir.read("runs.parent") == "from-parent")
    }

    @Test func execWinsOverATokenAndItsCertificateOverTheConfiguredOne() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential(
            extraStatus: #""clientCertificateData":"EXEC CERT","clientKeyData":"EXEC KEY""#))
        let configured = ClientCertificate(certificatePEM: Array(ConfigFakePEM.cert.utf8), keyPEM: Secret(ConfigFakePEM.key))
        let provider = Self.provider(
            plugin.exec(), clock: ConfigTestClock(Self.expiry.addingTimeInterval(-60)),
            credentials: Credentials(bearerToken: Secret("static"), clientCertificate: configured))
        let resolved = try await provider.current()
        #expect(resolved.authorization?.revealString() == "Bearer exec-token-1")
        #expect(resolved.clientCertificate == ClientCertificate(certificatePEM: Array("EXEC CERT".utf8), keyPEM: Secret("EXEC KEY")))
    }

    @Test func certificateOnlyPluginKeepsTheConfiguredToken() async throws {
        let dir = try ConfigScratchDir()
        let plugin = try Plugin(in: dir, stdout: Self.credential(
            token: nil, expiration: "2030-01-01T00:00:00.123456Z", apiVersion: "client.authentication.k8s.io/v1beta1",
            extraStatus: #""clientCertificateData":"EXEC CERT","clientKeyData":"EXEC KEY""#))
        let clock = ConfigTestClock(Self.expiry)
        let provider = Self.provider(
            plugin.exec(apiVersion: "client.authentication.k8s.io/v1beta1"),
            clock: clock, credentials: Credentials(bearerToken: Secret("static")))
        let resolved = try await provider.current()
        #expect(resolved.authorization?.revealString() == "Bearer static")
        #expect(resolved.clientCertificate?.keyPEM == Secret("EXEC KEY"))
        // Fractional seconds count: still valid 0.1 s after the whole second.
        clock.set(Self.expiry.addingTimeInterval(0.1))
        _ = try await provider.current()
        #expect(plugin.runs == 1)
        clock.set(Self.expiry.addingTimeInterval(0.2))
        _ = try await provider.current()
        #expect(plugin.runs == 2)
    }

    @Test(arguments: [
        ("2030-01-01T00:00:00Z", 1_893_456_000.0),
        ("2030-01-01T00:00:00.5Z", 1_893_456_000.5),
        ("2030-01-01T01:00:00+01:00", 1_893_456_000.0),
        ("2029-12-31T16:00:00.250-08:00", 1_893_456_000.25),
    ])
    func rfc3339Timestamps(text: String, seconds: Double) throws {
        let date = try #require(ExecPlugin.parseRFC3339(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }
}
