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

    @Test(arguments: [("plain", TerminalStyle.plain), ("terminal", TerminalStyle.terminal)])
    func statusShowsVerdictsOfTheJudgeTheGuardAndTheExperiment(mode: String, style: TerminalStyle) throws {
        let text = StatusView(snapshot: Fixtures.analysedSnapshot, now: Fixtures.now, style: style).render()
        try expectGolden(text, "status-analysed.\(mode).txt")
        let analysis = text.split(separator: "\n").drop { !$0.contains("Analysis:") }.prefix { !$0.contains("Events:") }
        #expect(analysis.count > 10)
        for line in analysis {
            #expect(TerminalStyle.visibleWidth(String(line)) <= 100, "wider than 100 columns: \(line)")
        }
    }

    @Test(arguments: [("plain", TerminalStyle.plain), ("terminal", TerminalStyle.terminal)])
    func revisionTreeShowsVerdicts(mode: String, style: TerminalStyle) throws {
        try expectGolden(TreeView(snapshot: Fixtures.analysedSnapshot, now: Fixtures.now, style: style).render(), "get-analysed.\(mode).txt")
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

    @Test(arguments: ["paused", "analysed"])
    func plainOutputHasNoEscapes(fixture: String) {
        let snapshot = fixture == "paused" ? Fixtures.pausedSnapshot : Fixtures.analysedSnapshot
        let text = StatusView(snapshot: snapshot, now: Fixtures.now, style: .plain).render()
            + TreeView(snapshot: snapshot, now: Fixtures.now, style: .plain).render()
        #expect(!text.contains("\u{1B}"))
    }

    @Test func terminalOutputColoursPhasesAndOutcomes() {
        let paused = StatusView(snapshot: Fixtures.pausedSnapshot, now: Fixtures.now, style: .terminal).render()
        #expect(paused.contains("\u{1B}[33m॥ Paused"))
        let analysed = StatusView(snapshot: Fixtures.analysedSnapshot, now: Fixtures.now, style: .terminal).render()
        #expect(analysed.contains("judge: \u{1B}[31mFail\u{1B}[0m after 14 looks"))
        #expect(analysed.contains("experiment: \u{1B}[32mPass\u{1B}[0m, winner b"))
        let tree = TreeView(snapshot: Fixtures.analysedSnapshot, now: Fixtures.now, style: .terminal).render()
        #expect(tree.contains("SLO guard: \u{1B}[31mFail\u{1B}[0m"))
    }

    @Test func statusAsJSONCarriesTheVerdicts() throws {
        let json = try KubeJSON.value(of: RolloutStatusReport(Fixtures.analysedSnapshot))
        let judge = try #require(json["analysis"]?.arrayValue?.first { $0["name"] == "checkout-7b9c5d6f8-judge" })
        #expect(judge["decider"] == "judge")
        #expect(judge["outcome"] == "Fail")
        #expect(judge["looks"] == 14)
        let errorRate = try #require(judge["metrics"]?.arrayValue?.first)
        #expect(errorRate["effect"] == .double(0.0412))
        #expect(errorRate["adjustedPValue"] == .double(0.003))
        #expect(errorRate["phase"] == "Failed")
        let tree = try KubeJSON.value(of: RolloutTree(Fixtures.analysedSnapshot))
        let runs = tree["revisions"]?.arrayValue?.first?["analysisRuns"]?.arrayValue ?? []
        #expect(runs.first { $0["name"] == "checkout-7b9c5d6f8-experiment-1" }?["winner"] == "b")
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

@Suite("Figures of statistical evidence")
struct FiguresTests {
    @Test(arguments: [
        (0.0412, 0.0181, 0.0644, "+0.041 [+0.018, +0.064]"),
        (-0.0031, -0.0112, 0.0049, "-0.003 [-0.011, +0.005]"),
        (0.0004, 0.0004, 0.0004, "+0.00040 [+0.00040, +0.00040]"),
        (-2.1, -6.3, 2.04, "-2.1 [-6.3, +2.0]"),
        (0.0012, -0.0021, 0.0046, "+0.0012 [-0.0021, +0.0046]"),
        (120.0, 0.4, 240.0, "+120 [0, +240]"),
        (0.00000004, 0.00000001, 0.00000007, "+4.0e-08 [+1.0e-08, +7.0e-08]"),
    ])
    func anEffectIsShownToThePrecisionOfItsInterval(effect: Double, lower: Double, upper: Double, expected: String) {
        #expect(Figures.effect(effect, lower: lower, upper: upper) == expected)
    }

    @Test func anEffectWithoutAnIntervalHasTwoSignificantDigits() {
        #expect(Figures.effect(0.048, lower: nil, upper: nil) == "+0.048")
        #expect(Figures.effect(-13.7, lower: nil, upper: 2) == "-14")
        #expect(Figures.effect(0, lower: nil, upper: nil) == "0")
        #expect(Figures.effect(nil, lower: nil, upper: nil) == "-")
        #expect(Figures.effect(nil, lower: 0.1, upper: 0.3) == "[+0.10, +0.30]")
    }

    @Test(arguments: [(0.003, "0.003"), (0.2134, "0.213"), (0.41, "0.41"), (1.0, "1"), (0.00004, "<0.001"), (0.001, "0.001")])
    func pValues(value: Double, expected: String) {
        #expect(Figures.pValue(value) == expected)
    }

    @Test func reasonsWrapAtSpacesAndAreCutWithAnEllipsis() {
        #expect(Figures.wrap("one two three four", width: 10, maximumLines: 3) == ["one two", "three four"])
        #expect(Figures.wrap("aaaaaaaaaaaaaaa b", width: 10, maximumLines: 3) == ["aaaaaaaaaa", "aaaaa b"])
        #expect(Figures.wrap("one two three four five six seven", width: 10, maximumLines: 2) == ["one two", "three fou…"])
        #expect(Figures.wrap("  ", width: 10, maximumLines: 2).isEmpty)
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
