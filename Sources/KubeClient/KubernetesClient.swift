import CurlHTTP
import Foundation
import Logging

/// Time limits the client puts on its requests.
public struct ClientTimeouts: Sendable, Hashable {
    /// Name resolution plus TCP and TLS set-up.
    public var connect: Duration
    /// A whole unary request (not a watch).
    public var request: Duration
    /// How long past its `timeoutSeconds` a watch may run before the client gives up on it.
    public var watchGrace: Duration

    public init(connect: Duration = .seconds(10), request: Duration = .seconds(60), watchGrace: Duration = .seconds(30)) {
        self.connect = connect
        self.request = request
        self.watchGrace = watchGrace
    }
}

/// A Kubernetes API client over libcurl: authentication (token, token file, client
/// certificate, exec plugin), retries with backoff, typed verbs and watch streams.
///
/// ```swift
/// let client = try KubernetesClient(configuration: .load())
/// let version = try await client.serverVersion()
/// let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
/// for try await event in configMaps.watch() { print(event.type) }
/// ```
///
/// Safe to share between tasks: every call is independent, and all of them share one
/// libcurl engine (one thread, pooled connections, HTTP/2 where offered).
public final class KubernetesClient: Sendable {
    /// Told of every attempt: HTTP method, status code (nil when the transport failed) and
    /// duration — client-go's `rest_client_requests_total` and latency, for metrics.
    public typealias RequestObserver = @Sendable (_ method: String, _ code: Int?, _ duration: Duration) -> Void

    public let configuration: ClientConfiguration
    public let retryPolicy: RetryPolicy
    public let timeouts: ClientTimeouts
    let engine: CurlEngine
    let credentials: CredentialProvider
    let logger: Logger
    let observer: RequestObserver?

    public init(
        configuration: ClientConfiguration,
        engine: CurlEngine? = nil,
        retryPolicy: RetryPolicy = .default,
        timeouts: ClientTimeouts = ClientTimeouts(),
        userAgent: String = "sluice",
        logger: Logger = Logger(label: "sluice.kubeclient"),
        observer: RequestObserver? = nil
    ) {
        self.configuration = configuration
        self.engine = engine ?? CurlEngine(userAgent: userAgent)
        self.retryPolicy = retryPolicy
        self.timeouts = timeouts
        self.credentials = CredentialProvider(configuration: configuration, logger: logger)
        self.logger = logger
        self.observer = observer
    }

    /// Verbs on one resource type, for objects decoded as `Object`.
    ///
    /// `namespace` is required for single objects of namespaced resources; for list and
    /// watch, `nil` means all namespaces.
    public func resources<Object: Codable & Sendable>(
        _ type: Object.Type, _ resource: ResourceType, namespace: String? = nil
    ) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: resource, namespace: namespace)
    }

    /// Verbs on a typed resource, addressed by the type's ``KubernetesObject/resourceType``.
    public func resources<Object: KubernetesObject>(_ type: Object.Type, namespace: String? = nil) -> ResourceClient<Object> {
        ResourceClient(client: self, resource: Object.resourceType, namespace: namespace)
    }

    /// The server's `/version`.
    public func serverVersion() async throws -> VersionInfo {
        try decode(VersionInfo.self, try await send(APIRequest(method: .get, path: "/version")))
    }

    /// Discovery: what one group/version serves, or `nil` when the server does not serve it.
    public func apiResources(groupVersion: String) async throws -> APIResourceList? {
        let path = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        do {
            return try decode(APIResourceList.self, try await send(APIRequest(method: .get, path: path)))
        } catch let error as KubeClientError where error.isNotFound {
            return nil
        }
    }

    /// Whether the server serves `resource` (its group, version and plural name).
    public func resourceExists(_ resource: ResourceType) async throws -> Bool {
        guard let list = try await apiResources(groupVersion: resource.apiVersion) else { return false }
        return list.resources.contains { $0.name == resource.plural }
    }

    // MARK: - Requests

    /// One REST call, before authentication and transport details are added.
    struct APIRequest: Sendable, CustomStringConvertible {
        var method: HTTPMethod
        var path: String
        var query: [(String, String)] = []
        var body: [UInt8]? = nil
        var contentType: String? = nil
        /// Safe to repeat after it may have reached the server.
        var idempotent: Bool

        init(method: HTTPMethod, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
             contentType: String? = nil, idempotent: Bool? = nil) {
            self.method = method
            self.path = path
            self.query = query
            self.body = body
            self.contentType = contentType
            self.idempotent = idempotent ?? (method == .get || method == .head || method == .put || method == .delete)
        }

        var pathAndQuery: String {
            guard !query.isEmpty else { return path }
            return path + "?" + query.map { "\($0.0)=\($0.1.percentEncodedQueryValue)" }.joined(separator: "&")
        }

        var description: String { "\(method) \(pathAndQuery)" }
    }

    /// Sends a unary request with credentials and retries; returns a 2xx response or throws.
    func send(_ request: APIRequest) async throws -> HTTPResponse {
        try await withRetries(request) { http in
            let response = try await self.engine.perform(http)
            return (response.head, { response.body }, response)
        }
    }

    /// Opens a streamed request (a watch) with credentials and retries up to the response
    /// head; returns a 2xx streaming response or throws.
    func openStream(_ request: APIRequest, timeouts: TransferTimeouts) async throws -> HTTPStreamingResponse {
        try await withRetries(request, timeouts: timeouts) { http in
            let response = try await self.engine.stream(http)
            return (response.head, { try await response.collectBody() }, response)
        }
    }

    private func withRetries<Result: Sendable>(
        _ request: APIRequest,
        timeouts: TransferTimeouts? = nil,
        attempt perform: (HTTPRequest) async throws -> (HTTPResponseHead, () async throws -> [UInt8], Result)
    ) async throws -> Result {
        let transferTimeouts = timeouts ?? TransferTimeouts(connect: self.timeouts.connect, total: self.timeouts.request)
        var attempt = 0
        var refreshedAfter401 = false
        while true {
            attempt += 1
            let http = try await httpRequest(for: request, timeouts: transferTimeouts)
            let started = ContinuousClock.now
            do {
                let (head, errorBody, result) = try await perform(http)
                let elapsed = ContinuousClock.now - started
                observer?(request.method.rawValue, head.status, elapsed)
                if head.isSuccess {
                    logger.debug("\(request.method) \(request.path) -> \(head.status) in \(elapsed.humanReadable)")
                    return result
                }
                let body = (try? await errorBody()) ?? []
                let status = Status.fromErrorBody(body, httpStatus: head.status)
                logger.debug("\(request.method) \(request.path) -> \(head.status) \(status.reason ?? "") in \(elapsed.humanReadable)")
                if head.status == 401, !refreshedAfter401, configuration.credentials.canRefresh {
                    refreshedAfter401 = true
                    await credentials.invalidate()
                    attempt -= 1
                    continue
                }
                if let delay = retryPolicy.decision(
                    method: request.method, idempotent: request.idempotent, status: head.status,
                    headers: head.headers, error: nil, attempt: attempt, unit: Double.random(in: 0...1))
                {
                    logger.notice("retrying \(request.method) \(request.path) after HTTP \(head.status) in \(delay.humanReadable) (attempt \(attempt + 1) of \(retryPolicy.maxAttempts))")
                    try await Task.sleep(for: delay)
                    continue
                }
                throw Self.error(for: status, httpStatus: head.status, request: request)
            } catch let error as TransportError {
                if Task.isCancelled || error.kind == .cancelled { throw CancellationError() }
                observer?(request.method.rawValue, nil, ContinuousClock.now - started)
                if let delay = retryPolicy.decision(
                    method: request.method, idempotent: request.idempotent, status: nil, headers: nil,
                    error: error, attempt: attempt, unit: Double.random(in: 0...1))
                {
                    logger.notice("retrying \(request.method) \(request.path) after \(error.kind.rawValue) in \(delay.humanReadable) (attempt \(attempt + 1) of \(retryPolicy.maxAttempts))")
                    try await Task.sleep(for: delay)
                    continue
                }
                throw KubeClientError.transport(error, server: configuration.server)
            }
        }
    }

    static func error(for status: Status, httpStatus: Int, request: APIRequest) -> KubeClientError {
        if httpStatus == 410 || status.code == 410 || status.reason == "Expired" || status.reason == "Gone" {
            return .expired(status, request: request.description)
        }
        return .status(status, request: request.description)
    }

    private func httpRequest(for request: APIRequest, timeouts: TransferTimeouts) async throws -> HTTPRequest {
        let resolved: ResolvedCredentials
        do {
            resolved = try await credentials.current()
        } catch {
            throw KubeClientError.credentials("cannot obtain credentials for \(configuration.server) (\(configuration.source)): \(error)")
        }
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let authorization = resolved.authorization { headers.add("Authorization", authorization.revealString()) }
        if let contentType = request.contentType { headers.add("Content-Type", contentType) }
        let tls = TLSOptions(
            trustedCertificatesPEM: configuration.tls.certificateAuthority,
            verifyPeer: !configuration.tls.insecureSkipVerify,
            clientCertificatePEM: resolved.clientCertificate?.certificatePEM,
            clientKeyPEM: resolved.clientCertificate?.keyPEM.reveal(),
            serverName: configuration.tls.serverName)
        return HTTPRequest(method: request.method, url: configuration.server + request.pathAndQuery,
                           headers: headers, body: request.body, tls: tls, timeouts: timeouts)
    }

    func decode<Value: Decodable>(_ type: Value.Type, _ response: HTTPResponse, request: String = "") throws -> Value {
        do {
            return try KubeJSON.decode(type, from: response.body)
        } catch {
            throw KubeClientError.decoding("\(error)", request: request)
        }
    }
}

extension Credentials {
    /// Whether a 401 may be cured by fetching credentials again (exec plugin, token file).
    var canRefresh: Bool { exec != nil || bearerTokenFile != nil }
}
