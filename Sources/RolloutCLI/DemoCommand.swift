import ArgumentParser
import Controller
import Foundation
import KubeClient
import KubeSim
import Logging
import SluiceAPI

/// `rollout demo` (and `make demo`): KubeSim and the controller in one process, walking a
/// real canary — the example Rollout goes live at v1, then v2 rolls out through its weighted
/// steps to Healthy, each transition printed as it happens.
public struct DemoCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a canary rollout on KubeSim, the local cluster, with the controller in this process.",
        discussion: """
            Applies the example (Services, HTTPRoute and Rollout) to a fresh KubeSim, waits for v1 to be \\
            Healthy, changes the image to v2 and follows the canary to Healthy. Exit 0 when it is Healthy, \\
            1 if it is Degraded or Aborted, 2 on --timeout.
            """)

    @Option(name: .long, help: "The manifests to apply (Services, HTTPRoute, Rollout).")
    public var example: String = "manifests/examples/canary-gateway-api.yaml"

    @Option(name: .long, help: "Seconds to wait for each rollout to become Healthy.")
    public var timeout: Int = 180

    public init() {}

    public func run() async throws {
        let console = TerminalOutput.current
        let documents: [JSONValue]
        do {
            let text = try String(contentsOfFile: example, encoding: .utf8)
            documents = try YAMLText.documents(text)
        } catch {
            console.err("error: cannot read the example \(example): \(error) (run from the repository root, or pass --example)")
            throw ExitCode(1)
        }
        guard let rolloutDocument = documents.first(where: { $0["kind"] == "Rollout" }),
              let name = rolloutDocument[path: "metadata", "name"]?.stringValue else {
            console.err("error: \(example) has no Rollout")
            throw ExitCode(1)
        }
        let namespace = rolloutDocument[path: "metadata", "namespace"]?.stringValue ?? "default"

        var logger = Logger(label: "sluice.demo", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .error
        let certificate = try ServingCertificate.generate()
        let cluster = SimulatedCluster(token: "demo", tls: certificate, tickInterval: .milliseconds(100), logger: logger)
        let outcome = try await cluster.serving { port in
            let client = KubernetesClient(
                configuration: ClientConfiguration(
                    server: "https://127.0.0.1:\(port)",
                    tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                    credentials: Credentials(bearerToken: Secret("demo"))),
                logger: logger)
            console.out("KubeSim serving at https://127.0.0.1:\(port); installing the Sluice CRDs")
            let session = DemoSession(client: client, namespace: namespace, name: name, console: console,
                                      timeout: .seconds(timeout))
            try await session.installCRDs()
            return try await withThrowingTaskGroup(of: DemoSession.Outcome?.self) { group in
                let controller = RolloutController(
                    client: client,
                    configuration: .init(namespace: nil, workers: 2, resyncPeriod: .seconds(30),
                                         routerResources: SluiceRouting.resources),
                    planner: SluiceRouting.planner, router: SluiceRouting.binding, logger: logger)
                group.addTask {
                    await controller.run()
                    return nil
                }
                group.addTask { try await session.walk(documents: documents) }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                return DemoSession.Outcome.failed("the controller stopped")
            }
        }
        switch outcome {
        case .healthy:
            console.out("Done: the canary completed and v2 is stable.")
        case .failed(let reason):
            console.err("The rollout did not complete: \(reason)")
            throw ExitCode(1)
        case .timedOut(let reason):
            console.err("Timed out: \(reason)")
            throw ExitCode(2)
        }
    }
}
