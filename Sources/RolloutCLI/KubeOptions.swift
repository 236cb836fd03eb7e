import ArgumentParser
import KubeClient

/// kubectl's connection flags, shared by every command that talks to a cluster.
public struct KubeOptions: ParsableArguments {
    @Option(name: .long, help: "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster).")
    public var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use.")
    public var context: String?

    @Option(name: [.short, .long], help: "The namespace (default: the context's, else \"default\").")
    public var namespace: String?

    public init() {}

    /// The client configuration these flags select.
    public func clientConfiguration() throws -> ClientConfiguration {
        try ClientConfiguration.load(kubeconfig: kubeconfig, context: context, namespace: namespace)
    }
}
