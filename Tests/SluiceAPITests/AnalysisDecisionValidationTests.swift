import KubeClient
@testable import SluiceAPI
import Testing

/// Templates with a decision: the metrics a decision reads need no conditions, and the
/// decision is checked against them.
@Suite("Analysis decision validation")
struct AnalysisDecisionValidationTests {
    /// A template measuring `metrics` every 10s (no conditions) with `decision` (YAML, indented
    /// for its place under `spec.decision`).
    static func template(_ metrics: [String], _ decision: String) throws -> JSONValue {
        try json("""
            apiVersion: sluice.dev/v1alpha1
            kind: AnalysisTemplate
            metadata: {name: decided, namespace: shop}
            spec:
              metrics:
            \(metrics.map { "  - {name: \($0), interval: 10s, provider: {prometheus: {address: \"http://prometheus:9090\", query: \"sum(x)\"}}}" }.joined(separator: "\n"))
              decision:
            \(decision.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """)
    }

    static let judgeMetrics = ["canary-requests", "canary-errors", "baseline-requests", "baseline-errors", "canary-latency", "baseline-latency"]
    static let judge = """
        judge:
          metrics:
          - name: error-rate
            kind: counts
            canary: {events: canary-errors, total: canary-requests}
            baseline: {events: baseline-errors, total: baseline-requests}
          - name: latency
            kind: histogram
            canary: {histogram: canary-latency}
            baseline: {histogram: baseline-latency}
        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var metrics: [String]
        var decision: String
        var edits: [Edit] = []
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "judge", metrics: judgeMetrics, decision: judge, expected: []),
        Case(name: "kayenta", metrics: ["canary-series", "baseline-series"], decision: """
            kayenta:
              after: 30m
              metrics:
              - {name: latency, direction: increase, canary: canary-series, baseline: baseline-series}
            """, expected: []),
        Case(name: "sloGuard", metrics: ["requests", "errors", "latency"], decision: """
            sloGuard: {errorRate: 0.01, latencyP99: 300ms, requests: requests, errors: errors, latency: latency}
            """, expected: []),
        Case(name: "experiment", metrics: ["a-conversions", "a-requests", "b-conversions", "b-requests"], decision: """
            experiment:
              maxDuration: 1h
              variants:
              - {name: a, events: a-conversions, total: a-requests}
              - {name: b, events: b-conversions, total: b-requests}
            """, expected: []),
        Case(name: "shadow", metrics: ["p-requests", "p-errors", "p-predictions", "c-requests", "c-errors", "c-predictions"], decision: """
            shadow:
              after: 10m
              primary: {requests: p-requests, errors: p-errors, predictions: p-predictions}
              candidate: {requests: c-requests, errors: c-errors, predictions: c-predictions}
            """, expected: []),
        Case(name: "a metric name that is not a metric", metrics: judgeMetrics, decision: judge,
             edits: [.set("spec.decision.judge.metrics[0].canary.events", "canary-5xx")], expected: [
                 // canary-errors is no longer read, so it needs conditions again.
                 "spec.metrics[1]: must set successCondition or failureCondition (or dryRun: true, or be read by spec.decision): without them every measurement would pass",
                 #"spec.decision.judge.metrics[0].canary.events: no metric named "canary-5xx" in metrics (they are: baseline-errors, baseline-latency, baseline-requests, canary-errors, canary-latency, canary-requests)"#,
             ]),
        Case(name: "a dryRun metric", metrics: judgeMetrics, decision: judge, edits: [.set("spec.metrics[0].dryRun", true)], expected: [
            #"spec.decision.judge.metrics[0].canary.total: metric "canary-requests" must not be dryRun: the decision's data must count against consecutiveErrorLimit"#,
        ]),
        Case(name: "metrics at different intervals", metrics: judgeMetrics, decision: judge, edits: [.set("spec.metrics[4].interval", "30s")], expected: [
            "spec.metrics: the metrics a decision reads must share one interval, so each look sees them together; got baseline-errors every 10s, baseline-latency every 10s, baseline-requests every 10s, canary-errors every 10s, canary-latency every 30s, canary-requests every 10s",
        ]),
        Case(name: "a histogram on a counts metric", metrics: judgeMetrics, decision: judge,
             edits: [.set("spec.decision.judge.metrics[0].canary.histogram", "canary-latency")], expected: [
                 "spec.decision.judge.metrics[0].canary.histogram: not used by kind counts (it reads events, total)",
             ]),
        Case(name: "an experiment with one variant", metrics: ["a-conversions", "a-requests"], decision: """
            experiment:
              variants:
              - {name: a, events: a-conversions, total: a-requests}
            """, expected: ["spec.decision.experiment.variants: must list at least two variants, the control first"]),
        Case(name: "shadow latency on one side only", metrics: ["p-requests", "p-errors", "p-latency", "c-requests", "c-errors"], decision: """
            shadow:
              after: 10m
              primary: {requests: p-requests, errors: p-errors, latency: p-latency}
              candidate: {requests: c-requests, errors: c-errors}
            """, expected: ["spec.decision.shadow.candidate.latency: required: the other side sets latency, and they are compared"]),
        Case(name: "two kinds", metrics: judgeMetrics, decision: judge,
             edits: [.set("spec.decision.sloGuard", ["errorRate": 0.01, "requests": "canary-requests", "errors": "canary-errors"])], expected: [
                 "spec.decision: must set exactly one of judge, kayenta, sloGuard, experiment, shadow; got judge, sloGuard",
             ]),
    ]

    @Test(arguments: cases)
    func decisionsAreCheckedAgainstTheirMetrics(_ testCase: Case) throws {
        let document = try Self.template(testCase.metrics, testCase.decision).applying(testCase.edits)
        #expect(AnalysisTemplate.decodeAndValidate(from: document).problems.map(\.description) == testCase.expected)
    }

    @Test func aDecisionReadsEveryMetricItNames() throws {
        let template = try #require(AnalysisTemplate.decodeChecked(from: try Self.template(Self.judgeMetrics, Self.judge)).value)
        #expect(template.spec.decision?.metricNames == ["canary-errors", "canary-requests", "baseline-errors", "baseline-requests", "canary-latency", "baseline-latency"])
    }
}
