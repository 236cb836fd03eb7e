import ArgumentParser
import Foundation
import KubeSim
import Logging
import ServiceLifecycle

/// `rollout sim`: KubeSim, the local cluster, until SIGINT or SIGTERM.
public struct SimCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run KubeSim, a local Kubernetes API server with simulated workloads, until interrupted.",
        discussion: """
            Serves HTTPS on 127.0.0.1 with a certificate authority generated at start-up and a bearer \
            token (--plain-http for HTTP). Point any client at it with the kubeconfig from \
            --write-kubeconfig, which embeds the CA and the token.
            """
    )

    @Option(name: .long, help: "Write a kubeconfig for the simulated cluster to this path (mode 0600).")
    public var writeKubeconfig: String?

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    public var port: Int = 0

    @Option(name: .long, help: "Bearer token clients must send (default: a random one).")
    public var token: String?

    @Flag(name: .long, help: "Serve plain HTTP instead of HTTPS.")
    public var plainHTTP = false

    public init() {}

    public func run() async throws {
        let console = TerminalOutput.current
        let token = self.token ?? Self.randomToken()
        var logger = Logger(label: "kubesim", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let certificate = plainHTTP ? nil : try ServingCertificate.generate()
        let cluster = SimulatedCluster(token: token, port: port, tls: certificate, logger: logger)
        let services = ServiceGroup(services: [cluster], gracefulShutdownSignals: [.sigterm, .sigint],
                                    cancellationSignals: [], logger: logger)
        let kubeconfigPath = writeKubeconfig
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try await cluster.waitUntilServing()
            let server = "\(certificate == nil ? "http" : "https")://127.0.0.1:\(port)"
            if let kubeconfigPath {
                try Self.writeKubeconfig(Self.kubeconfig(server: server, token: token, caPEM: certificate?.caPEM),
                                         to: kubeconfigPath)
                console.out("KubeSim serving at \(server); kubeconfig written to \(kubeconfigPath)")
            } else {
                console.out("KubeSim serving at \(server) (token given with --token, or use --write-kubeconfig)")
            }
            console.out("Press Ctrl-C to stop.")
            try await group.waitForAll()
        }
    }

    /// A kubeconfig with one context, `kubesim`, for `server` and `token`, trusting `caPEM`
    /// (the generated CA) when the server speaks HTTPS.
    public static func kubeconfig(server: String, token: String, caPEM: String? = nil) -> String {
        let authority = caPEM.map { "\n    certificate-authority-data: \(Data($0.utf8).base64EncodedString())" } ?? ""
        return """
        apiVersion: v1
        kind: Config
        current-context: kubesim
        clusters:
        - name: kubesim
          cluster:
            server: \(server)\(authority)
        users:
        - name: kubesim
          user:
            token: \(token)
        contexts:
        - name: kubesim
          context:
            cluster: kubesim
            user: kubesim
            namespace: default

        """
    }

    /// Writes `text` readable by its owner only: it holds the token.
    static func writeKubeconfig(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the kubeconfig to \(path)")
        }
    }

    static func randomToken() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "kubesim-" + String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
