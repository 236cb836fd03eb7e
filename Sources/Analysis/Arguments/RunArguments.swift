import KubeClient
import SluiceAPI

/// What a Rollout offers to arguments when it creates an AnalysisRun: the pod-template
/// hashes of its stable and latest ReplicaSets, and itself (for `fieldRef`).
public struct RolloutArgumentSource: Sendable, Hashable {
    public var stablePodTemplateHash: String?
    public var latestPodTemplateHash: String?
    /// The Rollout as JSON; `fieldRef` paths (`metadata.labels['app']`) are read from it.
    public var rollout: JSONValue

    public init(stablePodTemplateHash: String?, latestPodTemplateHash: String?, rollout: JSONValue) {
        self.stablePodTemplateHash = stablePodTemplateHash
        self.latestPodTemplateHash = latestPodTemplateHash
        self.rollout = rollout
    }
}

/// An argument that cannot be given a value, named with the reason.
public struct ArgumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var argument: String
    public var message: String

    public init(argument: String, message: String) {
        self.argument = argument
        self.message = message
    }

    public var description: String { "argument \"\(argument)\": \(message)" }
}

extension AnalysisRunSpec {
    /// The spec of the run a Rollout creates from `templates`: their metrics together, and
    /// their arguments with the values the Rollout passes or its fields give. Secret
    /// arguments stay references (`valueFrom.secretKeyRef`); they are read per measurement
    /// and never written into the run.
    ///
    /// The run follows the decision of the one template that has one.
    ///
    /// Throws when two templates declare one argument with different defaults or sources,
    /// define metrics of the same name, both carry a decision, or an argument is left without
    /// a value.
    public static func fromTemplates(
        _ templates: [AnalysisTemplateSpec], passing passed: [AnalysisArgument], source: RolloutArgumentSource
    ) throws(ArgumentError) -> AnalysisRunSpec {
        var arguments: [Argument] = []
        for template in templates {
            for argument in template.args ?? [] {
                if let existing = arguments.firstIndex(where: { $0.name == argument.name }) {
                    guard arguments[existing] == argument || argument.isRequired || arguments[existing].isRequired else {
                        throw ArgumentError(argument: argument.name, message: "two templates declare it with different values or sources")
                    }
                    if arguments[existing].isRequired { arguments[existing] = argument }
                } else {
                    arguments.append(argument)
                }
            }
        }
        var metrics: [Metric] = []
        for metric in templates.flatMap(\.metrics) {
            guard !metrics.contains(where: { $0.name == metric.name }) else {
                throw ArgumentError(argument: metric.name, message: "two templates define a metric of this name")
            }
            metrics.append(metric)
        }
        let decisions = templates.compactMap(\.decision)
        guard decisions.count <= 1 else {
            throw ArgumentError(argument: "decision", message: "\(decisions.count) templates carry a decision; one run follows one decision")
        }
        for given in passed {
            guard let index = arguments.firstIndex(where: { $0.name == given.name }) else {
                throw ArgumentError(argument: given.name, message: "passed, but no template declares it")
            }
            arguments[index].value = try value(of: given, source: source)
            arguments[index].valueFrom = nil
        }
        for index in arguments.indices {
            if let fieldRef = arguments[index].valueFrom?.fieldRef {
                arguments[index].value = try fieldValue(fieldRef.fieldPath, in: source.rollout, argument: arguments[index].name)
                arguments[index].valueFrom = nil
            }
            if arguments[index].isRequired {
                throw ArgumentError(argument: arguments[index].name, message: "required by the template, but not passed")
            }
        }
        return AnalysisRunSpec(metrics: metrics, args: arguments.isEmpty ? nil : arguments, decision: decisions.first)
    }

    private static func value(of argument: AnalysisArgument, source: RolloutArgumentSource) throws(ArgumentError) -> String {
        if let value = argument.value { return value }
        if let hash = argument.valueFrom?.podTemplateHashValue {
            let value = hash == .stable ? source.stablePodTemplateHash : source.latestPodTemplateHash
            guard let value else {
                throw ArgumentError(argument: argument.name, message: "the Rollout has no \(hash.rawValue.lowercased()) ReplicaSet yet")
            }
            return value
        }
        if let fieldRef = argument.valueFrom?.fieldRef {
            return try fieldValue(fieldRef.fieldPath, in: source.rollout, argument: argument.name)
        }
        throw ArgumentError(argument: argument.name, message: "must set value or valueFrom")
    }

    /// The field at `path` (`metadata.name`, `metadata.labels['app']`, `spec.replicas`) as
    /// text: strings as they are, numbers and bools as written, objects as JSON.
    static func fieldValue(_ path: String, in object: JSONValue, argument: String) throws(ArgumentError) -> String {
        let selector: JSONPathSelector
        do {
            selector = try JSONPathSelector("$." + path)
        } catch {
            throw ArgumentError(argument: argument, message: "fieldRef \"\(path)\" is not a field path (\(error.message))")
        }
        guard let value = selector.select(in: object), value != .null else {
            throw ArgumentError(argument: argument, message: "the Rollout has no field \(path)")
        }
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default:
            return (try? KubeJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
