import Foundation
import KubeClient
import Logging
import Synchronization

/// Where an object lives: namespace (nil for cluster-scoped) and name.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String?
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public init?(_ object: DynamicObject) {
        guard let name = object.name else { return nil }
        self.init(namespace: object.namespace, name: name)
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}

/// What an ``Informer`` saw change in its cache.
public enum InformerEvent: Sendable {
    case added(DynamicObject)
    case updated(old: DynamicObject, new: DynamicObject)
    case deleted(DynamicObject)
    /// The periodic resync: every cached object again, so level-triggered handlers catch up.
    case resync(DynamicObject)

    /// The object the event is about (the new version for updates).
    public var object: DynamicObject {
        switch self {
        case .added(let object), .deleted(let object), .resync(let object): object
        case .updated(_, let new): new
        }
    }
}

/// client-go's reflector and store for one resource: lists, then watches from the list's
/// resourceVersion, keeping a cache of every object; re-lists on 410 Gone; retries other
/// failures with backoff, resuming the watch from the last version seen; and replays the
/// whole cache every `resyncPeriod`. Objects are kept as ``DynamicObject`` so one that does
/// not decode as its Swift type (a bad spec) still reaches the controller, which reports it.
public final class Informer: Sendable {
    public let resource: ResourceClient<DynamicObject>
    public let labelSelector: String?
    public let resyncPeriod: Duration?
    /// A resource the server does not serve (its CRD is not installed) counts as an empty,
    /// synced list, re-checked with backoff — for optional kinds such as router objects.
    public let missingResourceIsEmpty: Bool
    private let logger: Logger
    private let state = Mutex(State())

    /// Index names to the values an object is filed under (like client-go's `Indexers`).
    public typealias IndexFunction = @Sendable (DynamicObject) -> [String]
    private let indexers: [String: IndexFunction]
    /// The built-in index: an object under the uid of each of its owners.
    public static let ownerIndex = "owner-uid"

    private struct State {
        private(set) var objects: [ObjectKey: DynamicObject] = [:]
        /// Index name -> indexed value -> keys, so a controller finds related objects without
        /// scanning the cache.
        private(set) var indices: [String: [String: Set<ObjectKey>]] = [:]
        var resourceVersion: String?
        var synced = false
        var lists = 0

        /// Stores (or, with nil, removes) the object at `key`, keeping the indices. Returns
        /// what was there before.
        @discardableResult
        mutating func set(_ key: ObjectKey, _ object: DynamicObject?, indexers: [String: IndexFunction]) -> DynamicObject? {
            let previous = objects[key]
            objects[key] = object
            for (name, function) in indexers {
                if let previous { for value in function(previous) { indices[name]?[value]?.remove(key) } }
                if let object { for value in function(object) { indices[name, default: [:]][value, default: []].insert(key) } }
            }
            return previous
        }

        /// Replaces the whole cache (after a list).
        mutating func replaceAll(_ fresh: [ObjectKey: DynamicObject], indexers: [String: IndexFunction]) {
            objects = [:]
            indices = [:]
            for (key, object) in fresh { set(key, object, indexers: indexers) }
        }

        func keys(index: String, value: String) -> [ObjectKey] {
            (indices[index]?[value] ?? []).sorted()
        }
    }

    public init(_ resource: ResourceClient<DynamicObject>, labelSelector: String? = nil,
                resyncPeriod: Duration? = .seconds(300), missingResourceIsEmpty: Bool = false,
                indexers: [String: IndexFunction] = [:],
                logger: Logger = Logger(label: "sluice.informer")) {
        var indexers = indexers
        indexers[Self.ownerIndex] = { object in
            object.json[path: "metadata", "ownerReferences"]?.arrayValue?.compactMap { $0["uid"]?.stringValue } ?? []
        }
        self.indexers = indexers
        self.resource = resource
        self.labelSelector = labelSelector
        self.resyncPeriod = resyncPeriod
        self.missingResourceIsEmpty = missingResourceIsEmpty
        self.logger = logger
    }

    /// The first list has completed.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// How many full lists have been made (1 + one per 410 Gone).
    public var listCount: Int { state.withLock { $0.lists } }

    public func get(_ key: ObjectKey) -> DynamicObject? { state.withLock { $0.objects[key] } }

    /// Cached objects, in one namespace or all, sorted by key.
    public func list(namespace: String? = nil) -> [DynamicObject] {
        state.withLock { state in
            state.objects.filter { namespace == nil || $0.key.namespace == namespace }
                .sorted { $0.key < $1.key }.map(\.value)
        }
    }

    /// Cached objects with an owner reference to `uid`, sorted by key. Served from an index,
    /// so its cost follows the number of objects owned, not the size of the cache.
    public func list(ownedBy uid: String) -> [DynamicObject] {
        list(index: Self.ownerIndex, value: uid)
    }

    /// Cached objects filed under `value` by the indexer named `index`, sorted by key.
    public func list(index: String, value: String) -> [DynamicObject] {
        state.withLock { state in state.keys(index: index, value: value).compactMap { state.objects[$0] } }
    }

    /// Suspends until the first list has completed (or the task is cancelled).
    public func waitUntilSynced() async throws {
        while !hasSynced {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Lists and watches until cancelled, calling `handler` for every change, in order.
    public func run(_ handler: @escaping @Sendable (InformerEvent) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listAndWatch(handler) }
            if let period = resyncPeriod {
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: period) } catch { return }
                        for object in self.list() { await handler(.resync(object)) }
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func listAndWatch(_ handler: @Sendable (InformerEvent) async -> Void) async {
        // A restarted run resumes watching from where the last one stopped.
        var needsList = state.withLock { $0.resourceVersion == nil }
        var failures = 0
        while !Task.isCancelled {
            do {
                if needsList {
                    try await relist(handler)
                    needsList = false
                }
                try await watchOnce(handler)
                failures = 0
            } catch let error as KubeClientError where missingResourceIsEmpty && error.isNotFound {
                if !hasSynced { logger.notice("\(resource.resource) is not served (CRD not installed?); treating it as empty") }
                state.withLock { $0.synced = true }
                failures += 1
                do { try await Task.sleep(for: Self.backoff(failures: failures)) } catch { return }
            } catch let error as KubeClientError where error.isExpired {
                logger.info("\(resource.resource) watch expired; listing again")
                needsList = true
            } catch {
                if Task.isCancelled { return }
                failures += 1
                let delay = Self.backoff(failures: failures)
                logger.warning("\(resource.resource) list/watch failed (retrying in \(delay)): \(error)")
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }

    /// 0.5 s doubling to 30 s, with up to 20% jitter.
    static func backoff(failures: Int) -> Duration {
        let base = min(30.0, 0.5 * pow(2.0, Double(min(failures - 1, 10))))
        return .milliseconds(Int(base * 1000 * Double.random(in: 0.8...1.0)))
    }

    private func relist(_ handler: @Sendable (InformerEvent) async -> Void) async throws {
        let list = try await resource.listAll(ListOptions(labelSelector: labelSelector))
        var fresh: [ObjectKey: DynamicObject] = [:]
        for object in list.items {
            if let key = ObjectKey(object) { fresh[key] = object }
        }
        let old = state.withLock { state -> [ObjectKey: DynamicObject] in
            defer {
                state.replaceAll(fresh, indexers: indexers)
                state.resourceVersion = list.metadata.resourceVersion
                state.synced = true
                state.lists += 1
            }
            return state.objects
        }
        for (key, object) in fresh.sorted(by: { $0.key < $1.key }) {
            if let previous = old[key] {
                if previous.resourceVersion != object.resourceVersion { await handler(.updated(old: previous, new: object)) }
            } else {
                await handler(.added(object))
            }
        }
        for (key, object) in old.sorted(by: { $0.key < $1.key }) where fresh[key] == nil {
            await handler(.deleted(object))
        }
    }

    private func watchOnce(_ handler: @Sendable (InformerEvent) async -> Void) async throws {
        let from = state.withLock { $0.resourceVersion }
        // Like client-go: a random length between 5 and 10 minutes spreads reconnections.
        let options = WatchOptions(resourceVersion: from, labelSelector: labelSelector, allowWatchBookmarks: true,
                                   timeoutSeconds: Int.random(in: 300...600))
        for try await event in resource.watch(options) {
            switch event {
            case .bookmark(let version):
                state.withLock { $0.resourceVersion = version }
            case .added(let object), .modified(let object):
                guard let key = ObjectKey(object) else { continue }
                let previous = state.withLock { state -> DynamicObject? in
                    state.resourceVersion = object.resourceVersion ?? state.resourceVersion
                    return state.set(key, object, indexers: indexers)
                }
                if let previous {
                    await handler(.updated(old: previous, new: object))
                } else {
                    await handler(.added(object))
                }
            case .deleted(let object):
                guard let key = ObjectKey(object) else { continue }
                state.withLock { state in
                    state.set(key, nil, indexers: indexers)
                    state.resourceVersion = object.resourceVersion ?? state.resourceVersion
                }
                await handler(.deleted(object))
            }
        }
    }
}
