/// Numbers become what `JSONDecoder` makes of them when decoding a `JSONValue`, which tries
/// `Int64` before `Double`:
///
/// - digits only, fitting `Int64`: `.integer` (`-0` is `0`);
/// - anything else is read as the nearest `Double` (an error if that is infinite); if that
///   double is not a whole number in `Int64`'s range it is `.double`;
/// - a whole double below 2^53 in magnitude is `.integer` (`1.0`, `1e2`, `1e-400` → 0;
///   `1.00000000000000000001` → 1, because the double is exactly 1);
/// - from 2^53 on, doubles no longer hold every integer, and Foundation re-reads the digits
///   as a `Decimal` and truncates toward zero: `9007199254740993.5` → 9007199254740993.
///   See ``JSONParser/foundationLargeInteger(_:)``.
extension JSONParser {
    /// The number whose first byte (`-` or a digit) is at `position`.
    mutating func parseNumber() throws -> JSONValue {
        let start = position
        let negative = bytes[position] == 0x2D
        if negative { position += 1 }
        guard position < end, isDigit(bytes[position]) else { throw unexpected("a digit after '-'") }
        var value: Int64 = 0
        var overflow = false
        if bytes[position] == 0x30 {
            position += 1
            if position < end, isDigit(bytes[position]) {
                throw error("a number must not start with a 0 followed by digits", at: position - 1)
            }
        } else {
            while position < end, isDigit(bytes[position]) {
                if !overflow {
                    let digit = Int64(bytes[position] &- 0x30)
                    let (times10, overflowed) = value.multipliedReportingOverflow(by: 10)
                    let (next, overflowedAgain) = negative
                        ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
                    if overflowed || overflowedAgain { overflow = true } else { value = next }
                }
                position += 1
            }
        }
        var isInteger = !overflow
        if position < end, bytes[position] == 0x2E {  // .
            isInteger = false
            position += 1
            guard position < end, isDigit(bytes[position]) else { throw unexpected("a digit after '.'") }
            skipDigits()
        }
        if position < end, bytes[position] | 0x20 == 0x65 {  // e E
            isInteger = false
            position += 1
            if position < end, bytes[position] == 0x2B || bytes[position] == 0x2D { position += 1 }  // + -
            guard position < end, isDigit(bytes[position]) else { throw unexpected("a digit in the exponent") }
            skipDigits()
        }
        if isInteger { return .integer(value) }
        let text = UnsafeBufferPointer(start: bytes + start, count: position - start)
        guard let number = Self.number(text) else {
            throw error("the number is too large in magnitude for a Double", at: start)
        }
        return number
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    private mutating func skipDigits() {
        while position < end, isDigit(bytes[position]) { position += 1 }
    }

    /// A valid JSON number that is not a plain `Int64`, or `nil` if its double is infinite.
    static func number(_ text: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        guard let double = Double(String(decoding: text, as: UTF8.self)), double.isFinite else { return nil }
        guard let integer = Int64(exactly: double) else { return .double(double) }
        if double.magnitude < 0x1p53 { return .integer(integer) }
        return foundationLargeInteger(text).map(JSONValue.integer) ?? .double(double)
    }

    /// What `JSONDecoder` gives for a valid JSON number as an `Int64` once its double is a
    /// whole number of at least 2^53 in magnitude: the digits as a `Decimal` (significant
    /// digits gathered while they fit 128 bits, later ones dropped, trailing zeros removed),
    /// whose mantissa must fit 64 bits, scaled by its exponent truncating toward zero;
    /// `nil` if that overflows or exceeds `Int64.max` in magnitude (so never `Int64.min`).
    /// Where the exponent leaves `Decimal`'s range Foundation traps; this still answers.
    static func foundationLargeInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        let negative = text.first == 0x2D
        if negative { index += 1 }
        var mantissa: UInt128 = 0
        var exponent = 0
        var inFraction = false
        var full = false
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == 0x2E { inFraction = true; continue }       // .
            if byte | 0x20 == 0x65 { break }                        // e E
            let digit = UInt128(byte &- 0x30)
            if !full, mantissa != 0 || digit != 0 {
                let (times10, overflowed) = mantissa.multipliedReportingOverflow(by: 10)
                let (next, overflowedAgain) = times10.addingReportingOverflow(digit)
                if overflowed || overflowedAgain { full = true } else { mantissa = next }
            }
            if inFraction, !full { exponent -= 1 }
            if !inFraction, full { exponent += 1 }
        }
        if index < text.count {  // after e or E
            var sign = 1
            if text[index] == 0x2B || text[index] == 0x2D {
                if text[index] == 0x2D { sign = -1 }
                index += 1
            }
            var written = 0
            while index < text.count {
                written = min(written * 10 + Int(text[index] &- 0x30), 1_000_000)
                index += 1
            }
            exponent += sign * written
        }
        guard mantissa != 0 else { return 0 }
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        guard var magnitude = UInt64(exactly: mantissa) else { return nil }
        while exponent < 0, magnitude != 0 {
            magnitude /= 10
            exponent += 1
        }
        while exponent > 0, magnitude != 0 {
            let (times10, overflowed) = magnitude.multipliedReportingOverflow(by: 10)
            if overflowed { return nil }
            magnitude = times10
            exponent -= 1
        }
        guard let value = Int64(exactly: magnitude) else { return nil }
        return negative ? -value : value
    }
}
