import Foundation
import Logging
import ServiceLifecycle

/// KubeSim as one service: the API server over the in-memory store, plus the workload
/// controllers (Deployments, ReplicaSets, pod readiness, Endpoints) and garbage collection
/// ticking in the background — what `rollout sim` runs and what tests start in-process.
///
/// ```swift
/// let cluster = SimulatedCluster(token: "t", tls: try .generate())
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await cluster.run() }
///     let port = try await cluster.waitUntilServing()
///     // ... talk to https://127.0.0.1:port, trusting cluster.server.configuration.tls!.caPEM ...
///     group.cancelAll()
/// }
/// ```
public final class SimulatedCluster: Service, Sendable {
    public let store: ObjectStore
    public let server: KubeSimServer
    public let workloads: WorkloadSimulator
    /// The scenario's users and the workload metrics listener; nil without a scenario.
    public let traffic: SimulatedTraffic?
    /// How often the workload controllers and the garbage collector run.
    public let tickInterval: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - tls: serve HTTPS with this certificate (nil: plain HTTP).
    ///   - pods: pod readiness; by default the scenario's (`traffic`), else Ready at once.
    ///   - traffic: a scenario to send traffic by, and where to serve the workloads' metrics.
    ///   - snapshot: the state to start from (see ``StorePersistence``).
    ///   - routerCRDs: install ``RouterCRDs`` (those the snapshot lacks), as a cluster with the
    ///     routers would have.
    public init(token: String?, port: Int = 0, tls: ServingCertificate? = nil, tickInterval: Duration = .milliseconds(200),
                pods: PodLifecycleController? = nil, traffic: SimulatedTraffic.Options? = nil,
                logger: Logger = Logger(label: "kubesim"),
                restoring snapshot: StoreSnapshot? = nil, routerCRDs: Bool = true) {
        let store = ObjectStore()
        if let snapshot { store.restore(snapshot) }
        if routerCRDs {
            do { try RouterCRDs.install(into: store) } catch { logger.error("installing the router CRDs failed: \(error)") }
        }
        self.store = store
        self.server = KubeSimServer(store: store, configuration: .init(port: port, token: token, tls: tls))
        let scenarioPods = traffic.map { SimulatedTraffic.podLifecycle(store: store, scenario: $0.scenario) }
        self.workloads = WorkloadSimulator(store: store, pods: pods ?? scenarioPods)
        self.traffic = traffic.map { SimulatedTraffic(store: store, options: $0, logger: logger) }
        self.tickInterval = tickInterval
        self.logger = logger
    }

    /// Serves and reconciles until graceful shutdown or cancellation.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.reconcileUntilCancelled() } }
            if let traffic = self.traffic { group.addTask { try await traffic.run() } }
            // All end on graceful shutdown; the server's own shutdown ends its watches first.
            // If one fails (a port is taken), leaving the group cancels the rest.
            try await group.waitForAll()
        }
    }

    /// Runs the cluster for the length of `body`, which gets the API server's port; then shuts
    /// it down gracefully and waits for it.
    public func serving<T: Sendable>(timeout: Duration = .seconds(60),
                                     _ body: (Int) async throws -> T) async throws -> T {
        try await withService(self, logger: logger, ready: { try await self.waitUntilServing(timeout: timeout) }, body)
    }

    /// The server's port, once it listens (polls for up to `timeout`).
    public func waitUntilServing(timeout: Duration = .seconds(60)) async throws -> Int {
        try await server.waitUntilListening(timeout: timeout)
    }

    /// One pass of every controller and of garbage collection. Returns when a pod next
    /// changes by itself (nil: none will).
    @discardableResult
    public func reconcile(now: Date = Date()) -> Date? {
        var nextChange: Date?
        do {
            nextChange = try workloads.reconcile(now: now)
        } catch {
            logger.warning("workload reconcile failed: \(error)")
        }
        _ = store.collectGarbage()
        return nextChange
    }

    /// What a pass depends on besides the clock: the store's version and the pods' behaviours.
    private var stateVersion: String { "\(store.currentResourceVersion)/\(workloads.pods.behaviourChanges)" }

    private func reconcileUntilCancelled() async {
        var pacing = SimulationPacing()
        while !Task.isCancelled {
            let now = Date()
            let version = stateVersion
            if pacing.isDue(stateVersion: version, now: now) {
                let nextChange = reconcile(now: now)
                pacing.passed(stateVersionBefore: version, after: stateVersion, nextChange: nextChange, now: now)
            }
            do { try await Task.sleep(for: tickInterval) } catch { return }
        }
    }
}

/// When the simulated controllers need another pass. kube's controllers react to changes;
/// a pass over every object on every tick instead would cost O(objects) per tick, and a
/// large cluster would spend its time re-deriving what it already wrote. So a tick passes
/// only when something may have changed: the store (or a pod behaviour) moved since the last pass began, the
/// last pass wrote (its writes may need a follow-up), a pod's timed change is due (a
/// readiness delay, a crash-loop restart), or `idleInterval` has gone by (for the rest of
/// what time alone changes, e.g. `minReadySeconds` availability).
struct SimulationPacing {
    var idleInterval: TimeInterval = 1
    private var lastVersion: String?
    private var lastPass: Date?
    private var nextChange: Date?
    private var settled = false

    func isDue(stateVersion: String, now: Date) -> Bool {
        guard settled, let lastPass, stateVersion == lastVersion else { return true }
        if let nextChange, now >= nextChange { return true }
        return now.timeIntervalSince(lastPass) >= idleInterval
    }

    /// Records a pass that began at state version `before` and ended at `after`.
    mutating func passed(stateVersionBefore before: String, after: String, nextChange: Date?, now: Date) {
        lastVersion = after
        lastPass = now
        self.nextChange = nextChange
        settled = before == after
    }
}
