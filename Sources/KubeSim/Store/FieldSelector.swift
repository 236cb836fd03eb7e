import KubeClient

/// A parsed field selector: `metadata.name=x,metadata.namespace!=y` (`=`, `==`, `!=`;
/// `\,` `\=` `\\` escape inside values).
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public var field: String
        public var negated: Bool
        public var value: String

        public init(field: String, negated: Bool = false, value: String) {
            self.field = field
            self.negated = negated
            self.value = value
        }

        public var description: String { "\(field)\(negated ? "!=" : "=")\(value)" }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    public static let everything = FieldSelector()

    public var isEverything: Bool { requirements.isEmpty }

    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// Parses the selector; syntax errors are 400 BadRequest. Field names are checked
    /// separately against a resource (``validate(supported:)``).
    public init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for term in Self.split(text, on: ",") where !term.isEmpty {
            guard let (field, negated, rawValue) = Self.splitTerm(term), !field.isEmpty else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            requirements.append(Requirement(field: field, negated: negated, value: Self.unescape(rawValue)))
        }
        self.init(requirements: requirements)
    }

    /// 400 `field label not supported: spec.foo` for a field outside `supported`.
    public func validate(supported: Set<String>) throws(APIError) {
        for requirement in requirements where !supported.contains(requirement.field) {
            throw APIError.badRequest("field label not supported: \(requirement.field)")
        }
    }

    /// Matches an object; each field is looked up as a dotted path in the object
    /// (absent → empty string, scalars as their text).
    public func matches(object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            (Self.fieldValue(object, requirement.field) == requirement.value) != requirement.negated
        }
    }

    static func fieldValue(_ object: JSONValue, _ path: String) -> String {
        var node: JSONValue? = object
        for key in path.split(separator: ".") { node = node?[String(key)] }
        switch node {
        case .string(let value): return value
        case .integer(let value): return String(value)
        case .bool(let value): return String(value)
        case .double(let value): return String(value)
        default: return ""
        }
    }

    /// Splits on `separator` not preceded by a backslash escape (escapes kept).
    private static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                current.append(c)
                escaped = true
            } else if c == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current)
        return parts
    }

    /// The first unescaped `!=`, `==` or `=`.
    private static func splitTerm(_ term: String) -> (String, Bool, String)? {
        let chars = Array(term)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\" { i += 2; continue }
            if chars[i] == "!", i + 1 < chars.count, chars[i + 1] == "=" {
                return (String(chars[..<i]), true, String(chars[(i + 2)...]))
            }
            if chars[i] == "=" {
                let skip = i + 1 < chars.count && chars[i + 1] == "=" ? 2 : 1
                return (String(chars[..<i]), false, String(chars[(i + skip)...]))
            }
            i += 1
        }
        return nil
    }

    private static func unescape(_ value: String) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
