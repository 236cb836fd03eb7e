/// One thing wrong with an object: where, and what was expected.
///
/// Its description is the line users see:
/// `spec.strategy.canary.steps[3].setWeight: must be 0..100, got 140`.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    public var path: FieldPath
    /// What was expected and, where it helps, what was found.
    public var message: String

    public init(_ path: FieldPath, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isRoot ? message : "\(path): \(message)" }
}

/// The problems found so far while checking one object; checks append, nothing throws.
struct ProblemCollector {
    private(set) var problems: [ValidationProblem] = []

    mutating func add(_ path: FieldPath, _ message: String) {
        problems.append(ValidationProblem(path, message))
    }

    mutating func add(contentsOf more: [ValidationProblem]) {
        problems.append(contentsOf: more)
    }

    /// `value` within `range`, reported as `must be 0..100, got 140`.
    mutating func check<T: BinaryInteger>(_ value: T?, in range: ClosedRange<T>, at path: FieldPath) {
        guard let value, !range.contains(value) else { return }
        add(path, "must be \(range.lowerBound)..\(range.upperBound), got \(value)")
    }

    /// `value` at least `minimum`, reported as `must be >= 0, got -1`.
    mutating func check<T: BinaryInteger>(_ value: T?, atLeast minimum: T, at path: FieldPath) {
        guard let value, value < minimum else { return }
        add(path, "must be >= \(minimum), got \(value)")
    }

    /// A string that must be present and not blank.
    mutating func requireNonEmpty(_ value: String?, at path: FieldPath, _ context: String = "") {
        let suffix = context.isEmpty ? "" : " \(context)"
        guard let value else {
            add(path, "required\(suffix)")
            return
        }
        if value.allSatisfy(\.isWhitespace) { add(path, "must not be empty\(suffix)") }
    }

    /// A string that, when present, must not be blank.
    mutating func rejectBlank(_ value: String?, at path: FieldPath) {
        if let value, value.allSatisfy(\.isWhitespace) { add(path, "must not be empty") }
    }

    /// A duration that, when present, must parse and must not be negative.
    mutating func check(_ duration: DurationString?, at path: FieldPath, positive: Bool = false) {
        guard let duration else { return }
        switch duration.parsed() {
        case .success(let value):
            if positive, value <= .zero { add(path, "must be greater than 0, got \(duration)") }
        case .failure(let error):
            add(path, error.description)
        }
    }

    /// Exactly one of the named members present: `present` holds the names set.
    mutating func requireExactlyOne(of names: [String], present: [String], at path: FieldPath) {
        guard present.count != 1 else { return }
        let found = present.isEmpty ? "none" : present.joined(separator: ", ")
        add(path, "must set exactly one of \(names.joined(separator: ", ")); got \(found)")
    }

    /// Names in a list must be unique: reports each repeat at its own index.
    mutating func requireUnique(_ names: [String?], at path: (Int) -> FieldPath, what: String = "name") {
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard let name, !name.isEmpty else { continue }
            if let first = seen[name] {
                add(path(index), "duplicate \(what) \"\(name)\" (also at index \(first))")
            } else {
                seen[name] = index
            }
        }
    }
}
