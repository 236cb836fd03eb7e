import CurlHTTP
import Foundation
@testable import KubeClient
import Logging
import Testing
import TestSupport

@Suite("Retries, authentication and TLS")
struct RetryAndAuthTests {
    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/version", [
            .status(code: 429, reason: "TooManyRequests", message: "slow down", headers: ["Retry-After": "1"]),
            .json(#"{"gitVersion":"v1.31.0"}"#),
        ])
        let version = try await makeClient(server).serverVersion()
        #expect(version.gitVersion == "v1.31.0")
        let times = try server.requests().map(\.time)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 0.9)
    }

    @Test func tooManyRequestsIsRetriedEvenForCreate() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("POST", "/api/v1/namespaces/default/configmaps", [
            .status(code: 429, reason: "TooManyRequests", headers: ["Retry-After": "0"]),
            .json(status: 201, configMapJSON("x")),
        ])
        _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default").create(ConfigMap(name: "x", data: [:]))
        #expect(try server.requests().count == 2)
    }

    @Test func serverErrorsAreRetriedForIdempotentRequestsOnly() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("GET", "/api/v1/namespaces/default/configmaps/x", [
            .status(code: 503, reason: "ServiceUnavailable"), .json(configMapJSON("x")),
        ])
        try server.script("POST", "/api/v1/namespaces/default/configmaps", [
            .status(code: 500, reason: "InternalError", message: "etcd timeout"), .json(status: 201, configMapJSON("x")),
        ])
        let configMaps = makeClient(server).resources(ConfigMap.self, namespace: "default")
        _ = try await configMaps.get("x")
        let error = await #expect(throws: KubeClientError.self) { _ = try await configMaps.create(ConfigMap(name: "x", data: [:])) }
        #expect(error?.code == 500)
        let methods = try server.requests().map(\.method)
        #expect(methods == ["GET", "GET", "POST"])
    }

    @Test func jsonPatchIsNotRetriedAfterAServerError() async throws {
        let server = try await FakeAPIServer.start()
        try server.script("PATCH", "/api/v1/namespaces/default/configmaps/x", [.status(code: 504, reason: "Timeout"), .json(configMapJSON("x"))])
        await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server).resources(ConfigMap.self, namespace: "default").patch("x", .json([.add("/data/z", "1")]))
        }
        #expect(try server.requests().count == 1)
    }

    @Test func refusedConnectionsAreRetriedThenReportedWithTheServer() async throws {
        let port = TestNetwork.unusedLoopbackPort()
        let client = KubernetesClient(
            configuration: ClientConfiguration(server: "http://127.0.0.1:\(port)"),
            retryPolicy: RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(10)))
        let error = await #expect(throws: KubeClientError.self) { _ = try await client.serverVersion() }
        guard case .transport(let transport, let server) = error else { Issue.record("expected transport error"); return }
        #expect(transport.kind == .connectionRefused)
        #expect(server == "http://127.0.0.1:\(port)")
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
    }

    @Test func wrongCertificateAuthorityIsAClearTLSError() async throws {
        let pki = try await TestPKI.sharedOffloaded()
        let server = try await FakeAPIServer.start(tls: pki)
        let client = makeClient(server, tls: TLSConfiguration(certificateAuthority: pki.wrongCACertPEM))
        let error = await #expect(throws: KubeClientError.self) { _ = try await client.serverVersion() }
        guard case .transport(let transport, _) = error else { Issue.record("expected transport error"); return }
        #expect(transport.kind == .tlsVerification)
        #expect(error?.description.contains("TLS verification failed") == true)
        #expect(try server.requests().isEmpty)
    }

    @Test func clientCertificateAuthenticates() async throws {
        let pki = try await TestPKI.sharedOffloaded()
        let server = try await FakeAPIServer.start(tls: pki, requireClientCA: true, requireToken: "unused")
        try server.script("GET", "/version", [.json(#"{"gitVersion":"v1.31.0"}"#)])
        let client = makeClient(server, credentials: Credentials(
            clientCertificate: ClientCertificate(certificatePEM: pki.clientCertPEM, keyPEM: Secret(bytes: pki.clientKeyPEM))))
        #expect(try await client.serverVersion().gitVersion == "v1.31.0")
        let seen = try #require(try server.requests().first)
        #expect(seen.clientCN == "alice")
        #expect(seen.header("authorization") == nil)
    }

    @Test func rotatedTokenFileIsReReadAfterA401() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenPath = try directory.write("token", "first-token\n")
        let server = try await FakeAPIServer.start(requireToken: "first-token")
        try server.script("GET", "/version", [.json(#"{"gitVersion":"v1.31.0"}"#)])
        let client = makeClient(server, credentials: Credentials(bearerTokenFile: tokenPath))
        _ = try await client.serverVersion()

        // The kubelet rotates the projected token; the server stops accepting the old one.
        try server.setToken("second-token")
        try directory.write("token", "second-token\n")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: tokenPath)
        _ = try await client.serverVersion()
        let authorizations = try server.requests().map { $0.header("authorization") }
        #expect(authorizations.first == "Bearer first-token")
        #expect(authorizations.last == "Bearer second-token")
    }

    @Test func unauthorizedWithAStaticTokenIsReportedOnce() async throws {
        let server = try await FakeAPIServer.start(requireToken: "right")
        let error = await #expect(throws: KubeClientError.self) {
            _ = try await makeClient(server, credentials: Credentials(bearerToken: Secret("wrong"))).serverVersion()
        }
        #expect(error?.isUnauthorized == true)
        #expect(try server.requests().count == 1)
    }

    @Test func secretsNeverAppearInLogsOrErrors() async throws {
        let token = "super-secret-token-4f9a"
        let password = "pa55-w0rd-secret"
        let server = try await FakeAPIServer.start(requireToken: "something-else")
        try server.script("GET", "/version", [.status(code: 429, reason: "TooManyRequests", headers: ["Retry-After": "0"])])
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        var errors: [String] = []
        for credentials in [Credentials(bearerToken: Secret(token)),
                            Credentials(basic: BasicCredentials(username: "admin", password: Secret(password)))] {
            let client = makeClient(server, credentials: credentials, logger: logger)
            do { _ = try await client.serverVersion() } catch { errors.append("\(error)"); errors.append(String(reflecting: error)) }
            do { _ = try await client.resources(ConfigMap.self, namespace: "default").get("x") } catch { errors.append("\(error)") }
            errors.append("\(client.configuration)")
            errors.append(String(reflecting: client.configuration))
        }
        let everything = (errors + handler.lines.withLock { $0 }).joined(separator: "\n")
        #expect(!everything.isEmpty)
        #expect(!everything.contains(token))
        #expect(!everything.contains(password))
        #expect(!everything.contains("YWRtaW46")) // base64 of "admin:"
        // The server did receive them: they were used, just never shown.
        #expect(try server.requests().contains { $0.header("authorization") == "Bearer \(token)" })
    }
}

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(100), maxDelay: .seconds(2), multiplier: 2, jitter: 0.5)

    @Test(arguments: [(1, 0.5, 0.1), (2, 0.5, 0.2), (3, 0.5, 0.4), (4, 0.5, 0.8), (6, 0.5, 2.0), (1, 0.0, 0.05), (1, 1.0, 0.15), (5, 1.0, 2.0)])
    func exponentialScheduleWithJitterAndCap(attempt: Int, unit: Double, seconds: Double) {
        let delay = policy.delay(afterAttempt: attempt, unit: unit)
        #expect(abs(delay.seconds - seconds) < 1e-9)
    }

    @Test func retryAfterWinsButIsCapped() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7), unit: 0.5) == .seconds(7))
        #expect(RetryPolicy(maxRetryAfter: .seconds(30)).delay(afterAttempt: 1, retryAfter: .seconds(3600), unit: 0.5) == .seconds(30))
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_784_000_000)
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == .seconds(3))
        #expect(RetryPolicy.parseRetryAfter(" 0 ", now: now) == .seconds(0))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: now.addingTimeInterval(12))
        #expect(RetryPolicy.parseRetryAfter(date, now: now) == .seconds(12))
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var idempotent: Bool
        var status: Int?
        var error: TransportError?
        var retried: Bool
        var testDescription: String { "\(method) idempotent=\(idempotent) status=\(status.map(String.init) ?? "-") error=\(error?.kind.rawValue ?? "-") → \(retried)" }
    }

    static let sent = true
    @Test(arguments: [
        Case(method: .get, idempotent: true, status: 429, retried: true),
        Case(method: .post, idempotent: false, status: 429, retried: true),
        Case(method: .get, idempotent: true, status: 503, retried: true),
        Case(method: .post, idempotent: false, status: 503, retried: false),
        Case(method: .put, idempotent: true, status: 500, retried: true),
        Case(method: .get, idempotent: true, status: 404, retried: false),
        Case(method: .put, idempotent: true, status: 409, retried: false),
        Case(method: .get, idempotent: true, status: 401, retried: false),
        Case(method: .post, idempotent: false, error: TransportError(kind: .connectionRefused, message: "", requestMayHaveBeenSent: false), retried: true),
        Case(method: .post, idempotent: false, error: TransportError(kind: .timedOut, message: "", requestMayHaveBeenSent: true), retried: false),
        Case(method: .post, idempotent: false, error: TransportError(kind: .timedOut, message: "", requestMayHaveBeenSent: false), retried: true),
        Case(method: .get, idempotent: true, error: TransportError(kind: .connectionLost, message: "", requestMayHaveBeenSent: true), retried: true),
        Case(method: .get, idempotent: true, error: TransportError(kind: .tlsVerification, message: "", requestMayHaveBeenSent: false), retried: false),
        Case(method: .get, idempotent: true, error: TransportError(kind: .cancelled, message: "", requestMayHaveBeenSent: true), retried: false),
    ])
    func whatIsRetried(_ c: Case) {
        let decision = policy.decision(method: c.method, idempotent: c.idempotent, status: c.status, headers: nil,
                                       error: c.error, attempt: 1, unit: 0.5)
        #expect((decision != nil) == c.retried)
    }

    @Test func attemptsAreBounded() {
        #expect(policy.decision(method: .get, idempotent: true, status: 503, headers: nil, error: nil, attempt: 4, unit: 0.5) != nil)
        #expect(policy.decision(method: .get, idempotent: true, status: 503, headers: nil, error: nil, attempt: 5, unit: 0.5) == nil)
    }
}

@Suite struct StatusDecodingTests {
    @Test func decodesTheServersStatus() throws {
        let body = Array(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" is forbidden: User \"bob\" cannot get resource \"pods\"","reason":"Forbidden","details":{"name":"x","kind":"pods"},"code":403}"#.utf8)
        let status = Status.fromErrorBody(body, httpStatus: 403)
        #expect(status.code == 403)
        #expect(status.reason == "Forbidden")
        #expect(status.details?.kind == "pods")
        #expect(status.description == #"pods "x" is forbidden: User "bob" cannot get resource "pods" (Forbidden, 403)"#)
    }

    @Test func invalidCarriesFieldCauses() throws {
        let body = Array(#"{"kind":"Status","status":"Failure","message":"Rollout.sluice.dev \"x\" is invalid: spec.replicas: Invalid value: -1","reason":"Invalid","details":{"name":"x","group":"sluice.dev","kind":"Rollout","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1","field":"spec.replicas"}]},"code":422}"#.utf8)
        let status = Status.fromErrorBody(body, httpStatus: 422)
        #expect(status.details?.causes == [Status.Cause(reason: "FieldValueInvalid", message: "Invalid value: -1", field: "spec.replicas")])
    }

    @Test(arguments: [(502, "", "the server responded with HTTP 502", "Unknown"), (503, "upstream down", "upstream down", "ServiceUnavailable")])
    func nonStatusBodies(code: Int, body: String, message: String, reason: String) {
        let status = Status.fromErrorBody(Array(body.utf8), httpStatus: code)
        #expect(status.code == code)
        #expect(status.message == message)
        #expect(status.reason == reason)
    }
}
