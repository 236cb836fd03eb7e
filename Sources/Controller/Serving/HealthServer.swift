import Hummingbird
import Logging
import ServiceLifecycle

/// The controller's HTTP endpoints: `/healthz` (the process serves), `/readyz` (its caches
/// have synced, as `isReady` says) and `/metrics` (Prometheus text). A `Service`.
public struct HealthServer: Service {
    public let host: String
    public let port: Int
    public let metrics: ControllerMetrics
    public let isReady: @Sendable () -> Bool
    private let logger: Logger

    public init(host: String, port: Int, metrics: ControllerMetrics, isReady: @escaping @Sendable () -> Bool,
                logger: Logger = Logger(label: "sluice.http")) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.isReady = isReady
        self.logger = logger
    }

    public func run() async throws {
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ -> Response in
            isReady() ? Response(status: .ok, body: .init(byteBuffer: .init(string: "ok")))
                : Response(status: .serviceUnavailable, body: .init(byteBuffer: .init(string: "informer caches not synced")))
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: .init(string: metrics.text())))
        }
        var quiet = logger
        quiet.logLevel = .critical
        let app = Application(router: router,
                              configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              logger: quiet)
        try await app.run()  // ends on the enclosing service group's graceful shutdown
    }
}
