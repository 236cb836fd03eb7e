import ArgumentParser
import Foundation
import KubeClient
@testable import RolloutCLI
@testable import RolloutView
import SluiceAPI
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

@Suite("rollout lint and convert")
struct LintConvertTests {
    @Test func lintReportsEveryProblemWithFileDocumentAndPath() async {
        let file = fixture("lint/invalid.yaml")
        let result = await runRollout(["lint", file])
        #expect(result.exitCode == 1)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(file): document 1 (Rollout/web): spec.strategy.canary.steps[0].setWeight: must be 0..100, got 140"))
        #expect(lines.contains { $0.hasPrefix("\(file): document 1 (Rollout/web): spec.strategy.canary.steps[1].pause.duration:") })
        #expect(lines.contains("\(file): document 3 (AnalysisTemplate/Bad_Name): spec.metrics[0].bogusField: unknown field"))
        #expect(lines.contains { $0.contains("document 3") && $0.contains("metadata.name:") })
        #expect(lines.contains { $0.contains("document 3") && $0.contains("spec.metrics[0].provider: must set exactly one") })
        #expect(!result.out.contains("document 2"))  // the Service is not checked
        #expect(result.err.contains("2 Sluice documents checked in 1 file (1 other document skipped): 5 problems"))
    }

    @Test func lintPassesTheProjectsOwnExamples() async {
        let root = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let result = await runRollout(["lint", root.appendingPathComponent("manifests/examples/canary-gateway-api.yaml").path,
                                       root.appendingPathComponent("manifests/examples/analysis-http-slo.yaml").path])
        #expect(result.exitCode == 0, "\(result.out)\(result.err)")
        #expect(result.out == "")
    }

    @Test func lintPointsArgoAndFlaggerKindsToConvert() async {
        let result = await runRollout(["lint", fixture("flagger/abtest-istio.yaml")])
        #expect(result.exitCode == 1)
        #expect(result.out.contains("(Canary/abtest): apiVersion: flagger.app/v1beta1 Canary is not a Sluice kind; `rollout convert"))
    }

    @Test func lintAsJSONParsesBack() async throws {
        let result = await runRollout(["lint", "-o", "json", fixture("lint/invalid.yaml")])
        #expect(result.exitCode == 1)
        let problems = try JSONDecoder().decode([LintProblem].self, from: Data(result.out.utf8))
        #expect(problems.count == 5)
        #expect(problems.first?.path == "spec.strategy.canary.steps[0].setWeight")
        #expect(problems.first?.document == 1)
    }

    @Test func lintChecksArgumentsAgainstTemplatesInTheSameFiles() {
        let rollout = """
            apiVersion: sluice.dev/v1alpha1
            kind: Rollout
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: web:1}]}
              strategy:
                canary:
                  steps:
                  - analysis: {templates: [{templateName: slo}], args: [{name: nope, value: x}]}
            """
        let template = """
            apiVersion: sluice.dev/v1alpha1
            kind: AnalysisTemplate
            metadata: {name: slo}
            spec:
              args: [{name: service}]
              metrics: [{name: m, successCondition: result == 1, provider: {web: {url: "http://slo/{{args.service}}"}}}]
            """
        let alone = Linter.lint([LintInput(file: "r.yaml", text: rollout)])
        #expect(alone.problems.isEmpty)
        #expect(alone.unresolved.count == 1)
        let together = Linter.lint([LintInput(file: "r.yaml", text: rollout), LintInput(file: "t.yaml", text: template)])
        #expect(together.problems.map(\.path).sorted() == ["spec.strategy.canary.steps[0].analysis.args",
                                                           "spec.strategy.canary.steps[0].analysis.args[0].name"])
    }

    /// Converts `files`, checks it exits 0, and returns the YAML.
    func convert(_ files: [String]) async -> String {
        let result = await runRollout(["convert"] + files.map(fixture))
        #expect(result.exitCode == 0, "\(result.err)")
        return result.out
    }

    @Test func convertedArgoManifestsPassLint() async throws {
        let yaml = await convert(["argo/canary-gateway-api.yaml", "argo/bluegreen-istio.yaml", "argo/analysis-templates.yaml"])
        let report = Linter.lint([LintInput(file: "converted.yaml", text: yaml)])
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.checked == 6)
        #expect(report.unresolved.isEmpty, "\(report.unresolved)")
        let documents = try Manifest.load(yaml: yaml)
        guard case .rollout(let checkout)? = documents.first(where: { $0.name == "checkout" })?.object else {
            Issue.record("no checkout Rollout")
            return
        }
        let canary = try #require(checkout.spec.strategy.canary)
        #expect(canary.trafficRouting?.gatewayAPI == GatewayAPITrafficRouting(httpRoute: "checkout", namespace: "shop"))
        #expect(canary.steps?.count == 13)  // the plugin step is left out
        #expect(canary.steps?.first?.setMirrorRoute?.percentage == 50)
        #expect(canary.analysis?.startingStep == 2)
        #expect(checkout.spec.progressDeadlineAbort == true)
    }

    @Test func everyArgoFieldWithoutAnEquivalentIsAComment() async {
        let yaml = await convert(["argo/canary-gateway-api.yaml", "argo/bluegreen-istio.yaml", "argo/analysis-templates.yaml"])
        for path in [
            "spec.restartAt:", "spec.rollbackWindow:", "spec.analysis:", "spec.strategy.canary.canaryMetadata:",
            "spec.strategy.canary.stableMetadata:", "spec.strategy.canary.antiAffinity:", "spec.strategy.canary.dynamicStableScale:",
            "spec.strategy.canary.minPodsPerReplicaSet:", "spec.strategy.canary.scaleDownDelayRevisionLimit:",
            "spec.strategy.canary.trafficRouting.maxTrafficWeight:", "spec.strategy.canary.analysis.dryRun:",
            "spec.strategy.canary.analysis.measurementRetention:", "spec.strategy.canary.steps[7].analysis.analysisRunMetadata:",
            "spec.strategy.canary.steps[10].experiment.templates[0].metadata:", "spec.strategy.canary.steps[10].experiment.templates[1].service:",
            "spec.strategy.canary.steps[11].plugin:", "status:", "spec.strategy.blueGreen.previewMetadata:",
            "spec.strategy.blueGreen.activeMetadata:", "spec.strategy.canary.trafficRouting.alb:",
            "spec.strategy.canary.trafficRouting.istio.virtualServices[0].tlsRoutes:", "spec.measurementRetention:",
            "spec.metrics[0].consecutiveSuccessLimit:", "spec.metrics[0].provider.prometheus.insecure:",
            "spec.metrics[1]: metric \"apdex\" left out", "metadata.namespace: a ClusterAnalysisTemplate has no namespace",
            "metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"] left out",
        ] {
            #expect(yaml.contains("#   - \(path)"), "no comment for \(path)")
        }
        // Values under credential-like keys are never echoed in comments.
        let comments = yaml.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(!comments.contains { $0.contains("static-token-for-tests") || $0.contains("prom-oauth") })
    }

    @Test func convertedFlaggerManifestsPassLint() async throws {
        let yaml = await convert(["flagger/podinfo-gatewayapi.yaml", "flagger/abtest-istio.yaml"])
        let report = Linter.lint([LintInput(file: "converted.yaml", text: yaml)])
        #expect(report.problems.isEmpty, "\(report.problems)")
        let documents = try Manifest.load(yaml: yaml)
        #expect(!documents.contains { $0.kind == "Deployment" })  // folded into the Rollout
        guard case .rollout(let podinfo)? = documents.first(where: { $0.name == "podinfo" && $0.kind == "Rollout" })?.object else {
            Issue.record("no podinfo Rollout")
            return
        }
        let canary = try #require(podinfo.spec.strategy.canary)
        #expect(podinfo.spec.template?.spec?["containers"]?.arrayValue?.first?["image"] == "ghcr.io/stefanprodan/podinfo:6.0.0")
        #expect(canary.steps?.compactMap(\.setWeight) == [10, 20, 30, 40, 50])
        #expect(canary.steps?.last?.pause == RolloutPause())  // confirm-promotion
        // The Prometheus of the Canary's MetricTemplate: the input names no other.
        #expect(canary.slo == SLOGuard(errorRate: 0.01, latencyP99: "500ms",
                                       prometheus: SLOPrometheusSource(address: "http://prometheus.istio-system:9090")))
        #expect(yaml.contains("prometheus.address http://prometheus.istio-system:9090, the Prometheus of MetricTemplate \"not-found-percentage\""))
        #expect(canary.stableService == "podinfo-primary")
        #expect(canary.analysis?.templates.map(\.templateName) == ["podinfo-404s-percentage"])
        guard case .analysisTemplate(let template)? = documents.first(where: { $0.name == "podinfo-404s-percentage" })?.object else {
            Issue.record("no template for the 404s metric")
            return
        }
        let query = template.spec.metrics.first?.provider.prometheus?.query ?? ""
        #expect(query.contains("destination_workload_namespace=\"test\"") && query.contains("route=\"podinfo\"") && query.contains("[1m]"))
        #expect(template.spec.metrics.first?.successCondition == "result[0] <= 5")
        #expect(template.spec.metrics.first?.failureLimit == 4)
        guard case .rollout(let abtest)? = documents.first(where: { $0.name == "abtest" })?.object else {
            Issue.record("no abtest Rollout")
            return
        }
        #expect(abtest.spec.strategy.canary?.steps?.first?.pause == RolloutPause())  // confirm-rollout
        #expect(abtest.spec.strategy.canary?.steps?.compactMap(\.setHeaderRoute).count == 4)
        for comment in ["spec.autoscalerRef:", "spec.revertOnDeletion:", "spec.analysis.alerts:", "spec.service.gatewayRefs:",
                        "spec.analysis.webhooks[1]: Sluice does not call webhooks", "spec.service.trafficPolicy:",
                        "spec.provider: the contour router", "MetricTemplate \"latency\" is not among the files",
                        "provider datadog", "spec.provider.insecureSkipVerify:"] {
            #expect(yaml.contains(comment), "no comment for \(comment)")
        }
    }

    /// A Canary with Flagger's builtin checks only, and `metricsServer` when given.
    static func builtinChecksCanary(metricsServer: String?) -> JSONValue {
        var spec: [String: JSONValue] = [
            "provider": "gatewayapi:v1", "targetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": "web"],
            "service": ["port": 80],
            "analysis": ["interval": "1m", "threshold": 3, "stepWeight": 25, "maxWeight": 50, "metrics": [
                ["name": "request-success-rate", "thresholdRange": ["min": 99.5], "interval": "1m"],
                ["name": "request-duration", "thresholdRange": ["max": 300], "interval": "1m"],
            ]],
        ]
        if let metricsServer { spec["metricsServer"] = .string(metricsServer) }
        return ["apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": ["name": "web", "namespace": "shop"], "spec": .object(spec)]
    }

    @Test(arguments: [(String?.none, FlaggerConverter.placeholderPrometheus, "a placeholder: set it to the Prometheus that scrapes the pods"),
                      ("http://prometheus.flagger:9090", "http://prometheus.flagger:9090", "spec.metricsServer: became slo.prometheus.address")])
    func flaggersBuiltinChecksBecomeAnSLOGuardThatReadsAPrometheus(metricsServer: String?, address: String, note: String) throws {
        let converted = Converter.convert([SourceDocument(file: "web.yaml", index: 0, json: Self.builtinChecksCanary(metricsServer: metricsServer))])
        let document = try #require(converted.first)
        #expect(document.problems.isEmpty, "\(document.problems)")
        let slo = try #require(document.object?[path: "spec", "strategy", "canary", "slo"])
        #expect(slo == ["errorRate": .double(0.005), "latencyP99": "300ms", "prometheus": ["address": .string(address)]])
        #expect(document.notes.contains { $0.description.contains(note) }, "\(document.notes)")
        #expect(document.notes.contains { $0.description.contains("http_requests_total{code}") }, "says what the guard reads")
        let yaml = Converter.render(converted)
        let report = Linter.lint([LintInput(file: "converted.yaml", text: yaml)])
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func flaggerVariablesBecomeArguments() {
        #expect(FlaggerConverter.variables(in: "x{{ namespace }}y{{target}}{{ variables.route }}") == ["namespace", "target", "variables.route"])
        #expect(FlaggerConverter.substitute("a{{ b }}c{{ d }}", ["b": "B"]) == "aBc{{ d }}")
        #expect(FlaggerConverter.dnsName("podinfo-404s percentage") == "podinfo-404s-percentage")
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = RolloutCommand.completionScript(for: try #require(CompletionShell(rawValue: shell)))
            #expect(script.contains("promote") && script.contains("set"), "\(shell)")
        }
    }
}
