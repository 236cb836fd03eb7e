/// One lexical token of a condition, with the 0-based offset of its first character.
struct ConditionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case identifier(String)
        /// `{{args.name}}` left in the text (validation before arguments are known).
        case placeholder(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int

    /// How the token reads in a message: `")"`, `the number 3`, `the end of the condition`.
    var quoted: String {
        switch kind {
        case .number(let value): "the number \(ConditionValue.format(value))"
        case .string(let value): "the string \"\(value)\""
        case .identifier(let name): "\"\(name)\""
        case .placeholder(let text): "\(text)"
        case .symbol(let symbol): "\"\(symbol)\""
        case .end: "the end of the condition"
        }
    }
}

/// Splits a condition into tokens. Whitespace separates tokens and is otherwise ignored.
struct ConditionLexer {
    private let scalars: [Unicode.Scalar]
    private let allowPlaceholders: Bool
    private var offset = 0

    init(_ text: String, allowPlaceholders: Bool) {
        scalars = Array(text.unicodeScalars)
        self.allowPlaceholders = allowPlaceholders
    }

    /// Every token, ending with `.end`.
    static func tokens(_ text: String, allowPlaceholders: Bool) throws(ConditionSyntaxError) -> [ConditionToken] {
        var lexer = ConditionLexer(text, allowPlaceholders: allowPlaceholders)
        var tokens: [ConditionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private static let symbols = ["**", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%",
                                  "(", ")", "[", "]", ",", "."]

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        offset + ahead < scalars.count ? scalars[offset + ahead] : nil
    }

    private func error(_ at: Int, _ message: String) -> ConditionSyntaxError {
        ConditionSyntaxError(position: at + 1, message: message)
    }

    private mutating func next() throws(ConditionSyntaxError) -> ConditionToken {
        while let scalar = peek(), scalar.properties.isWhitespace { offset += 1 }
        let start = offset
        guard let scalar = peek() else { return ConditionToken(kind: .end, offset: start) }
        if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            return ConditionToken(kind: .number(try number()), offset: start)
        }
        if scalar == "\"" || scalar == "'" {
            return ConditionToken(kind: .string(try string(quote: scalar)), offset: start)
        }
        if Self.isIdentifierStart(scalar) {
            var name = ""
            while let next = peek(), Self.isIdentifierStart(next) || Self.isDigit(next) {
                name.unicodeScalars.append(next)
                offset += 1
            }
            return ConditionToken(kind: .identifier(name), offset: start)
        }
        if scalar == "{", peek(1) == "{" {
            return ConditionToken(kind: .placeholder(try placeholder()), offset: start)
        }
        for symbol in Self.symbols where matches(symbol) {
            offset += symbol.unicodeScalars.count
            return ConditionToken(kind: .symbol(symbol), offset: start)
        }
        switch scalar {
        case "=": throw error(start, "expected \"==\" to compare (a single \"=\" assigns, which conditions cannot)")
        case "&": throw error(start, "expected \"&&\" (or \"and\"), got a single \"&\"")
        case "|": throw error(start, "expected \"||\" (or \"or\"), got a single \"|\"")
        default: throw error(start, "unexpected character \"\(scalar)\"")
        }
    }

    private func matches(_ symbol: String) -> Bool {
        for (index, expected) in symbol.unicodeScalars.enumerated() where peek(index) != expected { return false }
        return true
    }

    private mutating func number() throws(ConditionSyntaxError) -> Double {
        let start = offset
        var text = takeDigits()
        if peek() == ".", peek(1).map(Self.isDigit) == true || text.isEmpty {
            offset += 1
            text += "." + takeDigits()
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let signed = sign == "+" || sign == "-"
            guard peek(signed ? 2 : 1).map(Self.isDigit) == true else {
                throw error(offset, "expected digits after the exponent \"\(e)\"")
            }
            offset += 1
            text += "e"
            if signed, let sign {
                text.unicodeScalars.append(sign)
                offset += 1
            }
            text += takeDigits()
        }
        if let next = peek(), Self.isIdentifierStart(next) {
            throw error(offset, "expected an operator after the number \(text), got \"\(next)\"")
        }
        guard let value = Double(text) else { throw error(start, "expected a number, got \"\(text)\"") }
        return value
    }

    private mutating func takeDigits() -> String {
        var digits = ""
        while let next = peek(), Self.isDigit(next) {
            digits.unicodeScalars.append(next)
            offset += 1
        }
        return digits
    }

    private mutating func string(quote: Unicode.Scalar) throws(ConditionSyntaxError) -> String {
        let start = offset
        offset += 1
        var value = ""
        while let scalar = peek() {
            offset += 1
            if scalar == quote { return value }
            if scalar == "\\" {
                guard let escaped = peek() else { break }
                offset += 1
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\\", "\"", "'": value.unicodeScalars.append(escaped)
                default: throw error(offset - 2, "unknown escape \"\\\(escaped)\"; expected \\n, \\t, \\\\, \\\" or \\'")
                }
                continue
            }
            value.unicodeScalars.append(scalar)
        }
        throw error(start, "unterminated string: expected a closing \(quote)")
    }

    private mutating func placeholder() throws(ConditionSyntaxError) -> String {
        let start = offset
        var text = ""
        while let scalar = peek() {
            text.unicodeScalars.append(scalar)
            offset += 1
            if text.hasSuffix("}}") {
                guard allowPlaceholders else {
                    throw error(start, "unresolved \(text): arguments must be substituted before the condition is evaluated")
                }
                return text
            }
        }
        throw error(start, "unterminated placeholder: expected \"}}\"")
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
