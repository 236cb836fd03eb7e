import Foundation
import KubeClient
import Synchronization

/// Options of a DELETE.
public struct DeleteOptions: Sendable, Hashable {
    public enum PropagationPolicy: String, Sendable, Hashable {
        case orphan = "Orphan"
        case background = "Background"
        case foreground = "Foreground"
    }

    /// nil: kube's default (keep a GC finalizer already on the object, else background).
    public var propagationPolicy: PropagationPolicy?
    public var preconditionUID: String?
    public var preconditionResourceVersion: String?
    /// `dryRun=All`: everything is checked and answered, nothing is deleted.
    public var dryRun: Bool

    public init(propagationPolicy: PropagationPolicy? = nil, preconditionUID: String? = nil,
                preconditionResourceVersion: String? = nil, dryRun: Bool = false) {
        self.propagationPolicy = propagationPolicy
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.dryRun = dryRun
    }
}

/// What a DELETE did.
public struct DeleteOutcome: Sendable, Hashable {
    /// The removed object (stamped with the deletion's version), or the object now marked
    /// for deletion.
    public var object: JSONValue
    /// Finalizers remain: the object has a `deletionTimestamp` and is still stored.
    public var isPending: Bool
}

/// One page of a list.
public struct ListResult: Sendable, Hashable {
    public var items: [JSONValue]
    /// The version of the snapshot the page was read from.
    public var resourceVersion: String
    /// Token for the next page; nil on the last page.
    public var continueToken: String?
    /// Items after this page (only without selectors, like kube).
    public var remainingItemCount: Int64?

    public init(items: [JSONValue], resourceVersion: String, continueToken: String? = nil, remainingItemCount: Int64? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    /// The list object kube returns for `definition` read at `version` (its `listKind`).
    public func json(for definition: ResourceDefinition, version: String? = nil) -> JSONValue {
        var list = json(for: definition.type(at: version ?? definition.type.version))
        list["kind"] = .string(definition.listKind)
        return list
    }

    /// The `<Kind>List` object kube returns.
    public func json(for type: ResourceType) -> JSONValue {
        var metadata: [String: JSONValue] = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remainingItemCount { metadata["remainingItemCount"] = .integer(remainingItemCount) }
        return [
            "apiVersion": .string(type.apiVersion),
            "kind": .string(type.kind + "List"),
            "metadata": .object(metadata),
            "items": .array(items),
        ]
    }
}

/// The in-memory heart of KubeSim: objects as `JSONValue` per resource, namespace and name,
/// with kube-apiserver's versioning, preconditions, finalizers, garbage collection and watch.
///
/// One lock guards everything; critical sections are short and synchronous, and watch
/// fan-out happens inside them (so every watcher sees events in version order) without
/// ever blocking: each watcher has a bounded buffer and is terminated when it overflows.
///
/// When it serves namespaces, the bootstrap namespaces (`default`, `kube-system`,
/// `kube-public`, `kube-node-lease`) exist from the start. Writes take `dryRun`; reads a
/// ``ReadVersion``; a resource is read through any of its served versions.
public final class ObjectStore: Sendable {
    public enum GarbageCollectionMode: Sendable {
        /// Only ``collectGarbage()`` collects (the server loop calls it).
        case manual
        /// Collect after every write, before it returns (handy in tests).
        case synchronous
    }

    let state: Mutex<StoreState>
    private let garbageCollection: GarbageCollectionMode
    /// ``changes()`` listeners, signalled after every write that moved the version.
    let changeListeners = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])

    /// kube's alphabet for generated names (no vowels, no look-alikes).
    public static func randomNameSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }

    public init(
        resources: [ResourceDefinition] = ResourceDefinition.builtIns,
        historyCapacity: Int = 1000,
        watchBufferSize: Int = 100,
        garbageCollection: GarbageCollectionMode = .manual,
        initialResourceVersion: Int64 = 1,
        clock: @escaping @Sendable () -> Date = { Date() },
        uidGenerator: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        nameSuffixGenerator: @escaping @Sendable () -> String = ObjectStore.randomNameSuffix
    ) {
        var initial = StoreState(
            environment: StoreEnvironment(now: clock, makeUID: uidGenerator, nameSuffix: nameSuffixGenerator),
            initialResourceVersion: initialResourceVersion, historyCapacity: historyCapacity,
            watchBufferSize: watchBufferSize)
        for definition in resources { initial.definitions[definition.groupResource] = definition }
        initial.seedBootstrapNamespaces()
        self.state = Mutex(initial)
        self.garbageCollection = garbageCollection
    }

    // MARK: Locking

    private func read<T: Sendable>(_ body: (borrowing StoreState) throws(APIError) -> T) throws(APIError) -> T {
        try state.withLock { (state: inout StoreState) throws(APIError) -> T in try body(state) }
    }

    /// Runs a write under the lock, then (outside it) finishes terminated watchers and
    /// signals ``changes()``. A dry run writes to a scratch copy that is thrown away.
    private func write<T: Sendable>(collect: Bool = true, dryRun: Bool = false,
                                    _ body: (inout StoreState) throws(APIError) -> T) throws(APIError) -> T {
        let (result, finished, changed) = state.withLock {
            (state: inout StoreState) -> (Result<T, APIError>, [WatchSubscription], Bool) in
            let before = state.resourceVersion
            let result: Result<T, APIError>
            do throws(APIError) {
                if dryRun {
                    var scratch = state.dryRunCopy()
                    result = .success(try body(&scratch))
                } else {
                    result = .success(try body(&state))
                }
            } catch {
                result = .failure(error)
            }
            if collect, !dryRun, garbageCollection == .synchronous, case .success = result { _ = state.collectGarbage() }
            let finished = state.finished
            state.finished = []
            return (result, finished, state.resourceVersion != before)
        }
        for subscription in finished { subscription.continuation.finish() }
        if changed { signalChange() }
        return try result.get()
    }

    /// `object` as read through `type`'s version (CRD conversion `None`: only `apiVersion` differs).
    private static func present(_ object: JSONValue, as type: ResourceType, _ definition: ResourceDefinition) -> JSONValue {
        guard !type.version.isEmpty, type.version != definition.type.version else { return object }
        var shown = object
        shown["apiVersion"] = .string(type.apiVersion)
        return shown
    }

    // MARK: Registry

    /// Adds or replaces a resource (built-ins at start, CRDs later).
    public func register(_ definition: ResourceDefinition) {
        state.withLock { $0.definitions[definition.groupResource] = definition }
    }

    /// Stops serving a resource; its objects are dropped without events.
    public func unregister(_ resource: GroupResource) {
        state.withLock { state in
            state.definitions[resource] = nil
            for object in (state.objects.removeValue(forKey: resource) ?? [:]).values {
                if let uid = object.uid { state.uidIndex[uid] = nil }
            }
        }
    }

    public func definition(for resource: GroupResource) -> ResourceDefinition? {
        state.withLock { $0.definitions[resource] }
    }

    /// The definition serving `group`/`plural` (any version).
    public func definition(group: String, plural: String) -> ResourceDefinition? {
        definition(for: GroupResource(group: group, resource: plural))
    }

    public var definitions: [ResourceDefinition] {
        state.withLock { Array($0.definitions.values) }.sorted { $0.groupResource < $1.groupResource }
    }

    /// The newest version written (the version a list made now reports).
    public var currentResourceVersion: String { state.withLock { String($0.resourceVersion) } }

    // MARK: Verbs

    /// POST: assigns uid, version, timestamps, generation; `generateName` is honoured.
    /// `dryRun`: validated and admitted, answered with the object as it would be stored
    /// (without a `resourceVersion`), nothing stored.
    public func create(_ resource: ResourceType, namespace: String? = nil, _ object: JSONValue,
                       dryRun: Bool = false) throws(APIError) -> JSONValue {
        try write(dryRun: dryRun) { (state: inout StoreState) throws(APIError) -> JSONValue in
            let definition = try state.definition(resource)
            return Self.present(try state.create(definition, namespace: namespace, object), as: resource, definition)
        }
    }

    /// GET. `read`: `.notOlderThan(v)` with `v` above the store's version is a 504.
    public func get(_ resource: ResourceType, namespace: String? = nil, name: String,
                    read: ReadVersion = .mostRecent) throws(APIError) -> JSONValue {
        try self.read { (state: borrowing StoreState) throws(APIError) -> JSONValue in
            let definition = try state.definition(resource)
            if case .notOlderThan(let version) = read, version > state.resourceVersion {
                throw APIError.tooLargeResourceVersion(version, current: state.resourceVersion)
            }
            let object = try state.get(definition, state.key(definition, namespace: namespace, name: name))
            return Self.present(object, as: resource, definition)
        }
    }

    /// A page of objects in namespace/name order; `namespace` nil lists all namespaces.
    public func list(
        _ resource: ResourceType,
        namespace: String? = nil,
        labelSelector: LabelSelector = .everything,
        fieldSelector: FieldSelector = .everything,
        limit: Int? = nil,
        continue continueToken: String? = nil,
        read: ReadVersion = .mostRecent
    ) throws(APIError) -> ListResult {
        try self.read { (state: borrowing StoreState) throws(APIError) -> ListResult in
            let definition = try state.definition(resource)
            var result = try state.list(definition, namespace: namespace, labelSelector: labelSelector,
                                        fieldSelector: fieldSelector, limit: limit, continue: continueToken, read: read)
            result.items = result.items.map { Self.present($0, as: resource, definition) }
            return result
        }
    }

    /// PUT. `name` defaults to the object's. A `metadata.resourceVersion` in the body is a
    /// precondition; changes to `status` are ignored when the resource has a status subresource.
    public func update(_ resource: ResourceType, namespace: String? = nil, name: String? = nil,
                       _ object: JSONValue, dryRun: Bool = false) throws(APIError) -> JSONValue {
        try write(dryRun: dryRun) { (state: inout StoreState) throws(APIError) -> JSONValue in
            let definition = try state.definition(resource)
            let updated = try state.update(definition, namespace: namespace, name: name ?? object.objectName, object,
                                           statusOnly: false)
            return Self.present(updated, as: resource, definition)
        }
    }

    /// PUT on the `status` subresource: only `.status` is taken from the body.
    public func updateStatus(_ resource: ResourceType, namespace: String? = nil, name: String? = nil,
                             _ object: JSONValue, dryRun: Bool = false) throws(APIError) -> JSONValue {
        try write(dryRun: dryRun) { (state: inout StoreState) throws(APIError) -> JSONValue in
            let definition = try state.definition(resource)
            guard definition.hasStatus else { throw APIError.resourceNotFound() }
            let updated = try state.update(definition, namespace: namespace, name: name ?? object.objectName, object,
                                           statusOnly: true)
            return Self.present(updated, as: resource, definition)
        }
    }

    public func delete(_ resource: ResourceType, namespace: String? = nil, name: String,
                       options: DeleteOptions = DeleteOptions()) throws(APIError) -> DeleteOutcome {
        try write(dryRun: options.dryRun) { (state: inout StoreState) throws(APIError) -> DeleteOutcome in
            let definition = try state.definition(resource)
            var outcome = try state.delete(definition, state.key(definition, namespace: namespace, name: name), options: options)
            outcome.object = Self.present(outcome.object, as: resource, definition)
            return outcome
        }
    }

    /// DELETE on a collection: every matching object, in list order.
    public func deleteCollection(
        _ resource: ResourceType,
        namespace: String? = nil,
        labelSelector: LabelSelector = .everything,
        fieldSelector: FieldSelector = .everything,
        options: DeleteOptions = DeleteOptions()
    ) throws(APIError) -> [DeleteOutcome] {
        try write(dryRun: options.dryRun) { (state: inout StoreState) throws(APIError) -> [DeleteOutcome] in
            let definition = try state.definition(resource)
            let items = try state.list(definition, namespace: namespace, labelSelector: labelSelector,
                                       fieldSelector: fieldSelector, limit: nil, continue: nil).items
            var outcomes: [DeleteOutcome] = []
            for item in items {
                let key = state.key(definition, namespace: item.objectNamespace, name: item.objectName)
                var outcome = try state.delete(definition, key, options: options)
                outcome.object = Self.present(outcome.object, as: resource, definition)
                outcomes.append(outcome)
            }
            return outcomes
        }
    }

    /// One garbage-collection run to a fixed point; returns the number of writes.
    @discardableResult
    public func collectGarbage() -> Int {
        (try? write(collect: false) { (state: inout StoreState) throws(APIError) -> Int in state.collectGarbage() }) ?? 0
    }

    // MARK: Watch

    /// Starts a watch. `resourceVersion` nil, "" or "0": ADDED for the current matching
    /// objects, then live events; otherwise every event after that version (410 Expired
    /// when it has left the history window).
    public func watch(
        _ resource: ResourceType,
        namespace: String? = nil,
        resourceVersion: String? = nil,
        labelSelector: LabelSelector = .everything,
        fieldSelector: FieldSelector = .everything,
        allowBookmarks: Bool = false,
        bufferSize: Int? = nil
    ) throws(APIError) -> WatchSubscription {
        var from: Int64?
        if let resourceVersion, !resourceVersion.isEmpty, resourceVersion != "0" {
            guard let parsed = Int64(resourceVersion), parsed >= 0 else {
                throw APIError.badRequest("invalid resource version: \(goQuoted(resourceVersion))")
            }
            from = parsed
        }
        return try write(collect: false) { (state: inout StoreState) throws(APIError) -> WatchSubscription in
            let definition = try state.definition(resource)
            try fieldSelector.validate(supported: definition.supportedFieldSelectors)
            let id = state.nextWatcherID
            let capacity = bufferSize ?? state.watchBufferSize
            var filter = WatchFilter(
                resource: definition.groupResource,
                namespace: definition.type.namespaced ? namespace.flatMap { $0.isEmpty ? nil : $0 } : nil,
                labelSelector: labelSelector, fieldSelector: fieldSelector,
                minResourceVersion: from ?? state.resourceVersion,
                servedAPIVersion: resource.version.isEmpty || resource.version == definition.type.version
                    ? nil : resource.apiVersion)
            let initial = try state.initialEvents(filter, from: from)
            // Room for the initial events plus the live buffer.
            let (events, continuation) = AsyncStream<StoreEvent>.makeStream(
                bufferingPolicy: .bufferingOldest(initial.count + max(1, capacity)))
            let subscription = WatchSubscription(id: id, events: events, continuation: continuation)
            continuation.onTermination = { [weak self] _ in
                subscription.termination.withLock { if $0 == nil { $0 = .cancelled } }
                self?.removeWatcher(id)
            }
            for event in initial { continuation.yield(event) }
            filter.minResourceVersion = max(from ?? 0, state.resourceVersion)
            state.nextWatcherID += 1
            state.watchers[id] = Watcher(filter: filter, allowBookmarks: allowBookmarks, subscription: subscription)
            return subscription
        }
    }

    /// A BOOKMARK with the current version to every bookmark-enabled watcher.
    public func sendBookmark() {
        _ = try? write(collect: false) { (state: inout StoreState) throws(APIError) in state.sendBookmark() }
    }

    /// Number of live watchers.
    public var watcherCount: Int { state.withLock { $0.watchers.count } }

    private func removeWatcher(_ id: Int) {
        let removed = state.withLock { $0.watchers.removeValue(forKey: id) }
        _ = removed
    }
}
