import KubeClient
@testable import SluiceAPI
import Testing

/// A valid canary over Gateway API that every case below breaks in one way.
let baseRolloutYAML = """
    apiVersion: sluice.dev/v1alpha1
    kind: Rollout
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 4
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web, tier: front}}
        spec:
          containers: [{name: web, image: "web:v1"}]
      strategy:
        canary:
          stableService: web-stable
          canaryService: web-canary
          trafficRouting: {gatewayAPI: {httpRoute: web}}
          steps:
          - setWeight: 10
          - pause: {duration: 30s}
          - setHeaderRoute: {name: testers, match: [{headerName: x-canary, headerValue: {exact: "yes"}}]}
          - setWeight: 50
          - setMirrorRoute: {name: shadow, percentage: 20}
          - analysis: {templates: [{templateName: http-slo}], args: [{name: service, value: web-canary}]}
          - pause: {}
    """

@Suite("Rollout validation")
struct RolloutValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var edits: [Edit]
        var expected: [String]
        var testDescription: String { name }

        init(_ name: String, _ edits: [Edit], _ expected: [String]) {
            self.name = name
            self.edits = edits
            self.expected = expected
        }
    }

    static let canary = "spec.strategy.canary"

    static let cases: [Case] = [
        Case("weight above 100", [.set("\(canary).steps[3].setWeight", 140)],
             ["spec.strategy.canary.steps[3].setWeight: must be 0..100, got 140"]),
        Case("negative weight", [.set("\(canary).steps[0].setWeight", -5)],
             ["spec.strategy.canary.steps[0].setWeight: must be 0..100, got -5"]),
        Case("two kinds in one step", [.set("\(canary).steps[0].pause", [:])],
             ["spec.strategy.canary.steps[0]: must set exactly one of setWeight, pause, setCanaryScale, setHeaderRoute, setMirrorRoute, analysis, experiment; got setWeight, pause"]),
        Case("empty step", [.set("\(canary).steps[6]", [:])],
             ["spec.strategy.canary.steps[6]: must set exactly one of setWeight, pause, setCanaryScale, setHeaderRoute, setMirrorRoute, analysis, experiment; got none"]),
        Case("duration that does not parse", [.set("\(canary).steps[1].pause.duration", "5min")],
             [#"spec.strategy.canary.steps[1].pause.duration: must be a duration such as 30s, 5m or 1h30m (unknown unit "min"; use ns, us, ms, s, m or h), got "5min""#]),
        Case("pause in integer seconds", [.set("\(canary).steps[1].pause.duration", 45)], []),
        Case("negative replicas", [.set("spec.replicas", -1)], ["spec.replicas: must be >= 0, got -1"]),
        Case("selector does not match the template", [.set("spec.template.metadata.labels", ["app": "api"])],
             ["spec.template.metadata.labels: must match spec.selector (app=web), got {app=api}"]),
        Case("selector expressions", [.set("spec.selector", ["matchExpressions": [["key": "tier", "operator": "In", "values": ["back"]]]])],
             ["spec.template.metadata.labels: must match spec.selector (tier in (back)), got {app=web,tier=front}"]),
        Case("selector missing", [.remove("spec.selector")], ["spec.selector: required"]),
        Case("empty selector", [.set("spec.selector", [:])],
             ["spec.selector: must select at least one label (matchLabels or matchExpressions)"]),
        Case("In without values", [.set("spec.selector.matchExpressions", [["key": "tier", "operator": "In"]])],
             ["spec.selector.matchExpressions[0].values: must list at least one value for operator In"]),
        Case("header and mirror routes without a router", [.remove("\(canary).trafficRouting")], [
            "spec.strategy.canary.steps[2].setHeaderRoute: a Rollout without trafficRouting cannot route by header (routers that can: gatewayAPI, istio, nginx)",
            "spec.strategy.canary.steps[4].setMirrorRoute: a Rollout without trafficRouting cannot mirror traffic (routers that can: gatewayAPI, istio)",
        ]),
        Case("header and mirror routes on SMI", [.set("\(canary).trafficRouting", ["smi": [:]])], [
            "spec.strategy.canary.steps[2].setHeaderRoute: the smi router cannot route by header (routers that can: gatewayAPI, istio, nginx)",
            "spec.strategy.canary.steps[4].setMirrorRoute: the smi router cannot mirror traffic (routers that can: gatewayAPI, istio)",
        ]),
        Case("nginx: one header match, no mirroring",
             [.set("\(canary).trafficRouting", ["nginx": ["stableIngress": "web"]]),
              .set("\(canary).steps[2].setHeaderRoute.match[1]", ["headerName": "x-beta", "headerValue": ["regex": "on|1"]])], [
                "spec.strategy.canary.steps[2].setHeaderRoute.match: the nginx router supports at most 1 header match, got 2",
                "spec.strategy.canary.steps[4].setMirrorRoute: the nginx router cannot mirror traffic (routers that can: gatewayAPI, istio)",
             ]),
        Case("Gateway API cannot match header values by prefix",
             [.set("\(canary).steps[2].setHeaderRoute.match[0].headerValue", ["prefix": "y"])],
             ["spec.strategy.canary.steps[2].setHeaderRoute.match[0].headerValue.prefix: the gatewayAPI router cannot match header values by prefix; use exact or regex"]),
        Case("Istio can", [.set("\(canary).trafficRouting", ["istio": ["virtualService": ["name": "web"]]]),
                           .set("\(canary).steps[2].setHeaderRoute.match[0].headerValue", ["prefix": "y"])], []),
        Case("header value with two kinds", [.set("\(canary).steps[2].setHeaderRoute.match[0].headerValue.regex", "y.*")],
             ["spec.strategy.canary.steps[2].setHeaderRoute.match[0].headerValue: must set exactly one of exact, prefix, regex; got exact, regex"]),
        Case("unquoted yes is a boolean in YAML", [.set("\(canary).steps[2].setHeaderRoute.match[0].headerValue.exact", true)],
             ["spec.strategy.canary.steps[2].setHeaderRoute.match[0].headerValue.exact: expected string, got boolean true"]),
        Case("mirror percentage above 100", [.set("\(canary).steps[4].setMirrorRoute.percentage", 150)],
             ["spec.strategy.canary.steps[4].setMirrorRoute.percentage: must be 0..100, got 150"]),
        Case("mirror match", [.set("\(canary).steps[4].setMirrorRoute.match", [
            ["method": ["exact": "FETCH"]], [:], ["path": ["prefix": "/api"], "headers": ["x-user": ["prefix": "qa-"]]],
        ])], [
            #"spec.strategy.canary.steps[4].setMirrorRoute.match[0].method.exact: must be an HTTP method such as GET or POST, got "FETCH""#,
            "spec.strategy.canary.steps[4].setMirrorRoute.match[1]: must set at least one of method, path, headers",
            "spec.strategy.canary.steps[4].setMirrorRoute.match[2].headers.x-user.prefix: the gatewayAPI router cannot match header values by prefix; use exact or regex",
        ]),
        Case("stable and canary Services are the same", [.set("\(canary).canaryService", "web-stable")],
             [#"spec.strategy.canary.canaryService: must differ from stableService ("web-stable")"#]),
        Case("router without a canary Service", [.remove("\(canary).canaryService")],
             ["spec.strategy.canary.canaryService: required with trafficRouting.gatewayAPI"]),
        Case("Istio subsets need no Services",
             [.remove("\(canary).canaryService"), .remove("\(canary).stableService"),
              .set("\(canary).trafficRouting", ["istio": ["virtualService": ["name": "web"],
                                                          "destinationRule": ["name": "web", "canarySubsetName": "c", "stableSubsetName": "c"]]])],
             [#"spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName: must differ from stableSubsetName ("c")"#]),
        Case("two routers", [.set("\(canary).trafficRouting.istio", ["virtualService": ["name": "web"]])],
             ["spec.strategy.canary.trafficRouting: must set exactly one of gatewayAPI, istio, nginx, smi; got gatewayAPI, istio"]),
        Case("no router in trafficRouting", [.set("\(canary).trafficRouting", [:])],
             ["spec.strategy.canary.trafficRouting: must set exactly one of gatewayAPI, istio, nginx, smi; got none"]),
        Case("route not in managedRoutes", [.set("\(canary).trafficRouting.managedRoutes", [["name": "testers"]])],
             [#"spec.strategy.canary.steps[4].setMirrorRoute.name: "shadow" is not in trafficRouting.managedRoutes (testers)"#]),
        Case("one name for a header and a mirror route", [.set("\(canary).steps[4].setMirrorRoute.name", "testers")],
             [#"spec.strategy.canary.steps[4].setMirrorRoute.name: "testers" is already a setHeaderRoute route (steps[2]); a route name belongs to one kind of step"#]),
        Case("both strategies", [.set("spec.strategy.blueGreen", ["activeService": "web"])],
             ["spec.strategy: must set exactly one of canary, blueGreen; got canary, blueGreen"]),
        Case("no strategy", [.set("spec.strategy", [:])], ["spec.strategy: must set exactly one of canary, blueGreen; got none"]),
        Case("template and workloadRef", [.set("spec.workloadRef", ["apiVersion": "apps/v1", "kind": "Deployment", "name": "web"])],
             ["spec: must set exactly one of template, workloadRef; got template, workloadRef"]),
        Case("no containers", [.set("spec.template.spec.containers", [])],
             ["spec.template.spec.containers: must list at least one container"]),
        Case("container without an image", [.remove("spec.template.spec.containers[0].image")],
             ["spec.template.spec.containers[0].image: required: a non-empty string"]),
        Case("typo in a field name", [.set("\(canary).stepz", [])],
             [#"spec.strategy.canary.stepz: unknown field (did you mean "steps"?)"#]),
        Case("unknown field without a near name", [.set("spec.strategy.canary.steps[0].weightPercent", 3)],
             ["spec.strategy.canary.steps[0].weightPercent: unknown field"]),
        Case("wrong type stops the typed checks", [.set("spec.replicas", "three"), .set("\(canary).steps[3].setWeight", 140)],
             [#"spec.replicas: expected integer, got string "three""#]),
        Case("too large for int32", [.set("spec.replicas", 4_294_967_296)],
             ["spec.replicas: must fit in 32 bits (-2147483648..2147483647), got 4294967296"]),
        Case("missing required member", [.remove("\(canary).trafficRouting.gatewayAPI.httpRoute")],
             ["spec.strategy.canary.trafficRouting.gatewayAPI.httpRoute: required"]),
        Case("empty template name", [.set("\(canary).steps[5].analysis.templates[0].templateName", "")],
             ["spec.strategy.canary.steps[5].analysis.templates[0].templateName: must not be empty"]),
        Case("argument with value and valueFrom", [.set("\(canary).steps[5].analysis.args[0].valueFrom", ["podTemplateHashValue": "Latest"])],
             ["spec.strategy.canary.steps[5].analysis.args[0]: must set exactly one of value, valueFrom; got value, valueFrom"]),
        Case("unknown enumeration value", [.remove("\(canary).steps[5].analysis.args[0].value"),
                                           .set("\(canary).steps[5].analysis.args[0].valueFrom", ["podTemplateHashValue": "Newest"])],
             [#"spec.strategy.canary.steps[5].analysis.args[0].valueFrom.podTemplateHashValue: must be one of Stable, Latest, got "Newest""#]),
        Case("duplicate argument", [.set("\(canary).steps[5].analysis.args[1]", ["name": "service", "value": "x"])],
             [#"spec.strategy.canary.steps[5].analysis.args[1].name: duplicate argument "service" (also at index 0)"#]),
        Case("canary scale without a router",
             [.remove("\(canary).trafficRouting"), .set("\(canary).steps", [["setCanaryScale": ["replicas": 2]], ["setWeight": 20]])],
             ["spec.strategy.canary.steps[0].setCanaryScale: needs trafficRouting: without a router the canary's pod count is its weight"]),
        Case("canary scale with two members", [.set("\(canary).steps[0]", ["setCanaryScale": ["weight": 120, "replicas": 2]])], [
            "spec.strategy.canary.steps[0].setCanaryScale: must set exactly one of weight, replicas, matchTrafficWeight; got weight, replicas",
            "spec.strategy.canary.steps[0].setCanaryScale.weight: must be 0..100, got 120",
        ]),
        Case("maxSurge and maxUnavailable", [.set("\(canary).maxSurge", "lots"), .set("\(canary).maxUnavailable", -1)], [
            #"spec.strategy.canary.maxSurge: must be a number of pods or a percentage such as 25%, got "lots""#,
            "spec.strategy.canary.maxUnavailable: must not be negative, got -1",
        ]),
        Case("nothing may surge or be unavailable", [.set("\(canary).maxSurge", 0), .set("\(canary).maxUnavailable", "0%")],
             ["spec.strategy.canary.maxUnavailable: must not be 0 when maxSurge is 0: the update could never replace a pod"]),
        Case("scale-down delay without a router",
             [.remove("\(canary).trafficRouting"), .set("\(canary).steps", [["setWeight": 20]]), .set("\(canary).scaleDownDelaySeconds", 30)],
             ["spec.strategy.canary.scaleDownDelaySeconds: only applies with trafficRouting (without a router, old pods scale down as the canary scales up)"]),
        Case("progress deadline shorter than minReadySeconds", [.set("spec.minReadySeconds", 30), .set("spec.progressDeadlineSeconds", 20)],
             ["spec.progressDeadlineSeconds: must be greater than minReadySeconds (30), got 20"]),
        Case("background analysis starting past the last step",
             [.set("\(canary).analysis", ["templates": [["templateName": "http-slo"]], "startingStep": 9])],
             ["spec.strategy.canary.analysis.startingStep: must be 0..6, got 9"]),
        Case("SLO guard", [.set("\(canary).slo", ["errorRate": 1.5, "latencyP99": "0s", "minRequests": 0,
                                                    "prometheus": ["address": "http://prometheus:9090", "requestsMetric": "http-requests"]])], [
            "spec.strategy.canary.slo.errorRate: must be a fraction between 0 and 1 (exclusive), such as 0.01 for 1%, got 1.5",
            #"spec.strategy.canary.slo.latencyP99: must be greater than 0, got "0s""#,
            "spec.strategy.canary.slo.minRequests: must be >= 1, got 0",
            #"spec.strategy.canary.slo.prometheus.requestsMetric: must be a Prometheus metric or label name ([a-zA-Z_:][a-zA-Z0-9_:]*), got "http-requests""#,
        ]),
        Case("SLO guard without a source", [.set("\(canary).slo", ["errorRate": 0.01])], [
            "spec.strategy.canary.slo.prometheus: required: the guard reads the canary's request counters from Prometheus (set prometheus.address)",
        ]),
        Case("experiment", [.set("\(canary).steps[6]", ["experiment": ["templates": [
            ["name": "A", "specRef": "stable", "weight": 60], ["name": "b", "specRef": "canary", "weight": 50],
        ]]])], [
            "spec.strategy.canary.steps[6].experiment.duration: required unless an analysis has requiredForCompletion: the experiment would never end",
            #"spec.strategy.canary.steps[6].experiment.templates[0].name: must be lower-case letters, digits and '-', start and end with a letter or digit, at most 63 characters, got "A""#,
            "spec.strategy.canary.steps[6].experiment.templates[0].weight: must be 50 (100 minus the canary variant's weight 50) or absent: the control is the stable ReplicaSet, which gets the traffic the canary does not, got 60",
            "spec.strategy.canary.steps[6].experiment.templates: variant weights must add up to at most 100, got 110",
        ]),
        Case("blue-green: preview is the active Service",
             [.set("spec.strategy", ["blueGreen": ["activeService": "web", "previewService": "web", "autoPromotionEnabled": false, "autoPromotionSeconds": 30]])], [
                #"spec.strategy.blueGreen.previewService: must differ from activeService ("web")"#,
                "spec.strategy.blueGreen.autoPromotionSeconds: must not be set when autoPromotionEnabled is false",
             ]),
        Case("blue-green analysis", [.set("spec.strategy", ["blueGreen": ["activeService": "web", "prePromotionAnalysis": ["templates": []]]])],
             ["spec.strategy.blueGreen.prePromotionAnalysis.templates: must list at least one template"]),
        Case("Argo's apiVersion", [.set("apiVersion", "argoproj.io/v1alpha1")],
             [#"apiVersion: must be sluice.dev/v1alpha1, got "argoproj.io/v1alpha1""#]),
        Case("no name", [.remove("metadata.name")], ["metadata.name: required"]),
        Case("every problem at once", [
            .set("spec.replicas", -2), .set("\(canary).steps[3].setWeight", 101), .set("\(canary).canaryService", "web-stable"),
            .set("\(canary).steps[1].pause.duration", "soon"), .set("\(canary).unknownThing", true),
        ], [
            "spec.strategy.canary.unknownThing: unknown field",
            "spec.replicas: must be >= 0, got -2",
            #"spec.strategy.canary.canaryService: must differ from stableService ("web-stable")"#,
            #"spec.strategy.canary.steps[1].pause.duration: must be a duration such as 30s, 5m or 1h30m, got "soon""#,
            "spec.strategy.canary.steps[3].setWeight: must be 0..100, got 101",
        ]),
    ]

    @Test func baseIsValid() throws {
        let checked = Rollout.decodeAndValidate(from: try json(baseRolloutYAML))
        #expect(checked.problems.map(\.description) == [])
        #expect(checked.isValid)
    }

    @Test(arguments: cases)
    func reportsEveryProblemWithItsPath(_ testCase: Case) throws {
        let document = try json(baseRolloutYAML).applying(testCase.edits)
        let checked = Rollout.decodeAndValidate(from: document)
        #expect(checked.problems.map(\.description) == testCase.expected)
    }

    @Test func stepKindIsTheOneMemberSet() throws {
        let rollout = try #require(Rollout.decodeChecked(from: try json(baseRolloutYAML)).value)
        let steps = try #require(rollout.spec.strategy.canary?.steps)
        #expect(steps[0].kind == .setWeight(10))
        #expect(steps[6].kind == .pause(RolloutPause()))
        #expect(CanaryStep(setWeight: 1, pause: RolloutPause()).kind == nil)
        #expect(steps[4].setMirrorRoute?.effectivePercentage == 20)
        #expect(SetHeaderRoute().routeName == SetHeaderRoute.defaultName)
    }

    @Test func selectorStringIsStable() {
        let selector = LabelSelector(matchLabels: ["b": "2", "a": "1"], matchExpressions: [
            LabelSelectorRequirement(key: "env", operator: .notIn, values: ["prod", "dev"]),
            LabelSelectorRequirement(key: "canary", operator: .doesNotExist),
        ])
        #expect(selector.selectorString == "a=1,b=2,env notin (dev,prod),!canary")
        #expect(selector.matches(["a": "1", "b": "2", "env": "qa"]))
        #expect(!selector.matches(["a": "1", "b": "2", "env": "prod"]))
        #expect(!selector.matches(["a": "1", "b": "2", "canary": "x"]))
    }
}
