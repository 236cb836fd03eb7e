/// One change seen by a watch. Server-side `ERROR` events are not events: the stream
/// throws them (`KubeClientError.expired` for 410, so the caller re-lists).
public enum WatchEvent<Object: Decodable & Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
    /// Progress: everything up to this version has been delivered.
    case bookmark(resourceVersion: String)

    /// The object, for every event but a bookmark.
    public var object: Object? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark: nil
        }
    }

    /// `ADDED`, `MODIFIED`, `DELETED` or `BOOKMARK`.
    public var type: String {
        switch self {
        case .added: "ADDED"
        case .modified: "MODIFIED"
        case .deleted: "DELETED"
        case .bookmark: "BOOKMARK"
        }
    }
}

/// One line of a watch stream, decoded in a single pass: the `object` is decoded as the
/// caller's type, as a `Status` for `ERROR`, and only for its version for `BOOKMARK`.
enum WatchLine<Object: Decodable & Sendable>: Decodable {
    case event(WatchEvent<Object>)
    case error(Status)

    enum Keys: String, CodingKey { case type, object }
    struct BookmarkObject: Decodable {
        struct Meta: Decodable { var resourceVersion: String? }
        var metadata: Meta?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .event(.added(try container.decode(Object.self, forKey: .object)))
        case "MODIFIED": self = .event(.modified(try container.decode(Object.self, forKey: .object)))
        case "DELETED": self = .event(.deleted(try container.decode(Object.self, forKey: .object)))
        case "BOOKMARK":
            let bookmark = try container.decode(BookmarkObject.self, forKey: .object)
            self = .event(.bookmark(resourceVersion: bookmark.metadata?.resourceVersion ?? ""))
        case "ERROR":
            self = .error(try container.decode(Status.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown watch event type \"\(type)\"")
        }
    }
}

/// Splits a byte stream into newline-terminated lines as bytes arrive; a chunk may end
/// anywhere, mid-line or mid-character. Each byte is scanned once.
struct LineSplitter {
    private var buffer: [UInt8] = []
    /// Where the search for the next newline resumes (bytes before it hold none).
    private var scanned = 0

    /// Appends `chunk` and returns every non-blank line it completed (without the newline).
    mutating func append(_ chunk: [UInt8]) -> [ArraySlice<UInt8>] {
        buffer.append(contentsOf: chunk)
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        while let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer[lineStart..<newline]
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append(line) }
            lineStart = newline + 1
            scanned = lineStart
        }
        scanned = buffer.count
        if lineStart > 0 {
            // The returned slices keep the old storage alive; the remainder moves to new storage.
            buffer = Array(buffer[lineStart...])
            scanned = buffer.count
        }
        return lines
    }

    /// What is left after the last newline (a final line without one).
    var remainder: [UInt8] { buffer }
}
