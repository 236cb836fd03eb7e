extension JSONParser {
    /// The string whose opening `"` is at `position`. Strings without escapes are made
    /// straight from the document's bytes; the bytes must be well-formed UTF-8 and control
    /// characters must be escaped.
    mutating func parseString() throws -> String {
        position += 1
        let start = position
        while position < end {
            let byte = bytes[position]
            if byte == 0x22 {  // "
                let string = String(decoding: UnsafeBufferPointer(start: bytes + start, count: position - start), as: UTF8.self)
                position += 1
                return string
            }
            if byte == 0x5C { return try parseEscapedString(from: start) }  // \
            if byte < 0x20 { throw controlCharacter(byte) }
            if byte < 0x80 { position += 1 } else { try skipMultibyteCharacter() }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// The rest of a string that has an escape at `position`; `start` is its first byte.
    private mutating func parseEscapedString(from start: Int) throws -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(position - start + 32)
        var run = start  // the first byte not yet copied to `utf8`
        while position < end {
            let byte = bytes[position]
            if byte == 0x22 {  // "
                utf8.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: position - run))
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == 0x5C {  // \
                utf8.append(contentsOf: UnsafeBufferPointer(start: bytes + run, count: position - run))
                try appendEscape(to: &utf8)
                run = position
            } else if byte < 0x20 {
                throw controlCharacter(byte)
            } else if byte < 0x80 {
                position += 1
            } else {
                try skipMultibyteCharacter()
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Decodes the escape whose `\` is at `position` into `utf8`.
    private mutating func appendEscape(to utf8: inout [UInt8]) throws {
        let escape = position
        position += 1
        guard position < end else { throw error("unterminated string") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case 0x22, 0x5C, 0x2F: utf8.append(byte)  // " \ /
        case 0x62: utf8.append(0x08)              // b
        case 0x66: utf8.append(0x0C)              // f
        case 0x6E: utf8.append(0x0A)              // n
        case 0x72: utf8.append(0x0D)              // r
        case 0x74: utf8.append(0x09)              // t
        case 0x75:                                 // u
            let unit = try parseHexQuad()
            var scalar = unit
            if (0xDC00...0xDFFF).contains(unit) {
                throw error("\\u\(Self.hex4(unit)) is a lone low surrogate", at: escape)
            }
            if (0xD800...0xDBFF).contains(unit) {
                let lowEscape = position
                guard end - position >= 2, bytes[position] == 0x5C, bytes[position + 1] == 0x75 else {
                    throw error("\\u\(Self.hex4(unit)) is a high surrogate not followed by a low surrogate escape", at: escape)
                }
                position += 2
                let low = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("\\u\(Self.hex4(unit)) is a high surrogate followed by \\u\(Self.hex4(low)), not a low surrogate",
                                at: lowEscape)
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            }
            Self.appendUTF8(scalar, to: &utf8)
        default:
            position -= 1
            throw unexpected("one of \" \\ / b f n r t u after '\\' in a string")
        }
    }

    /// The four hex digits of a `\u` escape at `position`.
    private mutating func parseHexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < end else { throw unexpected("four hex digits after '\\u'") }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw unexpected("four hex digits after '\\u'")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Steps over the multi-byte UTF-8 character at `position`, which must be well formed
    /// (RFC 3629: shortest form, no surrogates, nothing above U+10FFFF).
    private mutating func skipMultibyteCharacter() throws {
        let lead = bytes[position]
        let length: Int
        var low: UInt8 = 0x80  // the range of the second byte
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8: \(Self.hex(lead)) cannot start a character")
        }
        guard end - position >= length else { throw error("invalid UTF-8: the document ends inside a character") }
        let second = bytes[position + 1]
        guard second >= low, second <= high else {
            throw error("invalid UTF-8: \(Self.hex(second)) cannot follow \(Self.hex(lead))", at: position + 1)
        }
        var index = position + 2
        while index < position + length {
            guard bytes[index] & 0xC0 == 0x80 else {
                throw error("invalid UTF-8: \(Self.hex(bytes[index])) is not a continuation byte", at: index)
            }
            index += 1
        }
        position += length
    }

    private func controlCharacter(_ byte: UInt8) -> DecodingError {
        error("control character \(Self.hex(byte)) in a string must be escaped")
    }

    private static func hex4(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Appends the UTF-8 encoding of `scalar` (not a surrogate, at most U+10FFFF).
    private static func appendUTF8(_ scalar: UInt32, to utf8: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            utf8.append(UInt8(scalar))
        case ..<0x800:
            utf8.append(UInt8(0xC0 | scalar >> 6))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            utf8.append(UInt8(0xE0 | scalar >> 12))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        default:
            utf8.append(UInt8(0xF0 | scalar >> 18))
            utf8.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
