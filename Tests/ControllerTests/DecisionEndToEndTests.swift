import Foundation
import KubeClient
import KubeSim
import SluiceAPI
import Testing
import TestSupport
@testable import Controller

/// The statistical decisions end to end: KubeSim's users, a real Prometheus scraping the pods
/// every second, and the controller running the SLO guard, the canary judge, an A/B
/// experiment and a shadow comparison from what Prometheus answers.
@Suite("Statistical decisions end to end on KubeSim with Prometheus", .serialized)
struct DecisionEndToEndTests {
    typealias E2E = AnalysisEndToEndTests

    /// Users at `rate` requests/s through the HTTPRoute `web`; `images` is the scenario's
    /// `images:` block.
    static func traffic(_ images: String, rate: Int = 200, seed: UInt64 = 11) -> SimulatedTraffic.Options {
        let scenario = try! Scenario.parse(yaml: """
            images:
            \(images)
            entryPoints:
              - name: users
                namespace: default
                route: web
                ratePerSecond: \(rate)
            """, file: "decision-e2e.yaml")
        return SimulatedTraffic.Options(scenario: scenario, seed: seed)
    }

    /// `expression` with the selector of one arm's series spliced in: `{{selector}}` becomes
    /// `job="…",mirrored="false",rollouts_pod_template_hash="{{args.<hash>}}"`.
    static func query(_ expression: String, hash: String, mirrored: Bool = false, extra: String = "") -> String {
        let selector = "job=\"\(PrometheusServer.jobName)\",mirrored=\"\(mirrored)\",rollouts_pod_template_hash=\"{{args.\(hash)}}\"\(extra)"
        return expression.replacingOccurrences(of: "{{selector}}", with: selector)
    }

    static func metric(_ name: String, _ query: String, prometheus: String, interval: String = "1s") -> JSONValue {
        ["name": .string(name), "interval": .string(interval), "consecutiveErrorLimit": 3,
         "provider": ["prometheus": ["address": .string(prometheus), "query": .string(query)]]]
    }

    static func template(_ name: String, args: [String], metrics: [JSONValue], decision: JSONValue) -> JSONValue {
        [
            "apiVersion": "sluice.dev/v1alpha1", "kind": "AnalysisTemplate",
            "metadata": ["name": .string(name), "namespace": "default"],
            "spec": ["args": .array(args.map { ["name": .string($0)] }), "metrics": .array(metrics), "decision": decision],
        ]
    }

    static func hashArgument(_ name: String, _ which: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["podTemplateHashValue": .string(which)]]
    }

    static let requests = "sum(http_requests_total{{{selector}}})"
    static let errors = "sum(http_requests_total{{{selector}},code=~\"5..\"})"
    static let latency = "sum by (le) (http_request_duration_seconds_bucket{{{selector}}})"

    /// The harness's Rollout with `edit` applied to its `spec.strategy.canary`.
    static func rollout(steps: [JSONValue], canary edit: (inout [String: JSONValue]) -> Void) -> JSONValue {
        guard case .object(var root) = ControllerHarness.rollout(steps: steps), case .object(var spec)? = root["spec"],
              case .object(var strategy)? = spec["strategy"], case .object(var canary)? = strategy["canary"] else {
            preconditionFailure("the harness's Rollout has a canary strategy")
        }
        edit(&canary)
        strategy["canary"] = .object(canary)
        spec["strategy"] = .object(strategy)
        root["spec"] = .object(spec)
        return .object(root)
    }

    static func slo(_ prometheus: String) -> JSONValue {
        ["errorRate": 0.01, "interval": "1s", "prometheus": ["address": .string(prometheus)]]
    }

    /// The verdict the run of `trigger` records, once the status names the run.
    static func verdict(_ h: ControllerHarness, trigger: String) async -> JSONValue? {
        guard let name = await E2E.runName(h, trigger: trigger) else { return nil }
        return await E2E.analysisRun(h, name)?[path: "status", "verdict"]
    }

    // MARK: 2. SLO guard

    @Test func theSLOGuardAbortsACanaryWithFivePercentErrorsWithinSeconds() async throws {
        let images = """
              "web:1": {errorRatio: 0.001, latency: {p50: 10ms, p99: 80ms}}
              "web:2": {errorRatio: 0.05, latency: {p50: 10ms, p99: 80ms}}
            """
        try await E2E.withAnalysisCluster(traffic: Self.traffic(images)) { h, prometheus, controller in
            try await h.applier.apply(Self.rollout(steps: [["setWeight": 20], ["pause": [:]]]) { canary in
                canary["slo"] = Self.slo(prometheus.url)
            })
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            let generator = try #require(h.cluster.traffic?.generator)
            try await h.setImage("web:2")
            var canaryHash = ""
            #expect(await eventually(timeout: .seconds(20)) {
                let status = try? await h.rolloutStatus()
                canaryHash = status?["currentPodHash"]?.stringValue ?? ""
                return !canaryHash.isEmpty && canaryHash != status?["stableRS"]?.stringValue
            })
            // The breach clock starts at the canary's first failed request, as the users see it.
            var firstBadRequest: ContinuousClock.Instant?
            var rolledBack: ContinuousClock.Instant?
            #expect(await eventually(timeout: .seconds(60)) {
                if firstBadRequest == nil, generator.metrics.series.contains(where: {
                    $0.key.podTemplateHash == canaryHash && ($0.value.requestsByCode[500] ?? 0) > 0
                }) {
                    firstBadRequest = .now
                }
                guard firstBadRequest != nil, (try? await h.weights()) == [100, 0] else { return false }
                rolledBack = .now
                return true
            })
            let breachToRollback = try #require(rolledBack) - (try #require(firstBadRequest))
            print("SLO guard: first bad request → 100% stable in \(breachToRollback)")
            #expect(await eventually(timeout: .seconds(10)) { await h.phase() == "Degraded" })
            let status = try await h.rolloutStatus()
            let message = try #require(status["message"]?.stringValue)
            #expect(message.contains("\(canaryHash)-slo-guard Failed"), "\(message)")
            #expect(message.contains("errorRate"), "the reason names the objective: \(message)")
            #expect(status["abort"] == .bool(true))
            let verdict = try #require(await Self.verdict(h, trigger: "sloGuard"))
            #expect(verdict["decider"]?.stringValue == "sloGuard")
            #expect(verdict["outcome"]?.stringValue == "Fail")
            #expect(controller.metrics.text().contains("sluice_analysis_runs_completed_total{phase=\"Failed\"} 1"))
        }
    }

    // MARK: 3. A/A

    @Test func identicalVersionsPassManyJudgeAndGuardLooksWithoutARollback() async throws {
        let images = """
              "web:1": {errorRatio: 0.002, latency: {p50: 20ms, p99: 120ms}}
              "web:2": {errorRatio: 0.002, latency: {p50: 20ms, p99: 120ms}}
            """
        try await E2E.withAnalysisCluster(traffic: Self.traffic(images)) { h, prometheus, _ in
            let url = prometheus.url
            try await h.applier.apply(Self.template("canary-vs-baseline", args: ["canary-hash", "baseline-hash"], metrics: [
                Self.metric("canary-requests", Self.query(Self.requests, hash: "canary-hash"), prometheus: url),
                Self.metric("baseline-requests", Self.query(Self.requests, hash: "baseline-hash"), prometheus: url),
                Self.metric("canary-errors", Self.query(Self.errors, hash: "canary-hash"), prometheus: url),
                Self.metric("baseline-errors", Self.query(Self.errors, hash: "baseline-hash"), prometheus: url),
                Self.metric("canary-latency", Self.query(Self.latency, hash: "canary-hash"), prometheus: url),
                Self.metric("baseline-latency", Self.query(Self.latency, hash: "baseline-hash"), prometheus: url),
            ], decision: ["judge": ["metrics": [
                ["name": "error-rate", "kind": "counts",
                 "canary": ["events": "canary-errors", "total": "canary-requests"],
                 "baseline": ["events": "baseline-errors", "total": "baseline-requests"]],
                ["name": "latency-p99", "kind": "histogram", "quantile": 0.99,
                 "canary": ["histogram": "canary-latency"], "baseline": ["histogram": "baseline-latency"]],
            ]]]))
            try await h.applier.apply(Self.rollout(steps: [["setWeight": 50], ["pause": ["duration": "40s"]]]) { canary in
                canary["slo"] = Self.slo(url)
                canary["judge"] = ["templateName": "canary-vs-baseline", "args": [
                    Self.hashArgument("canary-hash", "Latest"), Self.hashArgument("baseline-hash", "Stable"),
                ]]
            })
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            let v1 = try #require(try await h.rolloutStatus()["stableRS"]?.stringValue)
            try await h.setImage("web:2")
            // Follow the judge while the canary takes half the traffic for 40 s.
            var looks: Int64 = 0
            var judgeOutcomes: Set<String> = []
            #expect(await eventually(timeout: .seconds(120)) {
                if let verdict = await Self.verdict(h, trigger: "judge") {
                    looks = max(looks, verdict["looks"]?.integerValue ?? 0)
                    if let outcome = verdict["outcome"]?.stringValue { judgeOutcomes.insert(outcome) }
                }
                let status = try? await h.rolloutStatus()
                return status?["phase"]?.stringValue == "Healthy" && status?["stableRS"]?.stringValue != v1
                    || status?["phase"]?.stringValue == "Degraded"
            })
            let status = try await h.rolloutStatus()
            #expect(status["phase"]?.stringValue == "Healthy", "no false rollback: \(status["message"]?.stringValue ?? "")")
            #expect(status["stableRS"]?.stringValue != v1, "v2 was promoted")
            #expect(!judgeOutcomes.contains("Fail"), "\(judgeOutcomes)")
            #expect(looks >= 15, "the judge looked many times (\(looks))")
            #expect(try await h.weights() == [100, 0])
        }
    }

    // MARK: 4. A/B

    @Test func anABExperimentDeclaresTheBetterConvertingVersionTheWinnerAndPromotesIt() async throws {
        let images = """
              "web:1": {errorRatio: 0, latency: {p50: 10ms, p99: 50ms}, conversionProbability: 0.10}
              "web:2": {errorRatio: 0, latency: {p50: 10ms, p99: 50ms}, conversionProbability: 0.12}
            """
        try await E2E.withAnalysisCluster(traffic: Self.traffic(images, rate: 1000)) { h, prometheus, _ in
            let url = prometheus.url
            let conversions = "sum(conversions_total{{{selector}}})"
            try await h.applier.apply(Self.template("ab-conversion", args: ["a-hash", "b-hash"], metrics: [
                Self.metric("a-conversions", Self.query(conversions, hash: "a-hash"), prometheus: url),
                Self.metric("a-requests", Self.query(Self.requests, hash: "a-hash"), prometheus: url),
                Self.metric("b-conversions", Self.query(conversions, hash: "b-hash"), prometheus: url),
                Self.metric("b-requests", Self.query(Self.requests, hash: "b-hash"), prometheus: url),
            ], decision: ["experiment": ["minimumSamplesPerVariant": 1000, "variants": [
                ["name": "a", "events": "a-conversions", "total": "a-requests"],
                ["name": "b", "events": "b-conversions", "total": "b-requests"],
            ]]]))
            let experiment: JSONValue = ["experiment": [
                "duration": "3m",
                "templates": [["name": "a", "specRef": "stable", "weight": 50], ["name": "b", "specRef": "canary", "weight": 50]],
                "analyses": [["name": "conversion", "templateName": "ab-conversion", "requiredForCompletion": true,
                              "args": [Self.hashArgument("a-hash", "Stable"), Self.hashArgument("b-hash", "Latest")]]],
            ]]
            try await h.applier.apply(Self.rollout(steps: [experiment]) { _ in })
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            let v1 = try #require(try await h.rolloutStatus()["stableRS"]?.stringValue)
            try await h.setImage("web:2")
            #expect(await eventually(timeout: .seconds(30)) { (try? await h.weights()) == [50, 50] }, "the split is held")
            #expect(await eventually(timeout: .seconds(150)) {
                let status = try? await h.rolloutStatus()
                return status?["phase"]?.stringValue == "Healthy" && status?["stableRS"]?.stringValue != v1
                    || status?["phase"]?.stringValue == "Degraded"
            })
            let status = try await h.rolloutStatus()
            #expect(status["phase"]?.stringValue == "Healthy", "\(status["message"]?.stringValue ?? "")")
            let verdict = try #require(await Self.verdict(h, trigger: "experiment"))
            #expect(verdict["decider"]?.stringValue == "experiment")
            #expect(verdict["winner"]?.stringValue == "b", "\(verdict)")
            let comparison = try #require(verdict["metrics"]?.arrayValue?.first)
            let effect = try #require(comparison["effect"]?.doubleValue)
            let lower = try #require(comparison["lower"]?.doubleValue)
            #expect(effect > 0 && lower > 0, "a significant lift, its confidence sequence above 0: \(comparison)")
            #expect((comparison["adjustedPValue"]?.doubleValue ?? 1) < 0.05)
            #expect(try await h.weights() == [100, 0], "b promoted")
        }
    }

    // MARK: 5. Shadow

    @Test func aCandidateWhosePredictionsShiftFailsTheShadowPhaseBeforeServingAUser() async throws {
        let images = """
              "web:1": {errorRatio: 0.001, latency: {p50: 10ms, p99: 50ms}, predictions: {approve: 0.7, deny: 0.3}}
              "web:2": {errorRatio: 0.001, latency: {p50: 10ms, p99: 50ms}, predictions: {approve: 0.35, deny: 0.65}}
            """
        try await E2E.withAnalysisCluster(traffic: Self.traffic(images)) { h, prometheus, _ in
            let url = prometheus.url
            let predictions = "sum by (class) (predictions_total{{{selector}}})"
            func side(_ prefix: String, _ hash: String, mirrored: Bool) -> [JSONValue] {
                [Self.metric("\(prefix)-requests", Self.query(Self.requests, hash: hash, mirrored: mirrored), prometheus: url, interval: "2s"),
                 Self.metric("\(prefix)-errors", Self.query(Self.errors, hash: hash, mirrored: mirrored), prometheus: url, interval: "2s"),
                 Self.metric("\(prefix)-predictions", Self.query(predictions, hash: hash, mirrored: mirrored), prometheus: url, interval: "2s")]
            }
            func arm(_ prefix: String) -> JSONValue {
                ["requests": .string("\(prefix)-requests"), "errors": .string("\(prefix)-errors"), "predictions": .string("\(prefix)-predictions")]
            }
            try await h.applier.apply(Self.template("shadow-agreement", args: ["primary-hash", "candidate-hash"],
                                                    metrics: side("primary", "primary-hash", mirrored: false) + side("candidate", "candidate-hash", mirrored: true),
                                                    decision: ["shadow": ["after": "20s", "minimumRequests": 500,
                                                                          "primary": arm("primary"), "candidate": arm("candidate")]]))
            let shadowAnalysis: JSONValue = ["analysis": [
                "templates": [["templateName": "shadow-agreement"]],
                "args": [Self.hashArgument("primary-hash", "Stable"), Self.hashArgument("candidate-hash", "Latest")],
            ]]
            try await h.applier.apply(Self.rollout(steps: [
                ["setMirrorRoute": ["name": "shadow", "percentage": 100]], shadowAnalysis, ["setMirrorRoute": ["name": "shadow"]],
                ["setWeight": 50], ["pause": [:]],
            ]) { _ in })
            #expect(await eventually(timeout: .seconds(30)) { await h.phase() == "Healthy" })
            try await h.setImage("web:2")
            var largestCanaryWeight: Int64 = 0
            #expect(await eventually(timeout: .seconds(90)) {
                if let weights = try? await h.weights(), weights.count == 2 { largestCanaryWeight = max(largestCanaryWeight, weights[1]) }
                return await h.phase() == "Degraded"
            })
            if await h.phase() != "Degraded" {
                let name = await E2E.runName(h, trigger: "step") ?? "-"
                Issue.record("run \(name): \(String(describing: await E2E.analysisRun(h, name)?["status"]?["verdict"]?["reason"]))")
            }
            #expect(largestCanaryWeight == 0, "the candidate never served a user")
            let message = try #require(try await h.rolloutStatus()["message"]?.stringValue)
            #expect(message.contains("Failed") && message.contains("predictions"), "\(message)")
            let verdict = try #require(await Self.verdict(h, trigger: "step"))
            #expect(verdict["decider"]?.stringValue == "shadow")
            #expect(verdict["outcome"]?.stringValue == "Fail")
            let check = verdict["metrics"]?.arrayValue?.first { $0["name"]?.stringValue == "predictions" }
            #expect((check?["effect"]?.doubleValue ?? 0) >= 0.1, "the PSI is recorded: \(String(describing: check))")
            #expect(try await h.weights() == [100, 0])
        }
    }
}
