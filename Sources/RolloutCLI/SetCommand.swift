import ArgumentParser
import Foundation
import KubeClient
import SluiceAPI

/// `rollout set`: change a Rollout's spec (`set image`).
public struct SetCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change a Rollout's pod template.", subcommands: [SetImageCommand.self])

    public init() {}
}

/// `rollout set image NAME CONTAINER=IMAGE...`.
public struct SetImageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Set container images of a Rollout's pod template (starts an update).",
        discussion: "`*=IMAGE` sets every container. Init containers are matched by name too.")

    @OptionGroup public var target: RolloutTargetOptions

    @ArgumentParser.Argument(help: "CONTAINER=IMAGE pairs.")
    public var images: [String] = []

    public init() {}

    public func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one CONTAINER=IMAGE") }
        for pair in images where !pair.contains("=") || pair.hasPrefix("=") || pair.hasSuffix("=") {
            throw ValidationError("\"\(pair)\" is not CONTAINER=IMAGE")
        }
    }

    public func run() async throws {
        try await reportingErrors {
            let name = target.name
            let wanted = images.map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts[1])
            }
            let message = try await target.writer().write { json, _ in
                guard var template = json.json[path: "spec", "template"] else {
                    throw CLIError("rollout \"\(name)\" has no spec.template (workloadRef): set the image on the referenced workload")
                }
                var found: Set<String> = []
                var names: [String] = []
                for list in ["initContainers", "containers"] {
                    guard var containers = template[path: "spec", list]?.arrayValue else { continue }
                    for index in containers.indices {
                        let container = containers[index]["name"]?.stringValue ?? ""
                        names.append(container)
                        for (wantedName, image) in wanted where wantedName == container || wantedName == "*" {
                            containers[index]["image"] = .string(image)
                            found.insert(wantedName)
                        }
                    }
                    template["spec"]?[list] = .array(containers)
                }
                let missing = wanted.map(\.0).filter { !found.contains($0) }
                guard missing.isEmpty else {
                    throw CLIError("rollout \"\(name)\" has no container \(missing.map { "\"\($0)\"" }.joined(separator: ", ")) (it has: \(names.joined(separator: ", ")))")
                }
                guard let diff = RolloutWriter.mergeDiff(from: json.json[path: "spec", "template"], to: template) else {
                    return .nothing("rollout \"\(name)\" already runs \(wanted.map { "\($0.0)=\($0.1)" }.joined(separator: ", "))")
                }
                return .patch(["spec": ["template": diff]], status: false,
                              message: "rollout \"\(name)\" image updated: \(wanted.map { "\($0.0)=\($0.1)" }.joined(separator: ", "))")
            }
            TerminalOutput.current.out(message)
        }
    }
}
