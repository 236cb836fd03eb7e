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

    static func rollout(name: String = "checkout", namespace: String = "shop", image: String = "shop/checkout:2.1.0",
                        status: RolloutStatus?, paused: Bool? = nil, created: TimeInterval = 3 * 86_400 + 4 * 3600) -> Rollout {
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
                    steps: [CanaryStep(setWeight: 10), CanaryStep(setMirrorRoute: SetMirrorRoute(percentage: 20)),
                            CanaryStep(setWeight: 30), CanaryStep(pause: RolloutPause()),
                            CanaryStep(analysis: RolloutAnalysis(templates: [AnalysisTemplateReference(templateName: "success-rate")])),
                            CanaryStep(setWeight: 60)]))))
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
        status.analysis = [AnalysisRunSummary(
            name: "checkout-7b9c5d6f8-judge", trigger: .judge, phase: .running, message: "collecting samples",
            metrics: [MetricSummary(name: "error-rate", phase: .running, pValue: 0.2134, canarySamples: 1204, baselineSamples: 1187),
                      MetricSummary(name: "latency-p99", phase: .successful, pValue: 0.00002, canarySamples: 988, baselineSamples: 1010)])]
        return status
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
        var run = AnalysisRun(
            metadata: ObjectMeta(name: "checkout-7b9c5d6f8-judge", namespace: "shop", labels: [RolloutLabels.podTemplateHash: canary]),
            spec: AnalysisRunSpec(metrics: []),
            status: AnalysisRunStatus(phase: .running, metricResults: [
                MetricResult(name: "error-rate", phase: .running, measurements: [Measurement(phase: .successful, value: "0.0042")],
                             count: 7, successful: 7, failed: 0),
                MetricResult(name: "latency-p99", phase: .successful, count: 5, successful: 4, failed: 1, error: 1),
            ], startedAt: Timestamp(now.addingTimeInterval(-290))))
        run.status?.message = nil
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
