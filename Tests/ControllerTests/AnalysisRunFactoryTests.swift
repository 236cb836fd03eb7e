import Analysis
import KubeClient
import RolloutCore
import SluiceAPI
import Testing
@testable import Controller

@Suite("AnalysisRunFactory: runs from templates, experiment decisions completed, the SLO guard generated")
struct AnalysisRunFactoryTests {
    static let rollout: Rollout = {
        var rollout = Rollout(
            metadata: ObjectMeta(name: "web", namespace: "shop"),
            spec: RolloutSpec(replicas: 4, selector: LabelSelector(matchLabels: ["app": "web"]),
                              strategy: RolloutStrategy(canary: CanaryStrategy())))
        rollout.metadata.uid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        return rollout
    }()

    static func counter(_ name: String) -> Metric {
        Metric(name: name, interval: "10s", successCondition: "true",
               provider: MetricProviderSpec(prometheus: PrometheusMetric(
                   address: "http://prometheus:9090", query: "sum(conversions_total{hash=\"{{args.hash}}\",arm=\"\(name)\"})")))
    }

    static let experimentTemplate = ObservedAnalysisTemplate(name: "ab-test", spec: AnalysisTemplateSpec(
        args: [Argument(name: "hash")],
        metrics: ["a-conversions", "a-requests", "b-conversions", "b-requests"].map(counter),
        decision: AnalysisDecision(experiment: ExperimentDecisionSpec(onInconclusive: .pause, variants: [
            ExperimentVariantMetrics(name: "a", events: "a-conversions", total: "a-requests"),
            ExperimentVariantMetrics(name: "b", events: "b-conversions", total: "b-requests"),
        ]))))

    static let plainTemplate = ObservedAnalysisTemplate(name: "smoke", spec: AnalysisTemplateSpec(metrics: [
        Metric(name: "ok", successCondition: "result[0] == 1",
               provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090", query: "up"))),
    ]))

    static let latestHash = AnalysisArgument(name: "hash", valueFrom: ArgumentValueFrom(podTemplateHashValue: .latest))

    @Test func theSLOGuardsRunIsGeneratedForTheCanary() throws {
        let slo = SLOGuard(errorRate: 0.01, latencyP99: "300ms", prometheus: SLOPrometheusSource(address: "http://prometheus:9090"))
        let request = AnalysisRunRequest(name: "web-7c9b5d-slo-guard", trigger: .sloGuard, podTemplateHash: "7c9b5d",
                                         stablePodTemplateHash: "6b8d4f", analysis: RolloutAnalysis(templates: []), sloGuard: slo)
        let run = try AnalysisRunFactory.run(for: request, rollout: Self.rollout, templates: [])
        #expect(run.spec == SLOGuardRunSpec.spec(slo, source: SLOPrometheusSource(address: "http://prometheus:9090"), namespace: "shop",
                                                 podTemplateHash: "7c9b5d"))
        #expect(run.spec.metrics.map { $0.provider.prometheus?.query } == [
            #"sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d"})"#,
            #"sum(http_requests_total{namespace="shop",rollouts_pod_template_hash="7c9b5d",code=~"5.."})"#,
            #"sum by (le) (http_request_duration_seconds_bucket{namespace="shop",rollouts_pod_template_hash="7c9b5d"})"#,
        ])
        #expect(run.metadata.name == "web-7c9b5d-slo-guard")
        #expect(run.metadata.namespace == "shop")
        #expect(run.metadata.labels?["rollout.sluice.dev/analysis"] == "sloGuard")
        #expect(run.metadata.annotations == nil)
        #expect(run.metadata.ownerReferences?.first?.uid == Self.rollout.metadata.uid)
        #expect(run.validate().isEmpty)
    }

    @Test func anExperimentDecisionGetsTheStepsWeightsAndDuration() throws {
        let request = AnalysisRunRequest(
            name: "web-7c9b5d-experiment-2-ab", trigger: .experiment, stepIndex: 2, experimentAnalysis: "ab", podTemplateHash: "7c9b5d",
            stablePodTemplateHash: "6b8d4f",
            analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "ab-test")], args: [Self.latestHash]),
            experiment: ExperimentVariants(weights: ["a": 70, "b": 30], duration: "30m"))
        let run = try AnalysisRunFactory.run(for: request, rollout: Self.rollout, templates: [Self.experimentTemplate])
        #expect(run.spec.decision == AnalysisDecision(experiment: ExperimentDecisionSpec(maxDuration: "30m", onInconclusive: .pause, variants: [
            ExperimentVariantMetrics(name: "a", events: "a-conversions", total: "a-requests", weight: 70),
            ExperimentVariantMetrics(name: "b", events: "b-conversions", total: "b-requests", weight: 30),
        ])))
        #expect(run.spec.args == [Argument(name: "hash", value: "7c9b5d")])
        #expect(run.metadata.labels?["rollout.sluice.dev/step-index"] == "2")
        #expect(run.metadata.annotations == nil)
        #expect(run.validate().isEmpty)
    }

    @Test func aTemplatesDecisionIsCarriedIntoTheRun() throws {
        let request = AnalysisRunRequest(
            name: "web-7c9b5d-1", trigger: .step, stepIndex: 1, podTemplateHash: "7c9b5d", stablePodTemplateHash: "6b8d4f",
            analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "ab-test"), AnalysisTemplateReference(templateName: "smoke")],
                                      args: [Self.latestHash]))
        let run = try AnalysisRunFactory.run(for: request, rollout: Self.rollout, templates: [Self.experimentTemplate, Self.plainTemplate])
        #expect(run.spec.decision == Self.experimentTemplate.spec?.decision, "no experiment step: left as the template wrote it")
        #expect(run.spec.metrics.map(\.name) == ["a-conversions", "a-requests", "b-conversions", "b-requests", "ok"])
    }

    @Test func twoDecisionsInOneRunMarkItForError() throws {
        var second = Self.experimentTemplate
        second.name = "ab-test-2"
        second.spec?.metrics = ["c-conversions", "c-requests", "d-conversions", "d-requests"].map(Self.counter)
        let request = AnalysisRunRequest(
            name: "web-7c9b5d-1", trigger: .step, stepIndex: 1, podTemplateHash: "7c9b5d", stablePodTemplateHash: "6b8d4f",
            analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "ab-test"), AnalysisTemplateReference(templateName: "ab-test-2")],
                                      args: [Self.latestHash]))
        let run = try AnalysisRunFactory.run(for: request, rollout: Self.rollout, templates: [Self.experimentTemplate, second])
        #expect(run.metadata.annotations?[AnalysisRunFactory.startErrorAnnotation]
            == "cannot start: argument \"decision\": 2 templates carry a decision; one run follows one decision")
    }
}

@Suite("Decision context: the owning Rollout's canary weight")
struct DecisionContextTests {
    static let uid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"

    static func run(owner: OwnerReference?) -> AnalysisRun {
        AnalysisRun(metadata: ObjectMeta(name: "web-7c9b5d-judge", namespace: "shop", ownerReferences: owner.map { [$0] }),
                    spec: AnalysisRunSpec(metrics: []))
    }

    static let owner = OwnerReference(apiVersion: "sluice.dev/v1alpha1", kind: "Rollout", name: "web", uid: uid, controller: true)

    static func rollout(uid: String = uid, weights: JSONValue?) -> DynamicObject {
        var status: [String: JSONValue] = [:]
        if let weights { status["weights"] = weights }
        return DynamicObject(["metadata": ["name": "web", "namespace": "shop", "uid": .string(uid)], "status": .object(status)])
    }

    func context(_ run: AnalysisRun, _ objects: [ObjectKey: DynamicObject]) -> DecisionContext {
        RolloutController.decisionContext(for: run, rollout: { objects[$0] })
    }

    @Test func theOwnersRecordedCanaryWeight() {
        let key = ObjectKey(namespace: "shop", name: "web")
        #expect(context(Self.run(owner: Self.owner), [key: Self.rollout(weights: ["canary": 30, "stable": 70])]) == DecisionContext(canaryWeight: 30))
        #expect(context(Self.run(owner: Self.owner), [key: Self.rollout(weights: nil)]) == DecisionContext(), "no weight recorded yet")
        #expect(context(Self.run(owner: Self.owner), [key: Self.rollout(uid: "other", weights: ["canary": 30, "stable": 70])]) == DecisionContext(),
                "a Rollout of that name that is not the owner")
        #expect(context(Self.run(owner: Self.owner), [:]) == DecisionContext(), "the owner is not in the cache")
        #expect(context(Self.run(owner: nil), [key: Self.rollout(weights: ["canary": 30, "stable": 70])]) == DecisionContext(), "not a Rollout's run")
    }
}
