import Foundation
import KubeClient
import KubeSim
import RolloutCore
import SluiceAPI
import Testing
@testable import TrafficRouting

/// The HTTPRoutes the router writes, routed by KubeSim's Gateway API implementation (match
/// precedence, weights, RequestMirror): requests go where the split says.
@Suite("Gateway API HTTPRoute router: routing what it writes")
struct HTTPRouteRoutingTests {
    let router = GatewayAPIRouter()

    func route(_ state: TrafficState, _ request: TrafficRequest, seed: UInt64 = 1) throws -> RoutingDecision? {
        let edited = try router.apply(state, to: userRoute, rollout: rollout())
        var random = SplitMix64(seed: seed)
        return Router.routeHTTPRoutes([edited], request: request, using: &random)
    }

    @Test func aHeaderRouteSendsMatchingRequestsToTheCanaryAndNothingElse() throws {
        let beta = SetHeaderRoute(name: "beta", match: [
            HeaderRoutingMatch(headerName: "x-variant", headerValue: StringMatch(exact: "b")),
            HeaderRoutingMatch(headerName: "x-user", headerValue: StringMatch(regex: "tester-[0-9]+")),
        ])
        let state = TrafficState(canaryWeight: 0, headerRoutes: ["beta": beta])
        let matching = TrafficRequest(path: "/api/orders", headers: ["X-Variant": "b", "x-user": "tester-7"])
        #expect(try route(state, matching)?.primary?.service == "web-canary")
        #expect(try route(state, TrafficRequest(path: "/health", headers: ["x-variant": "b", "x-user": "tester-1"]))?.primary?.service == "web-canary")
        #expect(try route(state, TrafficRequest(path: "/api/orders", headers: ["x-variant": "b"]))?.primary?.service == "web-stable")
        #expect(try route(state, TrafficRequest(path: "/api/orders"))?.primary?.service == "web-stable")
        #expect(try route(state, TrafficRequest(path: "/admin", headers: ["x-admin": "yes", "x-variant": "b", "x-user": "tester-1"]))?
            .primary?.service == "web-admin", "the user's own rule still routes")
        #expect(try route(state, TrafficRequest(path: "/static/a.css"))?.primary?.service == "web-stable")
    }

    @Test func aMirrorRouteCopiesRequestsToTheCanaryWhileTheSplitStands() throws {
        let state = TrafficState(canaryWeight: 0, mirrorRoutes: ["shadow": SetMirrorRoute(name: "shadow", percentage: 100)])
        let decision = try route(state, TrafficRequest(path: "/api/orders"))
        #expect(decision?.primary?.service == "web-stable")
        #expect(decision?.mirrors.map(\.service) == ["web-canary"])
        #expect(try route(state, TrafficRequest(path: "/static/a.css"))?.mirrors.isEmpty == true, "only the split rule's requests are mirrored")
    }

    @Test(arguments: [Int32(0), 30, 100])
    func theWeightIsTheCanarysShareOfRequests(weight: Int32) throws {
        let edited = try router.apply(TrafficState(canaryWeight: weight), to: userRoute, rollout: rollout())
        var random = SplitMix64(seed: 42)
        let samples = 10_000
        var canary = 0
        for _ in 0..<samples {
            let decision = Router.routeHTTPRoutes([edited], request: TrafficRequest(path: "/api/orders"), using: &random)
            if decision?.primary?.service == "web-canary" { canary += 1 }
        }
        let share = Double(canary) / Double(samples) * 100
        #expect(abs(share - Double(weight)) < 2.5, "canary share \(share)% for weight \(weight)")
    }
}

/// A small seeded generator, so that the sampled shares are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
