import KubeClient
@testable import SluiceAPI
import Testing

let baseTemplateYAML = """
    apiVersion: sluice.dev/v1alpha1
    kind: AnalysisTemplate
    metadata: {name: http-slo, namespace: shop}
    spec:
      args:
      - name: service
      - name: threshold
        value: "0.01"
      - name: token
        valueFrom: {secretKeyRef: {name: prom, key: token}}
      metrics:
      - name: error-rate
        interval: 30s
        count: 5
        failureLimit: 1
        successCondition: result[0] <= {{args.threshold}}
        provider:
          prometheus:
            address: http://prometheus.monitoring:9090
            query: sum(rate(http_requests_total{service="{{args.service}}",code=~"5.."}[1m]))
            headers: [{key: Authorization, value: "Bearer {{ args.token }}"}]
      - name: smoke
        successCondition: result == true
        provider:
          web:
            url: "http://{{args.service}}/healthz"
            jsonPath: "{$.ok}"
    """

@Suite("Analysis validation")
struct AnalysisValidationTests {
    static let cases: [RolloutValidationTests.Case] = [
        .init("argument used but not declared", [.set("spec.metrics[0].provider.prometheus.query", "up{namespace=\"{{args.namespace}}\"}")],
              ["spec.metrics[0].provider.prometheus.query: refers to {{args.namespace}}, which spec.args does not declare"]),
        .init("argument in a condition", [.set("spec.metrics[0].failureCondition", "result[0] > {{args.limit}}")],
              ["spec.metrics[0].failureCondition: refers to {{args.limit}}, which spec.args does not declare"]),
        .init("two providers", [.set("spec.metrics[0].provider.web", ["url": "http://x/y"])],
              ["spec.metrics[0].provider: must set exactly one of prometheus, web, job; got prometheus, web"]),
        .init("no provider", [.set("spec.metrics[1].provider", [:])],
              ["spec.metrics[1].provider: must set exactly one of prometheus, web, job; got none"]),
        .init("interval that does not parse", [.set("spec.metrics[0].interval", "often")],
              [#"spec.metrics[0].interval: must be a duration such as 30s, 5m or 1h30m, got "often""#]),
        .init("count without interval", [.remove("spec.metrics[0].interval")],
              ["spec.metrics[0].interval: required when count is greater than 1, got count 5"]),
        .init("blank condition", [.set("spec.metrics[0].successCondition", "  ")],
              ["spec.metrics[0].successCondition: must not be empty"]),
        .init("duplicate metric", [.set("spec.metrics[1].name", "error-rate")],
              [#"spec.metrics[1].name: duplicate metric "error-rate" (also at index 0)"#]),
        .init("no metrics", [.set("spec.metrics", [])], ["spec.metrics: must list at least one metric"]),
        .init("address without a scheme", [.set("spec.metrics[0].provider.prometheus.address", "prometheus:9090")],
              [#"spec.metrics[0].provider.prometheus.address: must be an http:// or https:// URL, got "prometheus:9090""#]),
        .init("body on GET", [.set("spec.metrics[1].provider.web.body", "{}")],
              ["spec.metrics[1].provider.web.body: only allowed with method POST or PUT"]),
        .init("unknown method", [.set("spec.metrics[1].provider.web.method", "PATCH")],
              [#"spec.metrics[1].provider.web.method: must be one of GET, POST, PUT, got "PATCH""#]),
        .init("job without a pod template", [.set("spec.metrics[1].provider", ["job": ["spec": ["backoffLimit": 1]]])],
              ["spec.metrics[1].provider.job.spec.template: required: the pod template the Job runs"]),
        .init("job arguments are checked too", [.set("spec.metrics[1].provider", ["job": ["spec": ["template": ["spec": ["containers": [["name": "c", "image": "curl", "args": ["{{args.url}}"]]]]]]]])],
              ["spec.metrics[1].provider.job.spec.template.spec.containers[0].args[0]: refers to {{args.url}}, which spec.args does not declare"]),
        .init("secret and field at once", [.set("spec.args[2].valueFrom.fieldRef", ["fieldPath": "metadata.name"])],
              ["spec.args[2].valueFrom: must set exactly one of secretKeyRef, fieldRef; got secretKeyRef, fieldRef"]),
        .init("typo in a provider field", [.set("spec.metrics[0].provider.prometheus.querry", "up")],
              [#"spec.metrics[0].provider.prometheus.querry: unknown field (did you mean "query"?)"#]),
        .init("limits", [.set("spec.metrics[0].failureLimit", -2), .set("spec.metrics[0].count", 0)], [
            "spec.metrics[0].count: must be >= 1, got 0",
            "spec.metrics[0].failureLimit: must be >= -1, got -2",
        ]),
        .init("two kinds of authentication", [.set("spec.metrics[0].provider.prometheus.authentication", [
            "bearerToken": ["name": "prom", "key": "token"],
            "oauth2": ["tokenUrl": "https://auth/token", "clientId": "sluice", "clientSecret": ["name": "prom", "key": ""]],
        ])], [
            "spec.metrics[0].provider.prometheus.authentication: must set at most one of bearerToken, basic, oauth2; got bearerToken, oauth2",
            "spec.metrics[0].provider.prometheus.authentication.oauth2.clientSecret.key: must not be empty",
        ]),
        .init("condition that does not parse", [.set("spec.metrics[0].successCondition", "result[0] <=")],
              [#"spec.metrics[0].successCondition: at character 13 of "result[0] <=": expected an operand (a number, a string, true, false, result, a function call or "("), got the end of the condition"#]),
        .init("condition with a typo", [.set("spec.metrics[1].successCondition", "reslt == true")],
              [#"spec.metrics[1].successCondition: at character 1 of "reslt == true": unknown name "reslt": expected result, true, false, nil or a function call"#]),
        .init("condition with an unknown function", [.set("spec.metrics[0].failureCondition", "avg(result) > {{args.threshold}}")],
              [#"spec.metrics[0].failureCondition: at character 1 of "avg(result) > {{args.threshold}}": unknown function "avg": expected one of len, isNaN, isInf, default, abs, asInt, asFloat, min, max, sum"#]),
        .init("no condition", [.remove("spec.metrics[1].successCondition")],
              ["spec.metrics[1]: must set successCondition or failureCondition (or dryRun: true, or be read by spec.decision): without them every measurement would pass"]),
        .init("no condition on a dry run", [.remove("spec.metrics[1].successCondition"), .set("spec.metrics[1].dryRun", true)], []),
        .init("query with an unclosed parenthesis", [.set("spec.metrics[0].provider.prometheus.query", "sum(rate(x[1m])")],
              [#"spec.metrics[0].provider.prometheus.query: at character 4: "(" is not closed"#]),
        .init("query with crossed brackets", [.set("spec.metrics[0].provider.prometheus.query", #"up{a="b")"#)],
              [#"spec.metrics[0].provider.prometheus.query: at character 9: ")" does not close the "{" at character 3"#]),
        .init("query with an open string", [.set("spec.metrics[0].provider.prometheus.query", #"up{a="b}"#)],
              [#"spec.metrics[0].provider.prometheus.query: at character 6: the string opened with " is not closed"#]),
        .init("query brackets inside strings and comments do not count", [.set("spec.metrics[0].provider.prometheus.query", "up{a=\"(\", b='[\\'x'} # ) unbalanced\n  + 1")], []),
        .init("jsonPath that does not parse", [.set("spec.metrics[1].provider.web.jsonPath", "{$.a[}")],
              [#"spec.metrics[1].provider.web.jsonPath: at character 6 of "{$.a[}": expected an index, a quoted name or * after "[""#]),
        .init("range step longer than lookback", [.set("spec.metrics[0].provider.prometheus.rangeQuery", ["lookback": "1m", "step": "5m"])],
              [#"spec.metrics[0].provider.prometheus.rangeQuery.step: must not be longer than lookback ("1m"), got "5m""#]),
        .init("noDataPhase", [.set("spec.metrics[0].noDataPhase", "Pass")],
              [#"spec.metrics[0].noDataPhase: must be one of Successful, Failed, Inconclusive, Error, got "Pass""#]),
        .init("basic authentication", [.set("spec.metrics[0].provider.prometheus.authentication", ["basic": ["username": "", "password": ["name": "prom", "key": "pw"]]])],
              ["spec.metrics[0].provider.prometheus.authentication.basic.username: must not be empty"]),
    ]

    @Test func baseIsValid() throws {
        let checked = AnalysisTemplate.decodeAndValidate(from: try json(baseTemplateYAML))
        #expect(checked.problems.map(\.description) == [])
    }

    @Test(arguments: cases)
    func reportsEveryProblemWithItsPath(_ testCase: RolloutValidationTests.Case) throws {
        let checked = AnalysisTemplate.decodeAndValidate(from: try json(baseTemplateYAML).applying(testCase.edits))
        #expect(checked.problems.map(\.description) == testCase.expected)
    }

    @Test func clusterTemplatesHaveNoNamespace() throws {
        let document = try json(baseTemplateYAML).applying([.set("kind", "ClusterAnalysisTemplate")])
        #expect(ClusterAnalysisTemplate.decodeAndValidate(from: document).problems.map(\.description) == [
            #"metadata.namespace: must be absent: the kind is cluster-scoped, got "shop""#,
        ])
        #expect(ClusterAnalysisTemplate.decodeAndValidate(from: document.applying([.remove("metadata.namespace")])).problems.isEmpty)
    }

    @Test func runArgumentsMustBeResolved() throws {
        let template = try #require(AnalysisTemplate.decodeChecked(from: try json(baseTemplateYAML)).value)
        var run = AnalysisRun(metadata: ObjectMeta(name: "web-1", namespace: "shop"), spec: AnalysisRunSpec(metrics: template.spec.metrics, args: template.spec.args))
        #expect(run.validate().map(\.description) == ["spec.args[0]: must set value or valueFrom: a run's arguments are resolved"])
        run.spec.args?[0].value = "web-canary"
        #expect(run.validate().isEmpty)
    }

    @Test func argumentReferencesAreFoundWithOrWithoutSpaces() {
        #expect(argumentReferences(in: "a {{args.x}} b {{ args.y-z }} {{args.x}} {{other}} {{args.") == ["x", "y-z"])
    }

    @Test func rolloutReferencesResolveAgainstTemplates() throws {
        let template = try #require(AnalysisTemplate.decodeChecked(from: try json(baseTemplateYAML)).value)
        let templates = AnalysisTemplateSet(namespaced: ["http-slo": template.spec])
        let base = try json(baseRolloutYAML)
        let rollout = try #require(Rollout.decodeChecked(from: base).value)
        #expect(rollout.analysisReferenceProblems(templates).isEmpty)

        let broken = try #require(Rollout.decodeChecked(from: base.applying([
            .set("spec.strategy.canary.steps[5].analysis.args[0].name", "svc"),
            .set("spec.strategy.canary.judge", ["templateName": "compare", "clusterScope": true]),
        ])).value)
        #expect(broken.analysisReferenceProblems(templates).map(\.description) == [
            #"spec.strategy.canary.judge.templateName: no ClusterAnalysisTemplate named "compare""#,
            #"spec.strategy.canary.steps[5].analysis.args: template "http-slo" requires argument "service", which is not passed"#,
            #"spec.strategy.canary.steps[5].analysis.args[0].name: no template of this analysis declares argument "svc""#,
        ])
    }
}
