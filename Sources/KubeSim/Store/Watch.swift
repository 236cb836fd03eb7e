import KubeClient
import Synchronization

/// One event a watcher receives.
public struct StoreEvent: Sendable, Hashable {
    public enum EventType: String, Sendable, Hashable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
    }

    public var type: EventType
    /// The object; for a bookmark, just `apiVersion`, `kind` and `metadata.resourceVersion`.
    public var object: JSONValue

    public init(type: EventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    public var resourceVersion: String? { object["metadata"]?["resourceVersion"]?.stringValue }

    /// `{"type": ..., "object": ...}` as a watch stream line carries it.
    public var json: JSONValue { ["type": .string(type.rawValue), "object": object] }
}

/// Why a watch ended.
public enum WatchTermination: Sendable, Hashable {
    /// The consumer fell more than the buffer behind; re-watch from the last version seen.
    case bufferOverflow
    /// ``WatchSubscription/cancel()`` or the consumer stopped iterating.
    case cancelled
}

/// A running watch: iterate ``events``; the stream ends when the watch is terminated.
public final class WatchSubscription: Sendable {
    public let id: Int
    public let events: AsyncStream<StoreEvent>
    let continuation: AsyncStream<StoreEvent>.Continuation
    let termination = Mutex<WatchTermination?>(nil)

    init(id: Int, events: AsyncStream<StoreEvent>, continuation: AsyncStream<StoreEvent>.Continuation) {
        self.id = id
        self.events = events
        self.continuation = continuation
    }

    /// Set once the stream has been ended by the store or the consumer.
    public var terminationReason: WatchTermination? { termination.withLock { $0 } }

    /// Ends the watch; buffered events are still delivered.
    public func cancel() {
        termination.withLock { if $0 == nil { $0 = .cancelled } }
        continuation.finish()
    }

    func markOverflow() {
        termination.withLock { if $0 == nil { $0 = .bufferOverflow } }
    }
}

/// The identity of a stored object inside one resource.
struct ObjectKey: Hashable, Comparable, Sendable {
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }

    var tokenString: String { "\(namespace)/\(name)" }
}

/// One committed write, kept for watch replay and for reconstructing past list snapshots.
struct HistoryEvent: Sendable {
    var resourceVersion: Int64
    var type: StoreEvent.EventType
    var resource: GroupResource
    var key: ObjectKey
    /// The new state (for DELETED: the last state, stamped with this event's version).
    var object: JSONValue
    /// The state before the write (nil for ADDED).
    var previous: JSONValue?
}

/// A fixed-capacity ring of events in version order.
struct HistoryRing {
    private var storage: [HistoryEvent?]
    private var start = 0
    private(set) var count = 0

    init(capacity: Int) { storage = Array(repeating: nil, count: max(capacity, 1)) }

    var capacity: Int { storage.count }

    subscript(index: Int) -> HistoryEvent { storage[(start + index) % storage.count]! }

    /// Appends, returning the evicted oldest event when full.
    mutating func append(_ event: HistoryEvent) -> HistoryEvent? {
        if count == storage.count {
            let evicted = storage[start]
            storage[start] = event
            start = (start + 1) % storage.count
            return evicted
        }
        storage[(start + count) % storage.count] = event
        count += 1
        return nil
    }

    /// Index of the first event with a version above `version` (`count` if none).
    func firstIndex(after version: Int64) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid].resourceVersion > version { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// A registered watcher inside the store.
struct Watcher: Sendable {
    var filter: WatchFilter
    var allowBookmarks: Bool
    var subscription: WatchSubscription
}

/// Which events a watcher sees.
struct WatchFilter: Sendable {
    var resource: GroupResource
    var namespace: String?
    var labelSelector: LabelSelector
    var fieldSelector: FieldSelector
    /// Only events above this version are delivered.
    var minResourceVersion: Int64
    /// The `apiVersion` objects are shown with when watched through a served version other
    /// than the storage version.
    var servedAPIVersion: String? = nil

    func matches(_ object: JSONValue) -> Bool {
        labelSelector.matches(object: object) && fieldSelector.matches(object: object)
    }

    /// What this watcher sees of `event`, kube-style: leaving the selection is a DELETED
    /// (the previous state at the event's version), entering it an ADDED.
    func translate(_ event: HistoryEvent) -> StoreEvent? {
        present(translateStored(event))
    }

    /// `event` with the watched version's `apiVersion`.
    func present(_ event: StoreEvent?) -> StoreEvent? {
        guard var event, let servedAPIVersion, event.type != .bookmark else { return event }
        event.object["apiVersion"] = .string(servedAPIVersion)
        return event
    }

    private func translateStored(_ event: HistoryEvent) -> StoreEvent? {
        guard event.resource == resource, event.resourceVersion > minResourceVersion else { return nil }
        if let namespace, event.key.namespace != namespace { return nil }
        switch event.type {
        case .added, .deleted:
            return matches(event.object) ? StoreEvent(type: event.type, object: event.object) : nil
        case .modified:
            let now = matches(event.object)
            let before = event.previous.map(matches) ?? false
            switch (before, now) {
            case (true, true): return StoreEvent(type: .modified, object: event.object)
            case (false, true): return StoreEvent(type: .added, object: event.object)
            case (true, false):
                var old = event.previous!
                old.setMetadata("resourceVersion", .string(String(event.resourceVersion)))
                return StoreEvent(type: .deleted, object: old)
            case (false, false): return nil
            }
        case .bookmark:
            return nil
        }
    }
}
