import Analysis
import KubeClient
import SluiceAPI
import Testing

@Suite("Arguments")
struct ArgumentTests {
    static let rollout: JSONValue = [
        "metadata": ["name": "web", "namespace": "shop", "labels": ["app": "web", "app.kubernetes.io/part-of": "shop"]],
        "spec": ["replicas": 4],
    ]
    static let source = RolloutArgumentSource(stablePodTemplateHash: "6d4f8", latestPodTemplateHash: "9b7c1", rollout: rollout)

    static let template = AnalysisTemplateSpec(
        args: [
            Argument(name: "service"),
            Argument(name: "threshold", value: "0.01"),
            Argument(name: "token", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "token"))),
            Argument(name: "app", valueFrom: TemplateArgumentValueFrom(fieldRef: FieldReference(fieldPath: "metadata.labels['app']"))),
        ],
        metrics: [metric("errors", success: "result[0] <= {{args.threshold}}")])

    @Test func runSpecFillsValuesFromTheRollout() throws {
        let spec = try AnalysisRunSpec.fromTemplates([Self.template], passing: [
            AnalysisArgument(name: "service", valueFrom: ArgumentValueFrom(fieldRef: FieldReference(fieldPath: "metadata.labels[\"app.kubernetes.io/part-of\"]"))),
            AnalysisArgument(name: "threshold", valueFrom: ArgumentValueFrom(podTemplateHashValue: .latest)),
        ], source: Self.source)
        #expect(spec.args == [
            Argument(name: "service", value: "shop"),
            Argument(name: "threshold", value: "9b7c1"),
            Argument(name: "token", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "token"))),
            Argument(name: "app", value: "web"),
        ])
        #expect(spec.metrics.map(\.name) == ["errors"])
    }

    @Test func runSpecProblemsNameTheArgument() {
        func problem(_ templates: [AnalysisTemplateSpec], _ passed: [AnalysisArgument], _ source: RolloutArgumentSource = ArgumentTests.source) -> String? {
            do {
                _ = try AnalysisRunSpec.fromTemplates(templates, passing: passed, source: source)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem([Self.template], []) == "argument \"service\": required by the template, but not passed")
        #expect(problem([Self.template], [AnalysisArgument(name: "svc", value: "x")]) == "argument \"svc\": passed, but no template declares it")
        #expect(problem([Self.template], [AnalysisArgument(name: "service", valueFrom: ArgumentValueFrom(podTemplateHashValue: .stable))],
                        RolloutArgumentSource(stablePodTemplateHash: nil, latestPodTemplateHash: "1", rollout: Self.rollout))
                == "argument \"service\": the Rollout has no stable ReplicaSet yet")
        #expect(problem([Self.template], [AnalysisArgument(name: "service", valueFrom: ArgumentValueFrom(fieldRef: FieldReference(fieldPath: "spec.paused")))])
                == "argument \"service\": the Rollout has no field spec.paused")
        var other = Self.template
        other.args = [Argument(name: "threshold", value: "0.05")]
        #expect(problem([Self.template, other], [AnalysisArgument(name: "service", value: "x")])
                == "argument \"threshold\": two templates declare it with different values or sources")
        other.args = []
        #expect(problem([Self.template, other], [AnalysisArgument(name: "service", value: "x")]) == "argument \"errors\": two templates define a metric of this name")
    }

    @Test func resolvesSecretsAndSubstitutes() async throws {
        let secrets = InMemorySecretReader(["shop/prom": ["token": "s3cr3t-t0ken"]])
        let arguments = try await ResolvedArguments.resolve([
            Argument(name: "service", value: "web-canary"),
            Argument(name: "token", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "token"))),
        ], namespace: "shop", secrets: secrets)
        #expect(try arguments.substitute("up{service=\"{{args.service}}\"} {{ args.token }} {{other}}") == "up{service=\"web-canary\"} s3cr3t-t0ken {{other}}")
        #expect(throws: MeasurementError.self) { try arguments.substitute("{{args.nope}}") }
        #expect(arguments.redact("denied for s3cr3t-t0ken") == "denied for ***")

        var web = Metric(name: "smoke", successCondition: "result == '{{args.service}}'",
                         provider: MetricProviderSpec(web: WebMetric(url: "http://{{args.service}}/healthz", headers: [WebMetricHeader(key: "Authorization", value: "Bearer {{args.token}}")],
                                                                     jsonPath: "{$.{{args.service}}}")))
        web = try web.resolved(with: arguments)
        #expect(web.successCondition == "result == 'web-canary'")
        #expect(web.provider.web?.url == "http://web-canary/healthz")
        #expect(web.provider.web?.headers?.first?.value == "Bearer s3cr3t-t0ken")
        #expect(web.provider.web?.jsonPath == "{$.web-canary}")

        let job = Metric(name: "smoke", provider: MetricProviderSpec(job: JobMetric(
            metadata: ObjectMeta(labels: ["svc": "{{args.service}}"]),
            spec: ["template": ["spec": ["containers": [["name": "c", "args": ["curl", "http://{{args.service}}"]]]]]])))
        let resolvedJob = try job.resolved(with: arguments)
        #expect(resolvedJob.provider.job?.spec[path: "template", "spec", "containers"]?.arrayValue?.first?["args"] == ["curl", "http://web-canary"])
        #expect(resolvedJob.provider.job?.metadata?.labels == ["svc": "web-canary"])
    }

    @Test func missingSecretsAreMeasurementErrors() async {
        await #expect(throws: MeasurementError(.secret, "Secret shop/prom has no key \"token\"")) {
            try await ResolvedArguments.resolve([Argument(name: "t", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "token")))],
                                                namespace: "shop", secrets: InMemorySecretReader(["shop/prom": [:]]))
        }
        await #expect(throws: MeasurementError.self) {
            try await ResolvedArguments.resolve([Argument(name: "f", valueFrom: TemplateArgumentValueFrom(fieldRef: FieldReference(fieldPath: "metadata.name")))],
                                                namespace: "shop", secrets: InMemorySecretReader())
        }
    }
}
