// KubeClient benchmark: many GETs over few connections, and many idle watches.
//
//   make bench                                   # full sizes: 1,000 GETs, 50 watches idle 60 s
//   make bench BENCH_ARGS="--gets 200 --idle 3"  # what CI runs
//   swift run -c release KubeClientBenchmark --json 10000  # JSON decoding only
//
// GETs go to nginx on loopback (TLS, HTTP/2 and HTTP/1.1 listeners) serving a ConfigMap as
// a static file, so the figures are the client's, not a slow test server's. Watches go to
// the scripted test server, which sends one event and then holds each stream open.
import CurlHTTP
import Foundation
import KubeClient
import BenchmarkSupport
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var gets, concurrency, watches, idleSeconds: Int
    /// Set: only time decoding a list of this many ConfigMaps (see JSONBenchmark.swift).
    var jsonObjects: Int?

    init(_ arguments: [String]) throws {
        let flags = try integerFlags(arguments, defaults: ["--gets": 1000, "--concurrency": 32, "--watches": 50, "--idle": 60,
                                                            "--json": 0])
        (gets, concurrency, watches, idleSeconds) = (flags["--gets"]!, flags["--concurrency"]!, flags["--watches"]!, flags["--idle"]!)
        jsonObjects = flags["--json"] == 0 ? nil : flags["--json"]
    }
}

/// User plus system CPU time of this process, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// `gets` GETs of one ConfigMap from `concurrency` tasks sharing one client.
func benchmarkGets(label: String, server: String, pki: TestPKI, options: Options) async throws {
    let client = KubernetesClient(configuration: ClientConfiguration(
        server: server, tls: TLSConfiguration(certificateAuthority: pki.caCertPEM), source: "benchmark"))
    let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
    _ = try await configMaps.get("bench")  // warm up: one connection, TLS set up
    let perTask = (options.gets + options.concurrency - 1) / options.concurrency
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        for worker in 0..<options.concurrency {
            let count = min(perTask, max(0, options.gets - worker * perTask))
            group.addTask {
                var latencies: [Duration] = []
                for _ in 0..<count {
                    let begin = ContinuousClock.now
                    let object = try await configMaps.get("bench")
                    precondition(object.resourceVersion == "42")
                    latencies.append(ContinuousClock.now - begin)
                }
                return latencies
            }
        }
        return try await group.reduce(into: [Duration]()) { $0 += $1 }.sorted()
    }
    let elapsed = ContinuousClock.now - started
    let figures = ProcessFigures.now()
    print(String(format: "%@: %d GETs, %d tasks: %.0f req/s, p50 %@, p99 %@, peak RSS %.1f MiB, threads %d",
                 label, latencies.count, options.concurrency, Double(latencies.count) / elapsed.seconds,
                 milliseconds(percentile(latencies, 0.5)), milliseconds(percentile(latencies, 0.99)),
                 Double(figures.peakRSSKiB) / 1024, figures.threads))
}

/// `watches` watches that each get one event and then sit idle for `idleSeconds`.
func benchmarkIdleWatches(pki: TestPKI, options: Options) async throws {
    let server = try FakeAPIServer(tls: pki)
    defer { server.stop() }
    let event = #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"7"}}}"# + "\n"
    try server.script("GET", "/api/v1/namespaces/default/configmaps",
                      [.chunked(chunks: [(event, delay: 0)], hold: Double(options.idleSeconds + 30))])
    let client = KubernetesClient(configuration: ClientConfiguration(
        server: server.baseURL, tls: TLSConfiguration(certificateAuthority: pki.caCertPEM), source: "benchmark"))
    let configMaps = client.resources(DynamicObject.self, .configMaps, namespace: "default")
    let before = ProcessFigures.now()
    try await withThrowingTaskGroup(of: Void.self) { group in
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        for _ in 0..<options.watches {
            group.addTask {
                let watch = configMaps.watch(WatchOptions(timeoutSeconds: options.idleSeconds + 60, stallTimeout: nil))
                for try await _ in watch { readyContinuation.yield() }
            }
        }
        var opened = 0
        for await _ in ready {
            opened += 1
            if opened == options.watches { break }
        }
        let cpuStart = cpuSeconds()
        let idleStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(options.idleSeconds))
        let cpu = cpuSeconds() - cpuStart
        let idle = ContinuousClock.now - idleStart
        let during = ProcessFigures.now()
        print(String(format: "idle watches: %d open for %.0f s: threads %d (before %d), CPU %.3f s (%.2f%% of one core), RSS %.1f MiB",
                     options.watches, idle.seconds, during.threads, before.threads, cpu, 100 * cpu / idle.seconds,
                     Double(during.rssKiB) / 1024))
        group.cancelAll()
    }
}

let options = try Options(CommandLine.arguments)
if let objects = options.jsonObjects {
    try benchmarkJSONDecoding(objects: objects)
    exit(0)
}
let pki = try TestPKI.make()
defer { try? FileManager.default.removeItem(atPath: pki.directory) }
print("KubeClient benchmark on loopback; \(CurlEngine.libcurlVersion)")
let data = (0..<16).map { #""key-\#($0)":"\#(String(repeating: "v", count: 48))""# }.joined(separator: ",")
let nginx = try NginxServer(pki: pki, files: [
    "/api/v1/namespaces/default/configmaps/bench":
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench","namespace":"default","resourceVersion":"42"},"data":{\#(data)}}"#,
])
do {
    try await benchmarkGets(label: "GET over HTTP/2", server: "https://127.0.0.1:\(nginx.http2Port)", pki: pki, options: options)
    try await benchmarkGets(label: "GET over HTTP/1.1", server: "https://127.0.0.1:\(nginx.http1Port)", pki: pki, options: options)
    nginx.stop()
} catch {
    nginx.stop()
    throw error
}
try await benchmarkIdleWatches(pki: pki, options: options)
