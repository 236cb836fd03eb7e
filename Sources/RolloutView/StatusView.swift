import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// What `rollout status` prints: where the Rollout is, the traffic each revision gets, the
/// pods that are ready, the analyses and the last events. Pure: a snapshot and a clock in,
/// text out.
public struct StatusView: Sendable {
    public var snapshot: RolloutSnapshot
    public var now: Date
    public var style: TerminalStyle
    /// How many of the most recent events to show.
    public var eventLimit: Int
    /// Columns the analysis section wraps its reasons to.
    public var width: Int

    public init(snapshot: RolloutSnapshot, now: Date, style: TerminalStyle = .plain, eventLimit: Int = 5, width: Int = 100) {
        self.snapshot = snapshot
        self.now = now
        self.style = style
        self.eventLimit = eventLimit
        self.width = width
    }

    /// The whole status, one line per element, no trailing newline. The analysis section fits
    /// in ``width`` columns; other lines are as long as what they show.
    public func render() -> String {
        let report = RolloutStatusReport(snapshot, eventLimit: eventLimit)
        var lines: [String] = []
        func field(_ name: String, _ value: String) {
            lines.append(style.bold((name + ":").padding(toLength: 12, withPad: " ", startingAt: 0)) + value)
        }
        field("Name", "\(report.name) (namespace \(report.namespace))")
        field("Phase", style.phase(report.phase) + (report.message.isEmpty ? "" : "  \(report.message)"))
        field("Strategy", report.strategy)
        if let step = report.step {
            field("Step", "\(step.label)" + (step.current.map { "  \($0)" } ?? "  (all steps done)"))
        }
        if let weights = report.weights {
            var text = "canary \(weights.canary)%  stable \(weights.stable)%"
            if let mirror = weights.mirror { text += "  mirror \(mirror)%" }
            field("Weights", text)
        }
        var replicas = "desired \(report.replicas.desired)  current \(report.replicas.current)"
        replicas += "  updated \(report.replicas.updated)  ready \(report.replicas.ready)  available \(report.replicas.available)"
        field("Replicas", replicas)
        if report.pausedBySpec { field("Paused", "spec.paused is set (`rollout resume` continues)") }
        if report.aborted { field("Aborted", "traffic is back on stable (`rollout retry` starts the update again)") }

        let live = snapshot.revisions.filter { $0.role != .old || $0.current > 0 || $0.desired > 0 }
        if !live.isEmpty {
            lines.append(style.bold("Revisions:"))
            let table = TextTable(header: ["REVISION", "ROLE", "HASH", "IMAGES", "READY", "AGE"], rows: live.map { revision in
                [revision.revision.map(String.init) ?? "?", revision.role.rawValue, revision.podTemplateHash,
                 revision.images.joined(separator: ","), readyCell(revision), KubeAge.since(revision.createdAt, now: now)]
            })
            lines += table.lines(indent: "  ")
        }
        if !report.analysis.isEmpty {
            lines.append(style.bold("Analysis:"))
            for run in report.analysis { lines += analysisLines(run) }
        }
        let events = report.events
        if !events.isEmpty {
            lines.append(style.bold("Events:"))
            let table = TextTable(header: ["AGE", "TYPE", "REASON", "MESSAGE"], rows: events.map { event in
                [KubeAge.since(event.time, now: now), style.eventType(event.type), event.reason, event.message]
            })
            lines += table.lines(indent: "  ")
        }
        return lines.joined(separator: "\n")
    }

    /// One line for logs and pipes, printed by `--watch` each time it changes:
    /// `Paused  step 2/4  canary 30% stable 70%  ready stable 4/4 canary 2/2  paused at ...`.
    public func line() -> String {
        let report = RolloutStatusReport(snapshot, eventLimit: 0)
        var parts = [style.phase(report.phase)]
        if let step = report.step { parts.append("step \(step.label)") }
        if let weights = report.weights {
            var text = "canary \(weights.canary)% stable \(weights.stable)%"
            if let mirror = weights.mirror { text += " mirror \(mirror)%" }
            parts.append(text)
        }
        let live = snapshot.revisions.filter { $0.role != .old || $0.current > 0 }
        if !live.isEmpty {
            parts.append("ready " + live.map { "\($0.role.rawValue) \($0.ready)/\($0.desired)" }.joined(separator: " "))
        }
        if !report.message.isEmpty { parts.append(report.message) }
        return parts.joined(separator: "  ")
    }

    private func readyCell(_ revision: Revision) -> String {
        let text = "\(revision.ready)/\(revision.desired)"
        return revision.desired > 0 && revision.ready >= revision.desired ? style.state(text, good: true) : text
    }
}

/// `rollout status -o json|yaml`: the status as data. Decodes back to an equal value.
public struct RolloutStatusReport: Codable, Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var phase: RolloutPhase
    public var message: String
    public var strategy: String
    public var step: StepReport?
    public var weights: TrafficWeights?
    public var replicas: ReplicaCounts
    public var pausedBySpec: Bool
    public var aborted: Bool
    public var revisions: [Revision]
    /// `status.analysis` as the controller wrote it.
    public var analysis: [AnalysisRunSummary]
    /// The most recent events, oldest first.
    public var events: [EventReport]

    /// Step `label` (`2/4`) and the step in progress.
    public struct StepReport: Codable, Sendable, Hashable {
        public var index: Int
        public var count: Int
        public var label: String
        public var current: String?
    }

    /// Pods over all of the Rollout's ReplicaSets, as its status counts them.
    public struct ReplicaCounts: Codable, Sendable, Hashable {
        public var desired: Int32
        public var current: Int32
        public var updated: Int32
        public var ready: Int32
        public var available: Int32
    }

    /// One Event about the Rollout.
    public struct EventReport: Codable, Sendable, Hashable {
        public var type: String
        public var reason: String
        public var message: String
        /// When it last happened (RFC 3339).
        public var time: String?
        public var count: Int32?
    }

    public init(_ snapshot: RolloutSnapshot, eventLimit: Int = 5) {
        let rollout = snapshot.rollout
        let status = rollout.status
        let phase = snapshot.phase
        name = snapshot.name
        namespace = snapshot.namespace
        self.phase = phase.phase
        message = phase.message
        strategy = snapshot.strategyName
        step = snapshot.step.map { StepReport(index: $0.index, count: $0.count, label: $0.label, current: $0.current) }
        weights = status?.weights
        replicas = ReplicaCounts(
            desired: rollout.spec.replicas ?? RolloutSpec.defaultReplicas, current: status?.replicas ?? 0,
            updated: status?.updatedReplicas ?? 0, ready: status?.readyReplicas ?? 0, available: status?.availableReplicas ?? 0)
        pausedBySpec = rollout.spec.paused == true
        aborted = status?.abort == true
        revisions = snapshot.revisions
        analysis = status?.analysis ?? []
        events = snapshot.orderedEvents.suffix(max(0, eventLimit)).map { event in
            EventReport(type: event.type, reason: event.reason, message: event.message,
                        time: event.lastTimestamp ?? event.metadata.creationTimestamp, count: event.count)
        }
    }
}
