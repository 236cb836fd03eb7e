import KubeClient
@testable import SluiceAPI
import Testing

/// Experiment steps as Sluice runs them (on the stable and canary ReplicaSets), and the checks
/// between a Rollout and the decisions of the templates it names.
@Suite("Experiment steps and decision references")
struct DecisionReferenceTests {
    static let step = "spec.strategy.canary.steps[6].experiment"

    static func experiment(_ templates: [JSONValue], duration: JSONValue = "30m") -> [Edit] {
        [.set("spec.strategy.canary.steps[6]", ["experiment": ["duration": duration, "templates": .array(templates)]])]
    }

    static let cases: [RolloutValidationTests.Case] = [
        .init("control and canary", experiment([["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 20]]), []),
        .init("the stable variant's weight stated", experiment([["name": "a", "specRef": "stable", "weight": 80], ["name": "b", "specRef": "canary", "weight": 20]]), []),
        .init("a second canary variant", experiment([
            ["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 20], ["name": "c", "specRef": "canary", "weight": 20],
        ]), ["\(step).templates[2].specRef: Sluice runs each variant on the stable or canary ReplicaSet: a second variant with specRef canary is not supported"]),
        .init("a second stable variant", experiment([
            ["name": "a", "specRef": "stable"], ["name": "z", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 20],
        ]), ["\(step).templates[1].specRef: Sluice runs each variant on the stable or canary ReplicaSet: a second variant with specRef stable is not supported"]),
        .init("no weight on the canary variant", experiment([["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary"]]),
              ["\(step).templates[1].weight: required: it is the canary's share of traffic during the experiment"]),
        .init("all traffic to the canary", experiment([["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 100]]),
              ["\(step).templates[1].weight: must be between 1 and 99: the canary and the stable control both need traffic, got 100"]),
        .init("the stable variant's weight not the rest", experiment([["name": "a", "specRef": "stable", "weight": 20], ["name": "b", "specRef": "canary", "weight": 20]]),
              ["\(step).templates[0].weight: must be 80 (100 minus the canary variant's weight 20) or absent: the control is the stable ReplicaSet, which gets the traffic the canary does not, got 20"]),
        .init("replicas (Argo's variant pods)", experiment([["name": "a", "specRef": "stable", "replicas": 1], ["name": "b", "specRef": "canary", "weight": 20]]),
              ["\(step).templates[0].replicas: not supported: Sluice runs this variant on the stable ReplicaSet, whose pods follow the canary's weight as for setWeight (setCanaryScale sets the canary's pods); omit replicas"]),
        .init("no canary variant", experiment([["name": "a", "specRef": "stable"]]),
              ["\(step).templates: must include a variant with specRef canary: Sluice runs the experiment on the canary ReplicaSet, at that variant's weight"]),
        .init("without a router", experiment([["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary"]]) + [
            .remove("spec.strategy.canary.trafficRouting"), .set("spec.strategy.canary.steps[4]", ["setWeight": 30]),
            .set("spec.strategy.canary.steps[2]", ["setWeight": 20]),
        ], ["\(step).templates[1].weight: required: it is the canary's share of traffic during the experiment, which needs a router that can weight variants (routers that can: gatewayAPI, istio, smi)"]),
        .init("an analysis name that cannot name a run", [.set("spec.strategy.canary.steps[6]", ["experiment": [
            "duration": "30m", "templates": [["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 20]],
            "analyses": [["name": "A/B", "templateName": "ab-test"]],
        ]])], [#"\#(step).analyses[0].name: must be lower-case letters, digits and '-', start and end with a letter or digit, at most 63 characters, got "A/B""#]),
    ]

    @Test(arguments: cases)
    func experimentSteps(_ testCase: RolloutValidationTests.Case) throws {
        let checked = Rollout.decodeAndValidate(from: try json(baseRolloutYAML).applying(testCase.edits))
        #expect(checked.problems.map(\.description) == testCase.expected)
    }

    // MARK: References

    static func counter(_ name: String) -> Metric {
        Metric(name: name, interval: "10s", successCondition: "true",
               provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090", query: "sum(\(name))")))
    }

    static let judge = AnalysisTemplateSpec(
        metrics: ["ce", "ct", "be", "bt"].map(counter),
        decision: AnalysisDecision(judge: CanaryJudgeDecision(metrics: [
            JudgedMetricSpec(name: "errors", kind: .counts, canary: JudgeArmMetrics(events: "ce", total: "ct"),
                             baseline: JudgeArmMetrics(events: "be", total: "bt")),
        ])))
    static let kayenta = AnalysisTemplateSpec(
        metrics: ["c", "b"].map(counter),
        decision: AnalysisDecision(kayenta: KayentaDecision(after: "10m", metrics: [KayentaMetricSpec(name: "latency", canary: "c", baseline: "b")])))
    static let guardTemplate = AnalysisTemplateSpec(
        metrics: ["requests", "errors"].map(counter),
        decision: AnalysisDecision(sloGuard: SLOGuardDecision(errorRate: 0.01, requests: "requests", errors: "errors")))
    static func abTest(_ variants: [(String, Int32?)]) -> AnalysisTemplateSpec {
        AnalysisTemplateSpec(
            metrics: variants.flatMap { ["\($0.0)-conversions", "\($0.0)-requests"] }.map(counter),
            decision: AnalysisDecision(experiment: ExperimentDecisionSpec(variants: variants.map {
                ExperimentVariantMetrics(name: $0.0, events: "\($0.0)-conversions", total: "\($0.0)-requests", weight: $0.1)
            })))
    }
    static let plain = AnalysisTemplateSpec(metrics: [
        Metric(name: "ok", successCondition: "result[0] == 1", provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090", query: "up"))),
    ])

    static let templates = AnalysisTemplateSet(namespaced: [
        "judge": judge, "kayenta": kayenta, "guard": guardTemplate, "plain": plain,
        "ab": abTest([("a", nil), ("b", nil)]), "ab-weighted": abTest([("a", 80), ("b", 20)]), "ab-wrong-weight": abTest([("a", 50), ("b", nil)]),
        "ab-other-names": abTest([("control", nil), ("b", nil)]), "ab-canary-first": abTest([("b", nil), ("a", nil)]),
    ])

    func problems(_ edits: [Edit]) throws -> [String] {
        let rollout = try #require(Rollout.decodeChecked(from: try json(baseRolloutYAML).applying(edits + [
            .set("spec.strategy.canary.steps[5]", ["setWeight": 60]),
        ])).value)
        #expect(rollout.validate().isEmpty, "\(rollout.validate())")
        return rollout.analysisReferenceProblems(Self.templates).map(\.description)
    }

    static func experimentWith(_ template: String, required: Bool = true) -> Edit {
        .set("spec.strategy.canary.steps[6]", ["experiment": [
            "duration": "30m", "templates": [["name": "a", "specRef": "stable"], ["name": "b", "specRef": "canary", "weight": 20]],
            "analyses": [["name": "ab", "templateName": .string(template), "requiredForCompletion": .bool(required)]],
        ]])
    }

    @Test func theJudgeNeedsAJudgeOrKayentaDecision() throws {
        #expect(try problems([.set("spec.strategy.canary.judge", ["templateName": "judge"])]) == [])
        #expect(try problems([.set("spec.strategy.canary.judge", ["templateName": "kayenta"])]) == [])
        #expect(try problems([.set("spec.strategy.canary.judge", ["templateName": "plain"])]) == [
            #"spec.strategy.canary.judge.templateName: AnalysisTemplate "plain" has no decision.judge: canary.judge runs a template whose decision compares canary with baseline (judge or kayenta), and it has no decision"#,
        ])
        #expect(try problems([.set("spec.strategy.canary.judge", ["templateName": "guard"])]) == [
            #"spec.strategy.canary.judge.templateName: AnalysisTemplate "guard" has no decision.judge: canary.judge runs a template whose decision compares canary with baseline (judge or kayenta), and its decision is sloGuard"#,
        ])
    }

    @Test func oneAnalysisHasAtMostOneDecision() throws {
        let both: JSONValue = ["templates": [["templateName": "plain"], ["templateName": "judge"], ["templateName": "kayenta"]]]
        #expect(try problems([.set("spec.strategy.canary.analysis", both)]) == [
            #"spec.strategy.canary.analysis.templates[2].templateName: AnalysisTemplate "kayenta" has a decision (kayenta), and so does "judge": the templates of one analysis make one run, which follows one decision"#,
        ])
        #expect(try problems([.set("spec.strategy.canary.analysis", ["templates": [["templateName": "plain"], ["templateName": "judge"]]])]) == [])
    }

    @Test func anSLOGuardDecisionCannotGateAStep() throws {
        #expect(try problems([.set("spec.strategy.canary.analysis", ["templates": [["templateName": "guard"]]])]) == [], "in the background it may")
        #expect(try problems([.set("spec.strategy.canary.steps[6]", ["analysis": ["templates": [["templateName": "guard"]]]])]) == [
            #"spec.strategy.canary.steps[6].analysis.templates[0].templateName: AnalysisTemplate "guard" has decision.sloGuard, which never passes (it runs until the update ends): the Rollout would wait here forever; run it in canary.analysis, or use canary.slo"#,
        ])
        #expect(try problems([Self.experimentWith("guard")]) == [
            #"spec.strategy.canary.steps[6].experiment.analyses[0].templateName: AnalysisTemplate "guard" has decision.sloGuard, which never passes (it runs until the update ends): the experiment would wait for it forever; do not make it requiredForCompletion"#,
        ])
        #expect(try problems([Self.experimentWith("guard", required: false)]) == [])
    }

    @Test func anExperimentDecisionNamesTheStepsVariantsControlFirst() throws {
        #expect(try problems([Self.experimentWith("ab")]) == [])
        #expect(try problems([Self.experimentWith("ab-weighted")]) == [])
        #expect(try problems([Self.experimentWith("plain")]) == [], "a template without an experiment decision judges as it likes")
        let path = "spec.strategy.canary.steps[6].experiment.analyses[0].templateName"
        #expect(try problems([Self.experimentWith("ab-other-names")]) == [
            #"\#(path): AnalysisTemplate "ab-other-names": decision.experiment.variants[0] "control" is not a variant of this experiment step (they are: a, b)"#,
        ])
        #expect(try problems([Self.experimentWith("ab-canary-first")]) == [
            #"\#(path): AnalysisTemplate "ab-canary-first": decision.experiment.variants[0] (the control) is "b", but the control must be its stable variant "a""#,
        ])
        #expect(try problems([Self.experimentWith("ab-wrong-weight")]) == [
            #"\#(path): AnalysisTemplate "ab-wrong-weight": decision.experiment.variants[0].weight is 50, but variant "a" gets 80% of traffic in this step"#,
        ])
    }
}
