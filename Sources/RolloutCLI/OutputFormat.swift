import ArgumentParser
import Foundation
import KubeClient
import SluiceAPI

/// kubectl's `-o` values.
public enum OutputFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case json, yaml, wide, name

    /// `value` as JSON (pretty, sorted keys) or YAML; nil for the text formats.
    static func document<Value: Encodable>(_ value: Value, as format: OutputFormat?) throws -> String? {
        switch format {
        case .json?:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        case .yaml?:
            return String(try YAMLText.render(try KubeJSON.value(of: value)).dropLast())
        default:
            return nil
        }
    }
}
