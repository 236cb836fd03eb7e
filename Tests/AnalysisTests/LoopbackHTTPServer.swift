import Foundation
import Hummingbird
import Logging
import Synchronization

/// A scripted HTTP server on a loopback port for provider tests: every request is recorded,
/// and `handler` decides the answer. Runs as a child task of ``with(_:_:)`` and stops when
/// the body returns.
final class LoopbackHTTPServer: Sendable {
    struct RecordedRequest: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        /// Keyed by lower-cased name.
        var headers: [String: String]
        var body: String
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var contentType = "application/json"
        var delay: Duration = .zero
        init(_ status: Int = 200, _ body: String, contentType: String = "application/json", delay: Duration = .zero) {
            self.status = status
            self.body = body
            self.contentType = contentType
            self.delay = delay
        }
    }

    typealias Handler = @Sendable (RecordedRequest) -> Reply

    private let recorded = Mutex<[RecordedRequest]>([])
    private let boundPort = Mutex<Int?>(nil)

    var requests: [RecordedRequest] { recorded.withLock { $0 } }

    /// Serves `handler` on 127.0.0.1 while `body` runs; passes the base URL.
    static func with<T: Sendable>(_ handler: @escaping Handler, _ body: (LoopbackHTTPServer, String) async throws -> T) async throws -> T {
        let server = LoopbackHTTPServer()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(handler) }
            let deadline = ContinuousClock.now + .seconds(20)
            while server.boundPort.withLock({ $0 }) == nil {
                guard ContinuousClock.now < deadline else { throw TestServerError(description: "loopback server did not start") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let port = server.boundPort.withLock { $0 }!
            do {
                let result = try await body(server, "http://127.0.0.1:\(port)")
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    private func run(_ handler: @escaping Handler) async throws {
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let components = URLComponents(string: "http://x\(request.uri.description)")
            let query = Dictionary((components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
            let recorded = RecordedRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
                                           body: String(buffer: bytes))
            self.recorded.withLock { $0.append(recorded) }
            let reply = handler(recorded)
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            var fields = HTTPFields()
            fields[.contentType] = reply.contentType
            return Response(status: .init(code: reply.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
        }
        var logger = Logger(label: "analysis-tests.loopback")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in self.boundPort.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        try await app.run()
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var description: String
}
