import Foundation
import KubeClient

/// Injected sources of time, identity and randomness.
struct StoreEnvironment: Sendable {
    var now: @Sendable () -> Date
    var makeUID: @Sendable () -> String
    var nameSuffix: @Sendable () -> String
}

struct ObjectRef: Hashable, Sendable {
    var resource: GroupResource
    var key: ObjectKey
}

/// Everything behind the store's lock. Every write goes through ``commit(_:_:new:previous:)``,
/// which bumps the version, records history and fans the event out.
struct StoreState {
    let environment: StoreEnvironment
    var resourceVersion: Int64
    var definitions: [GroupResource: ResourceDefinition] = [:]
    var objects: [GroupResource: [ObjectKey: JSONValue]] = [:]
    var uidIndex: [String: ObjectRef] = [:]
    /// The version at which a garbage collection last found nothing to do: until the store
    /// changes, another would find nothing either (it depends only on the stored objects).
    var garbageFreeVersion: Int64?
    var history: HistoryRing
    /// The newest version whose event has left the history (kube's `oldest - 1`).
    var compactedThrough: Int64
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 1
    let watchBufferSize: Int
    /// Subscriptions to finish once the lock is released.
    var finished: [WatchSubscription] = []
    /// A scratch copy for a dry run: writes change only this copy, keep versions, record no
    /// history and reach no watcher.
    var isDryRun = false

    init(environment: StoreEnvironment, initialResourceVersion: Int64, historyCapacity: Int, watchBufferSize: Int) {
        self.environment = environment
        self.resourceVersion = initialResourceVersion
        self.compactedThrough = initialResourceVersion
        self.history = HistoryRing(capacity: historyCapacity)
        self.watchBufferSize = max(1, watchBufferSize)
    }

    // MARK: Lookup

    /// The definition serving `type` (its version must be served; empty: the storage version).
    func definition(_ type: ResourceType) throws(APIError) -> ResourceDefinition {
        guard let definition = definitions[type.groupResource],
              type.version.isEmpty || definition.serves(type.version) else { throw APIError.resourceNotFound() }
        return definition
    }

    /// A copy to run a dry-run write on.
    func dryRunCopy() -> StoreState {
        var copy = self
        copy.watchers = [:]
        copy.finished = []
        copy.isDryRun = true
        return copy
    }

    func object(_ ref: ObjectRef) -> JSONValue? { objects[ref.resource]?[ref.key] }

    func key(_ definition: ResourceDefinition, namespace: String?, name: String) -> ObjectKey {
        ObjectKey(namespace: definition.type.namespaced ? (namespace ?? "") : "", name: name)
    }

    func get(_ definition: ResourceDefinition, _ key: ObjectKey) throws(APIError) -> JSONValue {
        guard let object = objects[definition.groupResource]?[key] else {
            throw APIError.notFound(definition.groupResource, name: key.name)
        }
        return object
    }

    // MARK: Commit and fan-out

    /// Writes `new` (nil deletes), bumping the global version; returns the object as the
    /// event carries it.
    @discardableResult
    mutating func commit(_ resource: GroupResource, _ key: ObjectKey, new: JSONValue?, previous: JSONValue?) -> JSONValue {
        if isDryRun { return commitDryRun(resource, key, new: new, previous: previous) }
        resourceVersion += 1
        let version = JSONValue.string(String(resourceVersion))
        let type: StoreEvent.EventType
        var object: JSONValue
        if var new {
            new.setMetadata("resourceVersion", version)
            objects[resource, default: [:]][key] = new
            if let uid = new.uid { uidIndex[uid] = ObjectRef(resource: resource, key: key) }
            type = previous == nil ? .added : .modified
            object = new
        } else {
            object = previous ?? .object([:])
            object.setMetadata("resourceVersion", version)
            objects[resource]?[key] = nil
            if let uid = previous?.uid { uidIndex[uid] = nil }
            type = .deleted
        }
        let event = HistoryEvent(resourceVersion: resourceVersion, type: type, resource: resource, key: key,
                                 object: object, previous: previous)
        if let evicted = history.append(event) { compactedThrough = evicted.resourceVersion }
        for (id, watcher) in watchers {
            if let translated = watcher.filter.translate(event) { deliver(translated, to: id, watcher.subscription) }
        }
        if resource == Self.crdResource { syncCustomResource(new: new, previous: previous) }
        return object
    }

    /// A dry run's write: the scratch state changes, the version does not; the object
    /// keeps the stored version (a new one has none), as kube answers dry runs.
    private mutating func commitDryRun(_ resource: GroupResource, _ key: ObjectKey, new: JSONValue?,
                                       previous: JSONValue?) -> JSONValue {
        let version = previous?["metadata"]?["resourceVersion"]
        guard var new else {
            objects[resource]?[key] = nil
            if let uid = previous?.uid { uidIndex[uid] = nil }
            return previous ?? .object([:])
        }
        new.setMetadata("resourceVersion", version)
        objects[resource, default: [:]][key] = new
        if let uid = new.uid { uidIndex[uid] = ObjectRef(resource: resource, key: key) }
        if resource == Self.crdResource { syncCustomResource(new: new, previous: previous) }
        return new
    }

    mutating func deliver(_ event: StoreEvent, to id: Int, _ subscription: WatchSubscription) {
        switch subscription.continuation.yield(event) {
        case .enqueued:
            break
        case .dropped:
            subscription.markOverflow()
            watchers[id] = nil
            finished.append(subscription)
        case .terminated:
            watchers[id] = nil
            finished.append(subscription)
        @unknown default:
            break
        }
    }

    /// A BOOKMARK at the current version to every watcher that asked for them.
    mutating func sendBookmark() {
        for (id, watcher) in watchers where watcher.allowBookmarks {
            guard let definition = definitions[watcher.filter.resource] else { continue }
            let object: JSONValue = [
                "apiVersion": .string(watcher.filter.servedAPIVersion ?? definition.type.apiVersion),
                "kind": .string(definition.type.kind),
                "metadata": ["resourceVersion": .string(String(resourceVersion))],
            ]
            deliver(StoreEvent(type: .bookmark, object: object), to: id, watcher.subscription)
        }
    }

    // MARK: Validation helpers

    /// kube's namespace rules: the request's namespace wins, a conflicting one in the body
    /// is a 400, a namespaced object needs one; cluster-scoped objects have none.
    func resolveNamespace(_ definition: ResourceDefinition, request: String?, object: JSONValue) throws(APIError) -> String {
        guard definition.type.namespaced else { return "" }
        let inObject = object.objectNamespace
        let requested = request ?? ""
        if !inObject.isEmpty, !requested.isEmpty, inObject != requested {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let namespace = requested.isEmpty ? inObject : requested
        if namespace.isEmpty {
            throw APIError.invalid(definition.type.groupKind, name: object.objectName,
                                   errors: [.required("metadata.namespace")])
        }
        let problems = Validation.dns1123Label(namespace)
        if !problems.isEmpty {
            throw APIError.invalid(definition.type.groupKind, name: object.objectName,
                                   errors: problems.map { .invalid("metadata.namespace", namespace, $0) })
        }
        return namespace
    }

    func checkKind(_ definition: ResourceDefinition, _ object: JSONValue) throws(APIError) {
        guard case .object = object else { throw APIError.badRequest("the body of the request must be a JSON object") }
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != definition.type.kind {
            throw APIError.badRequest("the kind of the provided object (\(kind)) does not match the expected kind (\(definition.type.kind))")
        }
    }

    func nameErrors(_ definition: ResourceDefinition, _ name: String, field: String = "metadata.name") -> [FieldError] {
        let problems = switch definition.nameRule {
        case .dns1123Subdomain: Validation.dns1123Subdomain(name)
        case .dns1123Label: Validation.dns1123Label(name)
        }
        return problems.map { .invalid(field, name, $0) }
    }

    func labelErrors(_ object: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        for (key, value) in object.labels.sorted(by: { $0.key < $1.key }) {
            errors += Validation.qualifiedName(key).map { .invalid("metadata.labels", key, $0) }
            errors += Validation.labelValue(value).map { .invalid("metadata.labels", value, $0) }
        }
        return errors
    }

    // MARK: Create

    mutating func create(_ definition: ResourceDefinition, namespace request: String?, _ body: JSONValue,
                         forcedName: String? = nil) throws(APIError) -> JSONValue {
        if definition.isTerminating {
            throw APIError(code: 405, reason: "MethodNotAllowed",
                           message: "create not allowed while custom resource definition is terminating",
                           details: Status.Details(group: definition.type.group, kind: definition.type.plural))
        }
        try checkKind(definition, body)
        var object = body
        object["apiVersion"] = .string(definition.type.apiVersion)
        object["kind"] = .string(definition.type.kind)
        if let forcedName { object.setMetadata("name", .string(forcedName)) }
        let resource = definition.groupResource
        if let version = object.metadataString("resourceVersion"), !version.isEmpty {
            throw APIError.badRequest("resourceVersion should not be set on objects to be created")
        }
        let namespace = try resolveNamespace(definition, request: request, object: object)
        var name = object.objectName
        let generateName = object.metadataString("generateName") ?? ""
        var errors: [FieldError] = []
        if name.isEmpty, !generateName.isEmpty {
            // kube retries generated names that collide (RetryGenerateName).
            for _ in 0..<8 {
                name = generateName + environment.nameSuffix()
                if objects[resource]?[ObjectKey(namespace: namespace, name: name)] == nil { break }
            }
            if !nameErrors(definition, name).isEmpty {
                errors += nameErrors(definition, generateName + "a", field: "metadata.generateName")
                    .map { FieldError.invalid($0.field, generateName, $0.detail) }
            }
        } else if name.isEmpty {
            errors.append(.required("metadata.name", "name or generateName is required"))
        } else {
            errors += nameErrors(definition, name)
        }
        errors += labelErrors(object)
        if !errors.isEmpty { throw APIError.invalid(definition.type.groupKind, name: name, errors: errors) }
        try admitCreate(definition, namespace: namespace, name: name)
        let key = ObjectKey(namespace: namespace, name: name)
        if objects[resource]?[key] != nil { throw APIError.alreadyExists(resource, name: name) }

        object.setMetadata("name", .string(name))
        object.setMetadata("namespace", definition.type.namespaced ? .string(namespace) : nil)
        object.setMetadata("uid", .string(environment.makeUID()))
        object.setMetadata("creationTimestamp", .string(rfc3339(environment.now())))
        object.setMetadata("generation", definition.tracksGeneration ? .integer(1) : nil)
        object.setMetadata("deletionTimestamp", nil)
        object.setMetadata("deletionGracePeriodSeconds", nil)
        if definition.hasStatus { object["status"] = nil }
        try prepare(definition, &object, existing: nil, statusOnly: false)
        return commit(resource, key, new: object, previous: nil)
    }

    // MARK: Update

    /// PUT of the whole object (`statusOnly`: the `status` subresource).
    mutating func update(_ definition: ResourceDefinition, namespace request: String?, name: String,
                         _ body: JSONValue, statusOnly: Bool) throws(APIError) -> JSONValue {
        try checkKind(definition, body)
        let resource = definition.groupResource
        let bodyName = body.objectName
        if !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        let namespace = try resolveNamespace(definition, request: request, object: body)
        let key = ObjectKey(namespace: namespace, name: name)
        guard let existing = objects[resource]?[key] else {
            if definition.allowCreateOnUpdate, !statusOnly {
                var fresh = body
                fresh.setMetadata("resourceVersion", nil)
                return try create(definition, namespace: namespace, fresh, forcedName: name)
            }
            throw APIError.notFound(resource, name: name)
        }
        let requestedVersion = body.metadataString("resourceVersion") ?? ""
        if !requestedVersion.isEmpty, requestedVersion != existing.metadataString("resourceVersion") {
            throw APIError.conflict(resource, name: name)
        }
        if requestedVersion.isEmpty, !definition.allowUnconditionalUpdate {
            throw APIError.invalid(GroupKind(group: resource.group, kind: resource.resource), name: name, errors: [
                FieldError(.invalid, field: "metadata.resourceVersion", value: "0x0", detail: "must be specified for an update"),
            ])
        }

        var updated: JSONValue
        if statusOnly {
            updated = existing
            updated["status"] = body["status"]
            try prepare(definition, &updated, existing: existing, statusOnly: true)
        } else {
            updated = body
            updated["apiVersion"] = .string(definition.type.apiVersion)
            updated["kind"] = .string(definition.type.kind)
            updated.setMetadata("name", .string(name))
            updated.setMetadata("namespace", definition.type.namespaced ? .string(namespace) : nil)
            var errors: [FieldError] = []
            if let uid = updated.uid, uid != existing.uid {
                errors.append(.invalid("metadata.uid", uid, "field is immutable"))
            }
            let oldFinalizers = Set(existing.finalizers)
            let added = updated.finalizers.filter { !oldFinalizers.contains($0) }
            if existing.isBeingDeleted, !added.isEmpty {
                let list = added.map(goQuoted).joined(separator: ", ")
                errors.append(.forbidden("metadata.finalizers",
                                         "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(list)}"))
            }
            errors += labelErrors(updated)
            if !errors.isEmpty { throw APIError.invalid(definition.type.groupKind, name: name, errors: errors) }
            for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation",
                          "resourceVersion"] {
                updated.setMetadata(field, existing["metadata"]?[field])
            }
            if definition.hasStatus { updated["status"] = existing["status"] }
            try prepare(definition, &updated, existing: existing, statusOnly: false)
            if definition.tracksGeneration,
               updated.specContent(dropStatus: definition.hasStatus) != existing.specContent(dropStatus: definition.hasStatus) {
                let generation = existing["metadata"]?["generation"]?.integerValue ?? 0
                updated.setMetadata("generation", .integer(generation + 1))
            }
        }
        if updated == existing { return existing }
        return replace(ObjectRef(resource: resource, key: key), updated, previous: existing)
    }

    /// Stores an updated object; one being deleted whose finalizers are all gone is removed.
    @discardableResult
    mutating func replace(_ ref: ObjectRef, _ updated: JSONValue, previous: JSONValue) -> JSONValue {
        if updated.isBeingDeleted, updated.finalizers.isEmpty, !Self.lifecycleBlocksRemoval(ref.resource, updated) {
            return commit(ref.resource, ref.key, new: nil, previous: previous)
        }
        return commit(ref.resource, ref.key, new: updated, previous: previous)
    }

    // MARK: Delete

    mutating func delete(_ definition: ResourceDefinition, _ key: ObjectKey, options: DeleteOptions) throws(APIError) -> DeleteOutcome {
        let resource = definition.groupResource
        if resource == Self.namespaceResource { try admitNamespaceDelete(key.name) }
        let existing = try get(definition, key)
        if let uid = options.preconditionUID, uid != existing.uid {
            throw APIError.conflict(resource, name: key.name,
                                    message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(existing.uid ?? "")")
        }
        if let version = options.preconditionResourceVersion, version != existing.metadataString("resourceVersion") {
            throw APIError.conflict(resource, name: key.name,
                                    message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(existing.metadataString("resourceVersion") ?? "")")
        }
        return deleteObject(ObjectRef(resource: resource, key: key), existing, policy: options.propagationPolicy)
    }

    /// Deletion after preconditions: GC finalizers by policy, then either mark
    /// (`deletionTimestamp`) or remove.
    mutating func deleteObject(_ ref: ObjectRef, _ existing: JSONValue, policy: DeleteOptions.PropagationPolicy?) -> DeleteOutcome {
        var finalizers = existing.finalizers
        func set(_ name: String, _ present: Bool) {
            if present, !finalizers.contains(name) { finalizers.append(name) }
            if !present { finalizers.removeAll { $0 == name } }
        }
        switch policy {
        case .orphan?: set(Finalizer.orphan, true); set(Finalizer.foreground, false)
        case .foreground?: set(Finalizer.foreground, true); set(Finalizer.orphan, false)
        case .background?: set(Finalizer.orphan, false); set(Finalizer.foreground, false)
        case nil: break
        }
        if ref.resource == Self.crdResource, !existing.isBeingDeleted { set(Self.crdCleanupFinalizer, true) }
        if finalizers.isEmpty, !Self.lifecycleBlocksRemoval(ref.resource, existing) {
            return DeleteOutcome(object: commit(ref.resource, ref.key, new: nil, previous: existing), isPending: false)
        }
        var marked = existing
        marked.setFinalizers(finalizers)
        if !existing.isBeingDeleted {
            marked.setMetadata("deletionTimestamp", .string(rfc3339(environment.now())))
            marked.setMetadata("deletionGracePeriodSeconds", .integer(0))
            markDeleted(ref.resource, &marked)
        }
        if marked == existing { return DeleteOutcome(object: existing, isPending: true) }
        return DeleteOutcome(object: commit(ref.resource, ref.key, new: marked, previous: existing), isPending: true)
    }

    // MARK: List

    /// The resource's objects as they were at `version` (undoing newer history).
    func snapshot(_ resource: GroupResource, at version: Int64) -> [ObjectKey: JSONValue] {
        var bucket = objects[resource] ?? [:]
        var index = history.count - 1
        while index >= 0, history[index].resourceVersion > version {
            let event = history[index]
            if event.resource == resource {
                bucket[event.key] = event.type == .added ? nil : event.previous
            }
            index -= 1
        }
        return bucket
    }

    func list(_ definition: ResourceDefinition, namespace: String?, labelSelector: LabelSelector,
              fieldSelector: FieldSelector, limit: Int?, continue token: String?,
              read: ReadVersion = .mostRecent) throws(APIError) -> ListResult {
        try fieldSelector.validate(supported: definition.supportedFieldSelectors)
        let resource = definition.groupResource
        let pastVersion = try snapshotVersion(for: read)
        var version = pastVersion ?? resourceVersion
        var start: ObjectKey?
        var bucket: [ObjectKey: JSONValue]
        if let token, !token.isEmpty {
            let decoded = try ContinueToken.decode(token)
            start = decoded.start
            if decoded.resourceVersion < compactedThrough {
                // kube's inconsistent continuation: the error carries a token for the
                // remainder at the current version.
                var error = APIError.expired(APIError.continueExpiredMessage)
                error.status.metadata = ListMeta(
                    continue: ContinueToken(resourceVersion: resourceVersion, start: decoded.start).encode())
                throw error
            }
            version = min(decoded.resourceVersion, resourceVersion)
            bucket = snapshot(resource, at: version)
        } else if let pastVersion {
            bucket = snapshot(resource, at: pastVersion)
        } else {
            bucket = objects[resource] ?? [:]
        }
        let namespace = definition.type.namespaced ? namespace.flatMap { $0.isEmpty ? nil : $0 } : nil
        var matching: [(ObjectKey, JSONValue)] = []
        for key in bucket.keys.sorted() {
            if let start, !(start < key) { continue }
            if let namespace, key.namespace != namespace { continue }
            let object = bucket[key]!
            if labelSelector.matches(object: object), fieldSelector.matches(object: object) {
                matching.append((key, object))
            }
        }
        var result = ListResult(items: matching.map(\.1), resourceVersion: String(version))
        if let limit, limit > 0, matching.count > limit {
            result.items = Array(result.items.prefix(limit))
            result.continueToken = ContinueToken(resourceVersion: version, start: matching[limit - 1].0).encode()
            if labelSelector.isEverything, fieldSelector.isEverything {
                result.remainingItemCount = Int64(matching.count - limit)
            }
        }
        return result
    }

    // MARK: Watch

    /// The events a new watcher starts with: current state (no version, or "0") or the
    /// history after `from`; throws 410 when `from` has left the window.
    func initialEvents(_ watcher: WatchFilter, from: Int64?) throws(APIError) -> [StoreEvent] {
        guard let from else {
            let bucket = objects[watcher.resource] ?? [:]
            return bucket.keys.sorted().compactMap { key in
                if let namespace = watcher.namespace, key.namespace != namespace { return nil }
                let object = bucket[key]!
                return watcher.matches(object) ? watcher.present(StoreEvent(type: .added, object: object)) : nil
            }
        }
        if from < compactedThrough {
            throw APIError.tooOldResourceVersion(from, oldestAvailable: compactedThrough)
        }
        var events: [StoreEvent] = []
        var index = history.firstIndex(after: from)
        while index < history.count {
            if let event = watcher.translate(history[index]) { events.append(event) }
            index += 1
        }
        return events
    }
}

enum Finalizer {
    static let orphan = "orphan"
    static let foreground = "foregroundDeletion"
}
