import KubeClient
import RolloutCore
import SluiceAPI

/// Writes a traffic split into a Rollout's router object (an HTTPRoute, a VirtualService…):
/// reads it fresh, lets the router edit it (a pure function), and writes it back only if it
/// changed, with the resourceVersion it read — so a concurrent edit fails with 409 rather than
/// being overwritten, and an unchanged split costs one GET and no write.
public struct RouteWriter: Sendable {
    /// The router object's kind and where it is served.
    public let resource: ResourceType
    /// The router object a Rollout names: (namespace, name), or nil if it names none.
    public let locate: @Sendable (Rollout) -> (namespace: String, name: String)?
    /// The router's edit: the object carrying `state` for `rollout`. Throws when the object
    /// cannot carry it (no rule references the Rollout's Services, say).
    public let edit: @Sendable (TrafficState, JSONValue, Rollout) throws -> JSONValue

    public init(resource: ResourceType,
                locate: @escaping @Sendable (Rollout) -> (namespace: String, name: String)?,
                edit: @escaping @Sendable (TrafficState, JSONValue, Rollout) throws -> JSONValue) {
        self.resource = resource
        self.locate = locate
        self.edit = edit
    }

    func write(_ state: TrafficState, for rollout: Rollout, client: KubernetesClient) async throws {
        guard let (namespace, name) = locate(rollout) else {
            throw RouteWriterError.noRouteNamed(rollout: rollout.metadata.name ?? "?")
        }
        let routes = client.resources(DynamicObject.self, resource, namespace: namespace)
        let current = try await routes.get(name)
        let edited = try edit(state, current.json, rollout)
        guard edited != current.json else { return }
        _ = try await routes.update(DynamicObject(edited), fieldManager: ActionExecutor.fieldManager)
    }
}

enum RouteWriterError: Error, CustomStringConvertible {
    case noRouteNamed(rollout: String)

    var description: String {
        switch self {
        case .noRouteNamed(let rollout): "rollout \"\(rollout)\" names no router object in spec.strategy.canary.trafficRouting"
        }
    }
}
