import Foundation
import Hummingbird
import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// The simulated workloads' own metrics endpoint, apart from the API server as in a real
/// cluster (where application metrics come from the pods): plain HTTP, loopback by default.
///
/// - `GET /metrics`: Prometheus text exposition format 0.0.4, one series per serving pod.
/// - `GET /metrics.json`: the same counters as JSON (``MetricsRegistry/json()``).
///
/// Run it as a child task (`try await server.run()`); it stops on cancellation or graceful
/// shutdown. ``port`` is set once it listens.
public final class WorkloadMetricsServer: Service, Sendable {
    public static let textContentType = "text/plain; version=0.0.4; charset=utf-8"

    public let host: String
    public let requestedPort: Int
    private let metrics: @Sendable () -> MetricsRegistry
    private let boundPort = Mutex<Int?>(nil)
    private let logger: Logger

    /// - Parameter metrics: called on every scrape for the current counters.
    public init(host: String = "127.0.0.1", port: Int = 0, logger: Logger = Logger(label: "kubesim.metrics"),
                metrics: @escaping @Sendable () -> MetricsRegistry) {
        self.host = host
        self.requestedPort = port
        self.metrics = metrics
        self.logger = logger
    }

    /// The bound port while serving.
    public var port: Int? { boundPort.withLock { $0 } }

    /// `http://host:port` while serving.
    public var url: String? { port.map { "http://\(host):\($0)" } }

    public func run() async throws {
        let metrics = self.metrics
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            Self.respond(method: request.method.rawValue, path: request.uri.path, metrics: metrics)
        }
        // Hummingbird logs "Waiting on child channel: CancellationError" at error level when
        // the server is cancelled, which is how this server normally stops; failures to
        // bind are thrown from `run()` instead.
        var serverLogger = logger
        serverLogger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in
                self.boundPort.withLock { $0 = channel.localAddress?.port }
            },
            logger: serverLogger)
        defer { boundPort.withLock { $0 = nil } }
        try await app.run()
    }

    /// The port, once listening (polls for up to `timeout`).
    public func waitUntilServing(timeout: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw KubeSimServer.ServerError.failedToStart("workload metrics not listening after \(timeout)")
    }

    static func respond(method: String, path: String, metrics: () -> MetricsRegistry) -> Response {
        guard path == "/metrics" || path == "/metrics.json" else {
            return reply(.notFound, "text/plain; charset=utf-8", "not found: \(path); try /metrics or /metrics.json\n")
        }
        guard method == "GET" || method == "HEAD" else {
            var response = reply(.methodNotAllowed, "text/plain; charset=utf-8", "\(method) is not allowed; use GET\n")
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        let registry = metrics()
        if path == "/metrics" {
            return reply(.ok, textContentType, registry.prometheusText())
        }
        var body = (try? KubeJSON.encode(registry.json())) ?? Array("{}".utf8)
        body.append(UInt8(ascii: "\n"))
        return reply(.ok, "application/json", body)
    }

    private static func reply(_ status: HTTPResponse.Status, _ contentType: String, _ text: String) -> Response {
        reply(status, contentType, Array(text.utf8))
    }

    private static func reply(_ status: HTTPResponse.Status, _ contentType: String, _ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
