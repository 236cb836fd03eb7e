import KubeClient
@testable import SluiceAPI
import Testing

/// A Rollout with most of what a user and the controller write, including status.
let fullRolloutYAML = """
    apiVersion: sluice.dev/v1alpha1
    kind: Rollout
    metadata:
      name: fraud-model
      namespace: ml
      labels: {team: risk}
      annotations: {sluice.dev/owner: risk-oncall}
      generation: 7
      resourceVersion: "4711"
      uid: 0f1e2d3c
      creationTimestamp: "2025-03-01T12:00:00Z"
    spec:
      replicas: 4
      minReadySeconds: 5
      revisionHistoryLimit: 3
      progressDeadlineSeconds: 300
      progressDeadlineAbort: true
      paused: false
      selector:
        matchLabels: {app: fraud-model}
      template:
        metadata:
          labels: {app: fraud-model}
          annotations: {prometheus.io/scrape: "true"}
        spec:
          containers:
          - name: model
            image: registry.example.com/fraud-model:2.4.0
            resources: {requests: {cpu: 500m, memory: 1Gi}}
            env: [{name: THRESHOLD, value: "0.7"}]
      strategy:
        canary:
          stableService: fraud-model-stable
          canaryService: fraud-model-canary
          trafficRouting:
            gatewayAPI: {httpRoute: fraud-model, namespace: ml-gateways}
            managedRoutes: [{name: shadow}, {name: variant-b}]
          maxSurge: 25%
          maxUnavailable: 0
          scaleDownDelaySeconds: 60
          abortScaleDownDelaySeconds: 10
          analysis:
            templates: [{templateName: http-slo}]
            args:
            - {name: canary-hash, valueFrom: {podTemplateHashValue: Latest}}
            - {name: app, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
            startingStep: 2
          slo: {errorRate: 0.01, latencyP99: 300ms, minRequests: 200, interval: 2s, prometheus: {address: "http://prometheus.monitoring:9090", errorCodes: "5..|429"}}
          judge: {templateName: canary-vs-baseline, clusterScope: true, args: [{name: service, value: fraud-model}]}
          steps:
          - setMirrorRoute: {name: shadow, percentage: 100, match: [{method: {exact: POST}, path: {prefix: /score}, headers: {x-tenant: {exact: acme}}}]}
          - pause: {duration: 10m}
          - setMirrorRoute: {name: shadow, percentage: 0}
          - setCanaryScale: {replicas: 1}
          - setWeight: 5
          - setCanaryScale: {matchTrafficWeight: true}
          - analysis: {templates: [{templateName: http-slo}, {templateName: latency, clusterScope: true}], args: [{name: service, value: fraud-model-canary}]}
          - setHeaderRoute: {name: variant-b, match: [{headerName: x-variant, headerValue: {exact: b}}]}
          - experiment:
              duration: 1h30m
              templates:
              - {name: baseline, specRef: stable, weight: 90}
              - {name: candidate, specRef: canary, weight: 10}
              analyses:
              - {name: ab, templateName: ab-test, requiredForCompletion: true, args: [{name: metric, value: conversion}]}
          - setHeaderRoute: {name: variant-b}
          - setWeight: 50
          - pause: {}
    status:
      phase: Paused
      message: waiting for rollout promote at step 11
      observedGeneration: 7
      currentStepIndex: 11
      currentStepHash: 5d8f9c
      currentPodHash: 7c9b5d
      stableRS: 6b8d4f
      canaryRS: 7c9b5d
      collisionCount: 0
      weights: {canary: 50, stable: 50, mirror: 0}
      pauseStartTime: "2025-03-01T13:05:00Z"
      controllerPause: true
      abort: false
      promoteFull: false
      conditions:
      - {type: Progressing, status: "True", reason: RolloutPaused, message: paused at step 11, lastTransitionTime: "2025-03-01T13:05:00Z", lastUpdateTime: "2025-03-01T13:05:00Z"}
      - {type: InvalidSpec, status: "False"}
      replicas: 6
      readyReplicas: 6
      availableReplicas: 6
      updatedReplicas: 2
      selector: app=fraud-model
      analysis:
      - name: fraud-model-7c9b5d-6-http-slo
        trigger: step
        stepIndex: 6
        phase: Successful
        metrics: [{name: error-rate, phase: Successful, pValue: 0.42, canarySamples: 1200, baselineSamples: 3600}]
    """

@Suite("Rollout round trip")
struct RolloutRoundTripTests {
    @Test func fullRolloutDecodesValidatesAndRoundTrips() throws {
        let original = try json(fullRolloutYAML)
        let checked = Rollout.decodeAndValidate(from: original)
        #expect(checked.problems.map(\.description) == [])
        let rollout = try #require(checked.value)
        #expect(try KubeJSON.value(of: rollout) == original)

        let canary = try #require(rollout.spec.strategy.canary)
        #expect(canary.routerCapabilities == .gatewayAPI)
        #expect(canary.maxSurge?.pods(of: 4, roundUp: true) == 1)
        #expect(canary.slo?.latencyP99?.duration == .milliseconds(300))
        #expect(canary.steps?.count == 12)
        #expect(canary.steps?[8].experiment?.duration?.duration == .seconds(5400))
        #expect(rollout.status?.phase == .paused)
        #expect(rollout.status?.conditions?.first?.type == .progressing)
        #expect(rollout.status?.pauseStartTime == Timestamp(rfc3339: "2025-03-01T13:05:00Z"))
        #expect(rollout.metadata.generation == 7)
    }

    @Test func builtInSwiftItEncodesAsWritten() throws {
        let rollout = Rollout(
            metadata: ObjectMeta(name: "web", namespace: "shop"),
            spec: RolloutSpec(
                replicas: 2, selector: LabelSelector(matchLabels: ["app": "web"]),
                template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "web"]), spec: ["containers": [["name": "web", "image": "web:1"]]]),
                strategy: RolloutStrategy(canary: CanaryStrategy(steps: [CanaryStep(setWeight: 50), CanaryStep(pause: RolloutPause(duration: "1m"))]))))
        #expect(rollout.validate().isEmpty)
        let encoded = try KubeJSON.value(of: rollout)
        #expect(encoded["apiVersion"] == "sluice.dev/v1alpha1")
        #expect(encoded[path: "spec", "strategy", "canary", "steps"] == [["setWeight": 50], ["pause": ["duration": "1m"]]])
        #expect(Rollout.decodeAndValidate(from: encoded).value == rollout)
    }

    @Test func missingMetadataDecodesAsEmpty() throws {
        let checked = Rollout.decodeChecked(from: try json(baseRolloutYAML).applying([.remove("metadata")]))
        #expect(checked.value?.metadata == ObjectMeta())
    }
}
