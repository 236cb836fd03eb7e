import Foundation
import KubeClient

/// kube's Endpoints controller, one synchronous pass at a time.
///
/// For every Service with a `spec.selector`, an Endpoints object of the same name: pods
/// the selector matches that have an IP, Ready ones in `subsets[].addresses` and the rest in
/// `notReadyAddresses` (each with a `targetRef` to its pod), ports from the Service with
/// `targetPort` resolved per pod (named ports through the pod's container ports; pods that
/// resolve differently land in separate subsets). Terminating pods are left out. Managed
/// Endpoints carry `endpointslice.kubernetes.io/skip-mirror: "true"` (as kube's do) and are
/// deleted when their Service is gone or loses its selector. Services without a selector
/// are left to their owners.
public struct EndpointsController: Sendable {
    public static let endpoints = ResourceType(group: "", version: "v1", plural: "endpoints", kind: "Endpoints")
    static let managedLabel = "endpointslice.kubernetes.io/skip-mirror"

    public let store: ObjectStore

    public init(store: ObjectStore) { self.store = store }

    public func reconcile(now: Date) throws(APIError) {
        let services = try store.list(.services).items
        var wanted = Set<String>()
        // Candidate pods (with an IP, active) of each namespace, listed and indexed once per pass.
        var podsByNamespace: [String: CandidatePods] = [:]
        for service in services where !service.isBeingDeleted {
            let selector = Workload.stringMap(service["spec"]?["selector"])
            guard !selector.isEmpty else { continue }
            let namespace = service.objectNamespace
            wanted.insert(namespace + "/" + service.objectName)
            if podsByNamespace[namespace] == nil {
                podsByNamespace[namespace] = CandidatePods(try store.list(.pods, namespace: namespace).items)
            }
            let pods = podsByNamespace[namespace]?.matching(selector) ?? []
            try Workload.tolerating { () throws(APIError) in try sync(service, pods: pods) }
        }
        for endpoints in try store.list(Self.endpoints).items
        where endpoints.labels[Self.managedLabel] == "true"
            && !wanted.contains(endpoints.objectNamespace + "/" + endpoints.objectName) {
            try Workload.tolerating { () throws(APIError) in
                _ = try store.delete(Self.endpoints, namespace: endpoints.objectNamespace, name: endpoints.objectName)
            }
        }
    }

    /// The container port a Service port's `targetPort` names on `pod` (nil: unresolvable).
    static func resolve(_ servicePort: JSONValue, on pod: JSONValue) -> Int64? {
        let target = servicePort["targetPort"]
        if let number = target?.integerValue { return number }
        if let name = target?.stringValue {
            if let number = Int64(name) { return number }
            for container in pod["spec"]?["containers"]?.arrayValue ?? [] {
                for port in container["ports"]?.arrayValue ?? [] where port["name"]?.stringValue == name {
                    return port["containerPort"]?.integerValue
                }
            }
            return nil
        }
        return servicePort["port"]?.integerValue
    }

    /// The active pods of one namespace that have an IP, indexed by label, so each Service's
    /// selector looks at the pods that carry its rarest label rather than at every pod.
    struct CandidatePods {
        private var pods: [(pod: JSONValue, labels: [String: String])] = []
        private var byLabel: [String: [Int]] = [:]

        init(_ items: [JSONValue]) {
            for pod in items
            where !pod.isBeingDeleted && !(pod["status"]?["podIP"]?.stringValue ?? "").isEmpty && Workload.isActive(pod) {
                let labels = pod.labels
                for (key, value) in labels { byLabel[key + "=" + value, default: []].append(pods.count) }
                pods.append((pod, labels))
            }
        }

        /// The pods whose labels include every entry of `selector`, in list order.
        func matching(_ selector: [String: String]) -> [JSONValue] {
            let postings = selector.map { byLabel[$0.key + "=" + $0.value] ?? [] }
            guard let rarest = postings.min(by: { $0.count < $1.count }) else { return [] }
            return rarest.filter { index in selector.allSatisfy { pods[index].labels[$0.key] == $0.value } }
                .map { pods[$0].pod }
        }
    }

    /// Writes the Endpoints of `service` from `pods`: the active pods with an IP that its
    /// selector matches.
    func sync(_ service: JSONValue, pods: [JSONValue]) throws(APIError) {
        let namespace = service.objectNamespace
        let servicePorts = service["spec"]?["ports"]?.arrayValue ?? []

        // Pods grouped by their resolved ports, in first-seen order.
        var order: [JSONValue] = []
        var groups: [JSONValue: (ready: [JSONValue], notReady: [JSONValue])] = [:]
        for pod in pods {
            var ports: [JSONValue] = []
            for servicePort in servicePorts {
                guard let number = Self.resolve(servicePort, on: pod) else { continue }
                var port: [String: JSONValue] = [
                    "port": .integer(number),
                    "protocol": servicePort["protocol"] ?? "TCP",
                ]
                if let name = servicePort["name"]?.stringValue, !name.isEmpty { port["name"] = .string(name) }
                if let appProtocol = servicePort["appProtocol"] { port["appProtocol"] = appProtocol }
                ports.append(.object(port))
            }
            let key = JSONValue.array(ports)
            let ip = pod["status"]?["podIP"]?.stringValue ?? ""
            var address: [String: JSONValue] = [
                "ip": .string(ip),
                "targetRef": [
                    "kind": "Pod",
                    "namespace": .string(namespace),
                    "name": .string(pod.objectName),
                    "uid": .string(pod.uid ?? ""),
                ],
            ]
            if let node = pod["spec"]?["nodeName"]?.stringValue, !node.isEmpty { address["nodeName"] = .string(node) }
            if groups[key] == nil { order.append(key) }
            if Workload.isReady(pod) {
                groups[key, default: ([], [])].ready.append(.object(address))
            } else {
                groups[key, default: ([], [])].notReady.append(.object(address))
            }
        }
        func byIP(_ a: JSONValue, _ b: JSONValue) -> Bool {
            (a["ip"]?.stringValue ?? "", a["targetRef"]?["name"]?.stringValue ?? "")
                < (b["ip"]?.stringValue ?? "", b["targetRef"]?["name"]?.stringValue ?? "")
        }
        var subsets: [JSONValue] = []
        for key in order {
            guard let group = groups[key] else { continue }
            var subset: [String: JSONValue] = [:]
            if !group.ready.isEmpty { subset["addresses"] = .array(group.ready.sorted(by: byIP)) }
            if !group.notReady.isEmpty { subset["notReadyAddresses"] = .array(group.notReady.sorted(by: byIP)) }
            if let ports = key.arrayValue, !ports.isEmpty { subset["ports"] = key }
            subsets.append(.object(subset))
        }

        var labels = service["metadata"]?["labels"]?.objectValue ?? [:]
        labels[Self.managedLabel] = "true"
        let existing: JSONValue?
        do throws(APIError) {
            existing = try store.get(Self.endpoints, namespace: namespace, name: service.objectName)
        } catch let error where error.code == 404 {
            existing = nil
        }
        var desired: JSONValue = existing ?? [
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": ["name": .string(service.objectName), "namespace": .string(namespace)],
        ]
        desired.setMetadata("labels", .object(labels))
        desired["subsets"] = subsets.isEmpty ? nil : .array(subsets)
        guard desired != existing else { return }
        if existing == nil {
            _ = try store.create(Self.endpoints, namespace: namespace, desired)
        } else {
            _ = try store.update(Self.endpoints, namespace: namespace, desired)
        }
    }
}
