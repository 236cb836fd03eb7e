import Foundation
import KubeClient
import Logging
import ServiceLifecycle

/// Keeps an ``ObjectStore`` in a JSON snapshot file so a restarted KubeSim carries on: loads
/// the file at start (``restore()``), writes it after writes — at most once per `interval`
/// — and once more on shutdown. Every write is atomic (a temporary file in the same
/// folder, then `rename`) and readable by the owner only (Secrets are in it).
///
/// ```swift
/// let persistence = StorePersistence(store: store, path: "kubesim.json")
/// try persistence.restore()           // nothing to do when the file does not exist yet
/// // run it as a Service next to the server; on graceful shutdown it saves a last time
/// ```
public final class StorePersistence: Service, Sendable {
    /// Why the state file could not be used.
    public enum PersistenceError: Error, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case corrupt(path: String, reason: String)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read the KubeSim state file \(path): \(reason)"
            case .corrupt(let path, let reason):
                "the KubeSim state file \(path) is not a valid snapshot (\(reason)); move it away or pass another --state-file"
            case .unwritable(let path, let reason): "cannot write the KubeSim state file \(path): \(reason)"
            }
        }
    }

    public let store: ObjectStore
    public let path: String
    public let interval: Duration
    private let logger: Logger

    public init(store: ObjectStore, path: String, interval: Duration = .milliseconds(500),
                logger: Logger = Logger(label: "kubesim.persistence")) {
        self.store = store
        self.path = path
        self.interval = interval
        self.logger = logger
    }

    /// The snapshot in `path`; nil when there is no such file.
    public static func load(path: String) throws(PersistenceError) -> StoreSnapshot? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let json: JSONValue
        do {
            json = try KubeJSON.decode(JSONValue.self, from: Array(data))
        } catch {
            throw .corrupt(path: path, reason: "not JSON")
        }
        do {
            return try StoreSnapshot(json: json)
        } catch {
            throw .corrupt(path: path, reason: error.reason)
        }
    }

    /// Loads `path` into the store, if the file exists; returns whether it did.
    @discardableResult
    public func restore() throws(PersistenceError) -> Bool {
        guard let snapshot = try Self.load(path: path) else { return false }
        store.restore(snapshot)
        return true
    }

    /// Writes the store's current state to `path` (temporary file, then rename).
    public func save() throws(PersistenceError) {
        try Self.write(store.snapshot(), to: path)
    }

    static func write(_ snapshot: StoreSnapshot, to path: String) throws(PersistenceError) {
        let bytes: [UInt8]
        do {
            bytes = try KubeJSON.encode(snapshot.json)
        } catch {
            throw .unwritable(path: path, reason: "encoding failed: \(error)")
        }
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw .unwritable(path: path, reason: "cannot create \(temporary)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unwritable(path: path, reason: reason)
        }
    }

    /// Saves at once, then after changes (at most once per `interval`) until graceful
    /// shutdown or cancellation, then a last time.
    public func run() async throws {
        let changes = store.changes()
        saveLogging()
        let interval = self.interval
        await cancelWhenGracefulShutdown {
            for await _ in changes {
                self.saveLogging()
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
        saveLogging()
    }

    private func saveLogging() {
        do {
            try save()
        } catch {
            logger.error("\(error)")
        }
    }
}
