import ArgumentParser
import KubeClient
import Logging

/// kubectl's connection flags, shared by every command that talks to a cluster.
public struct KubeOptions: ParsableArguments {
    @Option(name: .long, help: "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    public var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use.")
    public var context: String?

    @Option(name: [.short, .long], help: "The namespace (default: the context's, else \"default\").")
    public var namespace: String?

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    public var logLevel: Logger.Level = .warning

    public init() {}

    /// The client configuration these flags select.
    public func clientConfiguration() throws -> ClientConfiguration {
        try ClientConfiguration.load(kubeconfig: kubeconfig, context: context, namespace: namespace)
    }

    /// A client for `configuration`, logging to stderr at ``logLevel``.
    public func makeClient(_ configuration: ClientConfiguration, retryPolicy: RetryPolicy = .default,
                           timeouts: ClientTimeouts = ClientTimeouts()) -> KubernetesClient {
        var logger = Logger(label: "rollout", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = logLevel
        return KubernetesClient(configuration: configuration, retryPolicy: retryPolicy, timeouts: timeouts,
                                userAgent: "rollout/\(SluiceVersion.current)", logger: logger)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
