import CurlHTTP
import Foundation
import KubeClient
import Testing
@testable import KubeSim

/// Serves HTTPS (a fresh generated certificate) on an OS-chosen port with its own store, runs
/// `body` with a client that trusts the generated CA, stops the server.
/// `plainHTTP` serves HTTP instead, for tests that speak to the socket themselves.
func withServer<T: Sendable>(
    store: ObjectStore = ObjectStore(historyCapacity: 1000, garbageCollection: .synchronous),
    plainHTTP: Bool = false,
    _ body: (KubeSimServer, KubernetesClient, String) async throws -> T
) async throws -> T {
    let certificate = plainHTTP ? nil : try ServingCertificate.generate()
    let server = KubeSimServer(store: store, configuration: .init(token: "t", tls: certificate,
                                                                  bookmarkInterval: .milliseconds(300)))
    return try await server.serving { port in
        let url = "\(plainHTTP ? "http" : "https")://127.0.0.1:\(port)"
        let client = KubernetesClient(
            configuration: ClientConfiguration(server: url,
                                               tls: TLSConfiguration(certificateAuthority: certificate.map { Array($0.caPEM.utf8) }),
                                               credentials: Credentials(bearerToken: Secret("t"))),
            retryPolicy: .none)
        return try await body(server, client, url)
    }
}

/// A request as sent, for checking API semantics; certificate verification is checked by the
/// KubernetesClient in ``withServer(store:plainHTTP:_:)`` and by `servesHTTPSWithItsGeneratedCertificate`.
func raw(_ url: String, method: HTTPMethod = .get, token: String? = "t", contentType: String? = "application/json",
         body: [UInt8]? = nil) async throws -> (Int, JSONValue?) {
    var headers = HTTPHeaders()
    if let token { headers.add("Authorization", "Bearer \(token)") }
    if let contentType { headers.add("Content-Type", contentType) }
    let response = try await CurlEngine().perform(HTTPRequest(method: method, url: url, headers: headers, body: body,
                                                              tls: TLSOptions(verifyPeer: false)))
    return (response.status, try? KubeJSON.decode(JSONValue.self, from: response.body))
}

func kubeError(_ body: () async throws -> Void) async -> KubeClientError? {
    do {
        try await body()
        return nil
    } catch let error as KubeClientError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
