import Foundation
import KubeClient
import RolloutCore
@testable import RolloutView
import SluiceAPI
import Testing

/// Compares `text` with the committed golden file; `SLUICE_UPDATE_GOLDENS=1` rewrites it.
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/\(name)")
    if ProcessInfo.processInfo.environment["SLUICE_UPDATE_GOLDENS"] == "1" {
        try Data((text + "\n").utf8).write(to: url)
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    #expect(text + "\n" == golden, "\(name) differs from its golden file (SLUICE_UPDATE_GOLDENS=1 rewrites it)",
            sourceLocation: sourceLocation)
}

@Suite("rollout status, get and list output")
struct RenderGoldenTests {
    @Test(arguments: [("plain", TerminalStyle.plain), ("terminal", TerminalStyle.terminal)])
    func statusOfAPausedCanary(mode: String, style: TerminalStyle) throws {
        let text = StatusView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: style).render()
        try expectGolden(text, "status-paused.\(mode).txt")
    }

    @Test func statusOfAnAbortedCanary() throws {
        try expectGolden(StatusView(snapshot: Fixtures.abortedSnapshot, now: Fixtures.now).render(), "status-aborted.plain.txt")
    }

    @Test func watchLinesSayWhatChanged() throws {
        let lines = [Fixtures.pausedSnapshot, Fixtures.abortedSnapshot].map { StatusView(snapshot: $0, now: Fixtures.now).line() }
        try expectGolden(lines.joined(separator: "\n"), "status-lines.plain.txt")
    }

    @Test(arguments: [("plain", TerminalStyle.plain), ("terminal", TerminalStyle.terminal)])
    func revisionTree(mode: String, style: TerminalStyle) throws {
        try expectGolden(TreeView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: style).render(), "get-paused.\(mode).txt")
    }

    static let listModes: [(String, TerminalStyle, Bool, Bool)] = [
        ("plain", .plain, false, false), ("terminal", .terminal, false, false), ("all-namespaces", .plain, true, false), ("wide", .plain, true, true),
    ]

    @Test(arguments: listModes)
    func list(mode: String, style: TerminalStyle, all: Bool, wide: Bool) throws {
        let rollouts = Fixtures.rollouts.filter { all || $0.metadata.namespace == "shop" }
        try expectGolden(ListView(rollouts: rollouts, now: Fixtures.now, style: style, allNamespaces: all, wide: wide).render(),
                         "list.\(mode).txt")
    }

    @Test func listNames() {
        #expect(ListView.names(Fixtures.rollouts) == "rollout.sluice.dev/checkout\nrollout.sluice.dev/cart\nrollout.sluice.dev/search")
    }

    @Test func statusAsJSONParsesBack() throws {
        let report = RolloutStatusReport(Fixtures.pausedSnapshot)
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(RolloutStatusReport.self, from: data) == report)
        let json = try KubeJSON.value(of: report)
        #expect(json["phase"] == "Paused")
        #expect(json[path: "step", "label"] == "4/6")
        #expect(json[path: "weights", "mirror"] == 20)
        #expect(json["events"]?.arrayValue?.count == 5)
    }

    @Test func treeAsJSONParsesBack() throws {
        let tree = RolloutTree(Fixtures.pausedSnapshot)
        #expect(try JSONDecoder().decode(RolloutTree.self, from: JSONEncoder().encode(tree)) == tree)
        #expect(tree.revisions.map(\.replicaSet.revision) == [3, 2, 1])
        #expect(tree.revisions[0].pods.count == 2)
        #expect(tree.revisions[0].analysisRuns.map(\.name) == ["checkout-7b9c5d6f8-judge"])
    }

    @Test func plainOutputHasNoEscapes() {
        let text = StatusView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: .plain).render()
            + TreeView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: .plain).render()
        #expect(!text.contains("\u{1B}"))
        let coloured = StatusView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: .terminal).render()
        #expect(coloured.contains("\u{1B}[33m॥ Paused"))
    }

    @Test func noColorTurnsColourOff() {
        #expect(TerminalStyle.detect(isTerminal: true, environment: [:]).colour)
        #expect(!TerminalStyle.detect(isTerminal: true, environment: ["NO_COLOR": "1"]).colour)
        #expect(TerminalStyle.detect(isTerminal: true, environment: ["NO_COLOR": ""]).colour)
        #expect(!TerminalStyle.detect(isTerminal: false, environment: [:]).colour)
        #expect(!TerminalStyle.detect(isTerminal: true, environment: ["TERM": "dumb"]).colour)
    }

    @Test func theControllersPhaseRulesWhenAGenerationIsUnobserved() {
        var snapshot = Fixtures.pausedSnapshot
        snapshot.rollout.metadata.generation = 5
        #expect(snapshot.phase.phase == .progressing)
        #expect(StatusView(snapshot: snapshot, now: Fixtures.now).line().hasPrefix("Progressing  step 4/6"))
    }
}

@Suite("kubectl ages")
struct AgeTests {
    static let cases: [(Double, String)] = [
        (-5.0, "<invalid>"), (-0.5, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"), (302, "5m2s"), (599, "9m59s"),
        (600, "10m"), (10_799, "179m"), (10_800, "3h"), (11_100, "3h5m"), (8 * 3600, "8h"), (47 * 3600, "47h"),
        (2 * 86_400 + 3 * 3600, "2d3h"), (7 * 86_400, "7d"), (8 * 86_400, "8d"), (729 * 86_400, "729d"),
        (730 * 86_400, "2y"), (735 * 86_400, "2y5d"), (9 * 365 * 86_400, "9y"),
    ]

    @Test(arguments: cases)
    func formatsLikeKubectl(seconds: Double, expected: String) {
        #expect(KubeAge.format(seconds) == expected)
    }
}
