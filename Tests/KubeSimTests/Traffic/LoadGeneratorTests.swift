import Foundation
import Synchronization
import KubeClient
import Statistics
import Testing

@testable import KubeSim

/// Poisson arrivals per tick, snapshots of the store, and the generator over time.
@Suite struct LoadGeneratorTests {
    typealias F = TrafficFixtures

    static let scenario = try! Scenario.parse(yaml: """
        images:
          "web:1": {errorRatio: 0.1, latency: 10ms}
          "web:2": {errorRatio: 0, latency: 20ms}
        """)

    /// Sample mean and variance of Poisson draws agree with the mean (both are λ) within
    /// 5 standard errors, on both sides of the Knuth/PTRS switch.
    @Test(arguments: [0.3, 4.0, 10.0, 57.5, 2_000.0])
    func poissonCountsHaveMeanAndVarianceLambda(lambda: Double) {
        var rng = SeededRandom(seed: UInt64(lambda * 10))
        let n = 40_000
        let draws = (0..<n).map { _ in Double(rng.poisson(lambda)) }
        let mean = draws.reduce(0, +) / Double(n)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(draws.allSatisfy { $0 >= 0 })
        #expect(abs(mean - lambda) < 5 * (lambda / Double(n)).squareRoot(), "mean \(mean)")
        // Var(s²) ≈ (μ4 − σ⁴)/n with μ4 = λ + 3λ² for a Poisson.
        let varianceError = ((lambda + 2 * lambda * lambda) / Double(n)).squareRoot()
        #expect(abs(variance - lambda) < 5 * varianceError, "variance \(variance)")
    }

    @Test func poissonOfNothingIsZero() {
        var rng = SeededRandom(seed: 1)
        #expect(rng.poisson(0) == 0)
        #expect(rng.poisson(-3) == 0)
        #expect(rng.poisson(.nan) == 0)
    }

    static func snapshot() -> TrafficSnapshot {
        TrafficSnapshot(objects: RouterObjects(httpRoutes: [F.httpRoute], services: F.services), pods: F.pods)
    }

    static let entry = EntryPoint(name: "users", namespace: F.namespace, host: F.host, ratePerSecond: 200)

    /// 1 000 ticks of 0.1 s at 200/s: the count is Poisson(20 000), the split follows the
    /// route's 90/10 weights, every request lands on a Ready pod.
    @Test func ticksSendTheConfiguredRate() {
        var simulator = TrafficSimulator(scenario: Self.scenario, seed: 3)
        var snapshot = Self.snapshot()
        var tally = TrafficTally()
        for tick in 0..<1000 {
            tally = tally + simulator.runTick(entries: [Self.entry], from: Double(tick) / 10, seconds: 0.1, snapshot: &snapshot)
        }
        let expected = 20_000.0
        #expect(abs(Double(tally.requests) - expected) < 5 * expected.squareRoot(), "\(tally.requests)")
        #expect(tally.served == tally.requests && tally.unrouted == 0 && tally.noReadyPod == 0)
        #expect(simulator.registry.requests() == tally.requests)
        #expect(F.binomialBounds(n: tally.requests, p: 0.1).contains(simulator.registry.requests { $0.version == "v2" }))
        // Not-Ready pods never serve.
        #expect(simulator.registry.series.keys.allSatisfy { $0.pod != "web-aaa-3" })
    }

    @Test func sameSeedSameTraffic() {
        func run(seed: UInt64) -> MetricsRegistry {
            var simulator = TrafficSimulator(scenario: Self.scenario, seed: seed)
            var snapshot = Self.snapshot()
            for tick in 0..<50 {
                _ = simulator.runTick(entries: [Self.entry], from: Double(tick) / 10, seconds: 0.1, snapshot: &snapshot)
            }
            return simulator.registry
        }
        #expect(run(seed: 9) == run(seed: 9))
        #expect(run(seed: 9) != run(seed: 10))
    }

    /// The snapshot's memoised pod choice draws exactly as ``Router/pickPod(for:services:pods:using:)``.
    @Test func snapshotPicksPodsLikeTheRouter() {
        var snapshot = Self.snapshot()
        var a = SeededRandom(seed: 4), b = SeededRandom(seed: 4)
        let target = BackendTarget(namespace: F.namespace, service: "web-stable")
        for _ in 0..<200 {
            let fromSnapshot = snapshot.pickPod(for: target, using: &a)
            let fromRouter = Router.pickPod(for: target, services: F.services, pods: F.pods, using: &b)
            #expect(fromSnapshot == fromRouter)
        }
        #expect(snapshot.pickPod(for: BackendTarget(namespace: F.namespace, service: "nope"), using: &a) == nil)
    }

    @Test func headerShareAndPhasesByRequestCountPerTick() throws {
        let scenario = try Scenario.parse(yaml: """
            images:
              "web:2":
                errorRatio: 0
                phases:
                  - afterRequests: 500
                    errorRatio: 1
            """)
        // Half of the requests carry x-canary: 1 and go to web:2 (v2).
        let entry = EntryPoint(name: "users", namespace: F.namespace, host: F.host, ratePerSecond: 100,
                               headers: ["X-Canary": "1"], share: 0.5)
        var simulator = TrafficSimulator(scenario: scenario, seed: 12)
        var snapshot = Self.snapshot()
        for tick in 0..<300 {
            _ = simulator.runTick(entries: [entry], from: Double(tick) / 10, seconds: 0.1, snapshot: &snapshot)
        }
        let v2 = simulator.registry.requests { $0.version == "v2" }
        let failed = simulator.registry.series.filter { $0.key.version == "v2" }.values.reduce(0) { $0 + $1.requestsByCode[500, default: 0] }
        #expect(v2 > 1000)
        #expect(failed == v2 - 500, "the first 500 requests to web:2 succeed, every later one fails")
    }

    @Test func phasesByTimeFollowSimulatedTime() throws {
        let scenario = try Scenario.parse(yaml: "images:\n  \"web:1\":\n    errorRatio: 0\n    phases:\n      - after: 5s\n        errorRatio: 1\n")
        var simulator = TrafficSimulator(scenario: scenario, seed: 2)
        var snapshot = Self.snapshot()
        let entry = EntryPoint(name: "users", namespace: F.namespace, service: "web-stable", ratePerSecond: 50)
        var before = 0
        for tick in 0..<100 {
            _ = simulator.runTick(entries: [entry], from: Double(tick) / 10, seconds: 0.1, snapshot: &snapshot)
            if tick == 49 { before = simulator.registry.requests() }
        }
        let codes = simulator.registry.series.values.reduce(into: [Int: Int]()) { sum, series in
            sum.merge(series.requestsByCode, uniquingKeysWith: +)
        }
        #expect(codes[200] == before, "everything before 5 s succeeds")
        #expect(codes[500] == simulator.registry.requests() - before, "everything after fails")
    }

    @Test func unroutedAndPodlessRequestsAreCounted() {
        var simulator = TrafficSimulator(scenario: Self.scenario, seed: 1)
        var snapshot = Self.snapshot()
        let nowhere = EntryPoint(name: "a", namespace: F.namespace, host: "other.example.com", ratePerSecond: 100)
        let podless = EntryPoint(name: "b", namespace: F.namespace, service: "no-such-service", ratePerSecond: 100)
        let tally = simulator.runTick(entries: [nowhere, podless], from: 0, seconds: 10, snapshot: &snapshot)
        #expect(tally.requests == tally.unrouted + tally.noReadyPod)
        #expect(tally.unrouted > 800 && tally.noReadyPod > 800)
        #expect(simulator.registry.requests() == 0)
    }

    // MARK: Against a store

    static let httpRoutes = ResourceType(group: "gateway.networking.k8s.io", version: "v1", plural: "httproutes", kind: "HTTPRoute")

    static func storeWithFixtures() throws -> ObjectStore {
        let store = ObjectStore(resources: ResourceDefinition.builtIns + [ResourceDefinition(httpRoutes)])
        _ = try store.create(.namespaces, ["metadata": ["name": .string(F.namespace)]])
        _ = try store.create(httpRoutes, namespace: F.namespace, F.httpRoute)
        for service in F.services { _ = try store.create(.services, namespace: F.namespace, service) }
        for var pod in F.pods {
            let status = pod["status"]
            pod["status"] = nil
            let created = try store.create(.pods, namespace: F.namespace, pod)
            var withStatus = created
            withStatus["status"] = status
            _ = try store.updateStatus(.pods, namespace: F.namespace, withStatus)
        }
        return store
    }

    @Test func snapshotReadsRouterObjectsAndReadyPodsFromTheStore() throws {
        let store = try Self.storeWithFixtures()
        let snapshot = TrafficSnapshot.read(from: store)
        #expect(snapshot.objects.httpRoutes.count == 1)
        #expect(snapshot.objects.services.count == F.services.count)
        #expect(snapshot.objects.virtualServices.isEmpty, "not served by this store: empty, no error")
        #expect(snapshot.readyPods.count == F.pods.filter(Router.isReady).count)
        #expect(snapshot.readyPods.count < F.pods.count)
        #expect(snapshot.podKeys.count == F.pods.count)
        // Unchanged store: the same snapshot; any write: a fresh one.
        #expect(snapshot.refreshed(from: store).resourceVersion == snapshot.resourceVersion)
        _ = try store.delete(.services, namespace: F.namespace, name: "web-canary")
        let fresh = snapshot.refreshed(from: store)
        #expect(fresh.resourceVersion != snapshot.resourceVersion)
        #expect(fresh.objects.services.count == F.services.count - 1)
    }

    /// The generator paces ticks by the clock and records into its registry; series of
    /// deleted pods go away.
    @Test func generatorRunsUntilCancelled() async throws {
        let store = try Self.storeWithFixtures()
        let generator = LoadGenerator(
            store: store, scenario: Self.scenario, configuration: .init(seed: 5, tick: .milliseconds(20)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await generator.run() }
            try await poll(timeout: .seconds(30)) { generator.progress.tally.served >= 300 }
            let progress = generator.progress
            #expect(progress.tally.served == progress.tally.requests)
            #expect(generator.metrics.requests() == progress.tally.requests)
            // The route sends 10 % to web-canary, whose only Ready pod is web-bbb-1.
            _ = try store.delete(.pods, namespace: F.namespace, name: "web-bbb-1")
            try await poll(timeout: .seconds(30)) { !generator.metrics.series.keys.contains { $0.pod == "web-bbb-1" } }
            let afterDelete = generator.progress.tally
            try await poll(timeout: .seconds(30)) { generator.progress.tally.noReadyPod > afterDelete.noReadyPod }
            group.cancelAll()
        }
        let final = generator.progress
        // Rate over simulated time: Poisson with mean 200 × seconds (the fixtures' entry point).
        let expected = 200 * Double(final.ticks) * 0.02
        #expect(abs(Double(final.tally.requests) - expected) < 5 * expected.squareRoot() + 1,
                "\(final.tally.requests) requests in \(final.ticks) ticks")
    }
}

extension LoadGeneratorTests {
    /// Ticks follow the injected clock: one tick per 100 ms, and a jump of 5 s runs the last
    /// 2 s (`maxLag`) of ticks and skips the rest rather than bursting.
    @Test func ticksFollowTheClockAndSkipWhenFarBehind() async throws {
        let store = try Self.storeWithFixtures()
        let clock = ManualClock()
        let generator = LoadGenerator(
            store: store, scenario: Self.scenario,
            configuration: .init(seed: 5, tick: .milliseconds(100), maxLag: .seconds(2)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await generator.run(clock: clock) }
            try await poll(timeout: .seconds(30), "the generator waits for its first tick") { clock.sleeps > 0 }
            clock.advance(by: .milliseconds(350))
            try await poll(timeout: .seconds(30)) { generator.progress.ticks == 3 }
            #expect(generator.progress.skippedTicks == 0)
            clock.advance(by: .milliseconds(4650))
            try await poll(timeout: .seconds(30)) { generator.progress.ticks + generator.progress.skippedTicks == 50 }
            let progress = generator.progress
            #expect(progress.ticks == 3 + 20 && progress.skippedTicks == 27)
            #expect(abs(progress.simulatedSeconds - 5) < 1e-9)
            group.cancelAll()
        }
    }
}

/// A clock that moves only when told; sleepers wake once it has passed their deadline.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    private let sleepCalls = Mutex(0)
    var now: Instant { current.withLock { $0 } }
    /// Calls to ``sleep(until:tolerance:)`` so far.
    var sleeps: Int { sleepCalls.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) { current.withLock { $0 = $0.advanced(by: duration) } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        sleepCalls.withLock { $0 += 1 }
        while now < deadline {
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

extension LoadGenerator {
    convenience init(store: ObjectStore, scenario: Scenario, configuration: Configuration) {
        var withEntry = scenario
        withEntry.entryPoints = [LoadGeneratorTests.entry]
        self.init(store: store, scenario: withEntry, configuration: configuration, logger: .init(label: "test"))
    }
}

/// Polls `condition` every 20 ms until it holds; throws after `timeout`.
func poll(timeout: Duration, _ what: String = "condition", _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw PollTimeout(what: what, timeout: timeout) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct PollTimeout: Error, CustomStringConvertible {
    var what: String
    var timeout: Duration
    var description: String { "\(what) did not hold within \(timeout)" }
}
