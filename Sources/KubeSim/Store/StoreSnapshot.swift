import Foundation
import KubeClient

/// Everything a store needs to come back after a restart: every object (CRDs among them,
/// so custom resources are served again) and the version counter.
public struct StoreSnapshot: Sendable, Hashable {
    /// One stored object and the resource it belongs to.
    public struct Entry: Sendable, Hashable {
        public var resource: GroupResource
        public var object: JSONValue

        public init(resource: GroupResource, object: JSONValue) {
            self.resource = resource
            self.object = object
        }
    }

    public static let kind = "KubeSimSnapshot"
    public static let formatVersion: Int64 = 1

    public var resourceVersion: Int64
    public var entries: [Entry]

    public init(resourceVersion: Int64, entries: [Entry]) {
        self.resourceVersion = resourceVersion
        self.entries = entries
    }

    /// The file format: `{"kind": "KubeSimSnapshot", "version": 1, "resourceVersion": "N",
    /// "objects": [{"group": ..., "resource": ..., "object": {...}}]}`.
    public var json: JSONValue {
        [
            "kind": .string(Self.kind),
            "version": .integer(Self.formatVersion),
            "resourceVersion": .string(String(resourceVersion)),
            "objects": .array(entries.map { entry in
                ["group": .string(entry.resource.group), "resource": .string(entry.resource.resource), "object": entry.object]
            }),
        ]
    }

    /// Reads the file format; the error says what is wrong where.
    public init(json: JSONValue) throws(SnapshotFormatError) {
        guard json["kind"]?.stringValue == Self.kind else {
            throw SnapshotFormatError("\"kind\" must be \"\(Self.kind)\"")
        }
        guard json["version"]?.integerValue == Self.formatVersion else {
            throw SnapshotFormatError("\"version\" must be \(Self.formatVersion)")
        }
        guard let text = json["resourceVersion"]?.stringValue, let version = Int64(text), version > 0 else {
            throw SnapshotFormatError("\"resourceVersion\" must be a positive integer in a string")
        }
        guard let objects = json["objects"]?.arrayValue else { throw SnapshotFormatError("\"objects\" must be an array") }
        var entries: [Entry] = []
        for (index, item) in objects.enumerated() {
            guard let group = item["group"]?.stringValue, let resource = item["resource"]?.stringValue, !resource.isEmpty,
                  let object = item["object"], case .object = object, !object.objectName.isEmpty else {
                throw SnapshotFormatError("objects[\(index)] needs \"group\", \"resource\" and an \"object\" with metadata.name")
            }
            entries.append(Entry(resource: GroupResource(group: group, resource: resource), object: object))
        }
        self.init(resourceVersion: version, entries: entries)
    }
}

/// A snapshot file that cannot be read as one.
public struct SnapshotFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension ObjectStore {
    /// A consistent copy of every object and the current version.
    public func snapshot() -> StoreSnapshot {
        let (version, objects) = state.withLock { ($0.resourceVersion, $0.objects) }
        var entries: [StoreSnapshot.Entry] = []
        for resource in objects.keys.sorted() {
            let bucket = objects[resource] ?? [:]
            for key in bucket.keys.sorted() { entries.append(StoreSnapshot.Entry(resource: resource, object: bucket[key]!)) }
        }
        return StoreSnapshot(resourceVersion: version, entries: entries)
    }

    /// Replaces every object with the snapshot's and continues its version counter (never
    /// going back); CRDs in it are served again. Watch history starts afresh, so watches
    /// from older versions get 410. Open watches are ended. Meant for start-up.
    public func restore(_ snapshot: StoreSnapshot) {
        let finished = state.withLock { (state: inout StoreState) -> [WatchSubscription] in
            let open = state.watchers.values.map(\.subscription) + state.finished
            state.watchers = [:]
            state.finished = []
            for (resource, definition) in state.definitions where definition.origin != .builtIn {
                state.definitions[resource] = nil
            }
            state.objects = [:]
            state.uidIndex = [:]
            state.garbageFreeVersion = nil
            for entry in snapshot.entries {
                let key = ObjectKey(namespace: entry.object.objectNamespace, name: entry.object.objectName)
                state.objects[entry.resource, default: [:]][key] = entry.object
                if let uid = entry.object.uid { state.uidIndex[uid] = ObjectRef(resource: entry.resource, key: key) }
            }
            for crd in (state.objects[StoreState.crdResource] ?? [:]).values {
                state.syncCustomResource(new: crd, previous: nil)
            }
            state.resourceVersion = max(state.resourceVersion, snapshot.resourceVersion)
            state.history = HistoryRing(capacity: state.history.capacity)
            state.compactedThrough = state.resourceVersion
            return open
        }
        for subscription in finished { subscription.continuation.finish() }
        signalChange()
    }

    /// A signal after writes (coalesced: a slow reader sees one pending signal).
    public func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = changeListeners.withLock { listeners in
            let id = (listeners.keys.max() ?? 0) + 1
            listeners[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.changeListeners.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func signalChange() {
        for continuation in changeListeners.withLock({ Array($0.values) }) { continuation.yield() }
    }
}
