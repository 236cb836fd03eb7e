import CurlHTTP
import Foundation
import KubeClient
import Testing
@testable import KubeSim

/// Starts a server on an OS-chosen port with its own store, runs `body`, stops the server.
func withServer<T>(
    store: ObjectStore = ObjectStore(historyCapacity: 1000, garbageCollection: .synchronous),
    _ body: (KubeSimServer, KubernetesClient, String) async throws -> T
) async throws -> T {
    let server = KubeSimServer(store: store, configuration: .init(token: "t", bookmarkInterval: .milliseconds(300)))
    let port = try await server.start()
    let url = "http://127.0.0.1:\(port)"
    let client = KubernetesClient(
        configuration: ClientConfiguration(server: url, credentials: Credentials(bearerToken: Secret("t"))),
        retryPolicy: .none)
    do {
        let result = try await body(server, client, url)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

func raw(_ url: String, method: HTTPMethod = .get, token: String? = "t", contentType: String? = "application/json",
         body: [UInt8]? = nil) async throws -> (Int, JSONValue?) {
    var headers = HTTPHeaders()
    if let token { headers.add("Authorization", "Bearer \(token)") }
    if let contentType { headers.add("Content-Type", contentType) }
    let response = try await CurlEngine().perform(HTTPRequest(method: method, url: url, headers: headers, body: body))
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

