// Breach-to-rollback benchmark: how long a bad canary serves users before the SLO guard
// puts all traffic back on stable.
//
//   make bench                                        # 7 runs
//   make bench ROLLBACK_BENCH_ARGS="--runs 1"         # what CI runs
//
// Each run is a fresh cluster in one process: KubeSim with users at 200 requests/s through
// an HTTPRoute, a real Prometheus (Debian `prometheus`) scraping the pods every second, and
// the controller. v1 fails 0.1% of requests, v2 5%, against `slo.errorRate: 0.01` looked at
// every second. Clock: from the canary's first failed request (seen in KubeSim's own
// counters, polled every 5 ms) to the HTTPRoute back at 100/0 (polled every 5 ms). Reported:
// the median, min and max over the runs, and the requests the canary failed meanwhile.
import BenchmarkSupport
import Controller
import Foundation
import KubeClient
import KubeSim
import Logging
import SluiceAPI
import TestSupport

struct Options {
    var runs, rate: Int

    init(_ arguments: [String]) throws {
        let flags = try integerFlags(arguments, defaults: ["--runs": 7, "--rate": 200])
        (runs, rate) = (flags["--runs"]!, flags["--rate"]!)
    }
}

/// What one run measured.
struct Breach {
    var seconds: Double
    var failedRequests: Int
}

func objects(prometheus: String) -> [JSONValue] {
    let services: [JSONValue] = ["web-stable", "web-canary"].map { name in
        ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string(name), "namespace": "default"],
         "spec": ["selector": ["app": "web"], "ports": [["port": 80, "targetPort": 8080]]]]
    }
    let route: JSONValue = [
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "web", "namespace": "default"],
        "spec": ["parentRefs": [["name": "gw"]],
                 "rules": [["backendRefs": [["name": "web-stable", "port": 80, "weight": 100], ["name": "web-canary", "port": 80, "weight": 0]]]]],
    ]
    let rollout: JSONValue = [
        "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout", "metadata": ["name": "web", "namespace": "default"],
        "spec": [
            "replicas": 2,
            "selector": ["matchLabels": ["app": "web"]],
            "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "web:1"]]]],
            "strategy": ["canary": [
                "stableService": "web-stable", "canaryService": "web-canary",
                "trafficRouting": ["gatewayAPI": ["httpRoute": "web"]],
                "abortScaleDownDelaySeconds": 1,
                "slo": ["errorRate": 0.01, "interval": "1s", "prometheus": ["address": .string(prometheus)]],
                "steps": [["setWeight": 20], ["pause": [:]]],
            ]],
        ],
    ]
    return services + [route, rollout]
}

func weights(_ routes: ResourceClient<DynamicObject>) async -> [Int64] {
    let refs = (try? await routes.get("web").json[path: "spec", "rules"]?.arrayValue?.last?["backendRefs"]?.arrayValue) ?? []
    return refs.map { $0["weight"]?.integerValue ?? -1 }
}

func poll(every interval: Duration = .milliseconds(5), timeout: Duration, _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else { throw BenchmarkError("timed out after \(timeout)") }
        try await Task.sleep(for: interval)
    }
}

func measure(rate: Int, seed: UInt64) async throws -> Breach {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let scenario = try Scenario.parse(yaml: """
        images:
          "web:1": {errorRatio: 0.001, latency: {p50: 10ms, p99: 80ms}}
          "web:2": {errorRatio: 0.05, latency: {p50: 10ms, p99: 80ms}}
        entryPoints:
          - {name: users, namespace: default, route: web, ratePerSecond: \(rate)}
        """, file: "rollback-bench.yaml")
    let certificate = try ServingCertificate.generate()
    let cluster = SimulatedCluster(token: "bench", tls: certificate, tickInterval: .milliseconds(50),
                                   traffic: SimulatedTraffic.Options(scenario: scenario, seed: seed), logger: logger)
    return try await cluster.serving { port in
        let client = KubernetesClient(
            configuration: ClientConfiguration(server: "https://127.0.0.1:\(port)",
                                               tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                                               credentials: Credentials(bearerToken: Secret("bench"))),
            logger: logger)
        let traffic = cluster.traffic!
        let metricsPort = try await traffic.metricsServer.waitUntilServing()
        let prometheus = try await PrometheusServer.start(targets: ["127.0.0.1:\(metricsPort)"], scrapeInterval: "1s")
        defer { prometheus.stop() }
        let applier = ObjectApplier(client: client, fieldManager: "bench")
        for crd in SluiceCRDs.all { try await applier.apply(crd.definition) }
        try await poll(timeout: .seconds(30)) { (try? await client.resourceExists(.rollouts)) == true }
        for object in objects(prometheus: prometheus.url) { try await applier.apply(object) }
        let controller = RolloutController(
            client: client, configuration: .init(namespace: "default", workers: 2, resyncPeriod: .seconds(30), routerResources: SluiceRouting.resources),
            planner: SluiceRouting.planner, router: SluiceRouting.binding, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await controller.run() }
            defer { group.cancelAll() }
            let rollouts = client.resources(DynamicObject.self, .rollouts, namespace: "default")
            let routes = client.resources(DynamicObject.self, SluiceRouting.httpRoutes, namespace: "default")
            func status() async -> JSONValue? { try? await rollouts.get("web").json["status"] }
            try await poll(timeout: .seconds(60)) { await status()?["phase"] == "Healthy" }
            let stable = await status()?["stableRS"]?.stringValue
            _ = try await rollouts.patch("web", .json([
                JSONPatchOperation(op: "replace", path: "/spec/template/spec/containers/0/image", value: "web:2"),
            ]))
            var canary = ""
            try await poll(timeout: .seconds(30)) {
                canary = await status()?["currentPodHash"]?.stringValue ?? ""
                return !canary.isEmpty && canary != stable
            }
            func canaryFailures() -> Int {
                traffic.generator.metrics.series.filter { $0.key.podTemplateHash == canary }.values.reduce(0) { $0 + ($1.requestsByCode[500] ?? 0) }
            }
            try await poll(timeout: .seconds(60)) { canaryFailures() > 0 }
            let firstBadRequest = ContinuousClock.now
            try await poll(timeout: .seconds(60)) { await weights(routes) == [100, 0] }
            let elapsed = ContinuousClock.now - firstBadRequest
            return Breach(seconds: elapsed.seconds, failedRequests: canaryFailures())
        }
    }
}

func run(_ options: Options) async throws {
    var results: [Breach] = []
    for index in 0..<options.runs {
        let breach = try await measure(rate: options.rate, seed: UInt64(100 + index))
        print(String(format: "run %d: first bad request -> 100%% stable in %.2f s (%d failed canary requests)", index + 1, breach.seconds, breach.failedRequests))
        results.append(breach)
    }
    let sorted = results.map(\.seconds).sorted()
    let failures = results.map(\.failedRequests).sorted()
    print(String(format: "breach -> rollback at %d req/s (20%% canary, 5%% errors vs errorRate 0.01, guard every 1 s, scrape 1 s): median %.2f s, min %.2f s, max %.2f s over %d runs; median %d failed canary requests",
                 options.rate, percentile(sorted, 0.5), sorted.first!, sorted.last!, results.count, percentile(failures, 0.5)))
}

do {
    try await run(try Options(CommandLine.arguments))
} catch {
    FileHandle.standardError.write(Data("RollbackBenchmark: \(error)\n".utf8))
    exit(1)
}
