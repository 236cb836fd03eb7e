import Foundation
import KubeClient
import KubeSim
import Logging
import SluiceAPI
import Testing
import TestSupport
@testable import Controller

/// Analysis end to end: KubeSim with users sending 200 requests/s through the HTTPRoute, a
/// real Prometheus scraping the pods' metrics every second, and the controller running the
/// AnalysisRuns the Rollout starts (error ratio per pod-template hash).
@Suite("Analysis end to end on KubeSim with Prometheus", .serialized)
struct AnalysisEndToEndTests {
    /// Users at 200 requests/s through `entry` (`route: web` or `service: web-active`).
    static func scenario(v2ErrorRatio: Double, entry: String = "route: web") -> SimulatedTraffic.Options {
        let scenario = try! Scenario.parse(yaml: """
            images:
              "web:1": {errorRatio: 0.001, latency: {p50: 10ms, p99: 80ms}}
              "web:2": {errorRatio: \(v2ErrorRatio), latency: {p50: 10ms, p99: 80ms}}
            entryPoints:
              - name: users
                namespace: default
                \(entry)
                ratePerSecond: 200
            """, file: "analysis-e2e.yaml")
        return SimulatedTraffic.Options(scenario: scenario, seed: 6)
    }

    /// The canary's error ratio over the last 30 s, from the pods of one pod-template hash:
    /// two measurements 2 s apart, the first 10 s after the run starts (a few thousand
    /// requests at 50%, so 5% and 0.1% are far apart from the 2% threshold).
    static func errorRatioTemplate(_ name: String, prometheus: String, metric: JSONValue = [:]) -> JSONValue {
        let selector = "job=\"\(PrometheusServer.jobName)\",mirrored=\"false\",rollouts_pod_template_hash=\"{{args.canary-hash}}\""
        var fields: [String: JSONValue] = [
            "name": "error-ratio", "initialDelay": "10s", "interval": "2s", "count": 2,
            "successCondition": "len(result) > 0 && result[0] < 0.02",
            "provider": ["prometheus": [
                "address": .string(prometheus),
                "query": .string("(sum(rate(http_requests_total{\(selector),code=~\"5..\"}[30s])) or vector(0))"
                    + " / sum(rate(http_requests_total{\(selector)}[30s]))"),
            ]],
        ]
        for (key, value) in metric.objectValue ?? [:] { fields[key] = value == .null ? nil : value }
        return [
            "apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisTemplate",
            "metadata": ["name": .string(name), "namespace": "default"],
            "spec": ["args": [["name": "canary-hash"]], "metrics": [.object(fields)]],
        ]
    }

    static let canaryHashArgument: JSONValue = [["name": "canary-hash", "valueFrom": ["podTemplateHashValue": "Latest"]]]

    static func analysisStep(_ template: String) -> JSONValue {
        ["analysis": ["templates": [["templateName": .string(template)]], "args": canaryHashArgument]]
    }

    /// The harness's Rollout, with `canary.analysis` set when `background` names a template.
    static func rollout(steps: [JSONValue], background: String? = nil) -> JSONValue {
        guard let background, case .object(var root) = ControllerHarness.rollout(steps: steps),
              case .object(var spec)? = root["spec"], case .object(var strategy)? = spec["strategy"],
              case .object(var canary)? = strategy["canary"] else { return ControllerHarness.rollout(steps: steps) }
        canary["analysis"] = ["templates": [["templateName": .string(background)]], "args": canaryHashArgument, "startingStep": 0]
        strategy["canary"] = .object(canary)
        spec["strategy"] = .object(strategy)
        root["spec"] = .object(spec)
        return .object(root)
    }

    /// A cluster with traffic, Prometheus scraping it, and the controller, for `body`.
    static func withAnalysisCluster(
        v2ErrorRatio: Double, entry: String = "route: web", _ body: @Sendable (ControllerHarness, PrometheusServer, RolloutController) async throws -> Void
    ) async throws {
        try await withAnalysisCluster(traffic: scenario(v2ErrorRatio: v2ErrorRatio, entry: entry), body)
    }

    /// A cluster with `traffic`, Prometheus scraping it every second, and the controller, for `body`.
    static func withAnalysisCluster(
        traffic options: SimulatedTraffic.Options, _ body: @Sendable (ControllerHarness, PrometheusServer, RolloutController) async throws -> Void
    ) async throws {
        guard FileManager.default.isExecutableFile(atPath: PrometheusServer.binary) else {
            Issue.record("\(PrometheusServer.missing(PrometheusServer.binary))")
            return
        }
        try await ControllerHarness.with(traffic: options) { h in
            let traffic = try #require(h.cluster.traffic)
            let metricsPort = try await traffic.metricsServer.waitUntilServing()
            let prometheus = try await PrometheusServer.start(targets: ["127.0.0.1:\(metricsPort)"], scrapeInterval: "1s")
            let controller = h.controller()
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await controller.run() }
                    defer { group.cancelAll() }
                    try await body(h, prometheus, controller)
                }
            } catch {
                Issue.record("Prometheus log:\n\(prometheus.log().suffix(2000))")
                try await offloaded { prometheus.stop() }
                throw error
            }
            try await offloaded { prometheus.stop() }
        }
    }

    static func analysisRun(_ h: ControllerHarness, _ name: String) async -> JSONValue? {
        try? await h.client.resources(DynamicObject.self, .analysisRuns, namespace: "default").get(name).json
    }

    static func firstMetric(_ run: JSONValue) -> JSONValue? {
        run[path: "status", "metricResults"]?.arrayValue?.first
    }

    /// The name the status records for the run of `trigger`.
    static func runName(_ h: ControllerHarness, trigger: String) async -> String? {
        let summaries = try? await h.rolloutStatus()["analysis"]?.arrayValue
        return summaries?.first { $0["trigger"]?.stringValue == trigger }?["name"]?.stringValue
    }

    @Test func aHealthyCanaryPassesItsAnalysisStepAndIsPromoted() async throws {
        try await Self.withAnalysisCluster(v2ErrorRatio: 0.001) { h, prometheus, controller in
            try await h.applier.apply(Self.errorRatioTemplate("error-ratio", prometheus: prometheus.url))
            try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], Self.analysisStep("error-ratio")]))
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            let v1 = try #require(try await h.rolloutStatus()["stableRS"]?.stringValue)
            try await h.setImage("web:2")
            #expect(await eventually(timeout: .seconds(45)) {
                let status = try? await h.rolloutStatus()
                return status?["stableRS"]?.stringValue != v1 && status?["phase"]?.stringValue == "Healthy"
            })
            let v2 = try #require(try await h.rolloutStatus()["stableRS"]?.stringValue)
            let name = "web-\(v2)-1"
            let run = try #require(await Self.analysisRun(h, name))
            #expect(run[path: "status", "phase"]?.stringValue == "Successful")
            #expect(Self.firstMetric(run)?["successful"]?.integerValue == 2)
            #expect(run[path: "metadata", "labels", "rollout.sluice.dev/analysis"]?.stringValue == "step")
            #expect(run[path: "metadata", "labels", "rollouts-pod-template-hash"]?.stringValue == v2)
            let owner = run[path: "metadata", "ownerReferences"]?.arrayValue?.first
            #expect(owner?["kind"]?.stringValue == "Rollout" && owner?["controller"] == .bool(true))
            #expect(run[path: "spec", "args"]?.arrayValue?.first?["value"]?.stringValue == v2, "the canary's hash passed in")
            #expect(try await h.weights() == [100, 0])
            let text = controller.metrics.text()
            #expect(text.contains("sluice_analysis_measurements_total{provider=\"prometheus\",phase=\"Successful\"} 2"))
            #expect(text.contains("sluice_analysis_runs_completed_total{phase=\"Successful\"} 1"))
            let lint = try await PrometheusServer.checkMetricsOffloaded(text)
            #expect(lint.status == 0, "promtool check metrics: \(lint.output)")
        }
    }

    @Test func aCanaryWithFivePercentErrorsFailsItsAnalysisAndIsAbortedToStable() async throws {
        try await Self.withAnalysisCluster(v2ErrorRatio: 0.05) { h, prometheus, _ in
            try await h.applier.apply(Self.errorRatioTemplate("error-ratio", prometheus: prometheus.url))
            try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], Self.analysisStep("error-ratio"), ["pause": [:]]]))
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            try await h.setImage("web:2")
            #expect(await eventually(timeout: .seconds(45)) { await h.phase() == "Degraded" })
            let status = try await h.rolloutStatus()
            let v2 = try #require(status["currentPodHash"]?.stringValue)
            let name = "web-\(v2)-1"
            let message = try #require(status["message"]?.stringValue)
            #expect(message.contains("analysis run \(name) Failed: metric \"error-ratio\" Failed"), "\(message)")
            #expect(message.contains("traffic is back on stable"))
            #expect(status["abort"] == .bool(true))
            #expect(status[path: "conditions"]?.arrayValue?.contains {
                $0["type"] == "Progressing" && $0["reason"] == "AnalysisRunFailed"
            } == true)
            #expect(try await h.weights() == [100, 0], "all traffic on stable")
            let run = try #require(await Self.analysisRun(h, name))
            #expect(run[path: "status", "phase"]?.stringValue == "Failed")
            let last = try #require(Self.firstMetric(run)?["measurements"]?.arrayValue?.last)
            #expect(last["phase"]?.stringValue == "Failed")
            let value = try #require(last["value"]?.stringValue.flatMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) })
            #expect(value >= 0.02, "the measured ratio is recorded")
        }
    }

    @Test func prometheusGoingAwayMidRolloutErrorsTheBackgroundAnalysisAndAbortsToStable() async throws {
        try await Self.withAnalysisCluster(v2ErrorRatio: 0.001) { h, prometheus, controller in
            try await h.applier.apply(Self.errorRatioTemplate("error-ratio", prometheus: prometheus.url, metric: [
                "interval": "1s", "count": .null, "initialDelay": "10s", "consecutiveErrorLimit": 2,
            ]))
            try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], ["pause": [:]]], background: "error-ratio"))
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            try await h.setImage("web:2")
            // The background run measures successfully while the canary waits at its pause step
            // (its first look 10 s in, once Prometheus has scraped the new pods a few times).
            var name: String?
            #expect(await eventually(timeout: .seconds(40)) {
                guard await h.phase() == "Paused", let found = await Self.runName(h, trigger: "background") else { return false }
                name = found
                let successful = await Self.analysisRun(h, found).flatMap(Self.firstMetric)?["successful"]?.integerValue
                return (successful ?? 0) >= 1
            })
            let run = try #require(name)
            #expect(try await h.weights() == [50, 50])
            try await offloaded { prometheus.stop() }
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Degraded" })
            let message = try #require(try await h.rolloutStatus()["message"]?.stringValue)
            #expect(message.contains("analysis run \(run) Error: metric \"error-ratio\" Error"), "\(message)")
            #expect(try await h.weights() == [100, 0], "failed safe to stable")
            let object = try #require(await Self.analysisRun(h, run))
            #expect(object[path: "status", "phase"]?.stringValue == "Error")
            #expect((Self.firstMetric(object)?["consecutiveError"]?.integerValue ?? 0) >= 3)
            #expect(controller.metrics.text().contains("sluice_analysis_measurements_total{provider=\"prometheus\",phase=\"Error\"}"))
        }
    }

    @Test func aTemplateWithABadConditionAndQueryMakesTheRolloutInvalidUntilFixed() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                var bad = Self.errorRatioTemplate("bad", prometheus: "http://127.0.0.1:9", metric: [
                    "successCondition": "result[0] <", "provider": ["prometheus": ["address": "http://127.0.0.1:9", "query": "sum(rate(x[1m])"]],
                ])
                try await h.applier.apply(bad)
                try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], Self.analysisStep("bad")]))
                var message = ""
                #expect(await eventually(timeout: .seconds(20)) {
                    let conditions = try? await h.rolloutStatus()["conditions"]?.arrayValue
                    message = conditions?.first { $0["type"] == "InvalidSpec" && $0["status"] == "True" }?["message"]?.stringValue ?? ""
                    return !message.isEmpty
                })
                #expect(message.contains("spec.strategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate \"bad\" is invalid:"), "\(message)")
                #expect(message.contains("spec.metrics[0].successCondition: at character"), "\(message)")
                #expect(message.contains("spec.metrics[0].provider.prometheus.query: at character 4: \"(\" is not closed"), "\(message)")
                #expect(await h.phase() == "Degraded")
                // Fixing the template (its informer enqueues the Rollout) clears the condition.
                bad = Self.errorRatioTemplate("bad", prometheus: "http://127.0.0.1:9")
                try await h.applier.apply(bad)
                #expect(await eventually(timeout: .seconds(20)) { await h.phase() == "Healthy" })
                let conditions = try await h.rolloutStatus()["conditions"]?.arrayValue ?? []
                #expect(!conditions.contains { $0["type"] == "InvalidSpec" })
            }
        }
    }

    @Test func anArgumentThatCannotBeResolvedErrorsTheRunAndAbortsToStable() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply(Self.errorRatioTemplate("error-ratio", prometheus: "http://127.0.0.1:9"))
                let step: JSONValue = ["analysis": [
                    "templates": [["templateName": "error-ratio"]],
                    "args": [["name": "canary-hash", "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['team']"]]]],
                ]]
                try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], step]))
                #expect(await eventually(timeout: .seconds(20)) { await h.phase() == "Healthy" })
                try await h.setImage("web:2")
                #expect(await eventually(timeout: .seconds(20)) { await h.phase() == "Degraded" })
                let status = try await h.rolloutStatus()
                let v2 = try #require(status["currentPodHash"]?.stringValue)
                let message = try #require(status["message"]?.stringValue)
                // The run errors as soon as it is created. When the status write that records it
                // loses a race (409) the next plan finds it finished and unrecorded, and starts it
                // again as `-1.1` (known; the outcome is the same): either name is accepted.
                let name = try #require(status[path: "analysis"]?.arrayValue?.first { $0["trigger"] == "step" }?["name"]?.stringValue)
                #expect(name == "web-\(v2)-1" || name.hasPrefix("web-\(v2)-1."), "\(name)")
                #expect(message.contains("analysis run \(name) Error: cannot start: argument \"canary-hash\": the Rollout has no field metadata.labels['team']"),
                        "\(message)")
                #expect(try await h.weights() == [100, 0])
                let run = try #require(await Self.analysisRun(h, name))
                #expect(run[path: "status", "phase"]?.stringValue == "Error")
                #expect(run[path: "status", "metricResults"] == nil, "nothing was measured")
            }
        }
    }

    @Test func aRunThatDoesNotValidateIsMarkedErrorWithWhy() async throws {
        try await ControllerHarness.with { h in
            try await h.withController {
                try await h.applier.apply([
                    "apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisRun",
                    "metadata": ["name": "by-hand", "namespace": "default"],
                    "spec": ["metrics": [[
                        "name": "m", "successCondition": "result[0] < {{args.limit}}",
                        "provider": ["web": ["url": "http://127.0.0.1:9/x"]],
                    ]]],
                ])
                var status: JSONValue?
                #expect(await eventually(timeout: .seconds(20)) {
                    status = await Self.analysisRun(h, "by-hand")?["status"]
                    return status?["phase"]?.stringValue == "Error"
                })
                #expect(status?["message"]?.stringValue
                    == "invalid AnalysisRun: spec.metrics[0].successCondition: refers to {{args.limit}}, which spec.args does not declare")
            }
        }
    }

    @Test func aFailingPostPromotionAnalysisSwitchesTheActiveServiceBack() async throws {
        try await Self.withAnalysisCluster(v2ErrorRatio: 0.05, entry: "service: web-active") { h, prometheus, _ in
            for name in ["web-active", "web-preview"] {
                try await h.applier.apply([
                    "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": "default"],
                    "spec": ["selector": ["app": "web"], "ports": [["port": 80, "targetPort": 8080]]],
                ])
            }
            try await h.applier.apply(Self.errorRatioTemplate("error-ratio", prometheus: prometheus.url))
            try await h.applier.apply([
                "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout",
                "metadata": ["name": "web", "namespace": "default"],
                "spec": [
                    "replicas": 2,
                    "selector": ["matchLabels": ["app": "web"]],
                    "template": [
                        "metadata": ["labels": ["app": "web"]],
                        "spec": ["containers": [["name": "web", "image": "web:1"]]],
                    ],
                    "strategy": ["blueGreen": [
                        "activeService": "web-active", "previewService": "web-preview", "abortScaleDownDelaySeconds": 1,
                        "postPromotionAnalysis": ["templates": [["templateName": "error-ratio"]], "args": Self.canaryHashArgument],
                    ]],
                ],
            ])
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            let v1 = try #require(try await h.rolloutStatus()["stableRS"]?.stringValue)
            try await h.setImage("web:2")
            let services = h.client.resources(DynamicObject.self, .services, namespace: "default")
            func activeSelector() async -> String? {
                try? await services.get("web-active").json[path: "spec", "selector", "rollouts-pod-template-hash"]?.stringValue
            }
            // The switch happens first; the analysis then measures v2 serving all the users.
            #expect(await eventually(timeout: .seconds(30)) { await activeSelector().map { $0 != v1 } ?? false })
            #expect(await eventually(timeout: .seconds(40)) { await h.phase() == "Degraded" })
            let status = try await h.rolloutStatus()
            let v2 = try #require(status["currentPodHash"]?.stringValue)
            let message = try #require(status["message"]?.stringValue)
            #expect(message.contains("analysis run web-\(v2)-post-promotion Failed: metric \"error-ratio\" Failed"), "\(message)")
            #expect(await activeSelector() == v1, "the active Service is back on the previous revision")
            #expect(status["stableRS"]?.stringValue == v1)
        }
    }
}
