import Foundation
import Hummingbird
import KubeClient
import Synchronization

/// Turns HTTP requests into ``ObjectStore`` calls, kube-apiserver style. Every failure is a
/// `Status` body; nothing a client sends can crash it.
final class APIHandler: Sendable {
    let store: ObjectStore
    let configuration: KubeSimServer.Configuration
    let serverSideApply = ServerSideApply()
    let strategicMerge = StrategicMergePatch()
    private let watches = Mutex<[Int: WatchSubscription]>([:])

    static let mergePatch = "application/merge-patch+json"
    static let jsonPatch = "application/json-patch+json"
    static let strategicMergePatch = "application/strategic-merge-patch+json"
    static let applyPatch = "application/apply-patch+yaml"
    static let patchTypes = [jsonPatch, mergePatch, applyPatch, strategicMergePatch]

    init(store: ObjectStore, configuration: KubeSimServer.Configuration) {
        self.store = store
        self.configuration = configuration
    }

    func cancelWatches() {
        let open = watches.withLock { state -> [WatchSubscription] in
            defer { state = [:] }
            return Array(state.values)
        }
        for subscription in open { subscription.cancel() }
    }

    // MARK: Entry

    func respond(to request: Request) async -> Response {
        do {
            return try await route(request)
        } catch {
            return APIReply(error).response
        }
    }

    private func route(_ request: Request) async throws(APIError) -> Response {
        if let token = configuration.token {
            guard let header = request.headers[.authorization], header == "Bearer \(token)" else {
                throw APIError.unauthorized()
            }
        }
        let query = QueryParameters(request.uri.query)
        let method = request.method.rawValue
        let store = self.store
        let path = APIPath.parse(request.uri.path) { group, plural in
            store.definition(group: group, plural: plural) != nil
        }
        switch path {
        case .version:
            try requireGet(method)
            return APIReply(200, versionInfo).response
        case .apiVersions:
            try requireGet(method)
            return APIReply(200, apiVersions(authority: request.head.authority)).response
        case .apiGroupList:
            try requireGet(method)
            return APIReply(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(apiGroups())]).response
        case .apiGroup(let group):
            try requireGet(method)
            guard let found = apiGroups().first(where: { $0["name"]?.stringValue == group }) else {
                throw APIError.resourceNotFound()
            }
            var body = found
            body["kind"] = "APIGroup"
            body["apiVersion"] = "v1"
            return APIReply(200, body).response
        case .resourceList(let group, let version):
            try requireGet(method)
            return APIReply(200, try resourceList(group: group, version: version)).response
        case .resource(let resourcePath):
            return try await resource(resourcePath, request: request, method: method, query: query)
        case .unknown:
            throw APIError.resourceNotFound()
        }
    }

    private func requireGet(_ method: String) throws(APIError) {
        guard method == "GET" || method == "HEAD" else {
            throw APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
        }
    }

    // MARK: Discovery

    var versionInfo: JSONValue {
        let parts = configuration.gitVersion.dropFirst().split(separator: ".")
        return [
            "major": .string(parts.count > 0 ? String(parts[0]) : "1"),
            "minor": .string(parts.count > 1 ? String(parts[1]) : "31"),
            "gitVersion": .string(configuration.gitVersion),
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z",
            "goVersion": "go1.22.0",
            "compiler": "gc",
            "platform": "linux/amd64",
        ]
    }

    func apiVersions(authority: String?) -> JSONValue {
        [
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [[
                "clientCIDR": "0.0.0.0/0",
                "serverAddress": .string(authority ?? "\(configuration.host):\(configuration.port)"),
            ]],
        ]
    }

    // MARK: Resources

    private func resource(_ path: ResourcePath, request: Request, method: String,
                          query: QueryParameters) async throws(APIError) -> Response {
        guard let served = store.definition(group: path.group, plural: path.plural), served.serves(path.version) else {
            throw APIError.resourceNotFound()
        }
        // Requests see the resource at the version in the path (objects carry its apiVersion).
        let definition = served.viewed(at: path.version)
        let type = definition.type
        if path.namespace != nil, !type.namespaced { throw APIError.resourceNotFound() }
        let namespace = path.namespace
        guard let name = path.name else {
            switch method {
            case "GET", "HEAD":
                if query.flag("watch") { return try watch(definition, namespace: namespace, query: query, request: request) }
                return try list(definition, namespace: namespace, query: query)
            case "POST":
                guard namespace != nil || !type.namespaced else {
                    throw APIError.methodNotAllowed(type.groupResource, action: "create")
                }
                return try await create(definition, namespace: namespace, request: request, query: query)
            case "DELETE":
                return try await deleteCollection(definition, namespace: namespace, request: request, query: query)
            default:
                throw APIError.methodNotAllowed(type.groupResource, action: method.lowercased())
            }
        }
        if type.namespaced, namespace == nil { throw APIError.resourceNotFound() }
        switch path.subresource {
        case nil:
            switch method {
            case "GET", "HEAD":
                return APIReply(200, try store.get(type, namespace: namespace, name: name, read: query.getReadVersion())).response
            case "PUT":
                return try await update(definition, namespace: namespace, name: name, request: request, query: query)
            case "PATCH":
                return try await patch(definition, namespace: namespace, name: name, statusOnly: false,
                                       request: request, query: query)
            case "DELETE":
                return try await delete(definition, namespace: namespace, name: name, request: request, query: query)
            default:
                throw APIError.methodNotAllowed(type.groupResource, action: method.lowercased())
            }
        case "status"? where definition.hasStatus:
            switch method {
            case "GET", "HEAD":
                return APIReply(200, try store.get(type, namespace: namespace, name: name, read: query.getReadVersion())).response
            case "PUT":
                return try await updateStatus(definition, namespace: namespace, name: name, request: request, query: query)
            case "PATCH":
                return try await patch(definition, namespace: namespace, name: name, statusOnly: true,
                                       request: request, query: query)
            default:
                throw APIError.methodNotAllowed(type.groupResource, action: method.lowercased())
            }
        case "scale"? where definition.scale != nil:
            return try await scale(definition, namespace: namespace, name: name, method: method, request: request,
                                   query: query)
        default:
            throw APIError.resourceNotFound()
        }
    }

    // MARK: Reads

    private func selectors(_ query: QueryParameters) throws(APIError) -> (LabelSelector, FieldSelector) {
        var labels = LabelSelector.everything
        var fields = FieldSelector.everything
        if let text = query["labelSelector"], !text.isEmpty { labels = try LabelSelector(parsing: text) }
        if let text = query["fieldSelector"], !text.isEmpty { fields = try FieldSelector(parsing: text) }
        return (labels, fields)
    }

    private func list(_ definition: ResourceDefinition, namespace: String?,
                      query: QueryParameters) throws(APIError) -> Response {
        let (labels, fields) = try selectors(query)
        var limit: Int?
        if let text = query["limit"], !text.isEmpty {
            guard let value = Int(text) else { throw APIError.badRequest("invalid limit: \(goQuoted(text))") }
            limit = value > 0 ? value : nil
        }
        let continueToken = query["continue"].flatMap { $0.isEmpty ? nil : $0 }
        let read = try query.listReadVersion()
        let result = try store.list(definition.type, namespace: namespace, labelSelector: labels, fieldSelector: fields,
                                    limit: limit, continue: continueToken, read: read)
        return APIReply(200, result.json(for: definition)).response
    }

    private func watch(_ definition: ResourceDefinition, namespace: String?, query: QueryParameters,
                       request: Request) throws(APIError) -> Response {
        let (labels, fields) = try selectors(query)
        _ = try ReadVersion.parse(resourceVersion: query["resourceVersion"], match: query["resourceVersionMatch"],
                                  isWatch: true)
        var requestedTimeout = configuration.defaultWatchTimeout
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let seconds = Int(text), seconds >= 0 else {
                throw APIError.badRequest("invalid timeoutSeconds: \(goQuoted(text))")
            }
            if seconds > 0 { requestedTimeout = .seconds(min(seconds, 366 * 24 * 3600)) }
        }
        let timeout = requestedTimeout
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let subscription: WatchSubscription
        do {
            subscription = try store.watch(definition.type, namespace: namespace, resourceVersion: query["resourceVersion"],
                                           labelSelector: labels, fieldSelector: fields,
                                           allowBookmarks: query.flag("allowWatchBookmarks"))
        } catch where error.code == 410 {
            // kube answers a too-old version with 200 and one ERROR event.
            let event: JSONValue = ["type": "ERROR", "object": APIReply(error).body]
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.line(event))))
        }
        watches.withLock { $0[subscription.id] = subscription }
        let body = ResponseBody { [self] writer in
            let timer = Task {
                try? await Task.sleep(for: timeout)
                subscription.cancel()
            }
            defer {
                timer.cancel()
                subscription.cancel()
                _ = watches.withLock { $0.removeValue(forKey: subscription.id) }
            }
            // A client that hangs up ends the watch at once (not only at its next write).
            try await request.body.consumeWithInboundCloseHandler { _ in
                for await event in subscription.events {
                    try await writer.write(ByteBuffer(bytes: Self.line(event.json)))
                }
            } onInboundClosed: {
                subscription.cancel()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func line(_ value: JSONValue) -> [UInt8] {
        var bytes = (try? KubeJSON.encode(value)) ?? Array("{}".utf8)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    // MARK: Bodies

    private func readBody(_ request: Request) async throws(APIError) -> [UInt8] {
        let limit = configuration.maxBodySize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.requestEntityTooLarge(limit: limit)
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                bytes.append(contentsOf: chunk.readableBytesView)
                if bytes.count > limit { throw APIError.requestEntityTooLarge(limit: limit) }
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("reading the request body failed: \(error)")
        }
        return bytes
    }

    static func mediaType(_ request: Request) -> String {
        let raw = request.headers[.contentType] ?? ""
        return raw.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// JSON (or, for YAML media types, YAML) into a value; malformed: 400.
    static func decode(_ bytes: [UInt8], mediaType: String = "application/json") throws(APIError) -> JSONValue {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw APIError.badRequest("the request body is empty")
        }
        do {
            return try KubeJSON.decode(JSONValue.self, from: bytes)
        } catch {
            // Both parsers bound nesting themselves (JSON 512 levels, libyaml 1000), so a
            // body of a million `[` is an error here, not a stack overflow.
            if mediaType.hasSuffix("yaml"), let value = YAMLBody.decode(bytes) { return value }
            throw APIError.badRequest("the request body is not valid JSON: \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        }
        return "\(error)"
    }

    private func objectBody(_ request: Request, _ definition: ResourceDefinition) async throws(APIError) -> JSONValue {
        let mediaType = Self.mediaType(request)
        if !mediaType.isEmpty, mediaType != "application/json", !mediaType.hasSuffix("yaml"), mediaType != "*/*" {
            throw APIError.unsupportedMediaType(mediaType)
        }
        let value = try Self.decode(try await readBody(request), mediaType: mediaType)
        guard case .object = value else {
            throw APIError.badRequest("the request body must be a JSON object, not \(PatchJSON.typeName(value))")
        }
        return value
    }

    static func manager(_ request: Request, _ query: QueryParameters) -> String {
        if let manager = query["fieldManager"], !manager.isEmpty { return manager }
        let agent = request.headers[.userAgent] ?? ""
        let prefix = agent.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return prefix.isEmpty ? "unknown" : prefix
    }

    private static func resetFields(_ definition: ResourceDefinition, statusOnly: Bool) -> Set<String> {
        definition.hasStatus && !statusOnly ? ["status"] : []
    }

    /// Records a non-apply write in `metadata.managedFields`; never fails the write.
    private func recordUpdate(_ definition: ResourceDefinition, old: JSONValue?, new: JSONValue, manager: String,
                              subresource: String? = nil) -> JSONValue {
        (try? serverSideApply.update(old: old, new: new, manager: manager, subresource: subresource,
                                     resetFields: Self.resetFields(definition, statusOnly: subresource == "status")))
            ?? new
    }

    // MARK: Writes

    private func create(_ definition: ResourceDefinition, namespace: String?, request: Request,
                        query: QueryParameters) async throws(APIError) -> Response {
        var body = try await objectBody(request, definition)
        let type = definition.type
        if body["apiVersion"] == nil { body["apiVersion"] = .string(type.apiVersion) }
        if body["kind"] == nil { body["kind"] = .string(type.kind) }
        let dryRun = try query.dryRun("CreateOptions")
        body = recordUpdate(definition, old: nil, new: body, manager: Self.manager(request, query))
        return APIReply(201, try store.create(type, namespace: namespace, body, dryRun: dryRun)).response
    }

    private func update(_ definition: ResourceDefinition, namespace: String?, name: String, request: Request,
                        query: QueryParameters) async throws(APIError) -> Response {
        var body = try await objectBody(request, definition)
        let type = definition.type
        if body["apiVersion"] == nil { body["apiVersion"] = .string(type.apiVersion) }
        if body["kind"] == nil { body["kind"] = .string(type.kind) }
        let dryRun = try query.dryRun("UpdateOptions")
        let old = try? store.get(type, namespace: namespace, name: name)
        body = recordUpdate(definition, old: old, new: body, manager: Self.manager(request, query))
        let existed = old != nil
        let result = try store.update(type, namespace: namespace, name: name, body, dryRun: dryRun)
        return APIReply(existed ? 200 : 201, result).response
    }

    private func updateStatus(_ definition: ResourceDefinition, namespace: String?, name: String, request: Request,
                              query: QueryParameters) async throws(APIError) -> Response {
        let body = try await objectBody(request, definition)
        let type = definition.type
        let dryRun = try query.dryRun("UpdateOptions")
        let old = try store.get(type, namespace: namespace, name: name)
        var merged = old
        merged["status"] = body["status"]
        if let bodyName = body["metadata"]?["name"] { merged.setMetadata("name", bodyName) }
        merged.setMetadata("resourceVersion", body["metadata"]?["resourceVersion"])
        merged = recordUpdate(definition, old: old, new: merged, manager: Self.manager(request, query), subresource: "status")
        return APIReply(200, try store.updateStatus(type, namespace: namespace, name: name, merged, dryRun: dryRun)).response
    }

    private func patch(_ definition: ResourceDefinition, namespace: String?, name: String, statusOnly: Bool,
                       request: Request, query: QueryParameters) async throws(APIError) -> Response {
        let mediaType = Self.mediaType(request)
        let accepted = definition.supportsStrategicMerge ? Self.patchTypes : Self.patchTypes.filter { $0 != Self.strategicMergePatch }
        guard accepted.contains(mediaType) else {
            throw APIError.unsupportedMediaType(mediaType, accepted: accepted)
        }
        let dryRun = try query.dryRun("PatchOptions")
        let bytes = try await readBody(request)
        if mediaType == Self.applyPatch {
            return try apply(definition, namespace: namespace, name: name, statusOnly: statusOnly,
                             config: try Self.decode(bytes, mediaType: mediaType), request: request, query: query)
        }
        let patchBody = try Self.decode(bytes)
        let type = definition.type
        let manager = Self.manager(request, query)
        var attempt = 0
        while true {
            attempt += 1
            let current = try store.get(type, namespace: namespace, name: name)
            var patched: JSONValue
            do throws(PatchError) {
                switch mediaType {
                case Self.mergePatch:
                    guard case .object = patchBody else {
                        throw PatchError.badRequest("json: cannot unmarshal \(PatchJSON.typeName(patchBody)) into Go value of type map[string]interface {}")
                    }
                    patched = JSONMergePatch.apply(patchBody, to: current)
                case Self.jsonPatch:
                    patched = try JSONPatch.apply(patchBody, to: current)
                default:
                    patched = try strategicMerge.apply(patchBody, to: current, apiVersion: type.apiVersion, kind: type.kind)
                }
            } catch {
                throw APIError(error)
            }
            guard case .object = patched else { throw APIError.badRequest("the patched object is not a JSON object") }
            let currentVersion = current.metadataString("resourceVersion")
            let pinned = (patched.metadataString("resourceVersion") ?? "") != (currentVersion ?? "")
                && !(patched.metadataString("resourceVersion") ?? "").isEmpty
            if !pinned { patched.setMetadata("resourceVersion", currentVersion.map { .string($0) }) }
            patched = recordUpdate(definition, old: current, new: patched, manager: manager,
                                   subresource: statusOnly ? "status" : nil)
            do {
                let result = statusOnly
                    ? try store.updateStatus(type, namespace: namespace, name: name, patched, dryRun: dryRun)
                    : try store.update(type, namespace: namespace, name: name, patched, dryRun: dryRun)
                return APIReply(200, result).response
            } catch {
                if error.reason == "Conflict", !pinned, attempt < 5 { continue }
                throw error
            }
        }
    }

    private func apply(_ definition: ResourceDefinition, namespace: String?, name: String, statusOnly: Bool,
                       config rawConfig: JSONValue, request: Request, query: QueryParameters) throws(APIError) -> Response {
        guard case .object = rawConfig else {
            throw APIError.badRequest("the apply configuration must be an object, not \(PatchJSON.typeName(rawConfig))")
        }
        guard let manager = query["fieldManager"], !manager.isEmpty else {
            throw APIError.badRequest("PATCH /apply requires fieldManager")
        }
        let type = definition.type
        let dryRun = try query.dryRun("PatchOptions")
        var config = rawConfig
        if (config.metadataString("name") ?? "").isEmpty { config.setMetadata("name", .string(name)) }
        let force = query.flag("force")
        let pinned = !(config.metadataString("resourceVersion") ?? "").isEmpty
        var attempt = 0
        while true {
            attempt += 1
            var current: JSONValue?
            do {
                current = try store.get(type, namespace: namespace, name: name)
            } catch where error.code == 404 && error.reason == "NotFound" {
                current = nil
            }
            let result: ServerSideApply.Result
            do throws(PatchError) {
                result = try serverSideApply.apply(current: current, config: config, manager: manager, force: force,
                                                   resetFields: Self.resetFields(definition, statusOnly: statusOnly))
            } catch {
                throw APIError(error)
            }
            do throws(APIError) {
                if result.created {
                    if statusOnly { throw APIError.notFound(type.groupResource, name: name) }
                    var object = result.object
                    object.setMetadata("resourceVersion", nil)
                    return APIReply(201, try store.create(type, namespace: namespace, object, dryRun: dryRun)).response
                }
                var object = result.object
                if !pinned { object.setMetadata("resourceVersion", current?["metadata"]?["resourceVersion"]) }
                let stored = statusOnly
                    ? try store.updateStatus(type, namespace: namespace, name: name, object, dryRun: dryRun)
                    : try store.update(type, namespace: namespace, name: name, object, dryRun: dryRun)
                return APIReply(200, stored).response
            } catch {
                let raced = error.reason == "Conflict" || (error.reason == "AlreadyExists" && current == nil)
                if raced, !pinned, attempt < 5 { continue }
                throw error
            }
        }
    }

    // MARK: Delete

    private func deleteOptions(_ request: Request, _ query: QueryParameters) async throws(APIError) -> DeleteOptions {
        var options = DeleteOptions()
        options.dryRun = try query.dryRun("DeleteOptions")
        let bytes = try await readBody(request)
        var policy = query["propagationPolicy"]
        if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            let body = try Self.decode(bytes)
            guard case .object = body else { throw APIError.badRequest("DeleteOptions must be a JSON object") }
            if let value = body["propagationPolicy"]?.stringValue { policy = value }
            if body["orphanDependents"] == .bool(true), policy == nil { policy = "Orphan" }
            options.preconditionUID = body["preconditions"]?["uid"]?.stringValue
            options.preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
            if let values = body["dryRun"]?.arrayValue {
                let names = values.compactMap(\.stringValue)
                try QueryParameters.checkDryRun(names, "DeleteOptions")
                if !names.isEmpty { options.dryRun = true }
            }
        }
        if let policy, !policy.isEmpty {
            guard let parsed = DeleteOptions.PropagationPolicy(rawValue: policy) else {
                throw APIError.invalid(GroupKind(group: "", kind: "DeleteOptions"), name: "", errors: [
                    FieldError(.notSupported, field: "propagationPolicy", value: goQuoted(policy),
                               detail: "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
                ])
            }
            options.propagationPolicy = parsed
        }
        return options
    }

    private func delete(_ definition: ResourceDefinition, namespace: String?, name: String, request: Request,
                        query: QueryParameters) async throws(APIError) -> Response {
        let options = try await deleteOptions(request, query)
        let outcome = try store.delete(definition.type, namespace: namespace, name: name, options: options)
        let accepted = outcome.isPending && options.propagationPolicy == .foreground
        return APIReply(accepted ? 202 : 200, outcome.object).response
    }

    private func deleteCollection(_ definition: ResourceDefinition, namespace: String?, request: Request,
                                  query: QueryParameters) async throws(APIError) -> Response {
        let options = try await deleteOptions(request, query)
        let (labels, fields) = try selectors(query)
        let outcomes = try store.deleteCollection(definition.type, namespace: namespace, labelSelector: labels,
                                                  fieldSelector: fields, options: options)
        let list = ListResult(items: outcomes.map(\.object), resourceVersion: store.currentResourceVersion)
        return APIReply(200, list.json(for: definition)).response
    }

    // MARK: Scale

    private func scale(_ definition: ResourceDefinition, namespace: String?, name: String, method: String,
                       request: Request, query: QueryParameters) async throws(APIError) -> Response {
        guard let scale = definition.scale else { throw APIError.resourceNotFound() }
        let type = definition.type
        let current = try store.get(type, namespace: namespace, name: name)
        let currentScale = Self.scaleObject(current, scale)
        var desired: JSONValue
        switch method {
        case "GET", "HEAD":
            return APIReply(200, currentScale).response
        case "PUT":
            desired = try await objectBody(request, definition)
        case "PATCH":
            let mediaType = Self.mediaType(request)
            let patchBody = try Self.decode(try await readBody(request))
            do throws(PatchError) {
                switch mediaType {
                case Self.mergePatch, Self.strategicMergePatch:
                    desired = JSONMergePatch.apply(patchBody, to: currentScale)
                case Self.jsonPatch:
                    desired = try JSONPatch.apply(patchBody, to: currentScale)
                default:
                    throw PatchError.unsupportedMediaType(accepted: [Self.jsonPatch, Self.mergePatch, Self.strategicMergePatch])
                }
            } catch {
                throw APIError(error)
            }
        default:
            throw APIError.methodNotAllowed(type.groupResource, action: method.lowercased())
        }
        guard let replicas = desired["spec"]?["replicas"]?.integerValue ?? (desired["spec"]?["replicas"] == nil ? 0 : nil) else {
            throw APIError.badRequest("spec.replicas must be an integer")
        }
        var updated = current
        updated = Self.setting(scale.specReplicasPath, .integer(replicas), in: updated)
        if let version = desired.metadataString("resourceVersion"), !version.isEmpty {
            updated.setMetadata("resourceVersion", .string(version))
        }
        let dryRun = try query.dryRun(method == "PUT" ? "UpdateOptions" : "PatchOptions")
        let stored = try store.update(type, namespace: namespace, name: name, updated, dryRun: dryRun)
        return APIReply(200, Self.scaleObject(stored, scale)).response
    }

    static func scaleObject(_ object: JSONValue, _ scale: ScaleSubresource) -> JSONValue {
        var metadata: [String: JSONValue] = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = object["metadata"]?[key] { metadata[key] = value }
        }
        var status: [String: JSONValue] = ["replicas": value(at: scale.statusReplicasPath, in: object) ?? .integer(0)]
        if let path = scale.labelSelectorPath, let selector = value(at: path, in: object) {
            if let text = selector.stringValue {
                status["selector"] = .string(text)
            } else if let parsed = try? LabelSelector(json: selector) {
                status["selector"] = .string(parsed.description)
            }
        } else if let selector = object["spec"]?["selector"], let parsed = try? LabelSelector(json: selector) {
            status["selector"] = .string(parsed.description)
        }
        return [
            "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": .object(metadata),
            "spec": ["replicas": value(at: scale.specReplicasPath, in: object) ?? .integer(0)],
            "status": .object(status),
        ]
    }

    static func components(_ path: String) -> [String] {
        path.split(separator: ".").map(String.init)
    }

    static func value(at path: String, in object: JSONValue) -> JSONValue? {
        var current: JSONValue? = object
        for key in components(path) { current = current?[key] }
        return current
    }

    static func setting(_ path: String, _ value: JSONValue, in object: JSONValue) -> JSONValue {
        func set(_ keys: ArraySlice<String>, _ node: JSONValue) -> JSONValue {
            guard let key = keys.first else { return value }
            var members = node.objectValue ?? [:]
            members[key] = set(keys.dropFirst(), members[key] ?? .object([:]))
            return .object(members)
        }
        return set(components(path)[...], object)
    }
}
