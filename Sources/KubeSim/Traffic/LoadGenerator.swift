import Foundation
import Logging
import Synchronization

/// Synthetic users: while it runs, every entry point of the scenario sends its configured
/// rate of requests through a ``TrafficSimulator`` to the pods the store's router objects,
/// Services and Ready pods lead to, and the outcomes land in ``metrics``.
///
/// Time is cut into fixed ticks; tick *n* covers simulated seconds [n·tick, (n+1)·tick) from
/// the start, and runs once the clock has passed its end. The store is read at most once per
/// tick (not at all while it is unchanged). A generator that falls more than `maxLag`
/// behind skips ticks rather than bursting. Given the seed and what the store holds at each
/// tick, the requests and outcomes are the same on every run.
///
/// ```swift
/// let generator = LoadGenerator(store: store, scenario: scenario, configuration: .init(seed: 7))
/// group.addTask { await generator.run() }   // until the task is cancelled
/// let text = generator.metrics.prometheusText()
/// ```
public final class LoadGenerator: Sendable {
    /// Seed and pacing.
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var tick: Duration
        /// How far behind the clock the generator may fall before it skips ticks.
        public var maxLag: Duration

        public init(seed: UInt64 = 1, tick: Duration = .milliseconds(100), maxLag: Duration = .seconds(2)) {
            self.seed = seed
            self.tick = tick
            self.maxLag = maxLag
        }
    }

    /// What the generator has done so far.
    public struct Progress: Sendable, Equatable {
        public var tally = TrafficTally()
        /// Ticks run, and ticks skipped because the generator fell behind.
        public var ticks = 0
        public var skippedTicks = 0
        /// Simulated seconds covered by the ticks run and skipped.
        public var simulatedSeconds = 0.0
    }

    private struct State {
        var simulator: TrafficSimulator
        var progress = Progress()
    }

    public let store: ObjectStore
    public let scenario: Scenario
    public let configuration: Configuration
    private let state: Mutex<State>
    private let logger: Logger

    public init(store: ObjectStore, scenario: Scenario, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "kubesim.traffic")) {
        self.store = store
        self.scenario = scenario
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(State(simulator: TrafficSimulator(scenario: scenario, seed: configuration.seed)))
    }

    /// The workloads' metrics as of the last finished tick.
    public var metrics: MetricsRegistry { state.withLock { $0.simulator.registry } }

    public var progress: Progress { state.withLock { $0.progress } }

    /// Sends traffic tick by tick, paced by the continuous clock, until the task is cancelled.
    public func run() async {
        await run(clock: ContinuousClock())
    }

    /// Sends traffic tick by tick, paced by `clock`, until the task is cancelled.
    public func run<C: Clock>(clock: C) async where C.Duration == Duration {
        let start = clock.now
        let tick = configuration.tick
        let tickSeconds = Self.seconds(tick)
        guard tickSeconds > 0 else { return }
        let maxTicksBehind = max(1, Int(Self.seconds(configuration.maxLag) / tickSeconds))
        var snapshot: TrafficSnapshot?
        var next = 0
        while !Task.isCancelled {
            let due = Int(Self.seconds(start.duration(to: clock.now)) / tickSeconds)
            if due - next > maxTicksBehind {
                let skipped = due - next - maxTicksBehind
                logger.warning("traffic fell behind the clock; skipping \(skipped) ticks")
                skip(ticks: skipped, tickSeconds: tickSeconds)
                next += skipped
            }
            if next < due {
                let fresh = snapshot?.refreshed(from: store) ?? TrafficSnapshot.read(from: store)
                let changed = fresh.resourceVersion != snapshot?.resourceVersion
                snapshot = fresh
                if changed { state.withLock { $0.simulator.registry.retainSeries(ofPods: fresh.podKeys) } }
                while next < due {
                    runTick(index: next, tickSeconds: tickSeconds, snapshot: &snapshot!)
                    next += 1
                }
            }
            do {
                try await clock.sleep(until: start.advanced(by: tick * (next + 1)), tolerance: nil)
            } catch {
                return
            }
        }
    }

    private func runTick(index: Int, tickSeconds: Double, snapshot: inout TrafficSnapshot) {
        let entries = scenario.entryPoints
        state.withLock { state in
            let tally = state.simulator.runTick(
                entries: entries, from: Double(index) * tickSeconds, seconds: tickSeconds, snapshot: &snapshot)
            state.progress.tally = state.progress.tally + tally
            state.progress.ticks += 1
            state.progress.simulatedSeconds = Double(index + 1) * tickSeconds
        }
    }

    private func skip(ticks: Int, tickSeconds: Double) {
        state.withLock { state in
            state.progress.skippedTicks += ticks
            state.progress.simulatedSeconds += Double(ticks) * tickSeconds
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
