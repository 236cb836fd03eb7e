import ArgumentParser
import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// The Rollout a steering command acts on, and the connection flags.
public struct RolloutTargetOptions: ParsableArguments {
    @ArgumentParser.Argument(help: "The Rollout's name.")
    public var name: String

    @OptionGroup public var kube: KubeOptions

    public init() {}

    func writer() throws -> RolloutWriter { RolloutWriter(session: try ClusterSession(kube), name: name) }
}

extension AsyncParsableCommand {
    /// Reads the target Rollout, lets `decide` choose the write (see ``RolloutWriter``),
    /// makes it, and prints what happened; errors are reported as every command reports them.
    func steer(_ target: RolloutTargetOptions,
               _ decide: (DynamicObject, Rollout) throws -> RolloutWriter.Decision) async throws {
        try await reportingErrors {
            TerminalOutput.current.out(try await target.writer().write(decide))
        }
    }
}

/// What an update in progress looks like in a Rollout's status.
extension Rollout {
    var updateInProgress: Bool {
        guard let status else { return false }
        return status.canaryRS != nil && status.canaryRS != status.stableRS
    }

    var stepLabel: String { stepProgress(of: self).map { "step \($0.label)" } ?? "its update" }
}

/// `rollout promote NAME [--full]`.
public struct PromoteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "End the current pause (or promotion gate) of a Rollout; --full skips the remaining steps.",
        discussion: """
            Writes status.pauseStartTime: null (or status.promoteFull: true) through the status subresource, \\
            pinned to the version read: if two people promote at once, only one pause ends; the other is told \\
            it was already promoted.
            """)

    @OptionGroup public var target: RolloutTargetOptions

    @Flag(name: .long, help: "Skip every remaining step and analysis and promote now.")
    public var full = false

    public init() {}

    public func run() async throws {
        try await reportingErrors {
            let writer = try target.writer()
            let name = target.name
            let full = self.full
            /// The pause this promote ends, as first read: (step, pause start).
            var intended: (step: Int32?, since: Timestamp?)?
            let message = try await writer.write { _, rollout in
                let status = rollout.status ?? RolloutStatus()
                if full {
                    guard rollout.updateInProgress else {
                        throw CLIError("rollout \"\(name)\" has no update in progress: nothing to promote",
                                       hint: "change its pod template (`rollout set image`) to start one")
                    }
                    if status.promoteFull == true { return .nothing("rollout \"\(name)\" is already being promoted fully") }
                    return .patch(["status": ["promoteFull": true]], status: true,
                                  message: "rollout \"\(name)\" promoted fully: skipping the remaining steps")
                }
                let paused = status.controllerPause == true && status.pauseStartTime != nil
                if let intended {
                    // A write came in between: promote only if the very same pause is still on.
                    guard paused, intended.step == status.currentStepIndex, intended.since == status.pauseStartTime else {
                        return .nothing("rollout \"\(name)\" was already promoted past that pause (by another writer); not promoting again")
                    }
                } else {
                    guard paused else {
                        if rollout.spec.paused == true {
                            throw CLIError("rollout \"\(name)\" is paused by spec.paused, not at a pause step",
                                           hint: "`rollout resume \(name)` clears spec.paused")
                        }
                        if status.controllerPause == true {
                            return .nothing("rollout \"\(name)\" is already promoted at \(rollout.stepLabel); the controller is moving on")
                        }
                        throw CLIError("rollout \"\(name)\" is not paused (\(RolloutCore.phase(of: rollout).phase.rawValue) at \(rollout.stepLabel)): nothing to promote",
                                       hint: "`rollout promote --full \(name)` skips every remaining step")
                    }
                    intended = (status.currentStepIndex, status.pauseStartTime)
                }
                return .patch(["status": ["pauseStartTime": .null]], status: true,
                              message: "rollout \"\(name)\" promoted at \(rollout.stepLabel)")
            }
            TerminalOutput.current.out(message)
        }
    }
}

/// `rollout abort NAME`.
public struct AbortCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Abort a Rollout's update: all traffic back to stable at once (status.abort: true).")

    @OptionGroup public var target: RolloutTargetOptions

    public init() {}

    public func run() async throws {
        let name = target.name
        try await steer(target) { _, rollout in
            if rollout.status?.abort == true { return .nothing("rollout \"\(name)\" is already aborted") }
            guard rollout.updateInProgress else {
                throw CLIError("rollout \"\(name)\" has no update in progress: nothing to abort",
                               hint: "`rollout undo \(name)` goes back to an earlier revision")
            }
            return .patch(["status": ["abort": true]], status: true,
                          message: "rollout \"\(name)\" aborted: traffic goes back to stable; `rollout retry \(name)` starts the update again")
        }
    }
}

/// `rollout retry NAME`.
public struct RetryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Start an aborted update again from the first step (status.abort: false).")

    @OptionGroup public var target: RolloutTargetOptions

    public init() {}

    public func run() async throws {
        let name = target.name
        try await steer(target) { _, rollout in
            guard rollout.status?.abort == true else {
                throw CLIError("rollout \"\(name)\" is not aborted: nothing to retry", hint: "`rollout status \(name)` shows where it is")
            }
            return .patch(["status": ["abort": false]], status: true, message: "rollout \"\(name)\" retried: the update starts again at step 1")
        }
    }
}

/// `rollout pause NAME`.
public struct PauseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop a Rollout where it is (spec.paused: true).")

    @OptionGroup public var target: RolloutTargetOptions

    public init() {}

    public func run() async throws {
        let name = target.name
        try await steer(target) { _, rollout in
            rollout.spec.paused == true
                ? .nothing("rollout \"\(name)\" is already paused")
                : .patch(["spec": ["paused": true]], status: false, message: "rollout \"\(name)\" paused; `rollout resume \(name)` continues")
        }
    }
}

/// `rollout resume NAME`.
public struct ResumeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Let a paused Rollout continue (spec.paused: false).")

    @OptionGroup public var target: RolloutTargetOptions

    public init() {}

    public func run() async throws {
        let name = target.name
        try await steer(target) { _, rollout in
            guard rollout.spec.paused == true else {
                if rollout.status?.controllerPause == true {
                    throw CLIError("rollout \"\(name)\" is not paused by spec.paused but at a pause step",
                                   hint: "`rollout promote \(name)` ends the pause step")
                }
                return .nothing("rollout \"\(name)\" is not paused")
            }
            return .patch(["spec": ["paused": false]], status: false, message: "rollout \"\(name)\" resumed")
        }
    }
}

/// `rollout restart NAME`.
public struct RestartCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Replace every pod of a Rollout: a new revision with the same images, rolled out through the steps.",
        discussion: """
            Sets the pod-template annotation rollout.sluice.dev/restartedAt to now (as kubectl's restartedAt \\
            does for Deployments). The template changes, so the controller rolls the new revision out like any \\
            update: through the canary steps, or the blue-green preview and promotion.
            """)

    @OptionGroup public var target: RolloutTargetOptions

    public init() {}

    public static let annotation = "rollout.sluice.dev/restartedAt"

    public func run() async throws {
        try await reportingErrors {
            let name = target.name
            let now = Timestamp(Date()).description
            let message = try await target.writer().write { _, rollout in
                guard rollout.spec.template != nil else {
                    throw CLIError("rollout \"\(name)\" has no spec.template (workloadRef): restart the referenced workload instead")
                }
                return .patch(["spec": ["template": ["metadata": ["annotations": [Self.annotation: .string(now)]]]]], status: false,
                              message: "rollout \"\(name)\" restarted: a new revision rolls out through its steps")
            }
            TerminalOutput.current.out(message)
        }
    }
}
