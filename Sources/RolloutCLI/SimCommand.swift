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

    @Option(name: .long, help: "Scenario file (YAML): per-image behaviour and the entry points users send traffic to.")
    public var scenario: String?

    @Option(name: .long, help: "Port of the workload metrics listener, /metrics and /metrics.json (0 picks a free one; needs --scenario).")
    public var metricsPort: Int = 0

    @Option(name: .long, help: "Seed of the simulated traffic (default: a random one, printed).")
    public var seed: UInt64?

    @Option(name: .long, help: "Keep the cluster in this JSON file: loaded at start, saved after changes and on exit (mode 0600).")
    public var stateFile: String?

    @Flag(name: .customLong("router-crds"), inversion: .prefixedNo,
          help: "Install the router CRDs (Gateway API HTTPRoute, Istio VirtualService and DestinationRule, SMI TrafficSplit) at start.")
    public var routerCRDs = true

    public init() {}

    public func validate() throws {
        if scenario == nil, metricsPort != 0 {
            throw ValidationError("--metrics-port needs --scenario: without a scenario there is no traffic to measure")
        }
        if seed != nil, scenario == nil {
            throw ValidationError("--seed needs --scenario: it seeds the scenario's traffic")
        }
    }

    public func run() async throws {
        let console = TerminalOutput.current
        let token = self.token ?? Self.randomToken()
        var logger = Logger(label: "kubesim", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        var traffic: SimulatedTraffic.Options?
        if let scenarioPath = scenario {
            do {
                traffic = SimulatedTraffic.Options(
                    scenario: try Self.loadScenario(path: scenarioPath), seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max)),
                    metricsPort: metricsPort)
            } catch {
                console.err("error: \(error)")
                throw ExitCode(1)
            }
        }
        let certificate = plainHTTP ? nil : try ServingCertificate.generate()
        let snapshot = try stateFile.flatMap { path throws(StorePersistence.PersistenceError) in
            try StorePersistence.load(path: path)
        }
        let cluster = SimulatedCluster(token: token, port: port, tls: certificate, traffic: traffic, logger: logger,
                                       restoring: snapshot, routerCRDs: routerCRDs)
        // Stopped in reverse order: the cluster first, then a last save of its state.
        let persistence = stateFile.map { StorePersistence(store: cluster.store, path: $0, logger: logger) }
        let services = ServiceGroup(services: (persistence.map { [$0] } ?? []) + [cluster],
                                    gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
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
            if let traffic = cluster.traffic {
                let metricsPort = try await traffic.metricsServer.waitUntilServing()
                let entries = traffic.options.scenario.entryPoints.count
                console.out("Workload metrics at http://\(traffic.options.metricsHost):\(metricsPort)/metrics (and /metrics.json); "
                            + "\(entries) entry point\(entries == 1 ? "" : "s"), traffic seed \(traffic.options.seed)")
            }
            if let stateFile {
                let origin = snapshot.map { "restored \($0.entries.count) objects at version \($0.resourceVersion)" } ?? "new"
                console.out("State kept in \(stateFile) (\(origin)).")
            }
            console.out("Press Ctrl-C to stop.")
            try await group.waitForAll()
        }
    }

    /// Reads and parses a scenario file; errors name the file, line and field.
    static func loadScenario(path: String) throws -> Scenario {
        var isDirectory: ObjCBool = false
        let reason: String?
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            reason = "no such file"
        } else if isDirectory.boolValue {
            reason = "it is a directory"
        } else if !FileManager.default.isReadableFile(atPath: path) {
            reason = "permission denied"
        } else {
            reason = nil
        }
        if let reason { throw ValidationError("cannot read the scenario file \(path): \(reason)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the scenario file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read the scenario file \(path): not UTF-8 text")
        }
        return try Scenario.parse(yaml: text, file: path)
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
