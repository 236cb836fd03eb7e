import KubeClient

/// Checks a JSON value against a ``Schema`` the way the API server would before a typed
/// decode: every wrong type, missing required member, value outside an enumeration and
/// unknown field, each with its path. Nothing stops at the first problem.
public enum StructuralCheck {
    /// One finding; `isUnknownField` findings do not stop a typed decode (the field is dropped),
    /// all others do.
    public struct Finding: Sendable, Hashable {
        public var problem: ValidationProblem
        public var isUnknownField: Bool
    }

    /// Every finding for `value` against `schema`. At the root, `metadata` is checked
    /// against ``ObjectMeta/validationSchema``.
    public static func findings(in value: JSONValue, against schema: Schema) -> [Finding] {
        var findings: [Finding] = []
        check(value, schema, at: .root, into: &findings)
        return findings
    }

    private static func check(_ value: JSONValue, _ schema: Schema, at path: FieldPath, into findings: inout [Finding]) {
        func fail(_ message: String) {
            findings.append(Finding(problem: ValidationProblem(path, message), isUnknownField: false))
        }
        switch schema.type {
        case .object:
            guard case .object(let members) = value else { return fail("expected object, got \(describe(value))") }
            for name in schema.required where members[name] == nil || members[name] == .null {
                findings.append(Finding(problem: ValidationProblem(path[name], "required"), isUnknownField: false))
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) where member != .null {
                if var memberSchema = schema.properties[name] {
                    if path.isRoot, name == "metadata" { memberSchema = ObjectMeta.validationSchema }
                    check(member, memberSchema, at: path[name], into: &findings)
                } else if let values = schema.additionalProperties {
                    check(member, values, at: path[name], into: &findings)
                } else if !schema.preservesUnknownFields {
                    let hint = suggestion(for: name, among: Array(schema.properties.keys)).map { " (did you mean \"\($0)\"?)" } ?? ""
                    findings.append(Finding(problem: ValidationProblem(path[name], "unknown field\(hint)"), isUnknownField: true))
                }
            }
        case .array:
            guard case .array(let items) = value else { return fail("expected array, got \(describe(value))") }
            if let itemSchema = schema.items {
                for (index, item) in items.enumerated() { check(item, itemSchema, at: path[index], into: &findings) }
            }
        case .string:
            guard case .string(let text) = value else { return fail("expected string, got \(describe(value))") }
            if !schema.enumValues.isEmpty, !schema.enumValues.contains(text) {
                fail("must be one of \(schema.enumValues.joined(separator: ", ")), got \"\(text)\"")
            } else if schema.format == "date-time", Timestamp(rfc3339: text) == nil {
                fail("expected an RFC 3339 time such as 2025-03-01T12:00:00Z, got \"\(text)\"")
            }
        case .integer:
            guard case .integer(let number) = value else { return fail("expected integer, got \(describe(value))") }
            if schema.format == "int32", Int32(exactly: number) == nil {
                fail("must fit in 32 bits (\(Int32.min)..\(Int32.max)), got \(number)")
            }
        case .number:
            switch value {
            case .integer, .double: break
            default: fail("expected number, got \(describe(value))")
            }
        case .boolean:
            guard case .bool = value else { return fail("expected boolean, got \(describe(value))") }
        case .intOrString:
            switch value {
            case .integer, .string: break
            default: fail("expected integer or string, got \(describe(value))")
            }
        }
    }

    /// `string "three"`, `integer 3`, `object`: what was found, briefly.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "boolean \(flag)"
        case .integer(let number): return "integer \(number)"
        case .double(let number): return "number \(number)"
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "string \"\(shown)\""
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The known name closest to `name` when it is a likely typo (edit distance at most 2,
    /// or equal ignoring case).
    static func suggestion(for name: String, among known: [String]) -> String? {
        let lower = name.lowercased()
        let scored = known.map { candidate -> (String, Int) in
            (candidate, candidate.lowercased() == lower ? 0 : editDistance(Array(lower), Array(candidate.lowercased())))
        }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= 2, best.1 < name.count else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension ObjectMeta {
    /// The members of `metadata` Sluice reads, with their types, for the local structural
    /// check. (The CRD itself may only say `metadata` is an object.)
    public static var validationSchema: Schema {
        .object("Standard object metadata.", [
            "name": .string(), "generateName": .string(), "namespace": .string(), "uid": .string(),
            "resourceVersion": .string(), "generation": .int64(), "selfLink": .string(),
            "creationTimestamp": Timestamp.schema, "deletionTimestamp": Timestamp.schema,
            "deletionGracePeriodSeconds": .int64(),
            "labels": [String: String].schema, "annotations": [String: String].schema,
            "ownerReferences": .array(of: .preservedObject()), "finalizers": [String].schema,
            "managedFields": .array(of: .preservedObject()),
        ])
    }
}
