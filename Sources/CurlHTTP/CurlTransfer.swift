import CCurl

/// One request in flight: its easy handle, the memory libcurl points into, and where the
/// response goes.
///
/// Owned by ``CurlMultiLoop``: after creation every member is read and written on the loop
/// thread only (libcurl calls the callbacks there too), which is why it may be
/// `@unchecked Sendable` while being handed to cancellation handlers on other threads.
final class CurlTransfer: @unchecked Sendable {
    /// Where the response is delivered.
    enum Sink {
        /// The whole response, at the end.
        case buffered(CheckedContinuation<HTTPResponse, any Error>)
        /// The head once the first body byte (or the end) arrives, then the body as chunks.
        case streaming(
            head: CheckedContinuation<HTTPStreamingResponse, any Error>,
            body: AsyncThrowingStream<[UInt8], any Error>.Continuation
        )
    }

    let request: HTTPRequest
    private let sink: Sink
    private(set) var easy: UnsafeMutableRawPointer?
    /// Lists libcurl points into (headers, connect-to); freed with the transfer.
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var responseHeaders = HTTPHeaders()
    private var body: [UInt8] = []
    private var headDelivered = false
    /// Set when a cancellation arrives before the loop has added the transfer.
    var cancelRequested = false
    /// Set once the sink has been resumed or finished; later events are ignored.
    private(set) var finished = false

    /// The body stream, until the head hands it to the caller. Not kept afterwards: holding
    /// it would keep the stream alive after the caller drops it, and the transfer would
    /// never learn that nobody reads any more.
    private var undeliveredBody: AsyncThrowingStream<[UInt8], any Error>?

    init(request: HTTPRequest, sink: Sink, body: AsyncThrowingStream<[UInt8], any Error>? = nil) {
        self.request = request
        self.sink = sink
        self.undeliveredBody = body
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Creates and configures the easy handle. Throws when libcurl refuses an option.
    func prepare(userAgent: String) throws(TransportError) {
        guard let handle = curl_easy_init() else {
            throw TransportError(kind: .other, message: "curl_easy_init failed", requestMayHaveBeenSent: false)
        }
        easy = handle
        let context = Unmanaged.passUnretained(self).toOpaque()
        let target = try TargetURL(request.url, serverName: request.tls.serverName)

        try set(CURLOPT_URL, target.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_USERAGENT, userAgent)
        try set(CURLOPT_HTTP_VERSION, sluice_http_version_2tls)
        try set(CURLOPT_PIPEWAIT, 1)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_TCP_KEEPIDLE, 30)
        try set(CURLOPT_TCP_KEEPINTVL, 15)

        try set(CURLOPT_CONNECTTIMEOUT_MS, request.timeouts.connect.milliseconds)
        if let total = request.timeouts.total { try set(CURLOPT_TIMEOUT_MS, total.milliseconds) }
        if let lowSpeed = request.timeouts.lowSpeed {
            try set(CURLOPT_LOW_SPEED_LIMIT, lowSpeed.bytesPerSecond)
            try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(lowSpeed.window.components.seconds)))
        }

        try configureTLS()
        if let connectTo = target.connectTo { try set(CURLOPT_CONNECT_TO, list: [connectTo]) }
        try configureMethodAndBody()

        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if let hostHeader = target.hostHeader, request.headers["Host"] == nil { lines.append("Host: \(hostHeader)") }
        lines.append("Expect:")
        try set(CURLOPT_HTTPHEADER, list: lines)

        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(sluice_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.received(body: UnsafeRawBufferPointer(start: data, count: size * count))
        })
        try set(CURLOPT_HEADERDATA, pointer: context)
        try check(sluice_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.received(headerLine: UnsafeRawBufferPointer(start: data, count: size * count))
        })
    }

    private func configureTLS() throws(TransportError) {
        let tls = request.tls
        try set(CURLOPT_SSL_VERIFYPEER, tls.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, tls.verifyPeer ? 2 : 0)
        if let authorities = tls.trustedCertificatesPEM { try set(CURLOPT_CAINFO_BLOB, blob: authorities) }
        if let certificate = tls.clientCertificatePEM {
            try set(CURLOPT_SSLCERTTYPE, "PEM")
            try set(CURLOPT_SSLCERT_BLOB, blob: certificate)
        }
        if let key = tls.clientKeyPEM {
            try set(CURLOPT_SSLKEYTYPE, "PEM")
            try set(CURLOPT_SSLKEY_BLOB, blob: key)
        }
    }

    private func configureMethodAndBody() throws(TransportError) {
        switch request.method {
        case .get where request.body == nil:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        default:
            if let body = request.body {
                try set(CURLOPT_POST, 1)
                try check(sluice_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                if body.isEmpty {
                    try set(CURLOPT_COPYPOSTFIELDS, "")
                } else {
                    try check(body.withUnsafeBytes { bytes in
                        sluice_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                    })
                }
            }
            if request.method != .post || request.body == nil {
                try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
            }
        }
    }

    // MARK: callbacks (loop thread)

    private func received(headerLine raw: UnsafeRawBufferPointer) -> Int {
        let line = String(decoding: raw, as: UTF8.self).trimmingTrailingNewlines()
        if line.hasPrefix("HTTP/") {
            responseHeaders = HTTPHeaders()
        } else if line.isEmpty {
            // The end of a head. A final (non-1xx) head goes to a streaming caller now, so a
            // watch with nothing to say yet is open, not pending.
            if case .streaming = sink, let easy, info(easy, CURLINFO_RESPONSE_CODE) >= 200 {
                deliverHead()
            }
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon]).trimmingSpaces()
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            responseHeaders.add(name, value)
        }
        return raw.count
    }

    private func received(body chunk: UnsafeRawBufferPointer) -> Int {
        guard !finished else { return 0 }
        switch sink {
        case .buffered:
            body.append(contentsOf: chunk)
        case .streaming(_, let continuation):
            deliverHead()
            continuation.yield(Array(chunk))
        }
        return chunk.count
    }

    // MARK: completion (loop thread)

    /// Delivers the outcome of a transfer that libcurl reports done.
    func complete(code: CURLcode) {
        if code == CURLE_OK {
            succeed()
        } else {
            fail(transportError(for: code))
        }
    }

    private func succeed() {
        guard !finished else { return }
        finished = true
        switch sink {
        case .buffered(let continuation):
            continuation.resume(returning: HTTPResponse(head: currentHead(), body: body))
        case .streaming(_, let continuation):
            deliverHead()
            continuation.finish()
        }
    }

    /// Fails the transfer; a no-op when it has already finished.
    func fail(_ error: TransportError) {
        guard !finished else { return }
        finished = true
        switch sink {
        case .buffered(let continuation):
            continuation.resume(throwing: error)
        case .streaming(let head, let continuation):
            undeliveredBody = nil
            if headDelivered {
                continuation.finish(throwing: error)
            } else {
                headDelivered = true
                head.resume(throwing: error)
                continuation.finish(throwing: error)
            }
        }
    }

    /// Hands the head and the body stream to a streaming caller, once.
    private func deliverHead() {
        guard case .streaming(let head, _) = sink, !headDelivered, let body = undeliveredBody else { return }
        headDelivered = true
        undeliveredBody = nil
        head.resume(returning: HTTPStreamingResponse(head: currentHead(), body: body))
    }

    private func currentHead() -> HTTPResponseHead {
        var status = 0
        var version = 0
        if let easy {
            status = info(easy, CURLINFO_RESPONSE_CODE)
            version = info(easy, CURLINFO_HTTP_VERSION)
        }
        let versionText: String
        switch version {
        case CURL_HTTP_VERSION_2_0: versionText = "2"
        case CURL_HTTP_VERSION_3: versionText = "3"
        case CURL_HTTP_VERSION_1_0: versionText = "1.0"
        default: versionText = "1.1"
        }
        return HTTPResponseHead(status: status, headers: responseHeaders, httpVersion: versionText)
    }

    private func transportError(for code: CURLcode) -> TransportError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        var sent = true
        if let easy {
            var pretransfer: curl_off_t = 0
            _ = withUnsafeMutablePointer(to: &pretransfer) {
                sluice_easy_getinfo_pointer(easy, CURLINFO_PRETRANSFER_TIME_T, UnsafeMutableRawPointer($0).assumingMemoryBound(to: UnsafeMutableRawPointer?.self))
            }
            sent = pretransfer > 0
        }
        let kind: TransportError.Kind
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .nameResolution
            sent = false
        case CURLE_COULDNT_CONNECT:
            kind = .connectionRefused
            sent = false
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            kind = .tlsVerification
            sent = false
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED:
            kind = .tls
            sent = false
        case CURLE_OPERATION_TIMEDOUT:
            kind = message.contains("too slow") ? .stalled : .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .connectionLost
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            kind = .invalidRequest
            sent = false
        case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR:
            kind = .cancelled
        default:
            kind = .other
        }
        return TransportError(kind: kind, curlCode: Int(code.rawValue), message: message, requestMayHaveBeenSent: sent)
    }

    // MARK: option helpers

    private func check(_ code: CURLcode) throws(TransportError) {
        guard code == CURLE_OK else {
            throw TransportError(
                kind: .invalidRequest, curlCode: Int(code.rawValue),
                message: "libcurl refused an option: \(String(cString: curl_easy_strerror(code)))",
                requestMayHaveBeenSent: false)
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(sluice_easy_setopt_long(easy, option, value))
    }

    /// libcurl copies strings passed to setopt (since 7.17), so a temporary is fine.
    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(sluice_easy_setopt_string(easy, option, value))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(TransportError) {
        try check(sluice_easy_setopt_pointer(easy, option, pointer))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(TransportError) {
        try check(sluice_easy_setopt_pointer(easy, option, UnsafeMutableRawPointer(pointer)))
    }

    private func set(_ option: CURLoption, blob: [UInt8]) throws(TransportError) {
        try check(blob.withUnsafeBytes { sluice_easy_setopt_blob(easy, option, $0.baseAddress, $0.count) })
    }

    /// Builds a `curl_slist`; libcurl keeps pointing at it, so it lives as long as the transfer.
    private func set(_ option: CURLoption, list: [String]) throws(TransportError) {
        var slist: UnsafeMutablePointer<curl_slist>?
        for line in list { slist = curl_slist_append(slist, line) }
        if let slist { lists.append(slist) }
        try check(sluice_easy_setopt_slist(easy, option, slist))
    }
}

private func info(_ easy: UnsafeMutableRawPointer, _ what: CURLINFO) -> Int {
    var value = 0
    _ = sluice_easy_getinfo_long(easy, what, &value)
    return value
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var result = Substring(self)
        while let last = result.last, last == "\n" || last == "\r" || last == "\r\n" { result = result.dropLast() }
        return String(result)
    }

    func trimmingSpaces() -> String {
        var result = Substring(self)
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return String(result)
    }
}
