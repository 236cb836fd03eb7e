import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import NIOSSL
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// KubeSim's HTTP front: kube-apiserver's REST surface over an ``ObjectStore``.
///
/// HTTPS (HTTP/2 or HTTP/1.1 by ALPN, as kube-apiserver) when the configuration carries a
/// ``ServingCertificate``, plain HTTP otherwise; on `host` (default 127.0.0.1) and `port`
/// (default 0: the OS picks one). Bearer-token auth when a token is configured.
/// A `Service`: ``run()`` serves until graceful shutdown (open watches are ended first, so
/// shutdown never waits on a 30-minute watch) or cancellation. ``serving(_:)`` scopes one:
///
/// ```swift
/// let server = KubeSimServer(configuration: .init(token: "t", tls: try .generate()))
/// try await server.serving { port in
///     // ... point a KubernetesClient at server.url (https://127.0.0.1:port)
/// }
/// ```
public final class KubeSimServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// The bearer token every request must carry; nil: no authentication.
        public var token: String?
        /// Serve HTTPS with this certificate; nil: plain HTTP.
        public var tls: ServingCertificate?
        /// Largest request body accepted (kube's limit, 3 MiB); above it 413.
        public var maxBodySize: Int
        /// How often bookmark-enabled watchers get a BOOKMARK.
        public var bookmarkInterval: Duration
        /// A watch's length when the request names no `timeoutSeconds`.
        public var defaultWatchTimeout: Duration
        /// How long graceful shutdown waits for open requests before cancelling them.
        public var shutdownGrace: Duration
        public var gitVersion: String
        public var logLevel: Logger.Level

        public init(host: String = "127.0.0.1", port: Int = 0, token: String? = nil, tls: ServingCertificate? = nil,
                    maxBodySize: Int = 3 * 1024 * 1024, bookmarkInterval: Duration = .seconds(1),
                    defaultWatchTimeout: Duration = .seconds(1800), shutdownGrace: Duration = .seconds(5),
                    gitVersion: String = "v1.31.0-kubesim", logLevel: Logger.Level = .warning) {
            self.host = host
            self.port = port
            self.token = token
            self.tls = tls
            self.maxBodySize = maxBodySize
            self.bookmarkInterval = bookmarkInterval
            self.defaultWatchTimeout = defaultWatchTimeout
            self.shutdownGrace = shutdownGrace
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

    /// Where a server is in its life.
    private enum Lifecycle: Sendable {
        case idle
        case starting
        case listening(port: Int)
        case stopped
    }

    public let store: ObjectStore
    public let configuration: Configuration
    let handler: APIHandler
    private let lifecycle = Mutex(Lifecycle.idle)

    public init(store: ObjectStore = ObjectStore(), configuration: Configuration = Configuration()) {
        self.store = store
        self.configuration = configuration
        self.handler = APIHandler(store: store, configuration: configuration)
    }

    /// The bound port while listening.
    public var port: Int? {
        lifecycle.withLock { state in
            if case .listening(let port) = state { return port }
            return nil
        }
    }

    /// `https://host:port` (or `http://` without TLS) while listening.
    public var url: String? {
        port.map { "\(configuration.tls == nil ? "http" : "https")://\(configuration.host):\($0)" }
    }

    /// Serves until graceful shutdown or cancellation of the calling task. Throws if it cannot
    /// listen (port in use) or is already running.
    public func run() async throws {
        let admitted = lifecycle.withLock { state -> Bool in
            if case .idle = state { state = .starting; return true }
            if case .stopped = state { state = .starting; return true }
            return false
        }
        guard admitted else { throw ServerError.alreadyStarted }
        defer { lifecycle.withLock { $0 = .stopped } }

        var logger = Logger(label: "kubesim.server")
        logger.logLevel = configuration.logLevel
        let handler = self.handler
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await handler.respond(to: request) },
            server: try Self.serverBuilder(configuration.tls),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.lifecycle.withLock { $0 = .listening(port: port) }
            },
            logger: logger)
        let appGroup = ServiceGroup(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        let store = self.store
        let interval = configuration.bookmarkInterval
        let grace = configuration.shutdownGrace

        enum Event: Sendable { case serverEnded, shutdownRequested, graceExpired }
        try await withThrowingTaskGroup(of: Event.self) { group in
            group.addTask { try await appGroup.run(); return .serverEnded }
            group.addTask {
                // Returns on graceful shutdown; on cancellation the whole group is going anyway.
                try? await gracefulShutdown()
                return .shutdownRequested
            }
            group.addTask {
                await Self.sendBookmarks(to: store, every: interval)
                return .shutdownRequested
            }
            // The first event decides: the server ended on its own (or failed to bind), or
            // we were asked to stop.
            if try await group.next() == .serverEnded {
                group.cancelAll()
                return
            }
            handler.cancelWatches()
            await appGroup.triggerGracefulShutdown()
            group.addTask {
                try? await Task.sleep(for: grace)
                return .graceExpired
            }
            while let event = try await group.next() {
                if event == .serverEnded { break }
                if event == .graceExpired { group.cancelAll() }
            }
            group.cancelAll()
        }
    }

    /// Runs the server for the length of `body`, which gets the bound port; then shuts it
    /// down gracefully (ending open watches) and waits for it to finish.
    public func serving<T: Sendable>(timeout: Duration = .seconds(60),
                                     _ body: (Int) async throws -> T) async throws -> T {
        var logger = Logger(label: "kubesim.server")
        logger.logLevel = configuration.logLevel
        return try await withService(self, logger: logger, ready: { try await self.waitUntilListening(timeout: timeout) },
                                     body)
    }

    /// The port once the server listens (polls for up to `timeout`).
    public func waitUntilListening(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ServerError.failedToStart("not listening after \(timeout)")
    }

    /// HTTPS with ALPN (h2, http/1.1) when there is a certificate, plain HTTP/1.1 otherwise.
    static func serverBuilder(_ tls: ServingCertificate?) throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        return try .http2Upgrade(tlsConfiguration: configuration)
    }

    private static func sendBookmarks(to store: ObjectStore, every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            if store.watcherCount > 0 { store.sendBookmark() }
        }
    }
}
