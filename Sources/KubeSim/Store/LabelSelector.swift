import KubeClient

/// A parsed label selector in kube's string syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, `a>1`, `a<1`; commas AND the requirements together.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equals = "="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = ">"
        case lessThan = "<"
    }

    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public var key: String
        public var op: Operator
        /// Sorted; one value for `=`, `!=`, `>`, `<`; none for existence.
        public var values: [String]

        public init(key: String, op: Operator, values: [String] = []) {
            self.key = key
            self.op = op
            self.values = values.sorted()
        }

        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .in: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan, .lessThan:
                guard let value, let have = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else { return false }
                return op == .greaterThan ? have > bound : have < bound
            }
        }

        public var description: String {
            switch op {
            case .equals, .notEquals, .greaterThan, .lessThan: "\(key)\(op.rawValue)\(values.first ?? "")"
            case .in, .notIn: "\(key) \(op.rawValue) (\(values.joined(separator: ",")))"
            case .exists: key
            case .doesNotExist: "!\(key)"
            }
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    /// Matches every object.
    public static let everything = LabelSelector()

    public var isEverything: Bool { requirements.isEmpty }

    public var description: String { requirements.map(\.description).joined(separator: ",") }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// Matches an object by its `metadata.labels`.
    public func matches(object: JSONValue) -> Bool {
        isEverything || matches(object.labels)
    }

    /// Parses kube's selector syntax; a malformed selector is a 400 BadRequest.
    public init(parsing text: String) throws(APIError) {
        var parser = LabelSelectorParser(text)
        do {
            self.init(requirements: try parser.parse())
        } catch {
            throw APIError.badRequest("unable to parse requirement: \(error.message)")
        }
    }

    /// A `metav1.LabelSelector` object (`matchLabels`, `matchExpressions`).
    public init(json: JSONValue) throws(APIError) {
        var requirements: [Requirement] = []
        for (key, value) in (json["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(Requirement(key: key, op: .equals, values: [value.stringValue ?? ""]))
        }
        for expression in json["matchExpressions"]?.arrayValue ?? [] {
            guard let key = expression["key"]?.stringValue else { throw APIError.badRequest("matchExpressions: key is required") }
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue)
            switch expression["operator"]?.stringValue {
            case "In": requirements.append(Requirement(key: key, op: .in, values: values))
            case "NotIn": requirements.append(Requirement(key: key, op: .notIn, values: values))
            case "Exists": requirements.append(Requirement(key: key, op: .exists))
            case "DoesNotExist": requirements.append(Requirement(key: key, op: .doesNotExist))
            case let other: throw APIError.badRequest("\(goQuoted(other ?? "")) is not a valid label selector operator")
            }
        }
        self.init(requirements: requirements)
    }
}

struct SelectorParseError: Error {
    var message: String
}

/// A port of apimachinery's label selector lexer and parser.
struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier(String)
        case inKeyword, notInKeyword
        case equals, doubleEquals, notEquals, not, greaterThan, lessThan
        case openParen, closeParen, comma
        case end

        var literal: String {
            switch self {
            case .identifier(let value): value
            case .inKeyword: "in"
            case .notInKeyword: "notin"
            case .equals: "="
            case .doubleEquals: "=="
            case .notEquals: "!="
            case .not: "!"
            case .greaterThan: ">"
            case .lessThan: "<"
            case .openParen: "("
            case .closeParen: ")"
            case .comma: ","
            case .end: "EOS"
            }
        }
    }

    private var tokens: [Token] = []
    private var position = 0

    init(_ text: String) {
        tokens = Self.lex(text)
    }

    static func lex(_ text: String) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        let special: Set<Character> = ["=", "!", "(", ")", ",", ">", "<"]
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if special.contains(c) {
                let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                switch (c, next) {
                case ("=", "="): tokens.append(.doubleEquals); i += 2
                case ("!", "="): tokens.append(.notEquals); i += 2
                case ("=", _): tokens.append(.equals); i += 1
                case ("!", _): tokens.append(.not); i += 1
                case ("(", _): tokens.append(.openParen); i += 1
                case (")", _): tokens.append(.closeParen); i += 1
                case (",", _): tokens.append(.comma); i += 1
                case (">", _): tokens.append(.greaterThan); i += 1
                default: tokens.append(.lessThan); i += 1
                }
                continue
            }
            var word = ""
            while i < chars.count, !chars[i].isWhitespace, !special.contains(chars[i]) {
                word.append(chars[i])
                i += 1
            }
            switch word {
            case "in": tokens.append(.inKeyword)
            case "notin": tokens.append(.notInKeyword)
            default: tokens.append(.identifier(word))
            }
        }
        tokens.append(.end)
        return tokens
    }

    private var current: Token { tokens[position] }
    private mutating func consume() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    mutating func parse() throws(SelectorParseError) -> [LabelSelector.Requirement] {
        var requirements: [LabelSelector.Requirement] = []
        if current == .end { return [] }
        while true {
            requirements.append(try parseRequirement())
            switch consume() {
            case .end: return requirements
            case .comma:
                if current == .end || current == .comma {
                    throw SelectorParseError(message: "found '\(current.literal)', expected: identifier after ','")
                }
            case let token:
                throw SelectorParseError(message: "found '\(token.literal)', expected: ',' or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(SelectorParseError) -> LabelSelector.Requirement {
        var negated = false
        if current == .not {
            _ = consume()
            negated = true
        }
        guard case .identifier(let key) = consume() else {
            throw SelectorParseError(message: "found '\(tokens[max(position - 1, 0)].literal)', expected: identifier")
        }
        let keyErrors = Validation.qualifiedName(key)
        if !keyErrors.isEmpty {
            throw SelectorParseError(message: "invalid label key \(goQuoted(key)): \(keyErrors.joined(separator: "; "))")
        }
        if negated {
            if current != .end && current != .comma {
                throw SelectorParseError(message: "found '\(current.literal)', expected: ',' or 'end of string'")
            }
            return .init(key: key, op: .doesNotExist)
        }
        let op: LabelSelector.Operator
        switch current {
        case .end, .comma: return .init(key: key, op: .exists)
        case .equals, .doubleEquals: op = .equals
        case .notEquals: op = .notEquals
        case .inKeyword: op = .in
        case .notInKeyword: op = .notIn
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        default:
            throw SelectorParseError(message: "found '\(current.literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
        _ = consume()
        var values: [String]
        switch op {
        case .in, .notIn:
            guard consume() == .openParen else {
                throw SelectorParseError(message: "found '\(tokens[max(position - 1, 0)].literal)', expected: '('")
            }
            values = try parseValueList()
        default:
            switch current {
            case .identifier(let value):
                _ = consume()
                values = [value]
            case .end, .comma:
                values = [""]
            case let token:
                throw SelectorParseError(message: "found '\(token.literal)', expected: identifier for value")
            }
            if op == .greaterThan || op == .lessThan, Int64(values[0]) == nil {
                throw SelectorParseError(message: "for 'Gt', 'Lt' operators, the value must be an integer")
            }
        }
        if op != .greaterThan && op != .lessThan {
            for value in values {
                let errors = Validation.labelValue(value)
                if !errors.isEmpty {
                    throw SelectorParseError(message: "invalid label value: \(goQuoted(value)): \(errors.joined(separator: "; "))")
                }
            }
        }
        return .init(key: key, op: op, values: values)
    }

    /// After `(`: values separated by commas up to `)`; empty slots are empty strings.
    private mutating func parseValueList() throws(SelectorParseError) -> [String] {
        var values: [String] = []
        var expectValue = true
        while true {
            switch consume() {
            case .identifier(let value) where expectValue:
                values.append(value)
                expectValue = false
            case .comma:
                if expectValue { values.append("") }
                expectValue = true
            case .closeParen:
                if expectValue { values.append("") }
                return Array(Set(values))
            case let token:
                throw SelectorParseError(message: "found '\(token.literal)', expected: ',', ')' or identifier")
            }
        }
    }
}

extension JSONValue {
    /// `metadata.labels` as strings.
    var labels: [String: String] {
        guard let members = self["metadata"]?["labels"]?.objectValue else { return [:] }
        return members.compactMapValues(\.stringValue)
    }
}
