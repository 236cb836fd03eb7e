import Foundation
import Logging
import ServiceLifecycle

/// A scenario's traffic inside a running ``SimulatedCluster``: the ``LoadGenerator`` and the
/// ``WorkloadMetricsServer`` that exposes what it recorded.
public final class SimulatedTraffic: Sendable {
    /// What traffic to simulate and where to publish its metrics.
    public struct Options: Sendable {
        public var scenario: Scenario
        /// Seed of every random draw (routing, pod choice, outcomes, arrivals).
        public var seed: UInt64
        public var metricsHost: String
        /// Port of the workload metrics listener (0 picks a free one).
        public var metricsPort: Int
        public var tick: Duration

        public init(scenario: Scenario, seed: UInt64 = 1, metricsHost: String = "127.0.0.1", metricsPort: Int = 0,
                    tick: Duration = .milliseconds(100)) {
            self.scenario = scenario
            self.seed = seed
            self.metricsHost = metricsHost
            self.metricsPort = metricsPort
            self.tick = tick
        }
    }

    public let options: Options
    public let generator: LoadGenerator
    public let metricsServer: WorkloadMetricsServer

    public init(store: ObjectStore, options: Options, logger: Logger = Logger(label: "kubesim.traffic")) {
        self.options = options
        let generator = LoadGenerator(
            store: store, scenario: options.scenario,
            configuration: .init(seed: options.seed, tick: options.tick), logger: logger)
        self.generator = generator
        self.metricsServer = WorkloadMetricsServer(host: options.metricsHost, port: options.metricsPort, logger: logger) {
            generator.metrics
        }
    }

    /// Pod readiness as the scenario describes it: the images it names by their own entry,
    /// every other image by `defaults`.
    public static func podLifecycle(store: ObjectStore, scenario: Scenario) -> PodLifecycleController {
        PodLifecycleController(
            store: store, defaultBehaviour: PodBehaviour(scenario.defaults.readiness),
            hook: { image, _ in scenario.namedImage(image).map { PodBehaviour($0.readiness) } })
    }

    /// Sends traffic and serves metrics until cancellation or graceful shutdown.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.metricsServer.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.generator.run() } }
            try await group.next()
            group.cancelAll()
        }
    }
}
