import KubeClient
@testable import SluiceAPI
import Testing

/// Schema and Swift types must not drift: every schema property is a stored property (and
/// coding key) of its type, every stored property is in the schema, and a value built from
/// the schema decodes and encodes back to itself.
@Suite("Schema matches the Swift types")
struct SchemaConformanceTests {
    struct Kind: Sendable, CustomTestStringConvertible {
        var name: String
        var schema: Schema
        /// Decodes the JSON as the kind's type and returns the value and its encoding.
        var roundTrip: @Sendable (JSONValue) throws -> (any Sendable, JSONValue)
        var testDescription: String { name }

        static func of<T: SluiceResource>(_ type: T.Type) -> Kind {
            Kind(name: "\(T.self)", schema: T.schema) { json in
                let checked = T.decodeChecked(from: json)
                guard let value = checked.value else { throw TestFailure("\(T.self) does not decode: \(checked.problems)") }
                return (value, try KubeJSON.value(of: value))
            }
        }
    }

    static let kinds: [Kind] = [.of(Rollout.self), .of(AnalysisTemplate.self), .of(ClusterAnalysisTemplate.self), .of(AnalysisRun.self)]

    /// A value with every property of the schema set.
    static func sample(_ schema: Schema) -> JSONValue {
        switch schema.type {
        case .object:
            if !schema.properties.isEmpty { return .object(schema.properties.mapValues(sample)) }
            if let values = schema.additionalProperties { return ["some-key": sample(values)] }
            return schema.preservesUnknownFields ? ["anything": ["kept": [1, "as written"]]] : [:]
        case .array: return .array([sample(schema.items!)])
        case .string:
            if let first = schema.enumValues.first { return .string(first) }
            return schema.format == "date-time" ? "2025-03-01T12:00:00Z" : "text"
        case .integer: return 7
        case .number: return 0.5
        case .boolean: return true
        case .intOrString: return "30s"
        }
    }

    @Test(arguments: kinds)
    func fullSampleIsStructurallyValidAndRoundTrips(_ kind: Kind) throws {
        let sample = Self.sample(kind.schema)
        #expect(StructuralCheck.findings(in: sample, against: kind.schema).isEmpty)
        let (_, encoded) = try kind.roundTrip(sample)
        // Paths where the type drops, adds or changes what the schema describes.
        #expect(Self.differences(sample, encoded) == [])
    }

    @Test(arguments: kinds)
    func everyStoredPropertyIsInTheSchemaAndBack(_ kind: Kind) throws {
        let (value, _) = try kind.roundTrip(Self.sample(kind.schema))
        var mismatches: [String] = []
        var visitedObjects = 0
        Self.walk(value, kind.schema, path: kind.name, mismatches: &mismatches, visited: &visitedObjects)
        #expect(mismatches == [])
        #expect(visitedObjects > 10)
    }

    /// Walks a decoded value beside its schema with Mirror, recording stored properties the
    /// schema lacks and schema properties the type lacks.
    static func walk(_ value: Any, _ schema: Schema, path: String, mismatches: inout [String], visited: inout Int) {
        var mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return }
            mirror = Mirror(reflecting: wrapped)
        }
        switch schema.type {
        case .object where !schema.properties.isEmpty:
            visited += 1
            let stored = Dictionary(mirror.children.compactMap { child in child.label.map { ($0, child.value) } }, uniquingKeysWith: { a, _ in a })
            for name in schema.properties.keys.sorted() where stored[name] == nil {
                mismatches.append("\(path).\(name): in the schema, not a stored property")
            }
            if !schema.preservesUnknownFields {
                for name in stored.keys.sorted() where schema.properties[name] == nil {
                    mismatches.append("\(path).\(name): a stored property, not in the schema")
                }
            }
            for (name, property) in schema.properties.sorted(by: { $0.key < $1.key }) {
                if let child = stored[name] { walk(child, property, path: "\(path).\(name)", mismatches: &mismatches, visited: &visited) }
            }
        case .object where schema.additionalProperties != nil:
            for child in mirror.children {
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                if pair.count == 2 { walk(pair[1], schema.additionalProperties!, path: "\(path)[]", mismatches: &mismatches, visited: &visited) }
            }
        case .array:
            for child in mirror.children { walk(child.value, schema.items!, path: "\(path)[]", mismatches: &mismatches, visited: &visited) }
        default:
            break
        }
    }

    static func differences(_ a: JSONValue, _ b: JSONValue, path: String = "") -> [String] {
        switch (a, b) {
        case (.object(let left), .object(let right)):
            return Set(left.keys).union(right.keys).sorted().flatMap { key -> [String] in
                guard let l = left[key], let r = right[key] else { return ["\(path).\(key)"] }
                return differences(l, r, path: "\(path).\(key)")
            }
        case (.array(let left), .array(let right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { differences($0.element.0, $0.element.1, path: "\(path)[\($0.offset)]") }
        default:
            return a == b ? [] : [path]
        }
    }

    @Test func metadataValidationSchemaCoversObjectMeta() {
        var mismatches: [String] = []
        var visited = 0
        let meta = ObjectMeta(name: "n", namespace: "ns", labels: [:], annotations: [:])
        var schema = ObjectMeta.validationSchema
        schema.properties["selfLink"] = nil  // accepted on input, not a stored property
        Self.walk(meta, schema, path: "metadata", mismatches: &mismatches, visited: &visited)
        #expect(mismatches == [])
    }
}
