import Foundation
import Hummingbird
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// KubeSim's HTTP front: kube-apiserver's REST surface over an ``ObjectStore``.
///
/// Plain HTTP on `host` (default 127.0.0.1) and `port` (default 0: the OS picks one; read
/// ``port`` after ``start()``), bearer-token auth when a token is configured.
///
/// ```swift
/// let server = KubeSimServer(store: ObjectStore(), configuration: .init(token: "t"))
/// let port = try await server.start()
/// // ... point a KubernetesClient at http://127.0.0.1:\(port)
/// await server.stop()
/// ```
public final class KubeSimServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The bearer token every request must carry; nil: no authentication.
        public var token: String?
        /// Largest request body accepted (kube's limit, 3 MiB); above it 413.
        public var maxBodySize: Int
        /// How often bookmark-enabled watchers get a BOOKMARK.
        public var bookmarkInterval: Duration
        /// A watch's length when the request names no `timeoutSeconds`.
        public var defaultWatchTimeout: Duration
        public var gitVersion: String
        public var logLevel: Logger.Level

        public init(host: String = "127.0.0.1", port: Int = 0, token: String? = nil,
                    maxBodySize: Int = 3 * 1024 * 1024, bookmarkInterval: Duration = .seconds(1),
                    defaultWatchTimeout: Duration = .seconds(1800), gitVersion: String = "v1.31.0-kubesim",
                    logLevel: Logger.Level = .warning) {
            self.host = host
            self.port = port
            self.token = token
            self.maxBodySize = maxBodySize
            self.bookmarkInterval = bookmarkInterval
            self.defaultWatchTimeout = defaultWatchTimeout
            self.gitVersion = gitVersion
            self.logLevel = logLevel
        }
    }

    public enum ServerError: Error, CustomStringConvertible {
        case alreadyStarted
        case failedToStart(String)

        public var description: String {
            switch self {
            case .alreadyStarted: "the server is already running"
            case .failedToStart(let why): "the server did not start: \(why)"
            }
        }
    }

    public let store: ObjectStore
    public let configuration: Configuration
    let handler: APIHandler

    private struct RunState: Sendable {
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        var bookmarks: Task<Void, Never>?
        var port: Int?
    }
    private let runState = Mutex(RunState())

    public init(store: ObjectStore = ObjectStore(), configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
        self.handler = APIHandler(store: store, configuration: configuration)
    }

    /// The bound port once started.
    public var port: Int? { runState.withLock { $0.port } }

    /// `http://host:port` once started.
    public var url: String? { port.map { "http://\(configuration.host):\($0)" } }

    /// Binds and serves in the background; returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "kubesim.server")
        logger.logLevel = configuration.logLevel
        let handler = self.handler
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            await handler.respond(to: request)
        }
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let started: Bool = runState.withLock { state in
            guard state.task == nil else { return false }
            state.group = group
            state.task = Task {
                defer { portContinuation.finish() }
                try await group.run()
            }
            return true
        }
        guard started else { throw ServerError.alreadyStarted }
        var bound: Int?
        for await port in ports {
            bound = port
            break
        }
        guard let bound else {
            let task = runState.withLock { state -> Task<Void, any Error>? in
                defer { state = RunState() }
                return state.task
            }
            if case .failure(let error)? = await task?.result { throw error }
            throw ServerError.failedToStart("the server stopped before listening")
        }
        let store = self.store
        let interval = configuration.bookmarkInterval
        let bookmarks = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if store.watcherCount > 0 { store.sendBookmark() }
            }
        }
        runState.withLock {
            $0.port = bound
            $0.bookmarks = bookmarks
        }
        return bound
    }

    /// Ends open watches, stops listening and waits for the server to finish.
    /// Graceful: open requests finish (watches are ended first); after `grace`, cancels.
    public func stop(grace: Duration = .seconds(5)) async {
        let (task, group, bookmarks) = runState.withLock { state in
            defer { state = RunState() }
            return (state.task, state.group, state.bookmarks)
        }
        bookmarks?.cancel()
        handler.cancelWatches()
        guard let task else { return }
        await group?.triggerGracefulShutdown()
        let deadline = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
    }

    /// `Service`: serves until graceful shutdown or cancellation of the calling task.
    public func run() async throws {
        try await start()
        try? await gracefulShutdown()
        await stop()
    }
}
