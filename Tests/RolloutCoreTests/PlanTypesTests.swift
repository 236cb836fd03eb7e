import Testing
@testable import RolloutCore

@Suite("Plan types")
struct PlanTypesTests {
    @Test func allStableCarriesNoCanaryTraffic() {
        #expect(TrafficState.allStable.canaryWeight == 0)
        #expect(TrafficState.allStable.headerRoutes.isEmpty)
        #expect(TrafficState.allStable.mirrorRoutes.isEmpty)
    }
}
