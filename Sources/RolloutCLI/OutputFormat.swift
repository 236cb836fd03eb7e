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

extension OutputFormat {
    /// The flag checks `status` and `get` share: `-o` is json or yaml (the view as data), not
    /// with `--watch`, and `--timeout` only with `--watch`.
    static func validateViewFlags(_ command: String, output: OutputFormat?, watch: Bool, timeout: String?) throws {
        if let output, output != .json, output != .yaml { throw ValidationError("-o \(output.rawValue): \(command) prints json or yaml") }
        if watch, output != nil { throw ValidationError("-o cannot be combined with --watch") }
        if timeout != nil, !watch { throw ValidationError("--timeout needs --watch") }
    }
}
