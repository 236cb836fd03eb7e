// Controller benchmark: many Rollouts stepping through a canary at once.
//
//   make bench                                          # full size: 1,000 Rollouts
//   make bench CONTROLLER_BENCH_ARGS="--rollouts 20"    # what CI runs
//
// One process: KubeSim (HTTPS) and the controller, as in `make demo`. Each Rollout has its
// own Services and HTTPRoute and the steps setWeight 20, setWeight 50, then promotion. After
// all are Healthy at v1, every image changes to v2 at once. Reported: reconcile latency
// (from the controller's own histogram, as histogram_quantile would), the time from a spec
// change to its HTTPRoute carrying weight 20, API requests per rollout step, time until all
// are Healthy at v2, and resident memory (KubeSim's store and pods included).
import BenchmarkSupport
import Controller
import Foundation
import KubeClient
import KubeSim
import Logging
import SluiceAPI
import Synchronization

struct Options {
    var rollouts, workers: Int

    init(_ arguments: [String]) throws {
        let flags = try integerFlags(arguments, defaults: ["--rollouts": 1000, "--workers": 8])
        (rollouts, workers) = (flags["--rollouts"]!, flags["--workers"]!)
    }
}

func residentMiB() -> (current: Double, peak: Double) {
    let figures = ProcessFigures.now()
    return (figures.rssMiB, figures.peakRSSMiB)
}

func seconds(_ duration: Duration) -> Double { duration.seconds }

/// `histogram_quantile` over the cumulative buckets of one histogram in exposition text.
func histogramQuantile(_ q: Double, metric: String, in text: String) -> Double? {
    var buckets: [(Double, Double)] = []
    for line in text.split(separator: "\n") where line.hasPrefix(metric + "_bucket{") {
        guard let leRange = line.range(of: "le=\""), let end = line[leRange.upperBound...].firstIndex(of: "\""),
              let count = Double(line.split(separator: " ").last ?? "") else { continue }
        let bound = String(line[leRange.upperBound..<end])
        let upper = bound == "+Inf" ? Double.infinity : Double(bound) ?? .nan
        if let index = buckets.firstIndex(where: { $0.0 == upper }) {
            buckets[index].1 += count  // the same bucket for another label set (result)
        } else {
            buckets.append((upper, count))
        }
    }
    buckets.sort { $0.0 < $1.0 }
    guard let total = buckets.last?.1, total > 0 else { return nil }
    let rank = q * total
    var previous = (0.0, 0.0)
    for bucket in buckets {
        if bucket.1 >= rank {
            if bucket.0 == .infinity { return previous.0 }
            let width = bucket.0 - previous.0
            let inBucket = bucket.1 - previous.1
            return previous.0 + (inBucket > 0 ? width * (rank - previous.1) / inBucket : 0)
        }
        previous = bucket
    }
    return previous.0
}

func sum(_ metric: String, in text: String) -> Double {
    text.split(separator: "\n").filter { $0.hasPrefix(metric) }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
}

func objects(index: Int) -> [JSONValue] {
    let name = "app-\(index)"
    let services: [JSONValue] = ["stable", "canary"].map { role in
        ["apiVersion": "v1", "kind": "Service", "metadata": ["name": .string("\(name)-\(role)"), "namespace": "bench"],
         "spec": ["selector": ["app": .string(name)], "ports": [["port": 80]]]]
    }
    let route: JSONValue = [
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": .string(name), "namespace": "bench"],
        "spec": ["rules": [["backendRefs": [["name": .string("\(name)-stable"), "port": 80, "weight": 100],
                                            ["name": .string("\(name)-canary"), "port": 80, "weight": 0]]]]],
    ]
    let rollout: JSONValue = [
        "apiVersion": "sluice.dev/v1alpha1", "kind": "Rollout", "metadata": ["name": .string(name), "namespace": "bench"],
        "spec": [
            "replicas": 2,
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": ["metadata": ["labels": ["app": .string(name)]],
                         "spec": ["containers": [["name": "app", "image": "app:1"]]]],
            "strategy": ["canary": [
                "stableService": .string("\(name)-stable"), "canaryService": .string("\(name)-canary"),
                "trafficRouting": ["gatewayAPI": ["httpRoute": .string(name)]],
                "scaleDownDelaySeconds": 0,
                "steps": [["setWeight": 20], ["setWeight": 50]],
            ]],
        ],
    ]
    return services + [route, rollout]
}

/// Rollouts Healthy and settled at `image`, from the benchmark's own watch cache (polling a
/// LIST of every Rollout would load the server the benchmark measures).
func healthyCount(_ rollouts: Informer, image: String) -> Int {
    rollouts.list().filter {
        $0.json[path: "status", "phase"] == "Healthy"
            && $0.json[path: "status", "observedGeneration"] == $0.json[path: "metadata", "generation"]
            && $0.json[path: "spec", "template", "spec", "containers"]?.arrayValue?.first?["image"]?.stringValue == image
            && isSettled($0.json)
    }.count
}

/// No canary left: status.canaryRS is absent or the stable one.
func isSettled(_ rollout: JSONValue) -> Bool {
    guard let canary = rollout[path: "status", "canaryRS"], canary != .null else { return true }
    return canary == rollout[path: "status", "stableRS"]
}

/// When each Rollout's HTTPRoute first carried canary weight 20.
final class WeightTimes: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
}

func run(_ options: Options) async throws {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let certificate = try ServingCertificate.generate()
    let cluster = SimulatedCluster(token: "bench", tls: certificate, tickInterval: .milliseconds(100), logger: logger)
    try await cluster.serving { port in
        let metrics = ControllerMetrics()
        let client = KubernetesClient(
            configuration: ClientConfiguration(server: "https://127.0.0.1:\(port)",
                                               tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                                               credentials: Credentials(bearerToken: Secret("bench"))),
            logger: logger, observer: { metrics.apiRequest(method: $0, code: $1, duration: $2) })
        let loader = KubernetesClient(
            configuration: client.configuration, logger: logger)  // the benchmark's own writes, not counted
        let applier = ObjectApplier(client: loader, fieldManager: "bench")
        for crd in SluiceCRDs.all { try await applier.apply(crd.definition) }
        while try await !loader.resourceExists(.rollouts) { try await Task.sleep(for: .milliseconds(50)) }
        try await applier.apply(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "bench"]])

        let controller = RolloutController(
            client: client,
            configuration: .init(namespace: "bench", workers: options.workers, resyncPeriod: .seconds(600),
                                 routerResources: SluiceRouting.resources),
            metrics: metrics, planner: SluiceRouting.planner, router: SluiceRouting.binding, logger: logger)
        let watched = Informer(loader.resources(DynamicObject.self, .rollouts, namespace: "bench"), resyncPeriod: nil,
                               logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await controller.run() }
            group.addTask { await watched.run { _ in } }
            defer { group.cancelAll() }
            let loadStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { writers in
                for shard in 0..<8 {
                    writers.addTask {
                        for index in stride(from: shard, to: options.rollouts, by: 8) {
                            for object in objects(index: index) { try await applier.apply(object) }
                        }
                    }
                }
                try await writers.waitForAll()
            }
            while healthyCount(watched, image: "app:1") < options.rollouts {
                try await Task.sleep(for: .milliseconds(100))
            }
            print("v1: \(options.rollouts) Rollouts created and Healthy in \(String(format: "%.1f", seconds(ContinuousClock.now - loadStart))) s")
            let requestsBefore = sum("sluice_api_requests_total", in: metrics.text())

            // Watch the HTTPRoutes for the first step's weight.
            let weightTimes = WeightTimes()
            let routes = loader.resources(DynamicObject.self, SluiceRouting.httpRoutes, namespace: "bench")
            let startVersion = try await routes.list(ListOptions(limit: 1)).metadata.resourceVersion
            group.addTask {
                for try await event in routes.watch(WatchOptions(resourceVersion: startVersion, allowWatchBookmarks: false,
                                                                 timeoutSeconds: 3600)) {
                    guard case .modified(let route) = event, let name = route.name else { continue }
                    let weights = route.json[path: "spec", "rules"]?.arrayValue?.last?["backendRefs"]?.arrayValue ?? []
                    if weights.contains(where: { $0["weight"] == 20 }) {
                        weightTimes.times.withLock { if $0[name] == nil { $0[name] = .now } }
                    }
                }
            }
            // Every image changes at once.
            let changeStart = ContinuousClock.now
            var changed: [String: ContinuousClock.Instant] = [:]
            let rollouts = loader.resources(DynamicObject.self, .rollouts, namespace: "bench")
            for index in 0..<options.rollouts {
                let name = "app-\(index)"
                changed[name] = .now
                _ = try await rollouts.patch(name, .json([
                    JSONPatchOperation(op: "replace", path: "/spec/template/spec/containers/0/image", value: "app:2"),
                ]))
            }
            let patchSeconds = seconds(ContinuousClock.now - changeStart)
            while healthyCount(watched, image: "app:2") < options.rollouts {
                try await Task.sleep(for: .milliseconds(100))
            }
            let allHealthy = seconds(ContinuousClock.now - changeStart)
            let reached = weightTimes.times.withLock { $0 }
            let latencies = changed.compactMap { name, at in reached[name].map { seconds($0 - at) } }.sorted()
            let text = metrics.text()
            let requests = sum("sluice_api_requests_total", in: text) - requestsBefore
            // Steps per rollout for v2: setWeight 20, setWeight 50, promotion.
            let steps = Double(options.rollouts * 3)
            func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0 * 1000) } ?? "-" }
            print("v2: \(options.rollouts) image changes written in \(String(format: "%.1f", patchSeconds)) s; all Healthy at v2 after \(String(format: "%.1f", allHealthy)) s")
            print("reconcile latency (controller histogram): p50 \(ms(histogramQuantile(0.5, metric: "sluice_reconcile_duration_seconds", in: text)))  p99 \(ms(histogramQuantile(0.99, metric: "sluice_reconcile_duration_seconds", in: text)))")
            if !latencies.isEmpty {
                print("spec change -> HTTPRoute at weight 20: p50 \(ms(latencies[latencies.count / 2]))  p99 \(ms(latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]))  (n=\(latencies.count))")
            }
            print("API requests by the controller for v2: \(Int(requests)), \(String(format: "%.1f", requests / steps)) per rollout step")
            let memory = residentMiB()
            print("resident \(String(format: "%.0f", memory.current)) MiB, peak \(String(format: "%.0f", memory.peak)) MiB (KubeSim, its \(options.rollouts * 2) pods and the controller in one process)")
        }
    }
}

do {
    try await run(try Options(CommandLine.arguments))
} catch {
    FileHandle.standardError.write(Data("ControllerBenchmark: \(error)\n".utf8))
    exit(1)
}
