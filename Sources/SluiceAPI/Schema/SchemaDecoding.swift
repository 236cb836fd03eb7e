import Foundation
import KubeClient

/// A value decoded from JSON together with every problem found on the way. `value` is nil
/// when the JSON's shape made a typed decode impossible.
public struct Checked<Value: Sendable>: Sendable {
    public var value: Value?
    public var problems: [ValidationProblem]

    public init(value: Value?, problems: [ValidationProblem]) {
        self.value = value
        self.problems = problems
    }

    /// Decoded, with no problem of any kind.
    public var isValid: Bool { value != nil && problems.isEmpty }
}

/// Sluice's own kinds: decodable, with a schema, and a semantic validation that returns
/// every problem.
public protocol SluiceResource: SchemaDescribable, Codable, Sendable {
    /// Every semantic problem (ranges, one-of rules, references between fields), each with its
    /// field path. Empty when the object is valid. Pure; safe to call from any thread.
    func validate() -> [ValidationProblem]
}

extension SchemaDescribable where Self: Decodable & Sendable {
    /// Checks `json` against ``schema`` (types, required members, enumerations, unknown
    /// fields), then decodes it when its shape allows.
    public static func decodeChecked(from json: JSONValue) -> Checked<Self> {
        let findings = StructuralCheck.findings(in: json, against: schema)
        let problems = findings.map(\.problem)
        guard findings.allSatisfy(\.isUnknownField) else { return Checked(value: nil, problems: problems) }
        do {
            let value = try KubeJSON.decoder().decode(Self.self, from: Data(try KubeJSON.encode(json)))
            return Checked(value: value, problems: problems)
        } catch let error as DecodingError {
            return Checked(value: nil, problems: problems + [Self.problem(for: error)])
        } catch {
            return Checked(value: nil, problems: problems + [ValidationProblem(.root, "cannot decode: \(error)")])
        }
    }

    /// A decoding failure the structural check did not foresee, at its coding path.
    static func problem(for error: DecodingError) -> ValidationProblem {
        func path(_ keys: [any CodingKey]) -> FieldPath {
            keys.reduce(FieldPath.root) { path, key in key.intValue.map { path[$0] } ?? path[key.stringValue] }
        }
        switch error {
        case .keyNotFound(let key, let context): return ValidationProblem(path(context.codingPath + [key]), "required")
        case .typeMismatch(let type, let context): return ValidationProblem(path(context.codingPath), "expected \(type)")
        case .valueNotFound(let type, let context): return ValidationProblem(path(context.codingPath), "expected \(type), got null")
        case .dataCorrupted(let context): return ValidationProblem(path(context.codingPath), context.debugDescription)
        @unknown default: return ValidationProblem(.root, "cannot decode: \(error)")
        }
    }
}

extension SluiceResource {
    /// Structural check, typed decode, then ``validate()``: every problem the object has.
    public static func decodeAndValidate(from json: JSONValue) -> Checked<Self> {
        var checked = decodeChecked(from: json)
        if let value = checked.value { checked.problems += value.validate() }
        return checked
    }
}
