import Foundation
import KubeClient

/// What traffic needs from the store at one moment: the router objects, the Services and the
/// Ready pods. Read once per tick (or reused while the store has not changed) so requests
/// never scan the store; the Ready pods behind each backend are found once per snapshot.
public struct TrafficSnapshot: Sendable {
    public var objects: RouterObjects
    /// Pods whose Ready condition is True and that are not being deleted.
    public var readyPods: [JSONValue]
    /// `namespace/name` of every pod, Ready or not: whose metrics still exist.
    public var podKeys: Set<String>
    /// The store's resource version the snapshot was read at (nil: not read from a store).
    public var resourceVersion: String?
    private var podsByTarget: [BackendTarget: [JSONValue]] = [:]

    public init(objects: RouterObjects, pods: [JSONValue], resourceVersion: String? = nil) {
        self.objects = objects
        self.readyPods = pods.filter(Router.isReady)
        self.podKeys = Set(pods.compactMap { pod in
            pod[path: "metadata", "name"]?.stringValue.map { (pod[path: "metadata", "namespace"]?.stringValue ?? "default") + "/" + $0 }
        })
        self.resourceVersion = resourceVersion
    }

    /// The router resources, by API group and plural, and where their objects go. Any of
    /// them may be missing from the store (their CRDs not installed): they are then empty.
    static var routerResources: [(group: String, plural: String, slot: WritableKeyPath<RouterObjects, [JSONValue]>)] { [
        ("gateway.networking.k8s.io", "httproutes", \.httpRoutes),
        ("networking.istio.io", "virtualservices", \.virtualServices),
        ("networking.istio.io", "destinationrules", \.destinationRules),
        ("networking.k8s.io", "ingresses", \.ingresses),
        ("split.smi-spec.io", "trafficsplits", \.trafficSplits),
        ("", "services", \.services),
    ] }

    /// Lists the router objects, Services and pods of every namespace.
    public static func read(from store: ObjectStore) -> TrafficSnapshot {
        let version = store.currentResourceVersion
        var objects = RouterObjects()
        for resource in routerResources {
            guard let definition = store.definition(group: resource.group, plural: resource.plural),
                let items = try? store.list(definition.type).items
            else { continue }
            objects[keyPath: resource.slot] = items
        }
        let pods = (try? store.list(.pods).items) ?? []
        return TrafficSnapshot(objects: objects, pods: pods, resourceVersion: version)
    }

    /// This snapshot if the store has not been written since it was read, else a fresh one.
    public func refreshed(from store: ObjectStore) -> TrafficSnapshot {
        if let resourceVersion, resourceVersion == store.currentResourceVersion { return self }
        return Self.read(from: store)
    }

    /// A Ready pod behind `target`, uniformly: the same draw as ``Router/pickPod(for:services:pods:using:)``
    /// over the same pods, with the selection remembered for the rest of the snapshot.
    public mutating func pickPod(for target: BackendTarget, using rng: inout some RandomNumberGenerator) -> JSONValue? {
        let candidates: [JSONValue]
        if let known = podsByTarget[target] {
            candidates = known
        } else {
            candidates = Self.pods(behind: target, services: objects.services, readyPods: readyPods)
            podsByTarget[target] = candidates
        }
        guard !candidates.isEmpty else { return nil }
        return candidates[Int.random(in: 0..<candidates.count, using: &rng)]
    }

    static func pods(behind target: BackendTarget, services: [JSONValue], readyPods: [JSONValue]) -> [JSONValue] {
        guard let selector = Router.podSelector(for: target, services: services) else { return [] }
        return readyPods.filter { Router.podMatches($0, namespace: target.namespace, selector: selector) }
    }
}
