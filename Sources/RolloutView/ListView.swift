import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// What `rollout list` prints: one row per Rollout, like `kubectl get`.
public struct ListView: Sendable {
    public var rollouts: [Rollout]
    public var now: Date
    public var style: TerminalStyle
    /// Adds a NAMESPACE column first (`-A`).
    public var allNamespaces: Bool
    /// Adds the stable and canary hashes, images and the message (`-o wide`).
    public var wide: Bool

    public init(rollouts: [Rollout], now: Date, style: TerminalStyle = .plain, allNamespaces: Bool = false, wide: Bool = false) {
        self.rollouts = rollouts
        self.now = now
        self.style = style
        self.allNamespaces = allNamespaces
        self.wide = wide
    }

    public func render() -> String {
        var header = ["NAME", "STRATEGY", "PHASE", "STEP", "CANARY-WEIGHT", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        if allNamespaces { header.insert("NAMESPACE", at: 0) }
        if wide { header += ["STABLE", "CANARY", "IMAGES", "MESSAGE"] }
        let sorted = rollouts.sorted { ($0.metadata.namespace ?? "", $0.metadata.name ?? "") < ($1.metadata.namespace ?? "", $1.metadata.name ?? "") }
        let rows = sorted.map { rollout -> [String] in
            let status = rollout.status
            let phase = RolloutCore.phase(of: rollout)
            let desired = rollout.spec.replicas ?? RolloutSpec.defaultReplicas
            var row = [
                rollout.metadata.name ?? "?",
                rollout.spec.strategy.blueGreen != nil ? "blueGreen" : "canary",
                style.phase(phase.phase),
                stepProgress(of: rollout)?.label ?? "-",
                status?.weights.map { String($0.canary) } ?? "-",
                "\(status?.readyReplicas ?? 0)/\(desired)",
                String(status?.updatedReplicas ?? 0),
                String(status?.availableReplicas ?? 0),
                KubeAge.since(rollout.metadata.creationTimestamp, now: now),
            ]
            if allNamespaces { row.insert(rollout.metadata.namespace ?? "default", at: 0) }
            if wide {
                let images = (rollout.spec.template?.spec?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
                row += [status?.stableRS ?? "-", status?.canaryRS ?? "-", images.isEmpty ? "-" : images.joined(separator: ","),
                        phase.message]
            }
            return row
        }
        return TextTable(header: header, rows: rows).lines().joined(separator: "\n")
    }

    /// `-o name`: `rollout.sluice.dev/web`, one per line.
    public static func names(_ rollouts: [Rollout]) -> String {
        rollouts.map { "rollout.\(SluiceAPIGroup.name)/\($0.metadata.name ?? "?")" }.joined(separator: "\n")
    }
}
