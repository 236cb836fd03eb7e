import Statistics
import Foundation
import KubeClient
import Testing

@testable import KubeSim

/// Fixtures shared by the router and simulator tests.
enum TrafficFixtures {
    static let namespace = "shop"
    static let host = "shop.example.com"

    static func meta(_ kind: String, _ name: String, annotations: [String: JSONValue] = [:]) -> [String: JSONValue] {
        ["kind": .string(kind), "metadata": ["name": .string(name), "namespace": .string(namespace), "annotations": .object(annotations)]]
    }

    static func object(_ kind: String, _ name: String, annotations: [String: JSONValue] = [:], spec: JSONValue) -> JSONValue {
        var members = meta(kind, name, annotations: annotations)
        members["spec"] = spec
        return .object(members)
    }

    static let httpRoute = object("HTTPRoute", "web", spec: [
        "hostnames": [.string(host)],
        "rules": [
            [
                "matches": [["path": ["type": "PathPrefix", "value": "/"], "headers": [["name": "X-Canary", "value": "1"]]]],
                "backendRefs": [["name": "web-canary", "port": 80]],
            ],
            [
                "matches": [["path": ["type": "PathPrefix", "value": "/"], "headers": [["type": "RegularExpression", "name": "x-user", "value": "beta-.*"]]]],
                "backendRefs": [["name": "web-canary", "port": 80]],
            ],
            ["backendRefs": [["name": "web-stable", "port": 80, "weight": 90], ["name": "web-canary", "port": 80, "weight": 10]]],
        ],
    ])

    static let virtualService = object("VirtualService", "web", spec: [
        "hosts": [.string(host)],
        "http": [
            ["match": [["headers": ["x-canary": ["exact": "1"]]], ["headers": ["x-user": ["regex": "beta-.*"]]]],
             "route": [["destination": ["host": "web", "subset": "canary"]]]],
            ["route": [
                ["destination": ["host": "web.shop.svc.cluster.local", "subset": "stable"], "weight": 90],
                ["destination": ["host": "web", "subset": "canary"], "weight": 10],
            ]],
        ],
    ])

    static let destinationRule = object("DestinationRule", "web", spec: [
        "host": "web",
        "subsets": [["name": "stable", "labels": ["version": "v1"]], ["name": "canary", "labels": ["version": "v2"]]],
    ])

    static func ingress(_ name: String, service: String, annotations: [String: JSONValue] = [:]) -> JSONValue {
        object("Ingress", name, annotations: annotations, spec: [
            "ingressClassName": "nginx",
            "rules": [["host": .string(host), "http": ["paths": [
                ["path": "/", "pathType": "Prefix", "backend": ["service": ["name": .string(service), "port": ["number": 80]]]],
            ]]]],
        ])
    }

    static let mainIngress = ingress("web", service: "web-stable")
    static func canaryIngress(weight: String = "10", total: String? = nil) -> JSONValue {
        var annotations: [String: JSONValue] = [
            "nginx.ingress.kubernetes.io/canary": "true",
            "nginx.ingress.kubernetes.io/canary-weight": .string(weight),
            "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary",
            "nginx.ingress.kubernetes.io/canary-by-header-value": "1",
        ]
        if let total { annotations["nginx.ingress.kubernetes.io/canary-weight-total"] = .string(total) }
        return ingress("web-canary", service: "web-canary", annotations: annotations)
    }

    static let trafficSplit = object("TrafficSplit", "web", spec: [
        "service": "web",
        "backends": [["service": "web-stable", "weight": 90], ["service": "web-canary", "weight": 10]],
    ])

    static func service(_ name: String, selector: [String: JSONValue]) -> JSONValue {
        object("Service", name, spec: ["selector": .object(selector)])
    }

    static func pod(_ name: String, labels: [String: JSONValue], image: String, ready: Bool = true) -> JSONValue {
        var members = meta("Pod", name)
        members["metadata"]?["labels"] = .object(labels)
        members["spec"] = ["containers": [["name": "app", "image": .string(image)]]]
        members["status"] = ["conditions": [["type": "Ready", "status": .string(ready ? "True" : "False")]]]
        return .object(members)
    }

    static let services = [
        service("web", selector: ["app": "web"]),
        service("web-stable", selector: ["app": "web", "rollouts-pod-template-hash": "aaa"]),
        service("web-canary", selector: ["app": "web", "rollouts-pod-template-hash": "bbb"]),
    ]

    static let pods = [
        pod("web-aaa-1", labels: ["app": "web", "rollouts-pod-template-hash": "aaa", "version": "v1"], image: "web:1"),
        pod("web-aaa-2", labels: ["app": "web", "rollouts-pod-template-hash": "aaa", "version": "v1"], image: "web:1"),
        pod("web-aaa-3", labels: ["app": "web", "rollouts-pod-template-hash": "aaa", "version": "v1"], image: "web:1", ready: false),
        pod("web-bbb-1", labels: ["app": "web", "rollouts-pod-template-hash": "bbb", "version": "v2"], image: "web:2"),
    ]

    /// 99.9% two-sided binomial bounds (z = 3.2905).
    static func binomialBounds(n: Int, p: Double) -> ClosedRange<Int> {
        let mean = Double(n) * p, spread = 3.2905 * (Double(n) * p * (1 - p)).squareRoot()
        return Int((mean - spread).rounded(.down))...Int((mean + spread).rounded(.up))
    }
}

@Suite struct RouterTests {
    typealias F = TrafficFixtures

    enum Kind: String, CaseIterable, Sendable { case httpRoute, virtualService, ingress, trafficSplit }

    static func setup(_ kind: Kind) -> (EntryPoint, RouterObjects) {
        switch kind {
        case .httpRoute:
            (EntryPoint(name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 1), RouterObjects(httpRoutes: [F.httpRoute]))
        case .virtualService:
            (EntryPoint(name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 1),
             RouterObjects(virtualServices: [F.virtualService], destinationRules: [F.destinationRule]))
        case .ingress:
            (EntryPoint(name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 1),
             RouterObjects(ingresses: [F.canaryIngress(), F.mainIngress]))
        case .trafficSplit:
            (EntryPoint(name: "e", namespace: F.namespace, service: "web", ratePerSecond: 1), RouterObjects(trafficSplits: [F.trafficSplit]))
        }
    }

    static func isCanary(_ target: BackendTarget?) -> Bool {
        target?.service == "web-canary" || target?.subset == "canary"
    }

    @Test(arguments: Kind.allCases)
    func weightsWithinBinomialBounds(kind: Kind) throws {
        let (entry, objects) = Self.setup(kind)
        var rng = SeededRandom(seed: 2024)
        var canary = 0
        for _ in 0..<10_000 {
            let decision = try #require(Router.route(entry: entry, request: TrafficRequest(path: "/cart"), objects: objects, using: &rng))
            if Self.isCanary(decision.primary) { canary += 1 } else {
                #expect(decision.primary?.service == "web-stable" || decision.primary?.subset == "stable")
            }
            #expect(decision.mirrors.isEmpty)
        }
        #expect(F.binomialBounds(n: 10_000, p: 0.1).contains(canary), "\(kind): \(canary) canary of 10000")
    }

    @Test(arguments: [Kind.httpRoute, .virtualService, .ingress])
    func headerMatchesAreDeterministic(kind: Kind) throws {
        let (entry, objects) = Self.setup(kind)
        var rng = SeededRandom(seed: 1)
        for _ in 0..<500 {
            let decision = try #require(Router.route(
                entry: entry, request: TrafficRequest(path: "/", headers: ["x-canary": "1"]), objects: objects, using: &rng))
            #expect(Self.isCanary(decision.primary))
        }
        // A different value falls through to the weighted split (not always canary).
        var canary = 0
        for _ in 0..<500 {
            let decision = Router.route(entry: entry, request: TrafficRequest(headers: ["X-Canary": "2"]), objects: objects, using: &rng)
            if Self.isCanary(decision?.primary) { canary += 1 }
        }
        #expect(canary < 100)
    }

    @Test(arguments: [Kind.httpRoute, .virtualService])
    func regexHeaderMatches(kind: Kind) throws {
        let (entry, objects) = Self.setup(kind)
        var rng = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let hit = Router.route(entry: entry, request: TrafficRequest(headers: ["x-user": "beta-42"]), objects: objects, using: &rng)
            #expect(Self.isCanary(hit?.primary))
        }
    }

    @Test func istioSubsetsCarryPodLabels() throws {
        let (entry, objects) = Self.setup(.virtualService)
        var rng = SeededRandom(seed: 1)
        let decision = try #require(Router.route(entry: entry, request: TrafficRequest(headers: ["x-canary": "1"]), objects: objects, using: &rng))
        #expect(decision.primary == BackendTarget(namespace: "shop", service: "web", subset: "canary", labels: ["version": "v2"]))
        // Subset labels narrow the Service selector.
        for _ in 0..<50 {
            let pod = try #require(Router.pickPod(for: decision.primary!, services: F.services, pods: F.pods, using: &rng))
            #expect(pod[path: "metadata", "name"]?.stringValue == "web-bbb-1")
        }
    }

    @Test func nginxWeightTotal() {
        let objects = RouterObjects(ingresses: [F.mainIngress, F.canaryIngress(weight: "1", total: "4")])
        let entry = EntryPoint(name: "e", namespace: F.namespace, host: F.host, ratePerSecond: 1)
        var rng = SeededRandom(seed: 5)
        let canary = (0..<10_000).filter { _ in
            Router.route(entry: entry, request: TrafficRequest(), objects: objects, using: &rng)?.primary?.service == "web-canary"
        }.count
        #expect(F.binomialBounds(n: 10_000, p: 0.25).contains(canary), "\(canary)")
    }

    @Test func httpRoutePrecedenceAndPaths() {
        let route = F.object("HTTPRoute", "api", spec: [
            "rules": [
                ["matches": [["path": ["type": "PathPrefix", "value": "/api"]]], "backendRefs": [["name": "api"]]],
                ["matches": [["path": ["type": "Exact", "value": "/api/health"]]], "backendRefs": [["name": "health"]]],
                ["matches": [["path": ["type": "PathPrefix", "value": "/"]]], "backendRefs": [["name": "root"]]],
            ],
        ])
        var rng = SeededRandom(seed: 1)
        func service(_ path: String) -> String? {
            Router.routeHTTPRoutes([route], request: TrafficRequest(path: path), using: &rng)?.primary?.service
        }
        #expect(service("/api/health") == "health")
        #expect(service("/api/users") == "api")
        #expect(service("/api") == "api")
        #expect(service("/apiary") == "root")
    }

    @Test func pickPodIsUniformOverReadyPods() throws {
        var rng = SeededRandom(seed: 9)
        var counts: [String: Int] = [:]
        for _ in 0..<10_000 {
            let pod = try #require(Router.pickPod(
                for: BackendTarget(namespace: "shop", service: "web-stable"), services: F.services, pods: F.pods, using: &rng))
            counts[pod[path: "metadata", "name"]!.stringValue!, default: 0] += 1
        }
        #expect(counts["web-aaa-3"] == nil)  // not Ready
        #expect(F.binomialBounds(n: 10_000, p: 0.5).contains(counts["web-aaa-1"] ?? 0))
        #expect(Router.pickPod(for: BackendTarget(namespace: "other", service: "web-stable"), services: F.services, pods: F.pods, using: &rng) == nil)
    }

    @Test func unknownHostIsUnrouted() {
        var rng = SeededRandom(seed: 1)
        let entry = EntryPoint(name: "e", namespace: F.namespace, host: "nope.example.com", ratePerSecond: 1)
        #expect(Router.route(entry: entry, request: TrafficRequest(), objects: RouterObjects(ingresses: [F.mainIngress]), using: &rng) == nil)
    }
}
