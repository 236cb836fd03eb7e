import Foundation
import KubeClient
import RolloutCore
import SluiceAPI
import Testing
@testable import TrafficRouting

@Suite("Gateway API HTTPRoute router")
struct GatewayAPIRouterTests {
    let router = GatewayAPIRouter()
    let beta = SetHeaderRoute(name: "beta", match: [
        HeaderRoutingMatch(headerName: "x-variant", headerValue: StringMatch(exact: "b")),
        HeaderRoutingMatch(headerName: "x-user", headerValue: StringMatch(regex: "tester-.*")),
    ])

    @Test(arguments: [Int32(0), 1, 20, 50, 99, 100])
    func weightsGoOnTheRuleThatNamesBothServicesAndNowhereElse(weight: Int32) throws {
        let edited = try router.apply(TrafficState(canaryWeight: weight), to: userRoute, rollout: rollout())
        #expect(edited.weight(rule: 1, service: "web-stable") == Int64(100 - weight))
        #expect(edited.weight(rule: 1, service: "web-canary") == Int64(weight))
        var expected = userRoute
        expected["spec"]?["rules"] = .array([
            userRoute.rules[0],
            router.weightedForTest(userRoute.rules[1], stable: 100 - weight, canary: weight),
            userRoute.rules[2],
        ])
        #expect(edited == expected, "only the two weights change; the admin and static rules, metadata and parents are untouched")
        #expect(router.observe(edited, rollout: rollout()) == TrafficState(canaryWeight: weight))
    }

    @Test func aRouteSluiceNeverWroteIsNotObservedAsASplit() {
        #expect(router.observe(userRoute, rollout: rollout()) == nil, "weights 1 and 1 (defaults) are not a split Sluice wrote")
    }

    @Test func applyingTwiceChangesNothingMore() throws {
        let state = TrafficState(canaryWeight: 30, headerRoutes: ["beta": beta],
                                 mirrorRoutes: ["shadow": SetMirrorRoute(name: "shadow", percentage: 25)])
        let once = try router.apply(state, to: userRoute, rollout: rollout())
        let twice = try router.apply(state, to: once, rollout: rollout())
        #expect(once == twice)
    }

    @Test func theSplitIsObservedOnTheObjectAsTheAPIServerStoresIt() throws {
        let state = TrafficState(canaryWeight: 30, headerRoutes: ["beta": beta],
                                 mirrorRoutes: ["shadow": SetMirrorRoute(name: "shadow", percentage: 25)])
        let stored = storedByAPIServer(try router.apply(state, to: storedByAPIServer(userRoute), rollout: rollout()))
        #expect(router.observe(stored, rollout: rollout()) == state)
        let userWritten = storedByAPIServer(try router.apply(state, to: userRoute, rollout: rollout()))
        #expect(router.observe(userWritten, rollout: rollout()) == state)
        #expect(try router.apply(state, to: stored, rollout: rollout()) == stored, "nothing to write once stored")
    }

    @Test func aHeaderRouteIsARuleBeforeTheUsersRulesSendingMatchingRequestsToTheCanary() throws {
        let edited = try router.apply(TrafficState(canaryWeight: 10, headerRoutes: ["beta": beta]), to: userRoute, rollout: rollout())
        #expect(edited.rules.count == 4)
        let rule = try #require(edited.rules.first)
        let headers: JSONValue = [
            ["name": "x-variant", "type": "Exact", "value": "b"],
            ["name": "x-user", "type": "RegularExpression", "value": "tester-.*"],
        ]
        #expect(rule == yaml("""
            name: sluice-beta
            matches:
            - path: {type: PathPrefix, value: /api}
            - path: {type: Exact, value: /health}
              method: GET
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                add:
                - {name: x-via, value: gateway}
            timeouts: {request: 10s}
            backendRefs:
            - {name: web-canary, port: 80, weight: 1, group: "", kind: Service}
            """).applyingHeaders(headers))
        #expect(Array(edited.rules.dropFirst()) == [userRoute.rules[0], router.weightedForTest(userRoute.rules[1], stable: 90, canary: 10), userRoute.rules[2]])
        #expect(edited[path: "metadata", "annotations", "team"] == "payments")
        #expect(edited[path: "metadata", "annotations", GatewayAPIRouter.managedRoutesAnnotation] != nil)
    }

    @Test func aMirrorRouteKeepsTheSplitAndCopiesAPercentageToTheCanary() throws {
        let edited = try router.apply(TrafficState(canaryWeight: 0, mirrorRoutes: ["shadow": SetMirrorRoute(name: "shadow", percentage: 40)]),
                                      to: userRoute, rollout: rollout())
        let rule = try #require(edited.rule(named: "sluice-shadow"))
        #expect(edited.rules.first == rule)
        #expect(rule["matches"] == userRoute.rules[1]["matches"])
        #expect(rule["backendRefs"] == edited.rules[2]["backendRefs"], "the same split as the user's rule")
        #expect(rule["filters"]?.arrayValue?.last == yaml("""
            type: RequestMirror
            requestMirror:
              backendRef: {group: "", kind: Service, name: web-canary, port: 80}
              percent: 40
            """))
        #expect(rule["filters"]?.arrayValue?.first == userRoute.rules[1]["filters"]?.arrayValue?.first)
    }

    @Test func aMirrorRouteWithMatchesNarrowsEachOfTheSplitRulesMatches() throws {
        let mirror = SetMirrorRoute(name: "posts", percentage: 100, match: [
            RouteMatch(method: StringMatch(exact: "POST"), path: StringMatch(prefix: "/api/orders"), headers: ["x-tenant": StringMatch(exact: "a")]),
        ])
        let edited = try router.apply(TrafficState(canaryWeight: 0, mirrorRoutes: ["posts": mirror]), to: userRoute, rollout: rollout())
        let matches = edited.rule(named: "sluice-posts")?["matches"]?.arrayValue ?? []
        #expect(matches == [
            yaml("{path: {type: PathPrefix, value: /api/orders}, method: POST, headers: [{name: x-tenant, type: Exact, value: a}]}"),
            yaml("{path: {type: PathPrefix, value: /api/orders}, method: POST, headers: [{name: x-tenant, type: Exact, value: a}]}"),
        ])
        #expect(router.observe(edited, rollout: rollout())?.mirrorRoutes == ["posts": mirror])
    }

    @Test func removingTheRoutesRemovesTheirRulesAndTheRecord() throws {
        let with = try router.apply(TrafficState(canaryWeight: 50, headerRoutes: ["beta": beta]), to: userRoute, rollout: rollout())
        let without = try router.apply(TrafficState(canaryWeight: 0), to: with, rollout: rollout())
        #expect(without == (try router.apply(TrafficState(canaryWeight: 0), to: userRoute, rollout: rollout())))
        #expect(without[path: "metadata", "annotations"] == ["team": "payments"])
        #expect(!without.rules.contains { $0["name"]?.stringValue?.hasPrefix("sluice-") == true })
    }

    @Test func everySplitRuleGetsItsOwnManagedRule() throws {
        var route = userRoute
        var second = userRoute.rules[1]
        second["matches"] = [["path": ["type": "PathPrefix", "value": "/v2"]]]
        route["spec"]?["rules"] = .array(userRoute.rules + [second])
        let edited = try router.apply(TrafficState(canaryWeight: 5, headerRoutes: ["beta": beta]), to: route, rollout: rollout())
        #expect(edited.rules.compactMap { $0["name"]?.stringValue } == ["sluice-beta", "sluice-beta-2", "admin"])
        #expect(edited.weight(rule: 3, service: "web-canary") == 5)
        #expect(edited.weight(rule: 5, service: "web-canary") == 5)
        #expect(router.observe(edited, rollout: rollout())?.canaryWeight == 5)
    }

    @Test func managedRoutesFollowTheOrderTheRolloutLists() throws {
        let state = TrafficState(canaryWeight: 0, headerRoutes: ["b-header": beta],
                                 mirrorRoutes: ["a-mirror": SetMirrorRoute(name: "a-mirror", percentage: 10)])
        let listed = try router.apply(state, to: userRoute, rollout: rollout(managedRoutes: ["b-header", "a-mirror"]))
        #expect(listed.rules.prefix(2).compactMap { $0["name"]?.stringValue } == ["sluice-b-header", "sluice-a-mirror"])
        let unlisted = try router.apply(state, to: userRoute, rollout: rollout())
        #expect(unlisted.rules.prefix(2).compactMap { $0["name"]?.stringValue } == ["sluice-b-header", "sluice-a-mirror"],
                "header routes first, then mirror routes")
    }

    @Test func anEditedManagedRuleOrDisagreeingWeightsAreNotObservedAsTheSplit() throws {
        let state = TrafficState(canaryWeight: 20, headerRoutes: ["beta": beta])
        let edited = try router.apply(state, to: userRoute, rollout: rollout())
        var tampered = edited
        var rules = edited.rules
        rules[0]["backendRefs"] = [["name": "web-stable", "port": 80]]
        tampered["spec"]?["rules"] = .array(rules)
        #expect(router.observe(tampered, rollout: rollout()) == nil)

        var disagreeing = edited
        rules = edited.rules
        rules.append(router.weightedForTest(userRoute.rules[1], stable: 50, canary: 50))
        disagreeing["spec"]?["rules"] = .array(rules)
        #expect(router.observe(disagreeing, rollout: rollout()) == nil)

        var garbled = edited
        garbled["metadata"]?["annotations"]?[GatewayAPIRouter.managedRoutesAnnotation] = "{not json"
        #expect(router.observe(garbled, rollout: rollout()) == nil)

        var userEditedSplit = edited
        rules = edited.rules
        rules[2]["timeouts"] = ["request": "30s"]
        userEditedSplit["spec"]?["rules"] = .array(rules)
        #expect(router.observe(userEditedSplit, rollout: rollout()) == nil, "the header rule no longer copies the split rule")
        let repaired = try router.apply(state, to: userEditedSplit, rollout: rollout())
        #expect(repaired.rules[0]["timeouts"] == ["request": "30s"])
        #expect(router.observe(repaired, rollout: rollout()) == state)
    }
}

@Suite("Gateway API HTTPRoute router: errors")
struct GatewayAPIRouterErrorTests {
    let router = GatewayAPIRouter()

    @Test func noRuleNamingBothServicesIsAnErrorNamingTheRouteAndTheServices() {
        var route = userRoute
        route["spec"]?["rules"] = .array([userRoute.rules[0], userRoute.rules[2]])
        #expect(throws: TrafficRoutingError.noRuleForServices(object: "HTTPRoute \"default/web\"", stableService: "web-stable",
                                                              canaryService: "web-canary")) {
            try router.apply(TrafficState(canaryWeight: 10), to: route, rollout: rollout())
        }
        let message = TrafficRoutingError.noRuleForServices(object: "HTTPRoute \"default/web\"", stableService: "web-stable",
                                                            canaryService: "web-canary").description
        #expect(message == "HTTPRoute \"default/web\" has no rule whose backendRefs name both the stable Service \"web-stable\" "
            + "and the canary Service \"web-canary\"; add both to the rule that should be split (the canary with weight 0)")
        #expect(router.observe(route, rollout: rollout()) == nil)
    }

    @Test func servicesInAnotherNamespaceAreNotTheRolloutsServices() {
        var route = userRoute
        var rules = userRoute.rules
        rules[1]["backendRefs"] = [["name": "web-stable", "port": 80], ["name": "web-canary", "namespace": "other", "port": 80]]
        route["spec"]?["rules"] = .array(rules)
        #expect(throws: TrafficRoutingError.self) { try router.apply(TrafficState(canaryWeight: 10), to: route, rollout: rollout()) }
    }

    @Test func aPrefixHeaderMatchIsAnError() {
        let route = SetHeaderRoute(name: "beta", match: [HeaderRoutingMatch(headerName: "x-variant", headerValue: StringMatch(prefix: "b"))])
        #expect(throws: TrafficRoutingError.unsupportedRoute(
            object: "HTTPRoute \"default/web\"", route: "beta",
            reason: "matches header \"x-variant\" by prefix; HTTPRoute header matches are Exact or RegularExpression")) {
            try router.apply(TrafficState(headerRoutes: ["beta": route]), to: userRoute, rollout: rollout())
        }
    }

    @Test func aHeaderTheSplitRuleAlreadyMatchesIsAnError() throws {
        var route = userRoute
        var rules = userRoute.rules
        rules[1]["matches"] = [["path": ["type": "PathPrefix", "value": "/"], "headers": [["name": "X-Variant", "value": "a"]]]]
        route["spec"]?["rules"] = .array(rules)
        let header = SetHeaderRoute(name: "beta", match: [HeaderRoutingMatch(headerName: "x-variant", headerValue: StringMatch(exact: "b"))])
        let error = #expect(throws: TrafficRoutingError.self) {
            try router.apply(TrafficState(headerRoutes: ["beta": header]), to: route, rollout: rollout())
        }
        #expect(error?.description.contains("matches header \"x-variant\", which the split rule already matches") == true)
    }

    @Test func aRouteNameThatCannotNameARuleIsAnError() {
        let header = SetHeaderRoute(name: "Beta_Users", match: [HeaderRoutingMatch(headerName: "x", headerValue: StringMatch(exact: "1"))])
        let error = #expect(throws: TrafficRoutingError.self) {
            try router.apply(TrafficState(headerRoutes: ["Beta_Users": header]), to: userRoute, rollout: rollout())
        }
        #expect(error?.description.hasPrefix("HTTPRoute \"default/web\": route \"Beta_Users\" cannot name an HTTPRoute rule \"sluice-Beta_Users\"") == true)
    }

    @Test func tooManyRulesIsAnErrorBeforeTheAPIServerSaysSo() {
        var routes: [String: SetHeaderRoute] = [:]
        for index in 0..<14 {
            routes["r\(index)"] = SetHeaderRoute(name: "r\(index)", match: [HeaderRoutingMatch(headerName: "x-r", headerValue: StringMatch(exact: "\(index)"))])
        }
        let error = #expect(throws: TrafficRoutingError.self) {
            try router.apply(TrafficState(headerRoutes: routes), to: userRoute, rollout: rollout())
        }
        #expect(error?.description == "HTTPRoute \"default/web\": with Sluice's header and mirror rules it would have 17 rules; an HTTPRoute has at most 16")
    }

    @Test func anObjectThatIsNotAnHTTPRouteIsAnError() {
        let service = yaml("{apiVersion: v1, kind: Service, metadata: {name: web, namespace: default}, spec: {ports: []}}")
        #expect(throws: TrafficRoutingError.notARouteObject(object: "Service \"default/web\"", expected: "a Gateway API HTTPRoute with spec.rules")) {
            try router.apply(TrafficState(), to: service, rollout: rollout())
        }
        #expect(router.observe(service, rollout: rollout()) == nil)
    }
}

@Suite("Router selection")
struct RouterSelectionTests {
    @Test func eachRolloutGetsTheRouterItsTrafficRoutingNames() {
        #expect(TrafficRouters.router(for: rollout()) is GatewayAPIRouter)
        #expect(TrafficRouters.hasRouter(for: rollout()))
        #expect(GatewayAPIRouter().routeObject(for: rollout()) == RouteObjectReference(resource: GatewayAPIRouter.httpRoutes, namespace: "default", name: "web"))
        var none = rollout()
        none.spec.strategy.canary?.trafficRouting = nil
        #expect(TrafficRouters.router(for: none) is ReplicaRatioRouter)
        #expect(!TrafficRouters.hasRouter(for: none))
        var istio = rollout()
        istio.spec.strategy.canary?.trafficRouting = TrafficRouting(istio: IstioTrafficRouting(virtualService: IstioVirtualService(name: "web")))
        #expect(TrafficRouters.router(for: istio) == nil)
        #expect(!TrafficRouters.hasRouter(for: istio))
    }

    @Test func withoutARouterThereIsNothingToReadOrWrite() {
        let router = ReplicaRatioRouter()
        #expect(router.routeObject(for: rollout()) == nil)
        #expect(router.observe(userRoute, rollout: rollout()) == nil)
        #expect(throws: TrafficRoutingError.noRouteObject(rollout: "web")) { try router.apply(TrafficState(), to: userRoute, rollout: rollout()) }
    }
}

extension GatewayAPIRouter {
    /// `rule` with the stable and canary refs at the given weights (the expected edit).
    func weightedForTest(_ rule: JSONValue, stable: Int32, canary: Int32) -> JSONValue {
        var rule = rule
        rule["backendRefs"] = .array((rule["backendRefs"]?.arrayValue ?? []).map { ref in
            var ref = ref
            if ref["name"] == "web-stable" { ref["weight"] = .integer(Int64(stable)) }
            if ref["name"] == "web-canary" { ref["weight"] = .integer(Int64(canary)) }
            return ref
        })
        return rule
    }
}

extension JSONValue {
    /// Every match of the rule with `headers` appended.
    func applyingHeaders(_ headers: JSONValue) -> JSONValue {
        var rule = self
        rule["matches"] = .array((self["matches"]?.arrayValue ?? []).map { match in
            var match = match
            match["headers"] = .array((match["headers"]?.arrayValue ?? []) + (headers.arrayValue ?? []))
            return match
        })
        return rule
    }
}
