import Statistics
import Foundation
import KubeClient

/// One request landing on one pod.
public struct SimulatedRequest: Sendable, Equatable {
    public var labels: SeriesLabels
    /// Image the pod runs; selects the behaviour in the scenario.
    public var image: String
    /// Simulated seconds since the scenario started (drives `after:` phases).
    public var time: Double

    public init(labels: SeriesLabels, image: String, time: Double) {
        self.labels = labels
        self.image = image
        self.time = time
    }
}

public struct SimulatedOutcome: Sendable, Equatable {
    public var code: Int
    public var latency: Double
    public var converted: Bool
    public var prediction: String?
}

/// What happened to one user request: the primary outcome (nil when no Ready pod or no
/// route) and the mirrored copies.
public struct ServedRequest: Sendable, Equatable {
    public var decision: RoutingDecision?
    public var primary: SimulatedOutcome?
    public var primaryPod: String?
    public var mirrored: [SimulatedOutcome]
}

/// Draws outcomes from a scenario and records them in a registry. Deterministic per seed.
public struct TrafficSimulator: Sendable {
    public var scenario: Scenario
    public var registry: MetricsRegistry
    public var rng: SeededRandom
    /// Requests served per image so far (mirrored included), for `afterRequests:` phases.
    public private(set) var requestsPerImage: [String: Int] = [:]

    public init(scenario: Scenario, seed: UInt64, registry: MetricsRegistry = MetricsRegistry()) {
        self.scenario = scenario
        self.registry = registry
        self.rng = SeededRandom(seed: seed)
    }

    /// The behaviour `image` shows now.
    public func behaviour(image: String, time: Double) -> VersionBehaviour {
        scenario.behaviour(image: image, elapsed: time, requests: requestsPerImage[image, default: 0])
    }

    /// Draws code, latency, conversion and class from the image's current behaviour and records
    /// them. Mirrored requests are recorded with `mirrored="true"` and never convert.
    @discardableResult
    public mutating func simulate(request: SimulatedRequest) -> SimulatedOutcome {
        let current = behaviour(image: request.image, time: request.time)
        requestsPerImage[request.image, default: 0] += 1
        let failed = rng.bernoulli(current.errorRatio)
        let latency = current.latency.sample(using: &rng)
        let converted = !failed && !request.labels.mirrored && rng.bernoulli(current.conversionProbability)
        var prediction: String?
        if !failed, !current.predictions.isEmpty {
            let classes = current.predictions.keys.sorted()
            if let index = rng.weightedIndex(classes.map { current.predictions[$0]! }) { prediction = classes[index] }
        }
        let outcome = SimulatedOutcome(code: failed ? 500 : 200, latency: latency, converted: converted, prediction: prediction)
        registry.record(request.labels, code: outcome.code, duration: latency, converted: converted, prediction: prediction)
        return outcome
    }

    /// Routes a request from `entry`, picks Ready pods, and simulates the primary and each mirror.
    public mutating func serve(
        entry: EntryPoint, request: TrafficRequest, objects: RouterObjects, pods: [JSONValue], time: Double
    ) -> ServedRequest {
        serve(entry: entry, request: request, objects: objects, time: time) { target, rng in
            Router.pickPod(for: target, services: objects.services, pods: pods, using: &rng)
        }
    }

    /// As ``serve(entry:request:objects:pods:time:)`` over a snapshot, whose pods per backend
    /// are looked up once.
    public mutating func serve(
        entry: EntryPoint, request: TrafficRequest, snapshot: inout TrafficSnapshot, time: Double
    ) -> ServedRequest {
        serve(entry: entry, request: request, objects: snapshot.objects, time: time) { target, rng in
            snapshot.pickPod(for: target, using: &rng)
        }
    }

    private mutating func serve(
        entry: EntryPoint, request: TrafficRequest, objects: RouterObjects, time: Double,
        pickPod: (BackendTarget, inout SeededRandom) -> JSONValue?
    ) -> ServedRequest {
        var served = ServedRequest(decision: nil, primary: nil, primaryPod: nil, mirrored: [])
        guard let decision = Router.route(entry: entry, request: request, objects: objects, using: &rng) else { return served }
        served.decision = decision
        if let primary = decision.primary, let pod = pickPod(primary, &rng),
            let simulated = Self.request(pod: pod, target: primary, mirrored: false, time: time)
        {
            served.primaryPod = simulated.labels.pod
            served.primary = simulate(request: simulated)
        }
        for mirror in decision.mirrors {
            if let pod = pickPod(mirror, &rng), let simulated = Self.request(pod: pod, target: mirror, mirrored: true, time: time) {
                served.mirrored.append(simulate(request: simulated))
            }
        }
        return served
    }

    /// Sends `entry.ratePerSecond × seconds` requests (the fractional part drawn at random),
    /// evenly spaced from `start`; each carries `entry.headers` with probability `entry.share`.
    /// Returns what happened to each.
    public mutating func drive(
        entry: EntryPoint, from start: Double, seconds: Double, objects: RouterObjects, pods: [JSONValue]
    ) -> [ServedRequest] {
        let expected = max(entry.ratePerSecond * seconds, 0)
        var count = Int(expected.rounded(.down))
        if rng.bernoulli(expected - Double(count)) { count += 1 }
        var results: [ServedRequest] = []
        results.reserveCapacity(count)
        for index in 0..<count {
            let withHeaders = !entry.headers.isEmpty && rng.bernoulli(entry.share)
            let request = TrafficRequest(host: entry.host, path: entry.path, headers: withHeaders ? entry.headers : [:])
            let time = start + seconds * Double(index) / Double(max(count, 1))
            results.append(serve(entry: entry, request: request, objects: objects, pods: pods, time: time))
        }
        return results
    }

    /// Labels from the pod: name, namespace, `rollouts-pod-template-hash`, first container's
    /// image; version is the image tag (or the `version` label if the pod has one).
    static func request(pod: JSONValue, target: BackendTarget, mirrored: Bool, time: Double) -> SimulatedRequest? {
        guard let name = pod[path: "metadata", "name"]?.stringValue,
            let image = pod[path: "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue
        else { return nil }
        let labels = pod[path: "metadata", "labels"]
        let hash = labels?["rollouts-pod-template-hash"]?.stringValue ?? ""
        let version = labels?["version"]?.stringValue ?? imageTag(image)
        return SimulatedRequest(
            labels: SeriesLabels(
                namespace: pod[path: "metadata", "namespace"]?.stringValue ?? target.namespace, pod: name,
                service: target.service, podTemplateHash: hash, version: version, mirrored: mirrored),
            image: image, time: time)
    }

    static func imageTag(_ image: String) -> String {
        let withoutDigest = image.split(separator: "@").first.map(String.init) ?? image
        let lastComponent = withoutDigest.split(separator: "/").last.map(String.init) ?? withoutDigest
        if let colon = lastComponent.lastIndex(of: ":") { return String(lastComponent[lastComponent.index(after: colon)...]) }
        return "latest"
    }
}
