import Testing
@testable import Controller

@Suite("ControllerMetrics")
struct ControllerMetricsTests {
    @Test func canaryWeightsFollowTheRolloutsAndDeletedOnesLoseTheirSeries() {
        let metrics = ControllerMetrics()
        let web = ControllerMetrics.RolloutName(namespace: "shop", name: "web")
        let api = ControllerMetrics.RolloutName(namespace: "shop", name: "api")
        metrics.setCanaryWeights([web: 30, api: 0])
        #expect(metrics.text().contains(#"sluice_rollout_canary_weight{namespace="shop",rollout="web"} 30"#))
        metrics.setCanaryWeights([web: 60])
        let text = metrics.text()
        #expect(text.contains(#"sluice_rollout_canary_weight{namespace="shop",rollout="web"} 60"#))
        #expect(!text.contains(#"rollout="api""#))
    }
}
