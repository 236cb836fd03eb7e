// KubeSim benchmark: a large store, many open watches.
//
//   make bench                                    # full sizes: 10,000 objects, 100 watches, 200 writes
//   make bench KUBESIM_BENCH_ARGS="--objects 1000 --watches 10 --writes 20"   # what CI runs
//
// One process: KubeSim serving HTTPS on loopback, and our libcurl KubernetesClient as the
// load. Measures LIST latency over the whole store (one page and paged by 500), event
// fan-out latency (a write's time to reach every open watch), and memory: resident size
// after loading the objects, and peak.
import BenchmarkSupport
import Foundation
import KubeClient
import KubeSim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var objects, watches, writes, lists: Int

    init(_ arguments: [String]) throws {
        let flags = try integerFlags(arguments, defaults: ["--objects": 10_000, "--watches": 100, "--writes": 200, "--lists": 5])
        (objects, watches, writes, lists) = (flags["--objects"]!, flags["--watches"]!, flags["--writes"]!, flags["--lists"]!)
    }
}

func residentMiB() -> (current: Double, peak: Double) {
    let figures = ProcessFigures.now()
    return (figures.rssMiB, figures.peakRSSMiB)
}

func ms(_ duration: Duration) -> String { milliseconds(duration) }

func summary(_ samples: [Duration]) -> String {
    let sorted = samples.sorted()
    return "p50 \(ms(percentile(sorted, 0.5)))  p99 \(ms(percentile(sorted, 0.99)))  max \(ms(sorted.last!))  (n=\(sorted.count))"
}

/// A ConfigMap of about 1 KiB, labelled so a selector can pick a tenth of them.
func configMap(_ index: Int) -> JSONValue {
    [
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": [
            "name": .string(String(format: "object-%06d", index)),
            "labels": ["app": "bench", "shard": .string(String(index % 10))],
        ],
        "data": ["payload": .string(String(repeating: "x", count: 1000))],
    ]
}

func run(_ options: Options) async throws {
    let certificate = try ServingCertificate.generate()
    let store = ObjectStore()
    let before = residentMiB()
    for index in 0..<options.objects {
        _ = try store.create(.configMaps, namespace: "default", configMap(index))
    }
    let loaded = residentMiB()
    print("store: \(options.objects) ConfigMaps of ~1 KiB; resident \(String(format: "%.1f", before.current)) -> \(String(format: "%.1f", loaded.current)) MiB (+\(String(format: "%.1f", loaded.current - before.current)) MiB)")

    let server = KubeSimServer(store: store, configuration: .init(token: "bench", tls: certificate))
    try await server.serving { port in
        let client = KubernetesClient(
            configuration: ClientConfiguration(
                server: "https://127.0.0.1:\(port)",
                tls: TLSConfiguration(certificateAuthority: Array(certificate.caPEM.utf8)),
                credentials: Credentials(bearerToken: Secret("bench"))),
            retryPolicy: .none)
        let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")

        // LIST: the whole store in one response, then paged, then by label selector.
        var whole: [Duration] = []
        var paged: [Duration] = []
        var selected: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<options.lists {
            var count = 0
            whole.append(try await clock.measure { count = try await configMaps.list().items.count })
            guard count == options.objects else { throw BenchmarkError("LIST returned \(count) of \(options.objects)") }
            paged.append(try await clock.measure { count = try await configMaps.listAll(pageSize: 500).items.count })
            guard count == options.objects else { throw BenchmarkError("paged LIST returned \(count) of \(options.objects)") }
            selected.append(try await clock.measure {
                count = try await configMaps.list(ListOptions(labelSelector: "shard=3")).items.count
            })
        }
        print("LIST all \(options.objects) in one page:".padding(toLength: 30, withPad: " ", startingAt: 0) + summary(whole))
        print("LIST paged by 500:".padding(toLength: 30, withPad: " ", startingAt: 0) + summary(paged))
        print("LIST labelSelector (1/10):".padding(toLength: 30, withPad: " ", startingAt: 0) + summary(selected))

        // Fan-out: every write must reach every watch; latency is write start -> receipt.
        let probe = client.resources(DynamicObject.self, .configMaps, namespace: "default")
        let start = try require(try await probe.list(ListOptions(limit: 1)).metadata.resourceVersion, "a list without resourceVersion")
        let written = WriteTimes()
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<options.watches {
                group.addTask {
                    var seen: [Duration] = []
                    let stream = configMaps.watch(WatchOptions(
                        resourceVersion: start, labelSelector: "app=probe", allowWatchBookmarks: false, timeoutSeconds: 600))
                    for try await event in stream {
                        guard case .added(let object) = event, let name = object.name,
                              let sent = written.times.withLock({ $0[name] }) else { continue }
                        seen.append(ContinuousClock.now - sent)
                        if seen.count == options.writes { break }
                    }
                    return seen
                }
            }
            // Wait until every watch is registered before writing.
            let deadline = ContinuousClock.now + .seconds(60)
            while store.watcherCount < options.watches {
                guard ContinuousClock.now < deadline else { throw BenchmarkError("only \(store.watcherCount) watches opened") }
                try await Task.sleep(for: .milliseconds(20))
            }
            for index in 0..<options.writes {
                let name = "probe-\(index)"
                written.times.withLock { $0[name] = ContinuousClock.now }
                _ = try await configMaps.create(DynamicObject([
                    "metadata": ["name": .string(name), "labels": ["app": "probe"]], "data": ["i": .string(String(index))],
                ]))
                try await Task.sleep(for: .milliseconds(5))
            }
            var all: [Duration] = []
            for try await seen in group { all += seen }
            return all
        }
        guard latencies.count == options.watches * options.writes else {
            throw BenchmarkError("\(latencies.count) deliveries, expected \(options.watches * options.writes)")
        }
        print("fan-out to \(options.watches) watches:".padding(toLength: 30, withPad: " ", startingAt: 0) + summary(latencies))
    }
    let end = residentMiB()
    print("resident at end \(String(format: "%.1f", end.current)) MiB, peak \(String(format: "%.1f", end.peak)) MiB (server and client in one process)")
}

/// When each probe object was written, by name.
final class WriteTimes: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
}

func require<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw BenchmarkError(what) }
    return value
}

do {
    let options = try Options(CommandLine.arguments)
    try await run(options)
} catch {
    FileHandle.standardError.write(Data("KubeSimBenchmark: \(error)\n".utf8))
    exit(1)
}
