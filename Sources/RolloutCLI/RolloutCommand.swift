import ArgumentParser

/// `rollout`: the operator's command for Sluice rollouts.
public struct RolloutCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Watch and steer Sluice progressive-delivery rollouts.",
        version: SluiceVersion.current,
        subcommands: [VersionCommand.self, SimCommand.self, CRDsCommand.self, DemoCommand.self]
    )

    public init() {}
}

/// The version of this build of Sluice.
public enum SluiceVersion {
    public static let current = "v0.1.0"
}
