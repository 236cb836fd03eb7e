import ConditionLanguage
import Testing

@Suite("Condition language")
struct ConditionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var result: ConditionValue
        var expected: Bool
        var testDescription: String { "\(text) with result \(result)" }
        init(_ text: String, _ result: ConditionValue, _ expected: Bool) {
            self.text = text
            self.result = result
            self.expected = expected
        }
    }

    static let vector: ConditionValue = .array([.number(0.004), .number(0.2)])
    static let object: ConditionValue = .object(["ok": .bool(true), "p99": .number(120), "name": .string("web"),
                                                 "items": .array([.number(1), .number(2), .number(3)])])

    static let evaluations: [Case] = [
        Case("result < 0.01", .number(0.004), true),
        Case("result < 0.01", .number(0.02), false),
        Case("result[0] <= 0.01", vector, true),
        Case("result[1] <= 0.01", vector, false),
        Case("result[-1] == 0.2", vector, true),
        Case("len(result) == 2", vector, true),
        Case("len(result) > 0 && result[0] < 0.01", .array([]), false),
        Case("len(result) == 0 || result[0] < 0.01", .array([]), true),
        Case("result > 1 and result < 3 or false", .number(2), true),
        Case("not (result >= 2)", .number(2), false),
        Case("!isNaN(result) && result >= 0", .number(.nan), false),
        Case("isNaN(result)", .number(.nan), true),
        Case("isInf(result)", .number(-.infinity), true),
        Case("result == result", .number(.nan), false),
        Case("default(result[0], 0) == 0", .array([]), true),
        Case("default(result[0], 0) == 0.004", vector, true),
        Case("default(result.missing, 'x') == 'x'", object, true),
        Case("default(result, 5) == 5", .null, true),
        Case("result.ok", object, true),
        Case("result['p99'] < 300 && result.name == \"web\"", object, true),
        Case("result.items[2] == 3 && sum(result.items) == 6", object, true),
        Case("max(result.items) - min(result.items) == 2", object, true),
        Case("max(1, result, 3) == 7", .number(7), true),
        Case("1 + 2 * 3 == 7", .null, true),
        Case("(1 + 2) * 3 == 9", .null, true),
        Case("2 ** 3 ** 2 == 512", .null, true),
        Case("-result ** 2 == 4", .number(-2), false),
        Case("7 % 4 == 3 && 7 / 2 == 3.5", .null, true),
        Case("result / 0 > 1e300", .number(1), true),
        Case("abs(result - 0.5) < 1e-9", .number(0.5), true),
        Case("asInt(result) == 42 && asFloat('1.5') == 1.5", .string("42"), true),
        Case("'a' + \"b\" == 'ab' && 'abc' < 'abd'", .null, true),
        Case("result == 'Succeeded'", .string("Succeeded"), true),
        Case("result == 1", .string("1"), false),
        Case("result != nil", .null, false),
        Case("result == true", .bool(true), true),
    ]

    @Test(arguments: evaluations)
    func evaluates(_ testCase: Case) throws {
        let condition = try Condition(testCase.text)
        #expect(try condition.evaluate(result: testCase.result) == testCase.expected)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: String
        var testDescription: String { text }
        init(_ text: String, _ expected: String) {
            self.text = text
            self.expected = expected
        }
    }

    static let syntaxErrors: [Invalid] = [
        Invalid("", "at character 1: expected a condition, got nothing"),
        Invalid("result <", "at character 9: expected an operand (a number, a string, true, false, result, a function call or \"(\"), got the end of the condition"),
        Invalid("result[0] <= 0.01)", "at character 18: expected an operator or the end of the condition, got \")\""),
        Invalid("(result > 1", "at character 12: expected \")\" to close the \"(\" at character 1, got the end of the condition"),
        Invalid("result[0 > 1", "at character 13: expected \"]\" to close the \"[\" at character 7, got the end of the condition"),
        Invalid("result = 1", "at character 8: expected \"==\" to compare (a single \"=\" assigns, which conditions cannot)"),
        Invalid("result > 1 & result < 2", "at character 12: expected \"&&\" (or \"and\"), got a single \"&\""),
        Invalid("reslt < 1", "at character 1: unknown name \"reslt\": expected result, true, false, nil or a function call"),
        Invalid("lenn(result) > 0", "at character 1: unknown function \"lenn\": expected one of len, isNaN, isInf, default, abs, asInt, asFloat, min, max, sum"),
        Invalid("len(result, 1) > 0", "at character 1: len takes 1 argument, got 2"),
        Invalid("default(result) > 0", "at character 1: default takes 2 arguments, got 1"),
        Invalid("len > 0", "at character 5: expected \"(\" after the function len"),
        Invalid("0 < result < 1", "at character 12: comparisons do not chain; join two comparisons with && instead"),
        Invalid("result == 'ok", "at character 11: unterminated string: expected a closing '"),
        Invalid("result < 1e", "at character 11: expected digits after the exponent \"e\""),
        Invalid("result < 10ms", "at character 12: expected an operator after the number 10, got \"m\""),
        Invalid("result # 1", "at character 8: unexpected character \"#\""),
        Invalid("result < {{args.limit}}", "at character 10: unresolved {{args.limit}}: arguments must be substituted before the condition is evaluated"),
        Invalid("result.", "at character 8: expected a member name after \".\", got the end of the condition"),
        Invalid("result[]", "at character 8: expected an index inside [ ], got \"]\""),
        Invalid("result && and", "at character 11: expected an operand (a number, a string, true, false, result, a function call or \"(\"), got \"and\""),
        Invalid("len(result,)", "at character 12: expected an operand (a number, a string, true, false, result, a function call or \"(\"), got \")\""),
    ]

    @Test(arguments: syntaxErrors)
    func rejectsWithPosition(_ testCase: Invalid) {
        #expect(throws: ConditionSyntaxError.self) { try Condition(testCase.text) }
        do {
            _ = try Condition(testCase.text)
        } catch {
            #expect(error.description == testCase.expected)
        }
    }

    static let evaluationErrors: [(String, ConditionValue, String)] = [
        ("result[0] < 1", .array([]), "at character 7: index 0 is out of range: the array has 0 elements"),
        ("result[0.5] < 1", .array([.number(1)]), "at character 7: an array index must be a whole number, got 0.5"),
        ("result < 1", .string("x"), "at character 8: < compares two numbers or two strings, got a string (\"x\") and a number (1)"),
        ("result + 1", .number(1), "at character 1: the condition gave a number (2), expected true or false"),
        ("result && true", .number(1), "at character 1: && needs a bool on its left, got a number (1)"),
        ("result.p50 < 1", .object(["p99": .number(1)]), "at character 7: no member \"p50\" (the object has: p99)"),
        ("isNaN(result)", .string("NaN"), "at character 7: isNaN needs a number, got a string (\"NaN\")"),
        ("!result", .number(0), "at character 1: ! needs a bool, got a number"),
        ("len(result) > 0", .number(3), "at character 5: len needs an array, a string or an object, got a number"),
    ]

    @Test func evaluationErrorsPointAtTheFailingPart() throws {
        for (text, result, expected) in Self.evaluationErrors {
            let condition = try Condition(text)
            do {
                _ = try condition.evaluate(result: result)
                Issue.record("\(text) evaluated without error")
            } catch {
                #expect(error.description == expected, "\(text)")
            }
        }
    }

    @Test func placeholdersStandForOperandsWhenAllowed() throws {
        let condition = try Condition("result[0] <= {{args.threshold}} && result[0] >= {{ args.floor }}", allowPlaceholders: true)
        guard case .binary(.and, .binary(.lessOrEqual, _, .placeholder(let text, let position), _), _, _) = condition.expression else {
            Issue.record("unexpected tree \(condition.expression)")
            return
        }
        #expect(text == "{{args.threshold}}")
        #expect(position == 14)
        #expect(throws: ConditionEvaluationError.self) { try condition.evaluate(result: .array([.number(1)])) }
        #expect(throws: ConditionSyntaxError.self) { try Condition("result <= {{args.x", allowPlaceholders: true) }
    }

    @Test func precedenceShapesTheTree() throws {
        let condition = try Condition("!result || 1 + 2 * 3 < 4 && true")
        guard case .binary(.or, .unary(.not, .result(_), _), .binary(.and, .binary(.less, .binary(.add, _, .binary(.multiply, _, _, _), _), _, _), _, _), _) = condition.expression else {
            Issue.record("unexpected tree \(condition.expression)")
            return
        }
    }
}
