import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// What `rollout get` prints: a header, then the revision tree — the Rollout, each revision
/// with its ReplicaSet and pods, and the AnalysisRuns — with status and age on every line.
public struct TreeView: Sendable {
    public var snapshot: RolloutSnapshot
    public var now: Date
    public var style: TerminalStyle

    public init(snapshot: RolloutSnapshot, now: Date, style: TerminalStyle = .plain) {
        self.snapshot = snapshot
        self.now = now
        self.style = style
    }

    public func render() -> String {
        let tree = RolloutTree(snapshot)
        var lines: [String] = []
        func field(_ name: String, _ value: String) {
            lines.append(style.bold((name + ":").padding(toLength: 12, withPad: " ", startingAt: 0)) + value)
        }
        field("Name", "\(tree.name) (namespace \(tree.namespace))")
        field("Phase", style.phase(tree.phase) + (tree.message.isEmpty ? "" : "  \(tree.message)"))
        field("Strategy", tree.strategy + (tree.step.map { "  step \($0)" } ?? ""))
        if let weights = snapshot.rollout.status?.weights {
            field("Weights", "canary \(weights.canary)%  stable \(weights.stable)%" + (weights.mirror.map { "  mirror \($0)%" } ?? ""))
        }
        lines.append("")

        var root = Node(cells: [tree.name, "Rollout", style.phase(tree.phase),
                                KubeAge.since(snapshot.rollout.metadata.creationTimestamp, now: now), ""])
        for revision in tree.revisions {
            let set = revision.replicaSet
            var info = [set.role == .old ? "" : set.role.rawValue, set.images.joined(separator: ",")].filter { !$0.isEmpty }
            if info.isEmpty { info = ["-"] }
            var replicaSet = Node(cells: [set.name, "ReplicaSet", style.state(set.state, good: set.state == "Healthy" ? true : nil),
                                          KubeAge.since(set.createdAt, now: now), "hash \(set.podTemplateHash)  ready \(set.ready)/\(set.desired)"])
            replicaSet.children = revision.pods.map { pod in
                Node(cells: [pod.name, "Pod", style.state(pod.status, good: pod.isReady ? true : Self.isFailing(pod.status) ? false : nil),
                             KubeAge.since(pod.createdAt, now: now),
                             "ready \(pod.readyContainers)/\(pod.containers)" + (pod.restarts > 0 ? "  restarts \(pod.restarts)" : "")])
            }
            var node = Node(cells: ["revision \(set.revision.map(String.init) ?? "?")", "", "", "", info.joined(separator: "  ")])
            node.children = [replicaSet] + revision.analysisRuns.map { Node(cells: runCells($0)) }
            root.children.append(node)
        }
        if !tree.unattachedRuns.isEmpty {
            var node = Node(cells: ["analysis", "", "", "", ""])
            node.children = tree.unattachedRuns.map { Node(cells: runCells($0)) }
            root.children.append(node)
        }
        let rows = root.flattened()
        lines += TextTable(header: ["NAME", "KIND", "STATUS", "AGE", "INFO"], rows: rows).lines()
        return lines.joined(separator: "\n")
    }

    /// A run's row: its phase, and in INFO its verdict and the metrics that failed it, or for a
    /// run without a verdict each metric's phase and tallies.
    private func runCells(_ run: RolloutTree.Run) -> [String] {
        let info: String
        if let outcome = run.outcome {
            // The verdict and the metrics that failed; `rollout status` shows the evidence.
            var text = StatusView.verdict(decider: run.decider, outcome: outcome, winner: run.winner, looks: nil, style: style)
            let failed = run.metrics.filter { $0.outcome == StatisticalVerdict.Outcome.fail.rawValue }.map(\.name)
            if !failed.isEmpty { text += " (\(failed.joined(separator: ", ")))" }
            info = text
        } else {
            info = run.metrics.map { metric -> String in
                var text = "\(metric.name) \(metric.phase.rawValue)"
                var tallies: [String] = []
                if let count = metric.count { tallies.append("\(count) measured") }
                if let failed = metric.failed, failed > 0 { tallies.append("\(failed) failed") }
                if let errors = metric.error, errors > 0 { tallies.append("\(errors) errors") }
                if let value = metric.lastValue { tallies.append("last \(value)") }
                if !tallies.isEmpty { text += " (\(tallies.joined(separator: ", ")))" }
                return text
            }.joined(separator: "; ")
        }
        return [run.name, "AnalysisRun", run.phase.map(style.analysis) ?? "Pending", KubeAge.since(run.startedAt, now: now), info]
    }

    /// One line of the tree and the lines under it.
    struct Node {
        var cells: [String]
        var children: [Node] = []

        /// Rows with the tree drawn into the first cell.
        func flattened() -> [[String]] {
            var rows = [cells]
            for (index, child) in children.enumerated() {
                let last = index == children.count - 1
                for (offset, row) in child.flattened().enumerated() {
                    let lead = offset == 0 ? (last ? "└── " : "├── ") : (last ? "    " : "│   ")
                    rows.append([lead + row[0]] + row.dropFirst())
                }
            }
            return rows
        }
    }

    static func isFailing(_ status: String) -> Bool {
        ["Failed", "CrashLoopBackOff", "Error", "ImagePullBackOff", "ErrImagePull", "OOMKilled"].contains(status)
    }
}

/// `rollout get -o json|yaml`: the revision tree as data. Decodes back to an equal value.
public struct RolloutTree: Codable, Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var phase: RolloutPhase
    public var message: String
    public var strategy: String
    /// `2/4`, while the controller records a step.
    public var step: String?
    public var revisions: [RevisionNode]
    /// AnalysisRuns not labelled with a revision's pod-template hash.
    public var unattachedRuns: [Run]

    /// One revision: its ReplicaSet, pods and AnalysisRuns.
    public struct RevisionNode: Codable, Sendable, Hashable {
        public var replicaSet: Revision
        public var pods: [PodSummary]
        public var analysisRuns: [Run]
    }

    /// One AnalysisRun: its metrics' tallies and its verdict, as the object carries them.
    public struct Run: Codable, Sendable, Hashable {
        public var name: String
        public var phase: AnalysisPhase?
        public var message: String?
        public var startedAt: String?
        /// The run's statistical verdict (`status.verdict`), for runs that make one.
        public var decider: StatisticalVerdict.Decider?
        public var outcome: StatisticalVerdict.Outcome?
        public var winner: String?
        public var looks: Int64?
        public var metrics: [MetricNode]
    }

    /// One metric of a run: its tallies, and its outcome in the run's verdict.
    public struct MetricNode: Codable, Sendable, Hashable {
        public var name: String
        public var phase: AnalysisPhase
        /// The metric's outcome in the verdict (Pass, Fail, …).
        public var outcome: String?
        public var count: Int32?
        public var successful: Int32?
        public var failed: Int32?
        public var inconclusive: Int32?
        public var error: Int32?
        /// The most recent measurement's value.
        public var lastValue: String?
    }

    public init(_ snapshot: RolloutSnapshot) {
        let phase = snapshot.phase
        name = snapshot.name
        namespace = snapshot.namespace
        self.phase = phase.phase
        message = phase.message
        strategy = snapshot.strategyName
        step = snapshot.step?.label
        let runs = snapshot.analysisRuns.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        func node(_ run: AnalysisRun) -> Run {
            let verdict = run.status?.verdict
            let compared = verdict?.metrics ?? []
            var metrics = (run.status?.metricResults ?? []).map { result in
                MetricNode(name: result.name, phase: result.phase, outcome: compared.first { $0.name == result.name }?.outcome,
                           count: result.count, successful: result.successful, failed: result.failed, inconclusive: result.inconclusive,
                           error: result.error, lastValue: result.measurements?.last?.value)
            }
            // Objectives and variants the verdict compares that are not measured metrics of their own.
            let finished = run.status?.phase?.isCompleted ?? false
            for metric in compared where !metrics.contains(where: { $0.name == metric.name }) {
                metrics.append(MetricNode(name: metric.name, phase: MetricSummary(metric, runFinished: finished).phase, outcome: metric.outcome))
            }
            return Run(name: run.metadata.name ?? "?", phase: run.status?.phase, message: run.status?.message,
                       startedAt: run.status?.startedAt?.description ?? run.metadata.creationTimestamp,
                       decider: verdict?.decider, outcome: verdict?.outcome, winner: verdict?.winner, looks: verdict?.looks, metrics: metrics)
        }
        func hash(_ run: AnalysisRun) -> String? { run.metadata.labels?[RolloutLabels.podTemplateHash] }
        let revisionList = snapshot.revisions
        let hashes = Set(revisionList.map(\.podTemplateHash))
        revisions = revisionList.map { revision in
            RevisionNode(replicaSet: revision,
                         pods: snapshot.pods.filter { $0.podTemplateHash == revision.podTemplateHash }.sorted { $0.name < $1.name },
                         analysisRuns: runs.filter { hash($0) == revision.podTemplateHash }.map(node))
        }
        unattachedRuns = runs.filter { hash($0).map { !hashes.contains($0) } ?? true }.map(node)
    }
}
