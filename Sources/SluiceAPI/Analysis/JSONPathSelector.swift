import KubeClient

/// The JSONPath subset web metrics use to pick a value out of a response: `$.data.ok`,
/// `$.items[0].value`, `$['odd key']`, `$.items[-1]`, `$.items[*].value`, optionally in
/// Argo's braces (`{$.data.ok}`). Parsed once; ``select(in:)`` is pure.
public struct JSONPathSelector: Sendable, Hashable, CustomStringConvertible {
    /// One step from a value to its children.
    public enum Step: Sendable, Hashable {
        case member(String)
        /// An array element; negative counts from the end.
        case index(Int)
        /// Every element of an array (or member of an object).
        case wildcard
    }

    public let text: String
    public let steps: [Step]

    /// A path that does not parse: where (1-based) and what was expected.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var position: Int
        public var message: String
        public var description: String { "at character \(position): \(message)" }
    }

    public init(_ text: String) throws(SyntaxError) {
        self.text = text
        var scalars = Array(text.unicodeScalars)
        var offset = 0
        func fail(_ message: String) -> SyntaxError { SyntaxError(position: offset + 1, message: message) }
        let trimmedEnd = scalars.lastIndex { !$0.properties.isWhitespace }.map { $0 + 1 } ?? 0
        scalars = Array(scalars[..<trimmedEnd])
        while offset < scalars.count, scalars[offset].properties.isWhitespace { offset += 1 }
        var braced = false
        if offset < scalars.count, scalars[offset] == "{" {
            guard scalars.last == "}" else { throw SyntaxError(position: scalars.count + 1, message: "expected \"}\" to close the \"{\" at character \(offset + 1)") }
            braced = true
            scalars.removeLast()
            offset += 1
        }
        guard offset < scalars.count, scalars[offset] == "$" else {
            throw fail("expected the path to start with \"$\"\(braced ? "" : " (or \"{$\")")")
        }
        offset += 1
        var steps: [Step] = []
        func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        while offset < scalars.count {
            switch scalars[offset] {
            case ".":
                offset += 1
                if offset < scalars.count, scalars[offset] == "*" {
                    offset += 1
                    steps.append(.wildcard)
                    continue
                }
                var name = ""
                while offset < scalars.count, isNameCharacter(scalars[offset]) {
                    name.unicodeScalars.append(scalars[offset])
                    offset += 1
                }
                guard !name.isEmpty else { throw fail("expected a member name after \".\"") }
                steps.append(.member(name))
            case "[":
                let open = offset
                offset += 1
                guard offset < scalars.count else { throw fail("expected an index, a quoted name or * after \"[\"") }
                let first = scalars[offset]
                if first == "'" || first == "\"" {
                    offset += 1
                    var name = ""
                    while offset < scalars.count, scalars[offset] != first {
                        name.unicodeScalars.append(scalars[offset])
                        offset += 1
                    }
                    guard offset < scalars.count else { throw SyntaxError(position: open + 2, message: "unterminated name: expected a closing \(first)") }
                    offset += 1
                    steps.append(.member(name))
                } else if first == "*" {
                    offset += 1
                    steps.append(.wildcard)
                } else {
                    var digits = ""
                    if first == "-" {
                        digits = "-"
                        offset += 1
                    }
                    while offset < scalars.count, ("0"..."9").contains(scalars[offset]) {
                        digits.unicodeScalars.append(scalars[offset])
                        offset += 1
                    }
                    guard let index = Int(digits) else { throw fail("expected an index, a quoted name or * after \"[\"") }
                    steps.append(.index(index))
                }
                guard offset < scalars.count, scalars[offset] == "]" else {
                    throw fail("expected \"]\" to close the \"[\" at character \(open + 1)")
                }
                offset += 1
            default:
                throw fail("expected \".\" or \"[\", got \"\(scalars[offset])\"")
            }
        }
        self.steps = steps
    }

    public var description: String { text }

    /// The selected value: nil when a member or index is missing. With a wildcard, an
    /// array of every match (possibly empty).
    public func select(in document: JSONValue) -> JSONValue? {
        var current: [JSONValue] = [document]
        var multiple = false
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case (.member(let name), .object(let members)):
                    if let child = members[name] { next.append(child) }
                case (.index(let index), .array(let items)):
                    let resolved = index < 0 ? items.count + index : index
                    if items.indices.contains(resolved) { next.append(items[resolved]) }
                case (.wildcard, .array(let items)):
                    next.append(contentsOf: items)
                case (.wildcard, .object(let members)):
                    next.append(contentsOf: members.sorted { $0.key < $1.key }.map(\.value))
                default:
                    break
                }
            }
            if step == .wildcard { multiple = true }
            current = next
        }
        if multiple { return .array(current) }
        return current.first
    }
}
