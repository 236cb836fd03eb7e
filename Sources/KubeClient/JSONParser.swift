import Foundation

/// A strict RFC 8259 parser from UTF-8 bytes straight to ``JSONValue``: one recursive-descent
/// pass over the bytes, no tokens, no Codable, no `JSONSerialization`.
///
/// It gives what `JSONDecoder` gives when decoding a `JSONValue` (same integers and doubles,
/// see `JSONParser+Numbers.swift`; the first of duplicate keys wins; at most 512 nested
/// arrays and objects; a leading UTF-8 byte order mark is skipped), but it is strict where
/// Foundation is lenient: a trailing comma, UTF-16 or UTF-32 input, or a NUL after the value
/// are errors. Errors are `DecodingError.dataCorrupted` naming the byte offset, line and
/// column and what was expected; they quote at most one byte of the document.
struct JSONParser {
    /// The deepest nesting of arrays and objects accepted, as in `JSONDecoder`.
    static let maximumDepth = 512

    /// The document. A plain pointer, whose subscript is inlined even in debug builds (a
    /// buffer's is a call with its own bounds checks); every read follows a check against `end`.
    let bytes: UnsafePointer<UInt8>
    let end: Int
    var position = 0
    var depth = 0
    /// Members of the objects being parsed, innermost last: an object's dictionary is made
    /// once its size is known, rather than grown (and rehashed) member by member.
    private var pendingMembers: [(key: String, value: JSONValue)] = []

    private init(_ bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.end = count
    }

    /// Parses one whole JSON document.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "invalid JSON at byte offset 0 (line 1, column 1): the document is empty"))
        }
        var parser = JSONParser(base, count: buffer.count)
        if parser.end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { parser.position = 3 }
        parser.skipWhitespace()
        if parser.position == parser.end { throw parser.error("the document is empty") }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == parser.end else { throw parser.unexpected("the end of the document after the value") }
        return value
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { try parse($0.bindMemory(to: UInt8.self)) }
    }

    // MARK: Values

    mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard position < end else { throw unexpected("a value") }
        switch bytes[position] {
        case 0x7B: return try parseObject()                      // {
        case 0x5B: return try parseArray()                       // [
        case 0x22: return .string(try parseString())             // "
        case 0x74: try parseLiteral("true"); return .bool(true)   // t
        case 0x66: try parseLiteral("false"); return .bool(false) // f
        case 0x6E: try parseLiteral("null"); return .null         // n
        case 0x2D, 0x30...0x39: return try parseNumber()         // - 0-9
        default: throw unexpected("a value")
        }
    }

    /// The array whose `[` is at `position`.
    mutating func parseArray() throws -> JSONValue {
        try enterContainer()
        var items: [JSONValue] = []
        skipWhitespace()
        if position < end, bytes[position] == 0x5D {  // ]
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard position < end else { throw unexpected("',' or ']' after an array element") }
            switch bytes[position] {
            case 0x2C:  // ,
                position += 1
            case 0x5D:  // ]
                position += 1
                depth -= 1
                return .array(items)
            default:
                throw unexpected("',' or ']' after an array element")
            }
        }
    }

    /// The object whose `{` is at `position`. Of duplicate keys the first wins, as in `JSONDecoder`.
    mutating func parseObject() throws -> JSONValue {
        try enterContainer()
        skipWhitespace()
        if position < end, bytes[position] == 0x7D {  // }
            position += 1
            depth -= 1
            return .object([:])
        }
        let first = pendingMembers.count
        while true {
            skipWhitespace()
            guard position < end, bytes[position] == 0x22 else { throw unexpected("a string key") }
            let key = try parseString()
            skipWhitespace()
            guard position < end, bytes[position] == 0x3A else { throw unexpected("':' after an object key") }
            position += 1
            pendingMembers.append((key, try parseValue()))
            skipWhitespace()
            guard position < end else { throw unexpected("',' or '}' after an object member") }
            switch bytes[position] {
            case 0x2C:  // ,
                position += 1
            case 0x7D:  // }
                position += 1
                depth -= 1
                return .object(takeMembers(from: first))
            default:
                throw unexpected("',' or '}' after an object member")
            }
        }
    }

    /// The dictionary of `pendingMembers[first...]`, which are removed.
    private mutating func takeMembers(from first: Int) -> [String: JSONValue] {
        var members = [String: JSONValue](minimumCapacity: pendingMembers.count - first)
        // Last to first, so that of duplicate keys the first is stored last and stays.
        var index = pendingMembers.count - 1
        while index >= first {
            let member = pendingMembers[index]
            members[member.key] = member.value
            index -= 1
        }
        pendingMembers.removeSubrange(first...)
        return members
    }

    /// Steps over the `[` or `{` at `position`, one level deeper.
    private mutating func enterContainer() throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("arrays and objects are nested more than \(Self.maximumDepth) deep")
        }
        position += 1
    }

    private mutating func parseLiteral(_ literal: StaticString) throws {
        let text = literal.utf8Start
        for index in 0..<literal.utf8CodeUnitCount {
            guard position < end, bytes[position] == text[index] else { throw unexpected("'\(literal)'") }
            position += 1
        }
    }

    mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    // MARK: Errors

    /// "expected `expected`, found …" at `position`.
    func unexpected(_ expected: String) -> DecodingError {
        error("expected \(expected), found \(describeByte(at: position))")
    }

    /// `message` at `offset` (by default `position`), with the line and column there.
    func error(_ message: String, at offset: Int? = nil) -> DecodingError {
        let offset = min(offset ?? position, end)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let location = "byte offset \(offset) (line \(line), column \(offset - lineStart + 1))"
        return DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: [], debugDescription: "invalid JSON at \(location): \(message)"))
    }

    /// The byte at `offset` for an error message: printable ASCII quoted, anything else in hex.
    func describeByte(at offset: Int) -> String {
        guard offset < end else { return "the end of the document" }
        let byte = bytes[offset]
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte " + Self.hex(byte)
    }

    /// `0x0A`, `0xFF`.
    static func hex(_ byte: UInt8) -> String {
        (byte < 0x10 ? "0x0" : "0x") + String(byte, radix: 16, uppercase: true)
    }
}
