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
        Planner().plan(rollout: rollout, observed: observed, hasRouter: hasRouter)
    }

    /// The binding for a Rollout's router object; nil when it has none (replica ratios).
    public static let binding: RolloutController.RouterResolver = { rollout in
        guard let router = TrafficRouters.router(for: rollout),
              let reference = router.routeObject(for: rollout) else { return nil }
        return RouterBinding(resource: reference.resource,
                             locate: { router.routeObject(for: $0).map { ($0.namespace, $0.name) } },
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
