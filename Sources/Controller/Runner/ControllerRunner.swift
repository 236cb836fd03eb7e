import Foundation
import KubeClient
import Synchronization
import Logging
import ServiceLifecycle

/// `rolloutd` as a service: the health/metrics server, and the controller — behind a Lease
/// when leader election is on, so of several replicas one reconciles and the others wait to
/// take over. Graceful shutdown (SIGTERM) stops the workers, releases the lease and exits.
public struct ControllerRunner: Service {
    /// The flags `rolloutd` takes, kubectl/controller style.
    public struct Options: Sendable {
        public var kubeconfig: String?
        public var context: String?
        public var namespace: String?
        public var workers = 4
        public var leaderElect = false
        public var leaderElectionNamespace = "default"
        public var leaderElectionID = "sluice-controller"
        public var identity = ProcessInfo.processInfo.hostName + "-" + String(ProcessInfo.processInfo.processIdentifier)
        public var metricsHost = "0.0.0.0"
        public var metricsPort = 8080
        public var resyncPeriod: Duration = .seconds(300)
        public var leaseTiming = LeaderElector.Timing()

        public init() {}
    }

    /// Leadership was lost: the process must exit so a clean replica takes over.
    public struct LostLeadership: Error, CustomStringConvertible {
        public var description: String { "leadership lost: the lease was not renewed in time" }
    }

    public let options: Options
    public let controller: RolloutController
    private let logger: Logger
    /// Whether this replica has been elected (always true without leader election).
    private let elected = ElectionState()

    public init(options: Options, client: KubernetesClient, metrics: ControllerMetrics,
                planner: @escaping RolloutController.Planner = SluiceRouting.planner,
                router: @escaping RolloutController.RouterResolver = SluiceRouting.binding,
                routerResources: [ResourceType] = SluiceRouting.resources, logger: Logger) {
        self.options = options
        self.logger = logger
        self.controller = RolloutController(
            client: client,
            configuration: .init(namespace: options.namespace, workers: options.workers, resyncPeriod: options.resyncPeriod,
                                 routerResources: routerResources),
            metrics: metrics, planner: planner, router: router, logger: logger)
    }

    /// Until graceful shutdown: serve /healthz, /readyz, /metrics, and run the controller.
    public func run() async throws {
        let controller = self.controller
        let elected = self.elected
        let leaderElect = options.leaderElect
        // Ready: the leader once its caches have synced; a standby waiting for the Lease too, so
        // that a rolling update of a leader-elected Deployment is not stalled by its standbys.
        let health = HealthServer(host: options.metricsHost, port: options.metricsPort, metrics: controller.metrics,
                                  isReady: { controller.isSynced || (leaderElect && !elected.value) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await health.run() }
            group.addTask { try await cancelWhenGracefulShutdown { try await self.runController() } }
            try await group.next()
            group.cancelAll()
        }
    }

    private func runController() async throws {
        guard options.leaderElect else {
            await controller.run()
            return
        }
        let elector = LeaderElector(client: controller.client, namespace: options.leaderElectionNamespace,
                                    leaseName: options.leaderElectionID, identity: options.identity,
                                    timing: options.leaseTiming, logger: logger)
        logger.info("waiting to lead", metadata: ["lease": "\(options.leaderElectionNamespace)/\(options.leaderElectionID)",
                                                  "identity": "\(options.identity)"])
        let controller = self.controller
        let elected = self.elected
        if try await elector.run({
            elected.value = true
            await controller.run()
        }) {
            throw LostLeadership()
        }
    }
}

/// Whether a replica has been elected leader; read by `/readyz`, set once by the elector's task.
final class ElectionState: Sendable {
    private let state = Mutex(false)
    var value: Bool {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
