import KubeClient
import RolloutCore
import SluiceAPI
import TrafficRouting

/// What `rolloutd` plugs into the controller: the planner, and the router each Rollout uses.
/// Gateway API HTTPRoute and "no router" (replica ratios) are served; a Rollout naming another
/// router is reported `InvalidSpec` by the controller, never silently run without it.
public enum SluiceRouting {
    public static let httpRoutes = GatewayAPIRouter.httpRoutes

    /// The router object kinds the controller watches.
    public static let resources: [ResourceType] = [GatewayAPIRouter.httpRoutes]

    public static let planner: RolloutController.Planner = { rollout, observed, hasRouter in
        RolloutCore.plan(rollout: rollout, observed: observed, hasRouter: hasRouter)
    }

    /// The binding for a Rollout's router; nil when it has none.
    public static let binding: RolloutController.RouterResolver = { rollout in
        guard rollout.spec.strategy.canary?.trafficRouting?.gatewayAPI != nil else { return nil }
        return binding(for: GatewayAPIRouter())
    }

    static func binding(for router: some TrafficRouter) -> RouterBinding {
        RouterBinding(resource: router.resource, locate: { router.locate($0) },
                      observe: { router.observe($0, rollout: $1) },
                      edit: { try router.apply($0, to: $1, rollout: $2) })
    }

    /// Problems with the routers a Rollout names that this build cannot drive.
    public static func unsupportedRouters(_ rollout: Rollout) -> [String] {
        guard let routing = rollout.spec.strategy.canary?.trafficRouting else { return [] }
        var problems: [String] = []
        if routing.istio != nil { problems.append("spec.strategy.canary.trafficRouting.istio: not supported yet (supported: gatewayAPI, or no trafficRouting)") }
        if routing.nginx != nil { problems.append("spec.strategy.canary.trafficRouting.nginx: not supported yet (supported: gatewayAPI, or no trafficRouting)") }
        if routing.smi != nil { problems.append("spec.strategy.canary.trafficRouting.smi: not supported yet (supported: gatewayAPI, or no trafficRouting)") }
        return problems
    }
}
