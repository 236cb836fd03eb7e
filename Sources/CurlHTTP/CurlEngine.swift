import Synchronization

/// Async HTTP over libcurl's multi interface: one thread drives every transfer, so
/// hundreds of concurrent requests and long-lived streams share it without pinning a
/// thread each. Connections are pooled and reused; HTTP/2 is negotiated over TLS and
/// streams are multiplexed on one connection.
///
/// ```swift
/// let engine = CurlEngine()
/// let response = try await engine.perform(HTTPRequest(url: "https://127.0.0.1:6443/version"))
/// ```
///
/// Cancelling the calling task aborts its transfer. The engine shuts down when the last
/// reference goes away (or on ``shutdown()``); transfers still running then fail with
/// ``TransportError/Kind/cancelled``.
public final class CurlEngine: Sendable {
    private let loop: CurlMultiLoop

    /// - Parameters:
    ///   - userAgent: sent on every request.
    ///   - maxConnections: size of the connection cache kept for reuse.
    public init(userAgent: String = "sluice", maxConnections: Int = 64) {
        loop = CurlMultiLoop(userAgent: userAgent, maxConnections: maxConnections)
        loop.start(name: "curl-multi")
    }

    deinit { loop.shutdown() }

    /// Stops the loop thread; in-flight transfers fail with `cancelled`.
    public func shutdown() { loop.shutdown() }

    /// The linked libcurl and its TLS and HTTP/2 libraries.
    public static var libcurlVersion: String { CurlGlobal.versionDescription }

    /// Sends `request` and returns the whole response. Any HTTP status is a response;
    /// only transport failures throw (``TransportError``).
    public func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        let box = TransferBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let transfer = CurlTransfer(request: request, sink: .buffered(continuation))
                box.transfer = transfer
                loop.send(.add(transfer))
                if Task.isCancelled { loop.send(.cancel(transfer)) }
            }
        } onCancel: {
            if let transfer = box.transfer { loop.send(.cancel(transfer)) }
        }
    }

    /// Sends `request` and returns as soon as the response head is known, with the body
    /// as a stream of chunks delivered as they arrive. Stopping the iteration of the
    /// body (or cancelling the task) aborts the transfer.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let box = TransferBox()
        let loop = self.loop
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let (stream, bodyContinuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
                let transfer = CurlTransfer(
                    request: request, sink: .streaming(head: continuation, body: bodyContinuation), body: stream)
                bodyContinuation.onTermination = { termination in
                    if case .cancelled = termination { loop.send(.cancel(transfer)) }
                }
                box.transfer = transfer
                loop.send(.add(transfer))
                if Task.isCancelled { loop.send(.cancel(transfer)) }
            }
        } onCancel: {
            if let transfer = box.transfer { loop.send(.cancel(transfer)) }
        }
    }
}

/// Hands the transfer from the operation to the cancellation handler.
private final class TransferBox: Sendable {
    private let stored = Mutex<CurlTransfer?>(nil)
    var transfer: CurlTransfer? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
