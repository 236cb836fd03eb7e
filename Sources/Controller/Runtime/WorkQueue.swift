import Foundation
import Synchronization

/// client-go's rate-limited work queue, as an actor: keys are deduplicated while waiting,
/// a key being processed is never handed to a second worker (a change during processing
/// marks it dirty and it comes back once ``done(_:)`` is called), and failures back off per
/// key exponentially, under an overall token bucket.
///
/// ```swift
/// let queue = WorkQueue<String>()
/// // workers:   while let key = await queue.next() { defer { await queue.done(key) } ... }
/// // one task:  await queue.runDelayedAdds()
/// ```
public actor WorkQueue<Key: Hashable & Sendable> {
    private var ready: [Key] = []
    private var readyHead = 0
    private var waiting: Set<Key> = []
    private var processing: Set<Key> = []
    private var dirty: Set<Key> = []
    private var delayed: [Key: ContinuousClock.Instant] = [:]
    private var failures: [Key: Int] = [:]
    /// Workers waiting in ``next()``; outside the actor so a cancelled worker's handler can
    /// release its own wait at once.
    private let waiters = Waiters<Key>()
    private let timerWake = Wakeup()
    private var shuttingDown = false
    private var rateLimiter: RateLimiter

    /// Per-key backoff `base * 2^failures` capped at `maxDelay`, and an overall bucket of
    /// `ratePerSecond` with `burst` (client-go's defaults: 5 ms, 1000 s, 10/s, 100).
    public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .seconds(1000),
                ratePerSecond: Double = 10, burst: Int = 100) {
        rateLimiter = RateLimiter(baseDelay: baseDelay, maxDelay: maxDelay, ratePerSecond: ratePerSecond, burst: burst)
    }

    /// Keys waiting to be processed (the queue-depth metric).
    public var depth: Int { ready.count - readyHead }

    /// Enqueues `key` unless it is already waiting; if it is being processed, it comes back
    /// after ``done(_:)``.
    public func add(_ key: Key) {
        guard !shuttingDown else { return }
        if processing.contains(key) {
            dirty.insert(key)
            return
        }
        guard !waiting.contains(key) else { return }
        delayed[key] = nil
        processing.insert(key)
        if waiters.handOver(key) { return }
        processing.remove(key)
        waiting.insert(key)
        ready.append(key)
    }

    /// Enqueues `key` after `delay` (an earlier pending time for the same key wins).
    public func add(_ key: Key, after delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { return add(key) }
        let due = ContinuousClock.now + delay
        if let existing = delayed[key], existing <= due { return }
        delayed[key] = due
        timerWake.signal()
    }

    /// Enqueues `key` after its backoff: call when processing it failed.
    public func addRateLimited(_ key: Key) {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        add(key, after: rateLimiter.delay(failures: count, now: ContinuousClock.now))
    }

    /// Resets `key`'s backoff: call when processing it succeeded.
    public func forget(_ key: Key) { failures[key] = nil }

    /// How many times in a row `key` has failed.
    public func failureCount(_ key: Key) -> Int { failures[key, default: 0] }

    /// The next key to process, waiting for one; nil once the queue shuts down or the
    /// calling task is cancelled.
    public func next() async -> Key? {
        if let key = popReady() { return key }
        if shuttingDown { return nil }
        let waiters = self.waiters
        let id = waiters.newID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { waiters.wait(id, $0) }
        } onCancel: {
            waiters.cancel(id)
        }
    }

    /// Marks `key` processed; if it changed meanwhile, it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    /// Stops handing out keys: waiting workers get nil, later adds are ignored.
    public func shutDown() {
        shuttingDown = true
        waiters.releaseAll()
        timerWake.signal()
    }

    /// Moves delayed keys into the queue when they are due. Run it as one child task of the
    /// controller; it returns on shutdown or cancellation.
    public func runDelayedAdds() async {
        let wakeup = timerWake
        while !shuttingDown, !Task.isCancelled {
            let now = ContinuousClock.now
            // Earliest first, also when several fell due together (a busy machine).
            for (key, _) in delayed.filter({ $0.value <= now }).sorted(by: { $0.value < $1.value }) {
                delayed[key] = nil
                add(key)
            }
            guard let earliest = delayed.values.min() else {
                await wakeup.wait()  // nothing pending: until a delayed add arrives
                continue
            }
            // Until the earliest is due, or an earlier one arrives.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(until: earliest, clock: .continuous) }
                group.addTask { await wakeup.wait() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func popReady() -> Key? {
        guard readyHead < ready.count else { return nil }
        let key = ready[readyHead]
        readyHead += 1
        if readyHead > 1024, readyHead * 2 > ready.count {
            ready.removeFirst(readyHead)
            readyHead = 0
        }
        waiting.remove(key)
        processing.insert(key)
        return key
    }
}

/// client-go's default controller rate limiter: the larger of a per-key exponential backoff
/// and an overall token bucket.
struct RateLimiter: Sendable {
    let baseDelay: Duration
    let maxDelay: Duration
    let ratePerSecond: Double
    let burst: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant?

    init(baseDelay: Duration, maxDelay: Duration, ratePerSecond: Double, burst: Int) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.tokens = Double(burst)
    }

    /// The delay for a key that has failed `failures` times before, taking one token.
    mutating func delay(failures: Int, now: ContinuousClock.Instant) -> Duration {
        let exponent = min(failures, 40)
        let backoff = min(maxDelay, baseDelay * Double(1 << exponent))
        if let last {
            let elapsed = Double((now - last).components.seconds) + Double((now - last).components.attoseconds) / 1e18
            tokens = min(Double(burst), tokens + elapsed * ratePerSecond)
        }
        last = now
        tokens -= 1
        let bucket: Duration = tokens >= 0 ? .zero : .seconds(-tokens / ratePerSecond)
        return max(backoff, bucket)
    }
}

/// A one-slot wake-up signal: ``wait()`` returns once ``signal()`` has been called since the
/// last wait (or when the waiting task is cancelled).
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
    }
}

/// Workers waiting for a key, first come first served. A cancelled wait ends with nil.
final class Waiters<Key: Sendable>: Sendable {
    private struct State {
        var nextID = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Key?, Never>)] = []
        var cancelled: Set<Int> = []
        var closed = false
    }
    private let state = Mutex(State())

    func newID() -> Int { state.withLock { state in defer { state.nextID += 1 }; return state.nextID } }

    func wait(_ id: Int, _ continuation: CheckedContinuation<Key?, Never>) {
        let endNow = state.withLock { state -> Bool in
            if state.closed || state.cancelled.remove(id) != nil { return true }
            state.waiting.append((id, continuation))
            return false
        }
        if endNow { continuation.resume(returning: nil) }
    }

    func cancel(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Key?, Never>? in
            if let index = state.waiting.firstIndex(where: { $0.id == id }) {
                return state.waiting.remove(at: index).continuation
            }
            state.cancelled.insert(id)
            return nil
        }
        waiter?.resume(returning: nil)
    }

    /// Gives `key` to the longest-waiting worker; false if none waits.
    func handOver(_ key: Key) -> Bool {
        let waiter = state.withLock { state in state.waiting.isEmpty ? nil : state.waiting.removeFirst().continuation }
        waiter?.resume(returning: key)
        return waiter != nil
    }

    func releaseAll() {
        let all = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting.map(\.continuation)
        }
        for waiter in all { waiter.resume(returning: nil) }
    }
}
