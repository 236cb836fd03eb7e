import KubeClient

/// An RFC 6901 JSON pointer: `""` is the whole document, `/a/0/b~1c` is `a`, `0`, `b/c`.
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String]) { self.tokens = tokens }

    /// Parses pointer text; anything not empty and not starting with `/` is rejected.
    public init(parsing text: String) throws(PatchError) {
        if text.isEmpty { tokens = []; return }
        guard text.hasPrefix("/") else {
            throw JSONPatch.failure("JSON pointer must be empty or start with a \"/\": \(text)")
        }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            // Order matters: "~01" is "~1", not "/".
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// The value the pointer names in `document`, `nil` when there is none.
    public func resolve(in document: JSONValue) -> JSONValue? {
        var node = document
        for token in tokens {
            switch node {
            case .object(let members):
                guard let next = members[token] else { return nil }
                node = next
            case .array(let items):
                guard let index = JSONPatch.arrayIndex(token, count: items.count, allowEnd: false) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }
}

/// RFC 6902 JSON patch (`application/json-patch+json`), with kube-apiserver's error mapping.
///
/// kube decodes the body with evanphx/json-patch: a body that is not a list of objects is
/// **400 BadRequest** with the decoder's message. Every failure while applying (a missing
/// path, a failed `test`, an unknown `op`, a missing `value`) is **422 Invalid** with the
/// generic message "the server rejected our request due to an error in our request" and no
/// causes (`NewGenericServerResponse(422, …, isUnexpectedResponse: false)` drops the text);
/// the library's own text (e.g. `testing value /x failed`) is kept in ``PatchError/detail``.
/// Negative array indices count from the end, as evanphx's `SupportNegativeIndices` allows.
public enum JSONPatch {
    /// kube's message for every JSON patch that fails to apply.
    public static let rejectedMessage = "the server rejected our request due to an error in our request"

    /// One operation as it arrived; `value` is `nil` when the member is absent (not `null`).
    public struct Operation: Sendable, Hashable {
        public var op: String?
        public var path: String?
        public var from: String?
        public var value: JSONValue?

        public init(op: String?, path: String?, from: String? = nil, value: JSONValue? = nil) {
            self.op = op
            self.path = path
            self.from = from
            self.value = value
        }

        public init(_ operation: JSONPatchOperation) {
            op = operation.op
            path = operation.path
            from = operation.from
            value = operation.value ?? (["add", "replace", "test"].contains(operation.op) ? JSONValue.null : JSONValue?.none)
        }
    }

    /// Reads a patch body. Not a list of objects: 400 BadRequest.
    public static func decode(_ body: JSONValue) throws(PatchError) -> [Operation] {
        guard case .array(let items) = body else {
            throw PatchError.badRequest("json: cannot unmarshal \(PatchJSON.typeName(body)) into Go value of type jsonpatch.Patch")
        }
        var operations: [Operation] = []
        for item in items {
            guard case .object(let members) = item else {
                throw PatchError.badRequest(
                    "json: cannot unmarshal \(PatchJSON.typeName(item)) into Go value of type jsonpatch.Operation")
            }
            operations.append(Operation(op: members["op"]?.stringValue, path: members["path"]?.stringValue,
                                        from: members["from"]?.stringValue, value: members["value"]))
        }
        return operations
    }

    /// Decodes and applies a patch body.
    public static func apply(_ body: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        try apply(try decode(body), to: document)
    }

    /// Applies typed operations (as ``KubeClient/Patch/json(_:)`` sends them).
    public static func apply(_ operations: [JSONPatchOperation], to document: JSONValue) throws(PatchError) -> JSONValue {
        try apply(operations.map(Operation.init), to: document)
    }

    /// Applies the operations in order; all or nothing.
    public static func apply(_ operations: [Operation], to document: JSONValue) throws(PatchError) -> JSONValue {
        var doc = document
        for operation in operations {
            try apply(operation, to: &doc)
        }
        return doc
    }

    static func failure(_ detail: String) -> PatchError {
        PatchError(code: 422, reason: "Invalid", message: rejectedMessage, detail: detail)
    }

    private static func apply(_ operation: Operation, to doc: inout JSONValue) throws(PatchError) {
        guard let op = operation.op else { throw failure("Unexpected kind: <missing op>") }
        guard let pathText = operation.path else { throw failure("\(op) operation missing path") }
        let path = try JSONPointer(parsing: pathText)
        switch op {
        case "add":
            guard let value = operation.value else { throw failure("add operation, missing value") }
            try add(value, at: path, in: &doc, op: op)
        case "remove":
            _ = try remove(at: path, in: &doc, op: op)
        case "replace":
            guard let value = operation.value else { throw failure("replace operation, missing value") }
            if path.tokens.isEmpty { doc = value; return }
            try mutateParent(of: path, in: &doc, op: op) { (parent: inout JSONValue, last: String) throws(PatchError) in
                switch parent {
                case .object(var members):
                    guard members[last] != nil else {
                        throw failure("replace operation does not apply: doc is missing key: \(path)")
                    }
                    members[last] = value
                    parent = .object(members)
                case .array(var items):
                    guard let index = arrayIndex(last, count: items.count, allowEnd: false) else {
                        throw failure("replace operation does not apply: doc is missing key: \(path)")
                    }
                    items[index] = value
                    parent = .array(items)
                default:
                    throw failure("replace operation does not apply: doc is missing path: \(path)")
                }
            }
        case "move", "copy":
            guard let fromText = operation.from else { throw failure("\(op) operation missing from") }
            let from = try JSONPointer(parsing: fromText)
            guard let value = from.resolve(in: doc) else {
                throw failure("\(op) operation does not apply: doc is missing from path: \(from)")
            }
            if op == "move" {
                if from == path { return }
                if path.tokens.count > from.tokens.count, Array(path.tokens.prefix(from.tokens.count)) == from.tokens {
                    throw failure("move operation does not apply: from \(from) is a prefix of path \(path)")
                }
                _ = try remove(at: from, in: &doc, op: op)
            }
            try add(value, at: path, in: &doc, op: op)
        case "test":
            let expected = operation.value ?? .null
            let actual = path.resolve(in: doc)
            if let actual, PatchJSON.equal(actual, expected) { return }
            // evanphx: testing a missing member against null succeeds.
            if actual == nil, expected == .null, path.tokens.count > 0 {
                var parentPointer = path
                parentPointer.tokens.removeLast()
                if case .object = parentPointer.resolve(in: doc) { return }
            }
            throw failure("testing value \(path) failed")
        default:
            throw failure("Unexpected kind: \(op)")
        }
    }

    private static func add(_ value: JSONValue, at path: JSONPointer, in doc: inout JSONValue, op: String) throws(PatchError) {
        if path.tokens.isEmpty { doc = value; return }
        try mutateParent(of: path, in: &doc, op: op) { (parent: inout JSONValue, last: String) throws(PatchError) in
            switch parent {
            case .object(var members):
                members[last] = value
                parent = .object(members)
            case .array(var items):
                guard let index = arrayIndex(last, count: items.count, allowEnd: true) else {
                    throw failure("\(op) operation does not apply: index out of bounds: \(path)")
                }
                items.insert(value, at: index)
                parent = .array(items)
            default:
                throw failure("\(op) operation does not apply: doc is missing path: \(path)")
            }
        }
    }

    private static func remove(at path: JSONPointer, in doc: inout JSONValue, op: String) throws(PatchError) -> JSONValue {
        guard !path.tokens.isEmpty else { throw failure("\(op) operation does not apply: cannot remove the whole document") }
        var removed = JSONValue.null
        try mutateParent(of: path, in: &doc, op: op) { (parent: inout JSONValue, last: String) throws(PatchError) in
            switch parent {
            case .object(var members):
                guard let old = members.removeValue(forKey: last) else {
                    throw failure("\(op) operation does not apply: doc is missing path: \(path)")
                }
                removed = old
                parent = .object(members)
            case .array(var items):
                guard let index = arrayIndex(last, count: items.count, allowEnd: false) else {
                    throw failure("\(op) operation does not apply: doc is missing path: \(path)")
                }
                removed = items.remove(at: index)
                parent = .array(items)
            default:
                throw failure("\(op) operation does not apply: doc is missing path: \(path)")
            }
        }
        return removed
    }

    /// Walks to the container holding the pointer's last token (which must exist) and lets
    /// `body` change it in place.
    private static func mutateParent(
        of path: JSONPointer, in doc: inout JSONValue, op: String,
        _ body: (inout JSONValue, String) throws(PatchError) -> Void
    ) throws(PatchError) {
        func walk(_ node: inout JSONValue, _ tokens: ArraySlice<String>) throws(PatchError) {
            let token = tokens.first!
            if tokens.count == 1 { try body(&node, token); return }
            switch node {
            case .object(var members):
                guard var child = members[token] else {
                    throw failure("\(op) operation does not apply: doc is missing path: \(path)")
                }
                members[token] = nil  // keep the child uniquely referenced while it changes
                try walk(&child, tokens.dropFirst())
                members[token] = child
                node = .object(members)
            case .array(var items):
                guard let index = arrayIndex(token, count: items.count, allowEnd: false) else {
                    throw failure("\(op) operation does not apply: doc is missing path: \(path)")
                }
                var child = items[index]
                try walk(&child, tokens.dropFirst())
                items[index] = child
                node = .array(items)
            default:
                throw failure("\(op) operation does not apply: doc is missing path: \(path)")
            }
        }
        try walk(&doc, path.tokens[...])
    }

    /// The array position a token names: decimal digits without leading zeros, `-` (one past
    /// the end, only when `allowEnd`), or a negative index counted from the end.
    static func arrayIndex(_ token: String, count: Int, allowEnd: Bool) -> Int? {
        if token == "-" { return allowEnd ? count : nil }
        guard let value = Int(token), token == String(value) else { return nil }
        let upper = allowEnd ? count : count - 1
        if value >= 0 { return value <= upper ? value : nil }
        let fromEnd = count + value
        return fromEnd >= 0 && fromEnd <= upper ? fromEnd : nil
    }
}
