/// An HTTP method; any token the server accepts.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let delete = HTTPMethod(rawValue: "DELETE")

    public var description: String { rawValue }
}

/// Header fields in order, with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field called `name` with one holding `value`.
    public mutating func set(_ name: String, _ value: String) {
        let wanted = name.lowercased()
        fields.removeAll { $0.name.lowercased() == wanted }
        fields.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// How the server's certificate is verified and which client certificate is offered.
///
/// PEM bytes go to libcurl as in-memory blobs; nothing is written to disk.
public struct TLSOptions: Sendable, Equatable {
    /// Trusted authorities (PEM); `nil` uses the system's bundle.
    public var trustedCertificatesPEM: [UInt8]?
    /// `false` skips verification of the peer and its name.
    public var verifyPeer: Bool
    /// A client certificate chain (PEM) and its key (PEM).
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// The name sent as SNI and verified against the certificate, when it is not the URL's host.
    public var serverName: String?

    public init(
        trustedCertificatesPEM: [UInt8]? = nil,
        verifyPeer: Bool = true,
        clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil,
        serverName: String? = nil
    ) {
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.verifyPeer = verifyPeer
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.serverName = serverName
    }
}

/// Time limits for one transfer.
public struct TransferTimeouts: Sendable, Equatable {
    /// Limit on name resolution plus TCP and TLS connection set-up.
    public var connect: Duration
    /// Limit on the whole transfer, body included; `nil` for none.
    public var total: Duration?
    /// Abort when fewer than `bytesPerSecond` arrive for `window` (a stalled peer).
    public var lowSpeed: LowSpeedLimit?

    /// A floor on throughput, measured over a window.
    public struct LowSpeedLimit: Sendable, Equatable {
        public var bytesPerSecond: Int
        public var window: Duration
        public init(bytesPerSecond: Int = 1, window: Duration) {
            self.bytesPerSecond = bytesPerSecond
            self.window = window
        }
    }

    public init(connect: Duration = .seconds(10), total: Duration? = .seconds(60), lowSpeed: LowSpeedLimit? = nil) {
        self.connect = connect
        self.total = total
        self.lowSpeed = lowSpeed
    }
}

/// One HTTP request: value type, built by callers and consumed by ``CurlEngine``.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// Absolute `http` or `https` URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]?
    public var tls: TLSOptions
    public var timeouts: TransferTimeouts

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        tls: TLSOptions = TLSOptions(),
        timeouts: TransferTimeouts = TransferTimeouts()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.tls = tls
        self.timeouts = timeouts
    }
}

/// Status line and headers of a response.
public struct HTTPResponseHead: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    /// `1.1`, `2` or `3`, as negotiated.
    public var httpVersion: String

    public init(status: Int, headers: HTTPHeaders = [:], httpVersion: String = "1.1") {
        self.status = status
        self.headers = headers
        self.httpVersion = httpVersion
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A whole response, body included.
public struct HTTPResponse: Sendable, Equatable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }

    public var status: Int { head.status }
    public var headers: HTTPHeaders { head.headers }
}

/// A response whose body arrives as it is received: the head first, then byte chunks.
///
/// Dropping or cancelling the iteration of ``body`` aborts the transfer.
public struct HTTPStreamingResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public init(head: HTTPResponseHead, body: AsyncThrowingStream<[UInt8], any Error>) {
        self.head = head
        self.body = body
    }

    /// Collects the rest of the body (for error responses, which are short).
    public func collectBody(limit: Int = 1 << 20) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk.prefix(max(0, limit - bytes.count)))
            if bytes.count >= limit { break }
        }
        return bytes
    }
}
