import ArgumentParser
import CurlHTTP
import Foundation
import KubeClient
@testable import RolloutCLI
import Testing
import TestSupport

/// Runs `rollout ARGS` in-process and returns what it printed and its exit code.
func runRollout(_ arguments: [String]) async -> (out: String, err: String, exitCode: Int32) {
    let output = TerminalOutput.capture()
    var exitCode: Int32 = 0
    await TerminalOutput.$current.withValue(output) {
        do {
            var command = try RolloutCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitCode = RolloutCommand.exitCode(for: error).rawValue
            let message = RolloutCommand.fullMessage(for: error)
            if !message.isEmpty { output.err(message) }
        }
    }
    return (output.standardOutput, output.standardError, exitCode)
}

/// A kubeconfig with one context per case, all pointing at `server` unless said otherwise.
func writeKubeconfig(in directory: TemporaryDirectory, server: FakeAPIServer, pki: TestPKI, token: String) throws -> String {
    let ca = Data(pki.caCertPEM).base64EncodedString()
    let wrongCA = Data(pki.wrongCACertPEM).base64EncodedString()
    let closedPort = TestNetwork.unusedLoopbackPort()
    return try directory.write("config", """
        apiVersion: v1
        kind: Config
        current-context: good
        clusters:
        - name: good
          cluster: {server: "\(server.baseURL)", certificate-authority-data: "\(ca)"}
        - name: wrong-ca
          cluster: {server: "\(server.baseURL)", certificate-authority-data: "\(wrongCA)"}
        - name: closed
          cluster: {server: "https://127.0.0.1:\(closedPort)", certificate-authority-data: "\(ca)"}
        - name: nowhere
          cluster: {server: "https://no-such-cluster.invalid:6443", certificate-authority-data: "\(ca)"}
        users:
        - name: good
          user: {token: "\(token)"}
        - name: bad
          user: {token: "wrong-token-value"}
        contexts:
        - {name: good, context: {cluster: good, user: good, namespace: shop}}
        - {name: wrong-ca, context: {cluster: wrong-ca, user: good}}
        - {name: bad-token, context: {cluster: good, user: bad}}
        - {name: closed, context: {cluster: closed, user: good}}
        - {name: nowhere, context: {cluster: nowhere, user: good}}
        """)
}

@Suite("rollout version", .serialized)
struct VersionCommandTests {
    let token = "cli-test-token-7d1e"
    let pki: TestPKI
    let server: FakeAPIServer
    let directory: TemporaryDirectory
    let kubeconfig: String

    init() async throws {
        pki = try await TestPKI.sharedOffloaded()
        server = try await FakeAPIServer.start(tls: pki, requireToken: token)
        try server.script("GET", "/version", [.json(#"{"major":"1","minor":"31","gitVersion":"v1.31.2","gitCommit":"abc","platform":"linux/amd64","goVersion":"go1.22.8"}"#)])
        directory = try TemporaryDirectory()
        kubeconfig = try writeKubeconfig(in: directory, server: server, pki: pki, token: token)
    }

    @Test func printsClientAndServerVersions() async throws {
        let result = await runRollout(["version", "--kubeconfig", kubeconfig])
        #expect(result.exitCode == 0)
        #expect(result.err == "")
        #expect(result.out == """
            Client Version: \(SluiceVersion.current)
            libcurl: \(VersionCommand.essentialComponents(of: CurlEngine.libcurlVersion))
            Server Version: v1.31.2
            Server Platform: linux/amd64
            Server: \(server.baseURL)

            """)
        #expect(try server.requests().last?.header("authorization") == "Bearer \(token)")
        #expect(try server.requests().last?.header("user-agent") == "rollout/\(SluiceVersion.current)")
    }

    @Test func jsonOutputParsesBack() async throws {
        let result = await runRollout(["version", "--kubeconfig", kubeconfig, "-o", "json"])
        #expect(result.exitCode == 0)
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(result.out.utf8))
        #expect(document[path: "serverVersion", "gitVersion"] == "v1.31.2")
        #expect(document[path: "clientVersion", "sluice"] == .string(SluiceVersion.current))
    }

    @Test func clientOnlyNeedsNoCluster() async throws {
        let result = await runRollout(["version", "--client", "--kubeconfig", "/nonexistent/config"])
        #expect(result.exitCode == 0)
        #expect(result.out.hasPrefix("Client Version: \(SluiceVersion.current)\n"))
        #expect(!result.out.contains("Server"))
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var context: String
        var expected: [String]
        var testDescription: String { context }
    }

    @Test(arguments: [
        Failure(context: "wrong-ca", expected: ["TLS verification failed", "certificate-authority", #"context "wrong-ca""#]),
        Failure(context: "bad-token", expected: ["rejected the credentials (401 Unauthorized)", #"context "bad-token""#]),
        Failure(context: "closed", expected: ["connection refused", "is the cluster running?"]),
        Failure(context: "nowhere", expected: ["https://no-such-cluster.invalid:6443", "name resolution failed", "does not resolve"]),
    ])
    func failuresSayWhichServerAndWhatFailed(_ failure: Failure) async throws {
        let result = await runRollout(["version", "--kubeconfig", kubeconfig, "--context", failure.context])
        #expect(result.exitCode == 1)
        #expect(result.out == "")
        #expect(result.err.hasPrefix("error: "))
        for fragment in failure.expected {
            #expect(result.err.contains(fragment), "missing \(fragment) in: \(result.err)")
        }
        #expect(!result.err.contains(token))
        #expect(!result.err.contains("wrong-token-value"))
    }

    @Test func unknownContextIsAConfigurationError() async throws {
        let result = await runRollout(["version", "--kubeconfig", kubeconfig, "--context", "prod"])
        #expect(result.exitCode == 1)
        #expect(result.err.contains(#""prod""#))
        #expect(result.err.contains("good"))
    }

    @Test func kubectlFlagsParse() throws {
        let command = try RolloutCommand.parseAsRoot(["version", "--kubeconfig", "/k", "--context", "c", "-n", "ns"])
        let version = try #require(command as? VersionCommand)
        #expect(version.kube.kubeconfig == "/k")
        #expect(version.kube.context == "c")
        #expect(version.kube.namespace == "ns")
        let long = try #require(try RolloutCommand.parseAsRoot(["version", "--namespace", "ns2"]) as? VersionCommand)
        #expect(long.kube.namespace == "ns2")
    }

    @Test func badFlagIsAUsageError() async throws {
        let result = await runRollout(["version", "--output", "xml"])
        #expect(result.exitCode != 0)
        #expect(result.err.contains("xml"))
    }
}
