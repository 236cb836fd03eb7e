import Foundation

/// Walks a ``ConditionExpression`` with `result` bound. Pure; `&&` and `||` short-circuit.
struct ConditionEvaluator {
    let result: ConditionValue

    /// A missing index or member: `default(...)` turns it into its fallback.
    private struct Missing: Error {
        var error: ConditionEvaluationError
    }

    func evaluate(_ expression: ConditionExpression) throws(ConditionEvaluationError) -> ConditionValue {
        do {
            return try value(expression)
        } catch let missing as Missing {
            throw missing.error
        } catch let error as ConditionEvaluationError {
            throw error
        } catch {
            throw ConditionEvaluationError(position: expression.position, message: "\(error)")
        }
    }

    private func fail(_ position: Int, _ message: String) -> ConditionEvaluationError {
        ConditionEvaluationError(position: position, message: message)
    }

    private func value(_ expression: ConditionExpression) throws -> ConditionValue {
        switch expression {
        case .literal(let value, _): return value
        case .result: return result
        case .placeholder(let text, let position):
            throw fail(position, "unresolved \(text): arguments must be substituted before evaluation")
        case .unary(let op, let operand, let position):
            let value = try value(operand)
            switch (op, value) {
            case (.not, .bool(let flag)): return .bool(!flag)
            case (.negate, .number(let number)): return .number(-number)
            case (.plus, .number(let number)): return .number(number)
            default:
                throw fail(position, "\(op == .not ? "!" : op.rawValue) needs \(op == .not ? "a bool" : "a number"), got \(value.kindDescription)")
            }
        case .binary(let op, let left, let right, let position):
            return try binary(op, left, right, position)
        case .index(let base, let subscriptExpression, let position):
            return try element(of: try value(base), at: try value(subscriptExpression), position)
        case .member(let base, let name, let position):
            return try element(of: try value(base), at: .string(name), position)
        case .call(let function, let arguments, let position):
            return try call(function, arguments, position)
        }
    }

    private func binary(_ op: BinaryOperator, _ left: ConditionExpression, _ right: ConditionExpression, _ position: Int) throws -> ConditionValue {
        if op == .and || op == .or {
            let lhs = try value(left)
            guard case .bool(let first) = lhs else { throw fail(left.position, "\(op.rawValue) needs a bool on its left, got \(lhs.kindDescription) (\(lhs))") }
            if op == .and, !first { return .bool(false) }
            if op == .or, first { return .bool(true) }
            let rhs = try value(right)
            guard case .bool(let second) = rhs else { throw fail(right.position, "\(op.rawValue) needs a bool on its right, got \(rhs.kindDescription) (\(rhs))") }
            return .bool(second)
        }
        let lhs = try value(left), rhs = try value(right)
        switch op {
        case .equal: return .bool(Self.equal(lhs, rhs))
        case .notEqual: return .bool(!Self.equal(lhs, rhs))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: (Double, Double) -> Bool
            let textOrder: (String, String) -> Bool
            switch op {
            case .less: (order, textOrder) = ({ $0 < $1 }, { $0 < $1 })
            case .lessOrEqual: (order, textOrder) = ({ $0 <= $1 }, { $0 <= $1 })
            case .greater: (order, textOrder) = ({ $0 > $1 }, { $0 > $1 })
            default: (order, textOrder) = ({ $0 >= $1 }, { $0 >= $1 })
            }
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): return .bool(order(a, b))
            case (.string(let a), .string(let b)): return .bool(textOrder(a, b))
            default:
                throw fail(position, "\(op.rawValue) compares two numbers or two strings, got \(lhs.kindDescription) (\(lhs)) and \(rhs.kindDescription) (\(rhs))")
            }
        case .add:
            if case .string(let a) = lhs, case .string(let b) = rhs { return .string(a + b) }
            fallthrough
        default:
            guard case .number(let a) = lhs, case .number(let b) = rhs else {
                let what = op == .add ? "two numbers or two strings" : "two numbers"
                throw fail(position, "\(op.rawValue) needs \(what), got \(lhs.kindDescription) (\(lhs)) and \(rhs.kindDescription) (\(rhs))")
            }
            switch op {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return .number(a / b)
            case .remainder: return .number(a.truncatingRemainder(dividingBy: b))
            default: return .number(pow(a, b))
            }
        }
    }

    /// Numbers compare by value (NaN equals nothing), everything else structurally; values
    /// of different kinds are unequal.
    private static func equal(_ lhs: ConditionValue, _ rhs: ConditionValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a == b
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)): a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        default: lhs == rhs
        }
    }

    private func element(of base: ConditionValue, at key: ConditionValue, _ position: Int) throws -> ConditionValue {
        switch (base, key) {
        case (.array(let items), .number(let number)):
            guard number == number.rounded(), Swift.abs(number) < 1e15 else {
                throw fail(position, "an array index must be a whole number, got \(ConditionValue.format(number))")
            }
            let index = Int(number)
            let resolved = index < 0 ? items.count + index : index
            guard items.indices.contains(resolved) else {
                throw Missing(error: fail(position, "index \(index) is out of range: the array has \(items.count) element\(items.count == 1 ? "" : "s")"))
            }
            return items[resolved]
        case (.object(let members), .string(let name)):
            guard let value = members[name] else {
                let known = members.keys.sorted().prefix(10).joined(separator: ", ")
                throw Missing(error: fail(position, "no member \"\(name)\" (the object has: \(known.isEmpty ? "nothing" : known))"))
            }
            return value
        case (.null, _):
            throw Missing(error: fail(position, "cannot index nil"))
        default:
            throw fail(position, "cannot index \(base.kindDescription) with \(key.kindDescription)")
        }
    }

    private func numbers(_ value: ConditionValue, for function: ConditionFunction, _ position: Int) throws -> [Double] {
        guard case .array(let items) = value else { throw fail(position, "\(function.rawValue) needs an array, got \(value.kindDescription)") }
        return try items.map { item in
            guard case .number(let number) = item else {
                throw fail(position, "\(function.rawValue) needs an array of numbers, got an element that is \(item.kindDescription)")
            }
            return number
        }
    }

    private func call(_ function: ConditionFunction, _ arguments: [ConditionExpression], _ position: Int) throws -> ConditionValue {
        if function == .default {
            do {
                let value = try value(arguments[0])
                return value == .null ? try self.value(arguments[1]) : value
            } catch is Missing {
                return try value(arguments[1])
            }
        }
        let values = try arguments.map { try value($0) }
        let first = values[0]
        func number() throws -> Double {
            guard case .number(let number) = first else {
                throw fail(arguments[0].position, "\(function.rawValue) needs a number, got \(first.kindDescription) (\(first))")
            }
            return number
        }
        switch function {
        case .len:
            switch first {
            case .array(let items): return .number(Double(items.count))
            case .string(let text): return .number(Double(text.count))
            case .object(let members): return .number(Double(members.count))
            default: throw fail(arguments[0].position, "len needs an array, a string or an object, got \(first.kindDescription)")
            }
        case .isNaN: return .bool(try number().isNaN)
        case .isInf: return .bool(try number().isInfinite)
        case .abs: return .number(Swift.abs(try number()))
        case .asInt, .asFloat:
            let parsed: Double
            switch first {
            case .number(let number): parsed = number
            case .string(let text):
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw fail(arguments[0].position, "\(function.rawValue): \"\(text)\" is not a number")
                }
                parsed = number
            default: throw fail(arguments[0].position, "\(function.rawValue) needs a number or a string, got \(first.kindDescription)")
            }
            return .number(function == .asInt ? parsed.rounded(.towardZero) : parsed)
        case .min, .max, .sum:
            let all: [Double]
            if values.count == 1 {
                all = try numbers(first, for: function, arguments[0].position)
            } else {
                all = try values.enumerated().map { offset, value in
                    guard case .number(let number) = value else {
                        throw fail(arguments[offset].position, "\(function.rawValue) needs numbers, got \(value.kindDescription)")
                    }
                    return number
                }
            }
            if function == .sum { return .number(all.reduce(0, +)) }
            guard !all.isEmpty else { throw Missing(error: fail(position, "\(function.rawValue) of an empty array")) }
            return .number(function == .min ? all.min()! : all.max()!)
        case .default:
            preconditionFailure("handled above")
        }
    }
}
