/// Recursive-descent parser over ``ConditionToken``s; precedence climbing for infix operators.
///
/// Grammar (loosest first):
/// ```
/// condition  = binary(1) END
/// binary(p)  = unary { op(q >= p) binary(q + 1) }     ; ** is right-associative
/// unary      = ("!" | "not" | "-" | "+") binary(**) | postfix    ; -2 ** 2 is -(2 ** 2)
/// postfix    = primary { "[" condition "]" | "." name }
/// primary    = number | string | true | false | nil | result | name "(" args ")" | "(" condition ")"
///            | {{placeholder}}
/// ```
/// Comparisons do not chain (`1 < x < 3` is an error that suggests `&&`).
struct ConditionParser {
    private let tokens: [ConditionToken]
    private var index = 0

    init(tokens: [ConditionToken]) { self.tokens = tokens }

    mutating func parseCondition() throws(ConditionSyntaxError) -> ConditionExpression {
        if current.kind == .end { throw error("expected a condition, got nothing") }
        let expression = try binary(minimum: 1)
        guard current.kind == .end else {
            throw error("expected an operator or the end of the condition, got \(current.quoted)")
        }
        return expression
    }

    private var current: ConditionToken { tokens[index] }

    private func error(_ message: String, at token: ConditionToken? = nil) -> ConditionSyntaxError {
        ConditionSyntaxError(position: (token ?? current).offset + 1, message: message)
    }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private var binaryOperator: BinaryOperator? {
        switch current.kind {
        case .symbol(let symbol): BinaryOperator(rawValue: symbol)
        case .identifier("and"): .and
        case .identifier("or"): .or
        default: nil
        }
    }

    private mutating func binary(minimum: Int) throws(ConditionSyntaxError) -> ConditionExpression {
        var left = try unary()
        while let op = binaryOperator, op.precedence >= minimum {
            let operatorToken = current
            advance()
            // ** binds right to left (2 ** 3 ** 2 is 2 ** 9); the rest left to right.
            let right = try binary(minimum: op == .power ? op.precedence : op.precedence + 1)
            if op.isComparison, let next = binaryOperator, next.isComparison {
                throw error("comparisons do not chain; join two comparisons with && instead", at: current)
            }
            left = .binary(op, left, right, position: operatorToken.offset + 1)
        }
        return left
    }

    private mutating func unary() throws(ConditionSyntaxError) -> ConditionExpression {
        let token = current
        let op: UnaryOperator? = switch token.kind {
        case .symbol("!"), .identifier("not"): .not
        case .symbol("-"): .negate
        case .symbol("+"): .plus
        default: nil
        }
        guard let op else { return try postfix() }
        advance()
        // ** binds tighter than a prefix operator: -2 ** 2 is -(2 ** 2).
        return .unary(op, try binary(minimum: BinaryOperator.power.precedence), position: token.offset + 1)
    }

    private mutating func postfix() throws(ConditionSyntaxError) -> ConditionExpression {
        var base = try primary()
        while true {
            let token = current
            if isSymbol("[") {
                advance()
                guard current.kind != .symbol("]") else { throw error("expected an index inside [ ], got \"]\"") }
                let subscriptExpression = try binary(minimum: 1)
                guard isSymbol("]") else { throw error("expected \"]\" to close the \"[\" at character \(token.offset + 1), got \(current.quoted)") }
                advance()
                base = .index(base, subscriptExpression, position: token.offset + 1)
            } else if isSymbol(".") {
                advance()
                guard case .identifier(let name) = current.kind else {
                    throw error("expected a member name after \".\", got \(current.quoted)")
                }
                advance()
                base = .member(base, name, position: token.offset + 1)
            } else {
                return base
            }
        }
    }

    private static let operandHint = "an operand (a number, a string, true, false, result, a function call or \"(\")"

    private mutating func primary() throws(ConditionSyntaxError) -> ConditionExpression {
        let token = current
        let position = token.offset + 1
        switch token.kind {
        case .number(let value):
            advance()
            return .literal(.number(value), position: position)
        case .string(let value):
            advance()
            return .literal(.string(value), position: position)
        case .placeholder(let text):
            advance()
            return .placeholder(text, position: position)
        case .identifier(let name):
            advance()
            switch name {
            case "true": return .literal(.bool(true), position: position)
            case "false": return .literal(.bool(false), position: position)
            case "nil", "null": return .literal(.null, position: position)
            case "result": return .result(position: position)
            case "and", "or", "not": throw error("expected \(Self.operandHint), got \"\(name)\"", at: token)
            default: break
            }
            guard isSymbol("(") else {
                if ConditionFunction(rawValue: name) != nil {
                    throw error("expected \"(\" after the function \(name)")
                }
                throw error("unknown name \"\(name)\": expected result, true, false, nil or a function call", at: token)
            }
            guard let function = ConditionFunction(rawValue: name) else {
                let known = ConditionFunction.allCases.map(\.rawValue).joined(separator: ", ")
                throw error("unknown function \"\(name)\": expected one of \(known)", at: token)
            }
            return try call(function, at: token)
        case .symbol("("):
            advance()
            let inner = try binary(minimum: 1)
            guard isSymbol(")") else { throw error("expected \")\" to close the \"(\" at character \(position), got \(current.quoted)") }
            advance()
            return inner
        default:
            throw error("expected \(Self.operandHint), got \(token.quoted)")
        }
    }

    private mutating func call(_ function: ConditionFunction, at token: ConditionToken) throws(ConditionSyntaxError) -> ConditionExpression {
        advance()  // (
        var arguments: [ConditionExpression] = []
        if !isSymbol(")") {
            while true {
                arguments.append(try binary(minimum: 1))
                if isSymbol(",") {
                    advance()
                    continue
                }
                guard isSymbol(")") else { throw error("expected \",\" or \")\" in the arguments of \(function.rawValue), got \(current.quoted)") }
                break
            }
        }
        advance()  // )
        guard function.arity.contains(arguments.count) else {
            throw error("\(function.rawValue) takes \(function.arityDescription), got \(arguments.count)", at: token)
        }
        return .call(function, arguments, position: token.offset + 1)
    }
}
