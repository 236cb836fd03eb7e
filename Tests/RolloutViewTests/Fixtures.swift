import Foundation
import KubeClient
import RolloutCore
import RolloutView
import SluiceAPI

/// Fixed snapshots at a fixed clock, as the cluster would show them mid-update.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_746_000_000)  // 2025-04-30T08:00:00Z

    static func ago(_ seconds: TimeInterval) -> String { Timestamp(now.addingTimeInterval(-seconds)).description }

    static func meta(_ name: String, namespace: String = "shop", created: TimeInterval, labels: [String: String]? = nil,
                     annotations: [String: String]? = nil) -> ObjectMeta {
        var meta = ObjectMeta(name: name, namespace: namespace, labels: labels, annotations: annotations)
        meta.creationTimestamp = ago(created)
        return meta
    }

    static let steps = [CanaryStep(setWeight: 10), CanaryStep(setMirrorRoute: SetMirrorRoute(percentage: 20)),
                        CanaryStep(setWeight: 30), CanaryStep(pause: RolloutPause()),
                        CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "success-rate")])),
                        CanaryStep(setWeight: 60)]

    static func rollout(name: String = "checkout", namespace: String = "shop", image: String = "shop/checkout:2.1.0",
                        status: RolloutStatus?, paused: Bool? = nil, created: TimeInterval = 3 * 86_400 + 4 * 3600,
                        steps: [CanaryStep] = steps, judge: JudgeReference? = nil, slo: SLOGuard? = nil) -> Rollout {
        var rollout = Rollout(
            metadata: meta(name, namespace: namespace, created: created),
            spec: RolloutSpec(
                replicas: 4, selector: LabelSelector(matchLabels: ["app": name]),
                template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": name]),
                                          spec: ["containers": [["name": .string(name), "image": .string(image)]]]),
                paused: paused,
                strategy: RolloutStrategy(canary: CanaryStrategy(
                    stableService: "\(name)-stable", canaryService: "\(name)-canary",
                    trafficRouting: TrafficRouting(gatewayAPI: GatewayAPITrafficRouting(httpRoute: name)),
                    slo: slo, judge: judge, steps: steps))))
        rollout.status = status
        rollout.metadata.uid = "uid-\(name)"
        rollout.metadata.resourceVersion = "100"
        rollout.metadata.generation = 4
        return rollout
    }

    static var pausedStatus: RolloutStatus {
        var status = RolloutStatus()
        status.phase = .paused
        status.message = "paused at step 4/6 (pause (until promoted)); `rollout promote` continues"
        status.observedGeneration = 4
        status.currentStepIndex = 3
        status.stableRS = "6d4f8b7c9"
        status.canaryRS = "7b9c5d6f8"
        status.weights = TrafficWeights(canary: 30, stable: 70, mirror: 20)
        status.controllerPause = true
        status.pauseStartTime = Timestamp(now.addingTimeInterval(-302))
        status.replicas = 6
        status.readyReplicas = 6
        status.availableReplicas = 6
        status.updatedReplicas = 2
        status.analysis = [summary("checkout-7b9c5d6f8-judge", .judge, phase: .running, runningJudge)]
        return status
    }

    /// The judge of the paused canary, still collecting samples.
    static let runningJudge = StatisticalVerdict(
        decider: .judge, outcome: .hold, reason: "collecting samples: error-rate has 1204 of the 2000 canary requests it needs", looks: 9,
        metrics: [ComparedMetric(name: "error-rate", outcome: "InsufficientSamples", effect: 0.0012, lower: -0.0021, upper: 0.0046,
                                 pValue: 0.2134, adjustedPValue: 0.4268, canarySamples: 1204, baselineSamples: 1187),
                  ComparedMetric(name: "latency-p99", outcome: "Pass", effect: -0.0123, lower: -0.0188, upper: -0.0061,
                                 pValue: 0.00002, adjustedPValue: 0.00004, canarySamples: 988, baselineSamples: 1010)],
        state: "{}")

    /// What the controller records in `status.analysis` for a run with `verdict`.
    static func summary(_ name: String, _ trigger: AnalysisRunSummary.Trigger, step: Int32? = nil, phase: AnalysisPhase,
                        _ verdict: StatisticalVerdict?) -> AnalysisRunSummary {
        AnalysisRunSummary(name: name, trigger: trigger, stepIndex: step, phase: phase, message: verdict?.reason,
                           decider: verdict?.decider, outcome: verdict?.outcome, looks: verdict?.looks, winner: verdict?.winner,
                           metrics: verdict?.metrics.map { $0.map { MetricSummary($0, runFinished: phase.isCompleted) } })
    }

    /// The AnalysisRun object behind a summary, with `metricResults` for what it measured.
    static func analysisRun(_ name: String, hash: String, phase: AnalysisPhase, started: TimeInterval, verdict: StatisticalVerdict?,
                            results: [MetricResult] = []) -> AnalysisRun {
        AnalysisRun(metadata: ObjectMeta(name: name, namespace: "shop", labels: [RolloutLabels.podTemplateHash: hash]),
                    spec: AnalysisRunSpec(metrics: []),
                    status: AnalysisRunStatus(phase: phase, message: verdict?.reason, metricResults: results.isEmpty ? nil : results,
                                              startedAt: Timestamp(now.addingTimeInterval(-started)), verdict: verdict))
    }

    static func replicaSet(_ hash: String, revision: Int, image: String, desired: Int32, ready: Int32, created: TimeInterval,
                           rollout: String = "checkout") -> ReplicaSet {
        ReplicaSet(
            metadata: meta("\(rollout)-\(hash)", created: created, labels: ["app": rollout, RolloutLabels.podTemplateHash: hash],
                           annotations: [RolloutLabels.revision: String(revision)]),
            spec: ReplicaSetSpec(replicas: desired, selector: LabelSelector(matchLabels: ["app": rollout]),
                                 template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": rollout, RolloutLabels.podTemplateHash: hash]),
                                                           spec: ["containers": [["name": .string(rollout), "image": .string(image)]]])),
            status: ReplicaSetStatus(replicas: desired, readyReplicas: ready, availableReplicas: ready))
    }

    static func pod(_ name: String, hash: String, image: String, created: TimeInterval, ready: Bool = true, waiting: String? = nil,
                    restarts: Int64 = 0) -> PodSummary {
        var state: JSONValue = ["running": ["startedAt": .string(ago(created))]]
        if let waiting { state = ["waiting": ["reason": .string(waiting)]] }
        return PodSummary(pod: [
            "metadata": ["name": .string(name), "creationTimestamp": .string(ago(created)),
                         "labels": ["app": "checkout", RolloutLabels.podTemplateHash: .string(hash)]],
            "spec": ["containers": [["name": "checkout", "image": .string(image)]]],
            "status": ["phase": "Running", "containerStatuses": [[
                "name": "checkout", "ready": .bool(ready), "restartCount": .integer(restarts), "state": state,
            ]]],
        ])
    }

    static func event(_ reason: String, _ message: String, ago seconds: TimeInterval, type: String = "Normal") -> KubernetesEvent {
        KubernetesEvent(metadata: ObjectMeta(name: "checkout.\(reason.lowercased())", namespace: "shop"),
                        involvedObject: ObjectReference(kind: "Rollout", name: "checkout", namespace: "shop", uid: "uid-checkout"),
                        type: type, reason: reason, message: message, lastTimestamp: ago(seconds), count: 1)
    }

    /// A canary paused at step 4/6 with a mirror, a running judge, one crash-looping pod.
    static var pausedSnapshot: RolloutSnapshot {
        let canary = "7b9c5d6f8", stable = "6d4f8b7c9", old = "5c8b6d4f2"
        let run = analysisRun("checkout-7b9c5d6f8-judge", hash: canary, phase: .running, started: 290, verdict: runningJudge, results: [
            MetricResult(name: "error-rate", phase: .running, measurements: [Measurement(phase: .successful, value: "0.0042")],
                         count: 7, successful: 7, failed: 0),
            MetricResult(name: "latency-p99", phase: .successful, count: 5, successful: 4, failed: 1, error: 1),
        ])
        return RolloutSnapshot(
            rollout: rollout(status: pausedStatus),
            replicaSets: [
                replicaSet(stable, revision: 2, image: "shop/checkout:2.0.3", desired: 4, ready: 4, created: 2 * 86_400),
                replicaSet(canary, revision: 3, image: "shop/checkout:2.1.0", desired: 2, ready: 2, created: 602),
                replicaSet(old, revision: 1, image: "shop/checkout:1.9.0", desired: 0, ready: 0, created: 3 * 86_400),
            ],
            pods: [
                pod("checkout-7b9c5d6f8-x2k9p", hash: canary, image: "shop/checkout:2.1.0", created: 600),
                pod("checkout-7b9c5d6f8-m4q7z", hash: canary, image: "shop/checkout:2.1.0", created: 598, ready: false,
                    waiting: "CrashLoopBackOff", restarts: 3),
                pod("checkout-6d4f8b7c9-a1b2c", hash: stable, image: "shop/checkout:2.0.3", created: 2 * 86_400 - 60),
                pod("checkout-6d4f8b7c9-d3e4f", hash: stable, image: "shop/checkout:2.0.3", created: 2 * 86_400 - 58),
            ],
            analysisRuns: [run],
            events: [
                event("RolloutUpdated", "updating to revision 3 (7b9c5d6f8) from stable 6d4f8b7c9", ago: 602),
                event("StepCompleted", "step 1/6 completed: setWeight 10", ago: 540),
                event("StepCompleted", "step 2/6 completed: setMirrorRoute sluice-mirror-route 20%", ago: 480),
                event("StepCompleted", "step 3/6 completed: setWeight 30", ago: 303),
                event("RolloutPaused", "paused at step 4/6: pause (until promoted)", ago: 302),
            ])
    }

    /// The same Rollout after an abort.
    static var abortedSnapshot: RolloutSnapshot {
        var snapshot = pausedSnapshot
        var status = pausedStatus
        status.phase = .aborted
        status.message = "update to revision 3 (7b9c5d6f8) aborted (rollout abort): traffic is back on stable revision 6d4f8b7c9; `rollout retry` starts the update again"
        status.abort = true
        status.controllerPause = nil
        status.pauseStartTime = nil
        status.weights = TrafficWeights(canary: 0, stable: 100)
        status.analysis = nil
        snapshot.rollout.status = status
        snapshot.events.append(event("RolloutAborted", status.message!, ago: 12, type: "Warning"))
        return snapshot
    }

    /// The experiment of the analysed canary: variant b (the canary) converts better.
    static let experimentVerdict = StatisticalVerdict(
        decider: .experiment, outcome: .pass, reason: "variant b converts better than a: +0.012 [+0.004, +0.020] after Holm over 2 metrics",
        looks: 31, winner: "b",
        metrics: [ComparedMetric(name: "conversion", outcome: "Pass", effect: 0.0121, lower: 0.0043, upper: 0.0198, pValue: 0.0021,
                                 adjustedPValue: 0.0042, canarySamples: 8210, baselineSamples: 8154),
                  ComparedMetric(name: "bounce-rate", outcome: "Inconclusive", effect: -0.0031, lower: -0.0112, upper: 0.0049,
                                 pValue: 0.46, adjustedPValue: 0.46, canarySamples: 8210, baselineSamples: 8154)])

    /// The judge of the analysed canary: its error rate is higher than the baseline's.
    static let failedJudge = StatisticalVerdict(
        decider: .judge, outcome: .fail,
        reason: "error-rate is higher on the canary than on the baseline: +0.041 [+0.018, +0.064], p=0.003 after Holm over 2 "
            + "metrics; latency-p99 shows no difference yet",
        looks: 14,
        metrics: [ComparedMetric(name: "error-rate", outcome: "Fail", effect: 0.0412, lower: 0.0181, upper: 0.0644, pValue: 0.0015,
                                 adjustedPValue: 0.003, canarySamples: 12048, baselineSamples: 11873),
                  ComparedMetric(name: "latency-p99", outcome: "Inconclusive", effect: -2.1, lower: -6.3, upper: 2.04, pValue: 0.41,
                                 adjustedPValue: 0.41, canarySamples: 9880, baselineSamples: 10102)])

    /// The SLO guard of the analysed canary: errors burn the budget 4.8 times too fast.
    static let breachedGuard = StatisticalVerdict(
        decider: .sloGuard, outcome: .fail,
        reason: "error rate 4.8% breaches the 1% objective: burn rate 4.8 over 5m and 1h (106 of 2210 requests failed)",
        looks: 52,
        metrics: [ComparedMetric(name: "errorRate", outcome: "Fail", effect: 0.048, lower: 0.039, upper: 0.058, pValue: 0.00001,
                                 canarySamples: 2210),
                  ComparedMetric(name: "latencyP99", outcome: "Pass", effect: 0.212, lower: 0.198, upper: 0.231, canarySamples: 2210)])

    /// A canary with an experiment, a step analysis, a judge and an SLO guard: the experiment
    /// picked the canary's variant, then the judge and the guard both failed it and the update
    /// was aborted.
    static var analysedSnapshot: RolloutSnapshot {
        let canary = "7b9c5d6f8", stable = "6d4f8b7c9"
        let steps = [
            CanaryStep(setWeight: 5),
            CanaryStep(experiment: ExperimentStep(duration: "1h", templates: [
                ExperimentTemplate(name: "a", specRef: .stable, weight: 50), ExperimentTemplate(name: "b", specRef: .canary, weight: 50),
            ], analyses: [ExperimentAnalysis(name: "conversion", templateName: "conversion")])),
            CanaryStep(setWeight: 20),
            CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "success-rate")])),
            CanaryStep(setWeight: 50),
        ]
        var status = RolloutStatus()
        status.phase = .degraded
        status.message = "update to revision 3 (7b9c5d6f8) aborted (analysis run checkout-7b9c5d6f8-judge Failed): traffic is back on stable revision 6d4f8b7c9"
        status.observedGeneration = 4
        status.currentStepIndex = 3
        status.stableRS = stable
        status.canaryRS = canary
        status.weights = TrafficWeights(canary: 0, stable: 100)
        status.abort = true
        status.abortedAt = Timestamp(now.addingTimeInterval(-40))
        status.replicas = 6
        status.readyReplicas = 6
        status.availableReplicas = 6
        status.updatedReplicas = 2
        status.analysis = [
            summary("checkout-7b9c5d6f8-experiment-1", .experiment, step: 1, phase: .successful, experimentVerdict),
            summary("checkout-7b9c5d6f8-3", .step, step: 3, phase: .successful, nil),
            summary("checkout-7b9c5d6f8-judge", .judge, phase: .failed, failedJudge),
            summary("checkout-7b9c5d6f8-slo-guard", .sloGuard, phase: .failed, breachedGuard),
        ]
        let rollout = rollout(status: status, steps: steps, judge: JudgeReference(templateName: "canary-vs-baseline"),
                              slo: SLOGuard(errorRate: 0.01, latencyP99: "300ms",
                                            prometheus: SLOPrometheusSource(address: "http://prometheus.monitoring:9090")))
        return RolloutSnapshot(
            rollout: rollout,
            replicaSets: [
                replicaSet(stable, revision: 2, image: "shop/checkout:2.0.3", desired: 4, ready: 4, created: 2 * 86_400),
                replicaSet(canary, revision: 3, image: "shop/checkout:2.1.0", desired: 2, ready: 2, created: 3602),
            ],
            pods: [
                pod("checkout-7b9c5d6f8-x2k9p", hash: canary, image: "shop/checkout:2.1.0", created: 3600),
                pod("checkout-7b9c5d6f8-m4q7z", hash: canary, image: "shop/checkout:2.1.0", created: 3598),
                pod("checkout-6d4f8b7c9-a1b2c", hash: stable, image: "shop/checkout:2.0.3", created: 2 * 86_400 - 60),
                pod("checkout-6d4f8b7c9-d3e4f", hash: stable, image: "shop/checkout:2.0.3", created: 2 * 86_400 - 58),
            ],
            analysisRuns: [
                analysisRun("checkout-7b9c5d6f8-experiment-1", hash: canary, phase: .successful, started: 3500, verdict: experimentVerdict),
                analysisRun("checkout-7b9c5d6f8-3", hash: canary, phase: .successful, started: 300, verdict: nil, results: [
                    MetricResult(name: "success-rate", phase: .successful, measurements: [Measurement(phase: .successful, value: "0.995")],
                                 count: 4, successful: 4, failed: 0),
                ]),
                analysisRun("checkout-7b9c5d6f8-judge", hash: canary, phase: .failed, started: 3590, verdict: failedJudge, results: [
                    MetricResult(name: "error-rate", phase: .failed, count: 14, successful: 13, failed: 1),
                    MetricResult(name: "latency-p99", phase: .successful, count: 14, successful: 14, failed: 0),
                ]),
                analysisRun("checkout-7b9c5d6f8-slo-guard", hash: canary, phase: .failed, started: 3590, verdict: breachedGuard),
            ],
            events: [
                event("StepCompleted", "step 2/5 completed: experiment (analysis run checkout-7b9c5d6f8-experiment-1 Successful)", ago: 600),
                event("StepCompleted", "step 3/5 completed: setWeight 20", ago: 330),
                event("AnalysisRunCreated", "started analysis run checkout-7b9c5d6f8-3 (step 4)", ago: 300),
                event("AnalysisRunFailed", "analysis run checkout-7b9c5d6f8-judge Failed: error-rate is higher on the canary", ago: 41,
                      type: "Warning"),
                event("RolloutAborted", status.message!, ago: 40, type: "Warning"),
            ])
    }

    /// Rollouts in two namespaces for `list`.
    static var rollouts: [Rollout] {
        var healthy = RolloutStatus()
        healthy.phase = .healthy
        healthy.message = "revision 7 (5f6g7h8j9) is stable and available"
        healthy.observedGeneration = 4
        healthy.currentStepIndex = 6
        healthy.stableRS = "5f6g7h8j9"
        healthy.weights = TrafficWeights(canary: 0, stable: 100)
        healthy.replicas = 4
        healthy.readyReplicas = 4
        healthy.availableReplicas = 4
        healthy.updatedReplicas = 4
        var fresh = rollout(name: "search", namespace: "catalog", image: "shop/search:1.0.0", status: nil, created: 42)
        fresh.metadata.generation = 1
        return [
            rollout(status: pausedStatus),
            rollout(name: "cart", image: "shop/cart:3.3.1", status: healthy, created: 40 * 86_400),
            fresh,
        ]
    }
}
