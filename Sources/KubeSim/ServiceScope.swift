import Logging
import ServiceLifecycle

/// Runs `service` for the length of `body`: starts it, waits for `ready` (which returns what
/// `body` needs, e.g. the bound port), runs `body`, then shuts the service down gracefully
/// and waits for it. If the service ends before it is ready (say its port is taken), its
/// error is thrown. What ``KubeSimServer/serving(timeout:_:)`` and
/// ``SimulatedCluster/serving(timeout:_:)`` are made of.
func withService<Ready: Sendable, T: Sendable>(
    _ service: some Service,
    logger: Logger,
    ready: @escaping @Sendable () async throws -> Ready,
    _ body: (Ready) async throws -> T
) async throws -> T {
    let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
    return try await withThrowingTaskGroup(of: Ready?.self) { tasks in
        tasks.addTask { try await group.run(); return nil }
        tasks.addTask { try await ready() }
        // Whichever ends first: the service (it could not start) or the wait for it.
        guard let readiness = try await tasks.next() ?? nil else {
            tasks.cancelAll()
            throw ServiceScopeError.endedBeforeReady
        }
        do {
            let result = try await body(readiness)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// A scoped service that stopped before it was ready.
public enum ServiceScopeError: Error, CustomStringConvertible {
    case endedBeforeReady

    public var description: String { "the service stopped before it was ready" }
}
