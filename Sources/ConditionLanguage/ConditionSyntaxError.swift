/// A condition that does not parse: where (a 1-based character position in the text) and
/// what was expected there.
///
/// Its description reads `at character 12: expected an operand, got ")"`.
public struct ConditionSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based position of the character where the problem starts.
    public var position: Int
    /// What was expected, and what was found.
    public var message: String

    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "at character \(position): \(message)" }
}

/// A condition that parsed but could not be evaluated on a given `result`: a type mismatch,
/// an index out of range, a missing key, or a value that is not true or false.
public struct ConditionEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based position of the sub-expression that failed.
    public var position: Int
    public var message: String

    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "at character \(position): \(message)" }
}
