/// Where a field sits in an object, written as the validation messages show it:
/// `spec.strategy.canary.steps[3].setWeight`.
///
/// ```swift
/// let path = FieldPath.root["spec"]["strategy"]["canary"]["steps"][3]["setWeight"]
/// ```
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, Comparable {
    public private(set) var description: String

    /// The object itself (an empty path).
    public static let root = FieldPath(description: "")

    private init(description: String) {
        self.description = description
    }

    /// Parses a dotted path as written (`spec.replicas`), for tests and callers that hold text.
    public init(_ text: String) {
        self.description = text
    }

    /// The member `name`; names that are not plain identifiers are bracketed and quoted
    /// (`labels["app.kubernetes.io/name"]`).
    public subscript(name: String) -> FieldPath {
        if Self.isPlain(name) {
            return FieldPath(description: description.isEmpty ? name : "\(description).\(name)")
        }
        return FieldPath(description: "\(description)[\"\(name)\"]")
    }

    /// The element at `index` of an array.
    public subscript(index: Int) -> FieldPath {
        FieldPath(description: "\(description)[\(index)]")
    }

    public var isRoot: Bool { description.isEmpty }

    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool { lhs.description < rhs.description }

    private static func isPlain(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
