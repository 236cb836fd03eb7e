import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted loopback HTTP(S) server standing in for the Kubernetes API.
///
/// Runs `fakeapi.py` (next to this file) under `python3` and drives it over its
/// stdin/stdout control protocol. Responses are scripted per (method, path):
/// each request consumes the next response, and the last one repeats forever.
/// Unscripted requests get a Kubernetes `NotFound` Status. Every request is
/// recorded and can be inspected with ``requests()``.
///
/// ```swift
/// let pki = try TestPKI.make()
/// let server = try FakeAPIServer(tls: pki)
/// try server.script("GET", "/version", [.json(#"{"major":"1","minor":"31"}"#)])
/// // ... point the client at server.baseURL with pki.caCertPath ...
/// let seen = try server.requests()
/// ```
///
/// All methods are thread-safe; control commands are serialized by a lock. The
/// child process exits when ``stop()`` is called, when the server is
/// deinitialized, or when this process dies (its stdin reaches EOF).
public final class FakeAPIServer: @unchecked Sendable {
    /// The ephemeral TCP port on 127.0.0.1.
    public let port: Int
    /// The PKI whose server certificate is served, or `nil` for plain HTTP.
    public let tls: TestPKI?

    /// `https://127.0.0.1:<port>` with TLS, otherwise `http://127.0.0.1:<port>`.
    public var baseURL: String {
        "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    /// Absolute path of `fakeapi.py`, found next to this source file.
    public static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("fakeapi.py").path
    }

    private let lock = NSLock()
    private let process: Process
    private let stdinHandle: FileHandle
    private let stdoutHandle: FileHandle
    private var buffer: [UInt8]  // bytes read from stdout past the last newline
    private var stopped = false

    /// Starts the server and waits (up to 10 s) for it to report its port.
    ///
    /// - Parameters:
    ///   - tls: serve HTTPS with `tls.serverCertPath` / `tls.serverKeyPath`.
    ///   - requireClientCA: request (but do not require) a client certificate,
    ///     verified against `tls.clientCACertPath`; needs `tls`.
    ///   - requireToken: answer 401 (Kubernetes Status) to requests that carry
    ///     neither `Authorization: Bearer <token>` nor a verified client
    ///     certificate. Changeable later with ``setToken(_:)``.
    ///   - alternateCertificate: serve `tls.altServerCertPath`, valid only for
    ///     `kubernetes.sluice.test` (for `tls-server-name` tests).
    public init(tls: TestPKI? = nil, requireClientCA: Bool = false, requireToken: String? = nil,
                alternateCertificate: Bool = false) throws {
        var args = [Self.scriptPath]
        if let tls {
            args += alternateCertificate
                ? ["--tls-cert", tls.altServerCertPath, "--tls-key", tls.altServerKeyPath]
                : ["--tls-cert", tls.serverCertPath, "--tls-key", tls.serverKeyPath]
            if requireClientCA {
                args += ["--client-ca", tls.clientCACertPath]
            }
        } else if requireClientCA {
            throw TestSupportError("FakeAPIServer: requireClientCA needs a TestPKI in tls:")
        }
        if let requireToken {
            args += ["--require-token", requireToken]
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + args
        let inPipe = Pipe()
        let outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        // stderr is inherited: Python tracebacks (and FAKEAPI_VERBOSE=1 logs) show up in test output.

        ignoreSIGPIPE()
        do {
            try process.run()
        } catch {
            throw TestSupportError("FakeAPIServer: cannot launch python3 \(Self.scriptPath): \(error)")
        }

        var buffer: [UInt8] = []
        let port: Int
        do {
            let line = try Self.readLine(
                fd: outPipe.fileHandleForReading.fileDescriptor, buffer: &buffer, timeout: 10)
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let number = object["port"] as? Int
            else {
                throw TestSupportError("FakeAPIServer: expected {\"port\": N} from fakeapi.py, got: \(line)")
            }
            port = number
        } catch {
            try? inPipe.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            Self.reap(process)
            try? outPipe.fileHandleForReading.close()
            if let error = error as? TestSupportError {
                throw TestSupportError("\(error.description) (python3 \(args.joined(separator: " ")))")
            }
            throw error
        }

        self.port = port
        self.tls = tls
        self.process = process
        self.stdinHandle = inPipe.fileHandleForWriting
        self.stdoutHandle = outPipe.fileHandleForReading
        self.buffer = buffer
    }

    deinit {
        stop()
    }

    // MARK: - Control commands

    /// Scripts the responses for `method` (case-insensitive) and `path` (without
    /// query string), replacing any earlier script for the same pair. Requests use
    /// the responses in order; the last one repeats forever.
    public func script(_ method: String, _ path: String, _ responses: [FakeResponse]) throws {
        precondition(!responses.isEmpty, "FakeAPIServer.script needs at least one response")
        try expectOK(command([
            "op": "script",
            "method": method.uppercased(),
            "path": path,
            "responses": responses.map(\.jsonObject),
        ]))
    }

    /// Every request received so far (including 401s and 404s), in arrival order.
    public func requests() throws -> [RecordedRequest] {
        let data = try command(["op": "requests"])
        struct Reply: Decodable { let requests: [RecordedRequest] }
        do {
            return try JSONDecoder().decode(Reply.self, from: data).requests
        } catch {
            throw TestSupportError(
                "FakeAPIServer: bad requests reply (\(error)): \(String(decoding: data, as: UTF8.self))")
        }
    }

    /// Clears all scripts and the request log.
    public func reset() throws {
        try expectOK(command(["op": "reset"]))
    }

    /// Changes the bearer token required from now on; `nil` turns the check off.
    public func setToken(_ token: String?) throws {
        try expectOK(command(["op": "set_token", "token": token ?? NSNull()]))
    }

    /// Stops the server: closes its stdin (it exits on EOF), then escalates to
    /// SIGTERM and SIGKILL if needed, and reaps it. Idempotent.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? stdinHandle.close()
        Self.reap(process)
        try? stdoutHandle.close()
    }

    // MARK: - Plumbing

    /// Sends one JSON command line and returns the one reply line.
    private func command(_ object: [String: Any]) throws -> Data {
        let payload = try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else {
            throw TestSupportError("FakeAPIServer: used after stop()")
        }
        do {
            try stdinHandle.write(contentsOf: payload + Data([0x0A]))
        } catch {
            throw TestSupportError("FakeAPIServer: fakeapi.py is gone (write failed: \(error))")
        }
        let line = try Self.readLine(fd: stdoutHandle.fileDescriptor, buffer: &buffer, timeout: 30)
        return Data(line.utf8)
    }

    private func expectOK(_ reply: Data) throws {
        let object = try? JSONSerialization.jsonObject(with: reply) as? [String: Any]
        guard let object, object["ok"] as? Bool == true else {
            throw TestSupportError("FakeAPIServer: command failed: \(String(decoding: reply, as: UTF8.self))")
        }
    }

    /// Reads up to the next newline from `fd`, keeping any excess in `buffer`.
    /// Uses poll(2) so a silent or dead child gives an error, never a hang.
    private static func readLine(fd: Int32, buffer: inout [UInt8], timeout: Double) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                throw TestSupportError("FakeAPIServer: no reply from fakeapi.py within \(timeout) s")
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw TestSupportError("FakeAPIServer: poll failed: errno \(errno)")
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw TestSupportError("FakeAPIServer: read failed: errno \(errno)")
            }
            if count == 0 {
                throw TestSupportError("FakeAPIServer: fakeapi.py exited (EOF on its stdout; see stderr)")
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Waits for `process` to exit, escalating from waiting (stdin should already
    /// be closed) to SIGTERM to SIGKILL. Avoids `waitUntilExit()`, which spins a run loop.
    private static func reap(_ process: Process) {
        func waitExit(_ seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning {
                if Date() >= deadline { return false }
                usleep(5_000)
            }
            return true
        }
        if waitExit(3) { return }
        process.terminate()
        if waitExit(2) { return }
        kill(process.processIdentifier, SIGKILL)
        _ = waitExit(5)
    }
}

/// One scripted response for ``FakeAPIServer/script(_:_:_:)``.
///
/// Without ``chunks`` the body is sent with `Content-Length`; with chunks the
/// response uses `Transfer-Encoding: chunked`, each chunk flushed on its own
/// (chunk boundaries may split JSON lines on purpose). `Content-Type` defaults
/// to `application/json` unless ``headers`` sets one.
public struct FakeResponse: Sendable {
    /// One HTTP chunk of a chunked response.
    public struct Chunk: Sendable {
        /// The chunk's text (empty chunks are skipped: they would end the body).
        public var data: String
        /// Seconds to wait before sending this chunk.
        public var delay: Double

        /// Creates a chunk.
        public init(_ data: String, delay: Double = 0) {
            self.data = data
            self.delay = delay
        }
    }

    /// HTTP status code.
    public var status: Int
    /// Extra response headers (may override `Content-Type`, `Content-Length`, ...).
    public var headers: [String: String]
    /// Body sent as-is (ignored when ``chunks`` is set).
    public var body: String
    /// When non-nil, the body is sent as these HTTP chunks.
    public var chunks: [Chunk]?
    /// Seconds of silence after the last chunk before the terminating chunk
    /// (a stalled server). Without chunks: between the headers and the body.
    public var hold: Double
    /// Drop the connection after the chunks/hold without the terminating chunk.
    /// Without chunks: drop it right after the body (no `Connection: close`).
    public var close: Bool
    /// Seconds to wait before sending the status line.
    public var delay: Double

    /// Creates a response from its parts.
    public init(
        status: Int = 200,
        headers: [String: String] = [:],
        body: String = "",
        chunks: [Chunk]? = nil,
        hold: Double = 0,
        close: Bool = false,
        delay: Double = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.chunks = chunks
        self.hold = hold
        self.close = close
        self.delay = delay
    }

    /// A JSON response whose body is `jsonText`, verbatim.
    public static func json(status: Int = 200, _ jsonText: String, headers: [String: String] = [:]) -> FakeResponse {
        FakeResponse(status: status, headers: headers, body: jsonText)
    }

    /// A Kubernetes `Status` object (`"status"` is `Success` for codes below 400,
    /// `Failure` otherwise), e.g. `.status(code: 409, reason: "AlreadyExists")`.
    public static func status(
        code: Int, reason: String, message: String = "", headers: [String: String] = [:]
    ) -> FakeResponse {
        let outcome = code < 400 ? "Success" : "Failure"
        let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"\#(outcome)","#
            + #""message":\#(jsonQuoted(message)),"reason":\#(jsonQuoted(reason)),"details":{},"code":\#(code)}"#
        return FakeResponse(status: code, headers: headers, body: body)
    }

    /// A chunked response: each `(text, delay)` is one HTTP chunk sent `delay`
    /// seconds after the previous one; then `hold` seconds of silence; then the
    /// terminating chunk, or an abrupt disconnect when `close` is true.
    public static func chunked(
        status: Int = 200,
        chunks: [(String, delay: Double)],
        hold: Double = 0,
        close: Bool = false,
        headers: [String: String] = [:]
    ) -> FakeResponse {
        FakeResponse(
            status: status, headers: headers,
            chunks: chunks.map { Chunk($0.0, delay: $0.delay) },
            hold: hold, close: close)
    }

    /// This response, sent after waiting `seconds` before the status line.
    public func delayed(_ seconds: Double) -> FakeResponse {
        var copy = self
        copy.delay = seconds
        return copy
    }

    /// The object sent to fakeapi.py.
    var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "status": status,
            "headers": headers,
            "body": body,
            "hold": hold,
            "close": close,
            "delay": delay,
        ]
        if let chunks {
            object["chunks"] = chunks.map { ["data": $0.data, "delay": $0.delay] as [String: Any] }
        }
        return object
    }

    private static func jsonQuoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// A request as recorded by ``FakeAPIServer``.
public struct RecordedRequest: Sendable, Decodable {
    /// The HTTP method, e.g. `GET`.
    public let method: String
    /// The request path without the query string, still percent-encoded.
    public let path: String
    /// The raw query string without `?`; empty when there is none.
    public let query: String
    /// Request headers keyed by lowercased name (repeated headers joined with ", ").
    public let headers: [String: String]
    /// The request body decoded as UTF-8 (de-chunked if it was sent chunked).
    public let body: String
    /// The verified client certificate's subject CN, or `nil` without one.
    public let clientCN: String?
    /// Arrival time, seconds since 1970.
    public let time: Double

    enum CodingKeys: String, CodingKey {
        case method, path, query, headers, body, time
        case clientCN = "client_cn"
    }

    /// The query parameters, percent-decoded (`+` as space, as Go's
    /// `url.ParseQuery` does); for a repeated key the last value wins.
    public var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            items[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return items
    }

    /// The value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
