import Foundation
import Controller
import KubeClient
import SluiceAPI

/// The demo's script against a cluster: install the CRDs, apply the example, follow v1 to
/// Healthy, change the image, follow the canary to Healthy — printing each change.
struct DemoSession: Sendable {
    enum Outcome: Sendable {
        case healthy
        case failed(String)
        case timedOut(String)
    }

    let client: KubernetesClient
    let namespace: String
    let name: String
    let console: TerminalOutput
    let timeout: Duration
    private let started = ContinuousClock.now

    init(client: KubernetesClient, namespace: String, name: String, console: TerminalOutput, timeout: Duration) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.console = console
        self.timeout = timeout
    }

    var applier: ObjectApplier { ObjectApplier(client: client, fieldManager: "rollout-demo") }

    func installCRDs() async throws {
        for crd in SluiceCRDs.all {
            try await applier.apply(crd.definition)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !client.resourceExists(.rollouts) {
            guard ContinuousClock.now < deadline else { throw DemoError("the Rollout CRD was not established") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func walk(documents: [JSONValue]) async throws -> Outcome {
        // Namespaces first, as `kubectl apply` of a directory would need them.
        let namespaces = Set(documents.compactMap { $0[path: "metadata", "namespace"]?.stringValue })
        for namespace in namespaces.sorted() {
            try await applier.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        }
        for document in documents {
            try await applier.apply(document)
            console.out("applied \(document["kind"]?.stringValue ?? "?") \(document[path: "metadata", "name"]?.stringValue ?? "?")")
        }
        console.out("\n== v1 goes live (the first revision needs no steps)")
        let first = try await follow()
        guard case .healthy = first else { return first }

        let rollouts = client.resources(DynamicObject.self, .rollouts, namespace: namespace)
        let current = try await rollouts.get(name)
        guard let image = current.json[path: "spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue else {
            return .failed("the Rollout's first container has no image")
        }
        let next = Self.nextImage(image)
        console.out("\n== v2: image \(image) -> \(next); the canary walks its steps")
        _ = try await rollouts.patch(name, .json([
            JSONPatchOperation(op: "replace", path: "/spec/template/spec/containers/0/image", value: .string(next)),
        ]), fieldManager: "rollout-demo")
        return try await follow()
    }

    /// `registry/app:v1` -> `registry/app:v2` (the tag's number plus one, else `:v2`).
    static func nextImage(_ image: String) -> String {
        guard let colon = image.lastIndex(of: ":"), !image[colon...].contains("/") else { return image + ":v2" }
        let tag = image[image.index(after: colon)...]
        let digits = tag.reversed().prefix(while: \.isNumber).reversed()
        guard let number = Int(String(digits)) else { return image[..<colon] + ":v2" }
        return image[..<colon] + ":" + tag.dropLast(digits.count) + String(number + 1)
    }

    /// Prints a line whenever what the rollout shows changes, until it settles.
    func follow() async throws -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        var sawProgress = false
        while ContinuousClock.now < deadline {
            let snapshot = try await DemoSnapshot.read(client: client, namespace: namespace, name: name)
            let line = snapshot.line
            if line != last {
                let elapsed = ContinuousClock.now - started
                console.out(String(format: "[%6.1fs] ", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) + line)
                last = line
            }
            if snapshot.phase != "Healthy" { sawProgress = true }
            if snapshot.phase == "Healthy", snapshot.settled, sawProgress || snapshot.generationObserved {
                return .healthy
            }
            if snapshot.phase == "Degraded" || snapshot.phase == "Aborted" {
                return .failed("phase \(snapshot.phase): \(snapshot.message)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return .timedOut("not Healthy after \(timeout); last seen: \(last)")
    }
}

/// What the demo shows of a rollout at one moment.
struct DemoSnapshot {
    var phase: String
    var message: String
    var step: String
    var weights: String
    var replicaSets: String
    var route: String
    var settled: Bool
    var generationObserved: Bool

    var line: String {
        [phase, step, weights, replicaSets, route].filter { !$0.isEmpty }.joined(separator: "  ")
    }

    static func read(client: KubernetesClient, namespace: String, name: String) async throws -> DemoSnapshot {
        let rollout = try await client.resources(DynamicObject.self, .rollouts, namespace: namespace).get(name).json
        let status = rollout["status"]
        let steps = rollout[path: "spec", "strategy", "canary", "steps"]?.arrayValue?.count ?? 0
        let stepIndex = status?["currentStepIndex"]?.integerValue
        let stable = status?["stableRS"]?.stringValue
        let canary = status?["canaryRS"]?.stringValue
        let replicaSets = try await client.resources(DynamicObject.self, .replicaSets, namespace: namespace)
            .list(ListOptions(labelSelector: "rollouts-pod-template-hash")).items
            .filter { ($0.json[path: "spec", "replicas"]?.integerValue ?? 0) > 0 || ($0.json[path: "status", "replicas"]?.integerValue ?? 0) > 0 }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
            .map { replicaSet -> String in
                let hash = replicaSet.json[path: "metadata", "labels", "rollouts-pod-template-hash"]?.stringValue
                let role = hash == stable ? "stable" : hash == canary ? "canary" : "old"
                let ready = replicaSet.json[path: "status", "readyReplicas"]?.integerValue ?? 0
                let wanted = replicaSet.json[path: "spec", "replicas"]?.integerValue ?? 0
                return "\(role) \(ready)/\(wanted)"
            }
        var route = ""
        if let routeName = rollout[path: "spec", "strategy", "canary", "trafficRouting", "gatewayAPI", "httpRoute"]?.stringValue,
           let object = try? await client.resources(DynamicObject.self, SluiceRouting.httpRoutes, namespace: namespace).get(routeName) {
            let rules = object.json[path: "spec", "rules"]?.arrayValue ?? []
            let managed = rules.compactMap { $0["name"]?.stringValue }.filter { $0.hasPrefix("sluice-") }
            let weights = rules.filter { !($0["name"]?.stringValue?.hasPrefix("sluice-") ?? false) }
                .flatMap { $0["backendRefs"]?.arrayValue ?? [] }
                .map { "\($0["name"]?.stringValue ?? "?")=\($0["weight"]?.integerValue ?? 1)" }
            route = "route[" + weights.joined(separator: " ") + "]" + (managed.isEmpty ? "" : " + rules " + managed.joined(separator: ", "))
        }
        let generation = rollout[path: "metadata", "generation"]?.integerValue
        let observed = status?["observedGeneration"]?.integerValue
        let available = status?["availableReplicas"]?.integerValue ?? 0
        let replicas = rollout[path: "spec", "replicas"]?.integerValue ?? 1
        return DemoSnapshot(
            phase: status?["phase"]?.stringValue ?? "Pending",
            message: status?["message"]?.stringValue ?? "",
            step: stepIndex.map { "step \(min(Int($0), steps))/\(steps)" } ?? "",
            weights: status?["weights"].map { "canary \($0["canary"]?.integerValue ?? 0)%" } ?? "",
            replicaSets: "rs[" + replicaSets.joined(separator: ", ") + "]",
            route: route,
            settled: observed == generation && available >= replicas && canary.map { $0 == stable } ?? true,
            generationObserved: observed == generation)
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
