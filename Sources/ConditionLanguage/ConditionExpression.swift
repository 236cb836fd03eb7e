/// The parsed form of a condition. Every node keeps the 1-based character position where it
/// starts, so evaluation errors point into the text the user wrote.
public indirect enum ConditionExpression: Sendable, Hashable {
    case literal(ConditionValue, position: Int)
    /// The measured value, `result`.
    case result(position: Int)
    /// An argument placeholder (`{{args.x}}`) kept during validation; never evaluated.
    case placeholder(String, position: Int)
    case unary(UnaryOperator, ConditionExpression, position: Int)
    case binary(BinaryOperator, ConditionExpression, ConditionExpression, position: Int)
    /// `base[index]`: an array element (negative counts from the end) or an object member.
    case index(ConditionExpression, ConditionExpression, position: Int)
    /// `base.name`: an object member.
    case member(ConditionExpression, String, position: Int)
    case call(ConditionFunction, [ConditionExpression], position: Int)

    /// Where the node starts (1-based).
    public var position: Int {
        switch self {
        case .literal(_, let position), .result(let position), .placeholder(_, let position),
             .unary(_, _, let position), .binary(_, _, _, let position), .index(_, _, let position),
             .member(_, _, let position), .call(_, _, let position):
            position
        }
    }
}

/// Prefix operators: `!` / `not`, `-`, `+`.
public enum UnaryOperator: String, Sendable, Hashable {
    case not = "!", negate = "-", plus = "+"
}

/// Infix operators, loosest first: `||`, `&&`, comparisons, `+ -`, `* / %`, `**`.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "||", and = "&&"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "**"

    /// Binding strength: higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: 3
        case .add, .subtract: 4
        case .multiply, .divide, .remainder: 5
        case .power: 6
        }
    }

    var isComparison: Bool { precedence == 3 }
}

/// The functions a condition may call.
public enum ConditionFunction: String, Sendable, Hashable, CaseIterable {
    /// Elements of an array, characters of a string, members of an object.
    case len
    case isNaN
    /// True for +Inf and -Inf.
    case isInf
    /// `default(x, fallback)`: `fallback` when `x` is nil, or is an index or member that is missing.
    case `default`
    case abs
    /// A string or number as a whole number (truncated).
    case asInt
    /// A string or number as a number.
    case asFloat
    /// `min(array)` or `min(a, b, ...)`.
    case min
    /// `max(array)` or `max(a, b, ...)`.
    case max
    /// Sum of an array of numbers.
    case sum

    /// How many arguments it takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .default: 2...2
        case .min, .max: 1...Int.max
        default: 1...1
        }
    }

    var arityDescription: String {
        switch arity.lowerBound {
        case _ where arity.upperBound == Int.max: "at least \(arity.lowerBound) argument"
        case 1: "1 argument"
        default: "\(arity.lowerBound) arguments"
        }
    }
}
