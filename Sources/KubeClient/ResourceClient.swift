import CurlHTTP
import Foundation

/// The verbs on one resource type (and namespace), decoding objects as `Object`: a typed
/// ``KubernetesObject`` or ``DynamicObject`` for anything.
///
/// ```swift
/// let routes = client.resources(DynamicObject.self, httpRoutes, namespace: "shop")
/// let route = try await routes.get("web")
/// _ = try await routes.patch("web", .merge(["metadata": ["labels": ["owner": "sluice"]]]))
/// ```
public struct ResourceClient<Object: Codable & Sendable>: Sendable {
    public let client: KubernetesClient
    public let resource: ResourceType
    /// For list and watch, `nil` means all namespaces.
    public let namespace: String?

    init(client: KubernetesClient, resource: ResourceType, namespace: String?) {
        self.client = client
        self.resource = resource
        self.namespace = namespace
    }

    /// The same verbs in another namespace.
    public func inNamespace(_ namespace: String?) -> ResourceClient<Object> {
        ResourceClient(client: client, resource: resource, namespace: namespace)
    }

    // MARK: read

    /// GET one object, or one of its subresources (`status`).
    public func get(_ name: String, subresource: String? = nil) async throws -> Object {
        try await call(Object.self, .get, objectPath(name, subresource))
    }

    /// One page of the list.
    public func list(_ options: ListOptions = ListOptions()) async throws -> ObjectList<Object> {
        try await call(ObjectList<Object>.self, .get, collectionPath(), query: options.queryItems)
    }

    /// The whole list, fetched in pages of `pageSize` through `continue` tokens. If a
    /// token expires mid-way (410), the error is thrown: start again.
    public func listAll(_ options: ListOptions = ListOptions(), pageSize: Int = 500) async throws -> ObjectList<Object> {
        var options = options
        options.limit = pageSize
        var page = try await list(options)
        var items = page.items
        while let token = page.metadata.continue, !token.isEmpty {
            options.continueToken = token
            options.resourceVersion = nil
            page = try await list(options)
            items.append(contentsOf: page.items)
        }
        return ObjectList(metadata: ListMeta(resourceVersion: page.metadata.resourceVersion), items: items)
    }

    // MARK: write

    /// POST a new object. `apiVersion` and `kind` are filled in when absent.
    public func create(_ object: Object, fieldManager: String? = nil, dryRun: Bool = false) async throws -> Object {
        let body = try encodeObject(object)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        return try await call(Object.self, .post, collectionPath(), query: query, body: try KubeJSON.encode(body),
                              contentType: "application/json")
    }

    /// PUT the whole object (named by its `metadata.name`), or its `status` subresource.
    /// A stale `metadata.resourceVersion` fails with 409 Conflict.
    public func update(_ object: Object, subresource: String? = nil, fieldManager: String? = nil) async throws -> Object {
        let body = try encodeObject(object)
        let name = try Self.name(of: body)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        return try await call(Object.self, .put, objectPath(name, subresource), query: query,
                              body: try KubeJSON.encode(body), contentType: "application/json")
    }

    /// PUT the `status` subresource.
    public func updateStatus(_ object: Object, fieldManager: String? = nil) async throws -> Object {
        try await update(object, subresource: "status", fieldManager: fieldManager)
    }

    /// PATCH an object or a subresource with a merge, JSON or strategic-merge patch.
    public func patch(_ name: String, _ patch: Patch, subresource: String? = nil, fieldManager: String? = nil) async throws -> Object {
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        return try await call(Object.self, .patch, objectPath(name, subresource), query: query,
                              body: try patch.body(), contentType: patch.contentType, idempotent: patch.isIdempotent)
    }

    /// Server-side apply: `configuration` states the fields `fieldManager` owns; the server
    /// merges it and answers 409 when another manager owns a field, unless `force`.
    /// The object is named by the configuration's `metadata.name`.
    public func apply<Configuration: Encodable>(
        _ configuration: Configuration, fieldManager: String, force: Bool = false, subresource: String? = nil
    ) async throws -> Object {
        let body = try encodeObject(configuration)
        let name = try Self.name(of: body)
        var query: [(String, String)] = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        return try await call(Object.self, .patch, objectPath(name, subresource), query: query,
                              body: try KubeJSON.encode(body), contentType: "application/apply-patch+yaml", idempotent: true)
    }

    /// DELETE an object. Returns once the server has accepted the deletion (finalizers may
    /// keep the object a while longer).
    public func delete(_ name: String, options: DeleteOptions = DeleteOptions()) async throws {
        _ = try await client.send(
            KubernetesClient.APIRequest(method: .delete, path: try objectPath(name, nil),
                                        body: try KubeJSON.encode(options), contentType: "application/json"))
    }

    // MARK: scale

    /// GET the `scale` subresource.
    public func scale(_ name: String) async throws -> Scale {
        try await call(Scale.self, .get, objectPath(name, "scale"))
    }

    /// Sets the desired replicas through the `scale` subresource.
    public func setScale(_ name: String, replicas: Int32) async throws -> Scale {
        try await call(Scale.self, .patch, objectPath(name, "scale"),
                       body: try KubeJSON.encode(JSONValue.object(["spec": ["replicas": .integer(Int64(replicas))]])),
                       contentType: Patch.merge(.null).contentType, idempotent: true)
    }

    // MARK: watch

    /// Watches the collection. Events are decoded line by line as bytes arrive. The stream
    /// ends when the server closes the watch (after `timeoutSeconds`); it throws
    /// ``KubeClientError/expired(_:request:)`` when the version is too old (list again),
    /// and a transport error (``TransportError/Kind/stalled``) when the connection goes
    /// silent for longer than `stallTimeout`. Stop iterating to close the watch.
    public func watch(_ options: WatchOptions = WatchOptions()) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        let cursor = WatchCursor<Object>(client: client, request: KubernetesClient.APIRequest(
            method: .get, path: collectionPath(), query: options.queryItems), options: options)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    // MARK: helpers

    private func call<Value: Decodable>(
        _ type: Value.Type, _ method: HTTPMethod, _ path: @autoclosure () throws -> String,
        query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil, idempotent: Bool? = nil
    ) async throws -> Value {
        let request = KubernetesClient.APIRequest(method: method, path: try path(), query: query, body: body,
                                                  contentType: contentType, idempotent: idempotent)
        return try client.decode(type, try await client.send(request), request: request.description)
    }

    private func collectionPath() -> String { resource.path(namespace: namespace) }

    private func objectPath(_ name: String, _ subresource: String?) throws -> String {
        guard !name.isEmpty else { throw KubeClientError.invalidArgument("a \(resource.kind) name is required") }
        if resource.namespaced, namespace == nil {
            throw KubeClientError.invalidArgument("\(resource) is namespaced: name a namespace to address \(resource.kind) \"\(name)\"")
        }
        return resource.path(namespace: namespace, name: name, subresource: subresource)
    }

    /// The object as JSON, with `apiVersion` and `kind` set when it has none.
    private func encodeObject<Value: Encodable>(_ object: Value) throws -> JSONValue {
        var json = try KubeJSON.value(of: object)
        guard json.objectValue != nil else { throw KubeClientError.invalidArgument("a \(resource.kind) must encode as a JSON object") }
        if json["apiVersion"]?.stringValue?.isEmpty ?? true { json["apiVersion"] = .string(resource.apiVersion) }
        if json["kind"]?.stringValue?.isEmpty ?? true { json["kind"] = .string(resource.kind) }
        return json
    }

    private static func name(of json: JSONValue) throws -> String {
        guard let name = json[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw KubeClientError.invalidArgument("the object has no metadata.name")
        }
        return name
    }
}

/// The consumer side of one watch: opens the stream on first use, then splits and decodes
/// lines as chunks arrive. Used by one consumer at a time (AsyncThrowingStream's unfolding
/// closure), which is why it may be `@unchecked Sendable`.
final class WatchCursor<Object: Decodable & Sendable>: @unchecked Sendable {
    private let client: KubernetesClient
    private let request: KubernetesClient.APIRequest
    private let options: WatchOptions
    private var body: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?
    private var splitter = LineSplitter()
    private var pending: [WatchEvent<Object>] = []
    private var done = false

    init(client: KubernetesClient, request: KubernetesClient.APIRequest, options: WatchOptions) {
        self.client = client
        self.request = request
        self.options = options
    }

    func next() async throws -> WatchEvent<Object>? {
        while pending.isEmpty {
            if done { return nil }
            if body == nil {
                let timeouts = TransferTimeouts(
                    connect: client.timeouts.connect,
                    total: .seconds(options.timeoutSeconds) + client.timeouts.watchGrace,
                    lowSpeed: options.stallTimeout.map { TransferTimeouts.LowSpeedLimit(bytesPerSecond: 1, window: $0) })
                body = try await client.openStream(request, timeouts: timeouts).body.makeAsyncIterator()
                client.logger.debug("watch \(request.path) opened")
            }
            let chunk: [UInt8]?
            do {
                chunk = try await body?.next()
            } catch let error as TransportError {
                done = true
                if error.kind == .cancelled { throw CancellationError() }
                throw KubeClientError.transport(error, server: client.configuration.server)
            }
            guard let chunk else {
                done = true
                if !splitter.remainder.isEmpty { try decode(ArraySlice(splitter.remainder)) }
                continue
            }
            for line in splitter.append(chunk) { try decode(line) }
        }
        return pending.removeFirst()
    }

    private func decode(_ line: ArraySlice<UInt8>) throws {
        let decoded: WatchLine<Object>
        do {
            decoded = try KubeJSON.decode(WatchLine<Object>.self, from: line)
        } catch {
            done = true
            throw KubeClientError.decoding("watch event: \(error)", request: request.description)
        }
        switch decoded {
        case .event(let event):
            pending.append(event)
        case .error(let status):
            done = true
            throw KubernetesClient.error(for: status, httpStatus: status.code ?? 500, request: request)
        }
    }
}
