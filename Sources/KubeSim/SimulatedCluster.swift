import Foundation
import Logging
import ServiceLifecycle

/// KubeSim as one service: the API server over the in-memory store, plus the workload
/// controllers (Deployments, ReplicaSets, pod readiness, Endpoints) and garbage collection
/// ticking in the background — what `rollout sim` runs and what tests start in-process.
///
/// ```swift
/// let cluster = SimulatedCluster(token: "t")
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await cluster.run() }
///     let port = try await cluster.waitUntilServing()
///     // ... talk to http://127.0.0.1:port ...
///     group.cancelAll()
/// }
/// ```
///
/// Plain HTTP for now; TLS (issue 3) is still to come.
public final class SimulatedCluster: Service, Sendable {
    public let store: ObjectStore
    public let server: KubeSimServer
    public let workloads: WorkloadSimulator
    /// How often the workload controllers and the garbage collector run.
    public let tickInterval: Duration
    private let logger: Logger

    /// `snapshot`: the state to start from (see ``StorePersistence``); `routerCRDs`: install
    /// ``RouterCRDs`` (those the snapshot lacks), as a cluster with the routers would have.
    public init(token: String?, port: Int = 0, tickInterval: Duration = .milliseconds(200),
                pods: PodLifecycleController? = nil, logger: Logger = Logger(label: "kubesim"),
                restoring snapshot: StoreSnapshot? = nil, routerCRDs: Bool = true) {
        let store = ObjectStore()
        if let snapshot { store.restore(snapshot) }
        if routerCRDs {
            do { try RouterCRDs.install(into: store) } catch { logger.error("installing the router CRDs failed: \(error)") }
        }
        self.store = store
        self.server = KubeSimServer(store: store, configuration: .init(port: port, token: token))
        self.workloads = WorkloadSimulator(store: store, pods: pods)
        self.tickInterval = tickInterval
        self.logger = logger
    }

    /// Serves and reconciles until graceful shutdown or cancellation.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.run() }
            group.addTask { await cancelWhenGracefulShutdown { await self.reconcileUntilCancelled() } }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The server's port, once it listens (polls for up to `timeout`).
    public func waitUntilServing(timeout: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = server.port { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw KubeSimServer.ServerError.failedToStart("not listening after \(timeout)")
    }

    /// One pass of every controller and of garbage collection.
    public func reconcile(now: Date = Date()) {
        do {
            try workloads.reconcile(now: now)
        } catch {
            logger.warning("workload reconcile failed: \(error)")
        }
        _ = store.collectGarbage()
    }

    private func reconcileUntilCancelled() async {
        while !Task.isCancelled {
            reconcile()
            do { try await Task.sleep(for: tickInterval) } catch { return }
        }
    }
}
