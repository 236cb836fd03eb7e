import ArgumentParser
import Controller
import Foundation
import KubeClient
import Logging
import ServiceLifecycle

/// `rolloutd`: the controller, with kubectl/controller-style flags.
public struct RolloutdCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rolloutd",
        abstract: "The Sluice controller: drives Rollouts through their steps.",
        discussion: """
            Watches Rollouts in one namespace (--namespace) or all, and serves /healthz, /readyz and \\
            /metrics on --metrics-addr. With --leader-elect, replicas share a coordination.k8s.io Lease \\
            and only the leader reconciles. SIGTERM stops it gracefully.
            """,
        version: SluiceVersion.current)

    @Option(name: .long, help: "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    public var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use.")
    public var context: String?

    @Option(name: [.short, .long], help: "Watch only this namespace (default: all namespaces).")
    public var namespace: String?

    @Option(name: .long, help: "Rollouts reconciled at once.")
    public var workers: Int = 4

    @Flag(name: .long, help: "Elect a leader through a Lease, so several replicas can run.")
    public var leaderElect = false

    @Option(name: .long, help: "Namespace of the leader-election Lease.")
    public var leaderElectionNamespace: String = "default"

    @Option(name: .long, help: "Name of the leader-election Lease.")
    public var leaderElectionID: String = "sluice-controller"

    @Option(name: .long, help: "Address for /healthz, /readyz and /metrics (host:port).")
    public var metricsAddr: String = "0.0.0.0:8080"

    @Option(name: .long, help: "Log format on stderr: text or json.")
    public var logFormat: LogFormat = .text

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: Logger.Level = .info

    /// How log lines are written.
    public enum LogFormat: String, ExpressibleByArgument, Sendable, CaseIterable { case text, json }

    public init() {}

    public func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1, got \(workers)") }
        _ = try Self.hostAndPort(metricsAddr)
    }

    /// `host:port` (or `:port`, all interfaces) into its parts.
    static func hostAndPort(_ address: String) throws -> (host: String, port: Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("--metrics-addr must be host:port, got \"\(address)\"")
        }
        let host = String(address[..<colon])
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    public func run() async throws {
        let format = logFormat
        let level = logLevel
        var logger = Logger(label: "rolloutd") { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        let configuration = try ClientConfiguration.load(kubeconfig: kubeconfig, context: context)
        let metrics = ControllerMetrics()
        let client = KubernetesClient(configuration: configuration, userAgent: "rolloutd/\(SluiceVersion.current)",
                                      logger: logger, observer: { metrics.apiRequest(method: $0, code: $1, duration: $2) })
        var options = ControllerRunner.Options()
        options.kubeconfig = kubeconfig
        options.context = context
        options.namespace = namespace
        options.workers = workers
        options.leaderElect = leaderElect
        options.leaderElectionNamespace = leaderElectionNamespace
        options.leaderElectionID = leaderElectionID
        (options.metricsHost, options.metricsPort) = try Self.hostAndPort(metricsAddr)
        let runner = ControllerRunner(options: options, client: client, metrics: metrics, logger: logger)
        logger.info("rolloutd \(SluiceVersion.current) starting", metadata: [
            "server": "\(configuration.server)", "namespace": "\(namespace ?? "(all)")", "workers": "\(workers)",
            "leaderElect": "\(leaderElect)", "metricsAddr": "\(metricsAddr)",
        ])
        let group = ServiceGroup(services: [runner], gracefulShutdownSignals: [.sigterm, .sigint],
                                 cancellationSignals: [], logger: logger)
        try await group.run()
    }
}
