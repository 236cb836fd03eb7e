import Foundation
import KubeClient
import SluiceAPI

/// A run's arguments with every value known, secrets included, ready to fill in
/// `{{args.NAME}}`. Remembers which values are secret so messages can be scrubbed of them.
public struct ResolvedArguments: Sendable {
    public private(set) var values: [String: String]
    private var secretValues: Set<String>

    public init(values: [String: String] = [:], secretValues: Set<String> = []) {
        self.values = values
        self.secretValues = secretValues.filter { !$0.isEmpty }
    }

    /// Reads each argument's value: its `value`, or its Secret. A `fieldRef` left in a run
    /// (one not created from a Rollout) has no owner to read and is an error.
    public static func resolve(_ arguments: [Argument]?, namespace: String, secrets: any SecretReader) async throws(MeasurementError) -> ResolvedArguments {
        var resolved = ResolvedArguments()
        for argument in arguments ?? [] {
            if let value = argument.value {
                resolved.values[argument.name] = value
            } else if let secret = argument.valueFrom?.secretKeyRef {
                let value = try await secrets.value(namespace: namespace, name: secret.name, key: secret.key)
                resolved.values[argument.name] = value
                if !value.isEmpty { resolved.secretValues.insert(value) }
            } else if argument.valueFrom?.fieldRef != nil {
                throw MeasurementError(.configuration, "argument \"\(argument.name)\": fieldRef is filled in when a Rollout creates the run; this run has no value for it")
            } else {
                throw MeasurementError(.configuration, "argument \"\(argument.name)\" has no value")
            }
        }
        return resolved
    }

    /// Adds a value that must never appear in messages (a token read for a request).
    public mutating func addSecret(_ value: String) {
        if !value.isEmpty { secretValues.insert(value) }
    }

    /// `text` with every `{{args.NAME}}` (spaces inside the braces allowed) replaced by its
    /// value. Other `{{...}}` are left as written. Throws for an argument without a value.
    public func substitute(_ text: String) throws(MeasurementError) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            output += rest[..<open.lowerBound]
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if inside.hasPrefix("args.") {
                let name = String(inside.dropFirst("args.".count))
                guard let value = values[name] else {
                    throw MeasurementError(.configuration, "{{args.\(name)}} has no value: the run does not declare argument \"\(name)\"")
                }
                output += value
            } else {
                output += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    /// `text` with every secret value replaced by `***`.
    public func redact(_ text: String) -> String {
        secretValues.sorted { $0.count > $1.count }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// `error` with its message redacted.
    public func redact(_ error: MeasurementError) -> MeasurementError {
        MeasurementError(error.kind, redact(error.message))
    }
}

extension Metric {
    /// The metric with `{{args.NAME}}` filled in everywhere a user can write it: conditions,
    /// Prometheus address, query and headers, web URL, headers, body and jsonPath, and every
    /// string of a Job's metadata and spec.
    public func resolved(with arguments: ResolvedArguments) throws(MeasurementError) -> Metric {
        var metric = self
        let fill = arguments.substitute
        metric.successCondition = try successCondition.map(fill)
        metric.failureCondition = try failureCondition.map(fill)
        if var prometheus = provider.prometheus {
            prometheus.address = try fill(prometheus.address)
            prometheus.query = try fill(prometheus.query)
            prometheus.headers = try prometheus.headers?.map { header throws(MeasurementError) in
                WebMetricHeader(key: header.key, value: try fill(header.value))
            }
            metric.provider.prometheus = prometheus
        }
        if var web = provider.web {
            web.url = try fill(web.url)
            web.body = try web.body.map(fill)
            web.jsonPath = try web.jsonPath.map(fill)
            web.headers = try web.headers?.map { header throws(MeasurementError) in
                WebMetricHeader(key: header.key, value: try fill(header.value))
            }
            metric.provider.web = web
        }
        if var job = provider.job {
            job.spec = try Self.substitute(in: job.spec, fill)
            if var metadata = job.metadata {
                metadata.labels = try metadata.labels.map { labels throws(MeasurementError) in try Self.substitute(in: labels, fill) }
                metadata.annotations = try metadata.annotations.map { annotations throws(MeasurementError) in try Self.substitute(in: annotations, fill) }
                job.metadata = metadata
            }
            metric.provider.job = job
        }
        return metric
    }

    private static func substitute(in strings: [String: String], _ fill: (String) throws(MeasurementError) -> String) throws(MeasurementError) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in strings { result[key] = try fill(value) }
        return result
    }

    private static func substitute(in value: JSONValue, _ fill: (String) throws(MeasurementError) -> String) throws(MeasurementError) -> JSONValue {
        switch value {
        case .string(let text): return .string(try fill(text))
        case .array(let items):
            var result: [JSONValue] = []
            for item in items { result.append(try substitute(in: item, fill)) }
            return .array(result)
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members { result[key] = try substitute(in: member, fill) }
            return .object(result)
        default: return value
        }
    }
}
