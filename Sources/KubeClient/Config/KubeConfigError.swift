import Foundation
import Yams

/// A kubeconfig or in-cluster configuration that could not be loaded.
///
/// The message names where the problem is (the file, or the merged set of files), the entry
/// and field, and what was expected, for example
/// `kubeconfig /x/config: user "alice": client-key-data is not valid base64`.
/// It never contains a secret value (token, password, key data).
public struct KubeConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is, for callers that want to react to one kind.
    public enum Reason: Sendable, Equatable {
        /// No kubeconfig file was found and not running in a cluster.
        case noConfiguration
        /// A file that had to exist does not (an explicit kubeconfig, a referenced certificate).
        case fileNotFound
        /// A file exists but could not be read.
        case unreadableFile
        /// A kubeconfig file is not valid YAML or does not have the kubeconfig shape.
        case syntax
        /// A field has a value that cannot be used (bad base64, malformed URL, ...).
        case invalidValue
        /// A required field is missing, or one half of a pair (certificate / key) is.
        case missingValue
        /// A field Sluice deliberately does not support (`auth-provider`, `proxy-url`, `as`, ...).
        case unsupported
        /// No context was selected, or the selected one does not exist.
        case contextNotFound
        /// The selected context names a cluster that does not exist.
        case clusterNotFound
        /// The selected context names a user that does not exist.
        case userNotFound
    }

    /// What kind of problem this is.
    public var reason: Reason
    /// Where it is: `kubeconfig /x/config`, `merged kubeconfig /a:/b` or `in-cluster configuration`.
    public var location: String
    /// What is wrong there, e.g. `user "alice": client-key-data is not valid base64`.
    public var detail: String

    /// Creates an error; `detail` must not contain secret values.
    public init(_ reason: Reason, location: String, _ detail: String) {
        self.reason = reason
        self.location = location
        self.detail = detail
    }

    /// `location: detail`.
    public var description: String { "\(location): \(detail)" }
}

extension KubeConfigError {
    /// Describes a Yams or decoding failure without echoing the document: Yams' own description
    /// includes a snippet of the offending line, which could be a token or a key.
    static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError {
            return describe(yaml)
        }
        if let decoding = error as? DecodingError {
            return describe(decoding, droppingPrefix: 0)
        }
        return "\(type(of: error))"
    }

    static func describe(_ error: YamlError) -> String {
        func at(_ mark: Mark) -> String { "line \(mark.line), column \(mark.column)" }
        func context(_ context: YamlError.Context?) -> String {
            guard let context else { return "" }
            return "\(context.text) at \(at(context.mark)): "
        }
        switch error {
        case let .scanner(ctx, problem, mark, _):
            return "invalid YAML at \(at(mark)): \(context(ctx))\(problem)"
        case let .parser(ctx, problem, mark, _):
            return "invalid YAML at \(at(mark)): \(context(ctx))\(problem)"
        case let .composer(ctx, problem, mark, _):
            return "invalid YAML at \(at(mark)): \(context(ctx))\(problem)"
        case let .reader(problem, offset, _, _):
            return "invalid YAML at offset \(offset.map(String.init) ?? "?"): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, ctx):
            return "invalid YAML at \(at(ctx.mark)): duplicated key(s) \(duplicates.sorted().joined(separator: ", "))"
        case .dataCouldNotBeDecoded:
            return "invalid YAML: not valid UTF-8"
        default:
            // .no, .memory, .writer, .emitter, .representer: messages that never hold document text.
            return "invalid YAML: \(error)"
        }
    }

    /// `users[0].user.exec.args: expected Array<String>`-style text. Yams' decoding messages
    /// name types only, never values, so they are safe to pass along.
    static func describe(_ error: DecodingError, droppingPrefix: Int) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath.dropFirst(droppingPrefix) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        func prefixed(_ codingPath: [any CodingKey], _ text: String) -> String {
            let where_ = path(codingPath)
            return where_.isEmpty ? text : "\(where_): \(text)"
        }
        switch error {
        case let .typeMismatch(type, context):
            return prefixed(context.codingPath, "expected \(typeName(type))")
        case let .valueNotFound(type, context):
            return prefixed(context.codingPath, "expected \(typeName(type)), found nothing")
        case let .keyNotFound(key, context):
            return prefixed(context.codingPath, "missing field \(key.stringValue)")
        case let .dataCorrupted(context):
            if let yaml = context.underlyingError as? YamlError {
                return describe(yaml)
            }
            return prefixed(context.codingPath, "invalid value")
        @unknown default:
            return "invalid document"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean (true or false)"
        case is Int.Type: return "an integer"
        case is Node.Mapping.Type: return "a mapping"
        case is Node.Sequence.Type: return "a list"
        case is Node.Scalar.Type: return "a single value"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array<") { return "a list" }
            if name.hasPrefix("Dictionary<") { return "a mapping" }
            return name
        }
    }
}
