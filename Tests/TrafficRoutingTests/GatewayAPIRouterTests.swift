import KubeClient
import RolloutCore
import SluiceAPI
import Testing
@testable import TrafficRouting

@Suite("Gateway API HTTPRoute edits")
struct GatewayAPIRouterTests {
    let router = GatewayAPIRouter()

    let rollout: Rollout = {
        let json: JSONValue = [
            "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout", "metadata": ["name": "web", "namespace": "shop"],
            "spec": [
                "selector": ["matchLabels": ["app": "web"]],
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "web:1"]]]],
                "strategy": ["canary": ["stableService": "web-stable", "canaryService": "web-canary",
                                        "trafficRouting": ["gatewayAPI": ["httpRoute": "web"]]]],
            ],
        ]
        return Rollout.decodeAndValidate(from: json).value!
    }()

    let userRule: JSONValue = ["matches": [["path": ["type": "PathPrefix", "value": "/admin"]]],
                               "backendRefs": [["name": "admin", "port": 8080]]]

    var route: JSONValue {
        [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "web", "namespace": "shop"],
            "spec": ["rules": [
                userRule,
                ["matches": [["path": ["type": "PathPrefix", "value": "/"]]],
                 "backendRefs": [["name": "web-stable", "port": 80, "weight": 100], ["name": "web-canary", "port": 80, "weight": 0]]],
            ]],
        ]
    }

    func rules(_ object: JSONValue) -> [JSONValue] { object[path: "spec", "rules"]?.arrayValue ?? [] }

    @Test func weightsGoOnTheRuleWithBothServicesAndOtherRulesAreUntouched() throws {
        let edited = try router.apply(TrafficState(canaryWeight: 25), to: route, rollout: rollout)
        let refs = rules(edited)[1]["backendRefs"]?.arrayValue ?? []
        #expect(refs.map { $0["weight"] } == [75, 25])
        #expect(rules(edited)[0] == userRule)
        #expect(router.observe(edited, rollout: rollout) == TrafficState(canaryWeight: 25))
        #expect(router.locate(rollout)! == ("shop", "web"))
    }

    @Test func headerAndMirrorRoutesAreManagedRulesBeforeTheUsers() throws {
        let header = SetHeaderRoute(name: "testers", match: [
            HeaderRoutingMatch(headerName: "x-canary", headerValue: StringMatch(exact: "always")),
        ])
        let mirror = SetMirrorRoute(name: "shadow", percentage: 35)
        let state = TrafficState(canaryWeight: 10, headerRoutes: ["testers": header], mirrorRoutes: ["shadow": mirror])
        let edited = try router.apply(state, to: route, rollout: rollout)
        let all = rules(edited)
        #expect(all.map { $0["name"]?.stringValue } == ["sluice-header-testers", "sluice-mirror-shadow", nil, nil])
        let headerRule = all[0]
        #expect(headerRule["backendRefs"]?.arrayValue?.map { $0["name"] } == ["web-canary"])
        #expect(headerRule[path: "matches"]?.arrayValue?.first?["headers"] ==
                [["name": "x-canary", "type": "Exact", "value": "always"]])
        #expect(headerRule[path: "matches"]?.arrayValue?.first?[path: "path", "value"] == "/")
        let filter = all[1]["filters"]?.arrayValue?.first
        #expect(filter?["type"] == "RequestMirror")
        #expect(filter?[path: "requestMirror", "percent"] == 35)
        #expect(filter?[path: "requestMirror", "backendRef", "name"] == "web-canary")
        #expect(router.observe(edited, rollout: rollout) == state)
        // Back to all-stable: the managed rules go, the user's rules are as they were.
        let reset = try router.apply(.allStable, to: edited, rollout: rollout)
        #expect(rules(reset).count == 2)
        #expect(rules(reset)[0] == userRule)
        #expect(rules(reset)[1]["backendRefs"]?.arrayValue?.map { $0["weight"] } == [100, 0])
    }

    @Test func applyingTwiceChangesNothing() throws {
        let state = TrafficState(canaryWeight: 40, headerRoutes: ["t": SetHeaderRoute(name: "t", match: [
            HeaderRoutingMatch(headerName: "x", headerValue: StringMatch(regex: "^a.*")),
        ])])
        let once = try router.apply(state, to: route, rollout: rollout)
        #expect(try router.apply(state, to: once, rollout: rollout) == once)
    }

    @Test func aRouteWithoutBothServicesIsAClearError() {
        var object = route
        object["spec"]?["rules"] = [userRule]
        #expect {
            try router.apply(TrafficState(canaryWeight: 10), to: object, rollout: rollout)
        } throws: { error in
            "\(error)".contains("HTTPRoute \"web\"") && "\(error)".contains("web-stable") && "\(error)".contains("web-canary")
        }
    }

    @Test func weightsChangedByHandAreNotTakenForSluicesSplit() throws {
        var edited = try router.apply(TrafficState(canaryWeight: 25), to: route, rollout: rollout)
        var all = rules(edited)
        all[1]["backendRefs"] = [["name": "web-stable", "port": 80, "weight": 50], ["name": "web-canary", "port": 80, "weight": 50]]
        edited["spec"]?["rules"] = .array(all)
        #expect(router.observe(edited, rollout: rollout) == nil)
        #expect(router.observe(route, rollout: rollout) == nil)
    }
}
