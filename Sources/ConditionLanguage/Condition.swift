/// A parsed `successCondition` or `failureCondition`: a small, side-effect-free expression
/// over `result` that must come out `true` or `false`. Nothing is executed; the text is
/// parsed into a ``ConditionExpression`` and evaluated by walking it.
///
/// ```swift
/// let condition = try Condition("len(result) > 0 && result[0] <= 0.01")
/// try condition.evaluate(result: .array([.number(0.004)]))   // true
/// ```
///
/// The language follows Argo Rollouts' (expr) where they overlap: `==` `!=` `<` `<=` `>`
/// `>=`, `&&` / `and`, `||` / `or`, `!` / `not`, `+ - * / % **`, indexing (`result[0]`,
/// `result["p99"]`, negative indices count from the end), members (`result.p99`), literals
/// (numbers, `'single'` or `"double"` quoted strings, `true`, `false`, `nil`), parentheses
/// and the functions in ``ConditionFunction``.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    public let expression: ConditionExpression

    /// Parses `text`. With `allowPlaceholders`, `{{args.name}}` stands for an operand (for
    /// validating a template before its arguments are known); otherwise it is an error.
    public init(_ text: String, allowPlaceholders: Bool = false) throws(ConditionSyntaxError) {
        var parser = ConditionParser(tokens: try ConditionLexer.tokens(text, allowPlaceholders: allowPlaceholders))
        self.text = text
        self.expression = try parser.parseCondition()
    }

    public var description: String { text }

    /// Evaluates the condition with `result` bound to `result`. Throws when a step has the
    /// wrong kinds of operands, an index or member is missing, or the outcome is not a bool.
    public func evaluate(result: ConditionValue) throws(ConditionEvaluationError) -> Bool {
        let value = try ConditionEvaluator(result: result).evaluate(expression)
        guard case .bool(let outcome) = value else {
            throw ConditionEvaluationError(position: 1, message: "the condition gave \(value.kindDescription) (\(value)), expected true or false")
        }
        return outcome
    }
}
