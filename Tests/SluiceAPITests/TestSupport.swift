import Foundation
import KubeClient
@testable import SluiceAPI

/// The repository's root, found from this file's path (Tests/SluiceAPITests/...).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The single document of `yaml` as JSON.
func json(_ yaml: String) throws -> JSONValue {
    let documents = try YAMLText.documents(yaml)
    guard documents.count == 1 else { throw TestFailure("expected one document, got \(documents.count)") }
    return documents[0]
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One edit of a JSON document: set the value at a dotted path (`spec.steps[3].setWeight`),
/// or remove the member when `value` is nil.
struct Edit: Sendable {
    var path: String
    var value: JSONValue?

    static func set(_ path: String, _ value: JSONValue) -> Edit { Edit(path: path, value: value) }
    static func remove(_ path: String) -> Edit { Edit(path: path, value: nil) }
}

extension JSONValue {
    private enum Step { case key(String), index(Int) }

    private static func steps(_ path: String) -> [Step] {
        var steps: [Step] = []
        for part in path.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { steps.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    steps.append(.index(Int(rest[rest.index(after: rest.startIndex)..<close])!))
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                steps.append(.key(String(rest)))
            }
        }
        return steps
    }

    /// A copy with `edits` applied in order; missing objects on the way are created.
    func applying(_ edits: [Edit]) -> JSONValue {
        var copy = self
        for edit in edits { copy.set(Self.steps(edit.path)[...], edit.value) }
        return copy
    }

    private mutating func set(_ steps: ArraySlice<Step>, _ value: JSONValue?) {
        guard let first = steps.first else {
            if let value { self = value }
            return
        }
        let rest = steps.dropFirst()
        switch first {
        case .key(let key):
            var members = objectValue ?? [:]
            if rest.isEmpty, value == nil {
                members[key] = nil
            } else {
                var child = members[key] ?? .object([:])
                child.set(rest, value)
                members[key] = child
            }
            self = .object(members)
        case .index(let index):
            var items = arrayValue ?? []
            while items.count <= index { items.append(.object([:])) }
            if rest.isEmpty, value == nil {
                items.remove(at: index)
            } else {
                items[index].set(rest, value)
            }
            self = .array(items)
        }
    }
}
