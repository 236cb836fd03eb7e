import ArgumentParser

/// `rollout`: the operator's command for Sluice rollouts.
public struct RolloutCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Watch and steer Sluice progressive-delivery rollouts.",
        discussion: """
            kubectl's flags everywhere: -n/--namespace, --context, --kubeconfig, -o. Shell completion: \
            `rollout --generate-completion-script bash|zsh|fish`.
            """,
        version: SluiceVersion.current,
        subcommands: [
            StatusCommand.self, GetCommand.self, ListCommand.self,
            PromoteCommand.self, AbortCommand.self, RetryCommand.self, PauseCommand.self, ResumeCommand.self,
            UndoCommand.self, RestartCommand.self, SetCommand.self,
            LintCommand.self, ConvertCommand.self,
            VersionCommand.self, SimCommand.self, CRDsCommand.self, DemoCommand.self,
        ]
    )

    public init() {}
}

/// The version of this build of Sluice.
public enum SluiceVersion {
    public static let current = "v0.1.0"
}
