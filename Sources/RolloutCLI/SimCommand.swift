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
        discussion: "Serves plain HTTP on 127.0.0.1 with a bearer token (TLS is not built yet). Point any client at it with the kubeconfig from --write-kubeconfig."
    )

    @Option(name: .long, help: "Write a kubeconfig for the simulated cluster to this path (mode 0600).")
    public var writeKubeconfig: String?

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    public var port: Int = 0

    @Option(name: .long, help: "Bearer token clients must send (default: a random one).")
    public var token: String?

    @Option(name: .long, help: "Keep the cluster in this JSON file: loaded at start, saved after changes and on exit (mode 0600).")
    public var stateFile: String?

    @Flag(name: .customLong("router-crds"), inversion: .prefixedNo,
          help: "Install the router CRDs (Gateway API HTTPRoute, Istio VirtualService and DestinationRule, SMI TrafficSplit) at start.")
    public var routerCRDs = true

    public init() {}

    public func run() async throws {
        let console = TerminalOutput.current
        let token = self.token ?? Self.randomToken()
        var logger = Logger(label: "kubesim", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let snapshot = try stateFile.flatMap { path throws(StorePersistence.PersistenceError) in
            try StorePersistence.load(path: path)
        }
        let cluster = SimulatedCluster(token: token, port: port, logger: logger, restoring: snapshot, routerCRDs: routerCRDs)
        // Stopped in reverse order: the cluster first, then a last save of its state.
        let persistence = stateFile.map { StorePersistence(store: cluster.store, path: $0, logger: logger) }
        let services = ServiceGroup(services: (persistence.map { [$0] } ?? []) + [cluster],
                                    gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        let kubeconfigPath = writeKubeconfig
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try await cluster.waitUntilServing()
            let server = "http://127.0.0.1:\(port)"
            if let kubeconfigPath {
                try Self.writeKubeconfig(Self.kubeconfig(server: server, token: token), to: kubeconfigPath)
                console.out("KubeSim serving at \(server); kubeconfig written to \(kubeconfigPath)")
            } else {
                console.out("KubeSim serving at \(server) (token given with --token, or use --write-kubeconfig)")
            }
            if let stateFile {
                let origin = snapshot.map { "restored \($0.entries.count) objects at version \($0.resourceVersion)" } ?? "new"
                console.out("State kept in \(stateFile) (\(origin)).")
            }
            console.out("Press Ctrl-C to stop.")
            try await group.waitForAll()
        }
    }

    /// A kubeconfig with one context, `kubesim`, for `server` and `token`.
    public static func kubeconfig(server: String, token: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: kubesim
        clusters:
        - name: kubesim
          cluster:
            server: \(server)
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
