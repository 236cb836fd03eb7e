import Testing
@testable import Controller

@Suite("Work queue")
struct WorkQueueTests {
    @Test func waitingKeysAreDeduplicated() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("b")
        await queue.add("a")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.depth == 0)
    }

    @Test func aKeyIsNeverHandedToTwoWorkersAndComesBackIfItChanged() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        let first = await queue.next()
        #expect(first == "a")
        // Changed while processing: not handed out again until done.
        await queue.add("a")
        #expect(await queue.depth == 0)
        await queue.add("b")
        #expect(await queue.next() == "b")
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(await queue.next() == "a")
        await queue.done("a")
        #expect(await queue.depth == 0)
    }

    @Test func waitingWorkersGetKeysAndShutdownReleasesThem() async {
        let queue = WorkQueue<Int>()
        async let got = queue.next()
        // Give the worker time to wait, then add.
        try? await Task.sleep(for: .milliseconds(50))
        await queue.add(7)
        #expect(await got == 7)
        async let none = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        await queue.shutDown()
        #expect(await none == nil)
        await queue.add(8)
        #expect(await queue.next() == nil)
    }

    @Test func delayedAddsArriveWhenDueEarliestFirst() async {
        let queue = WorkQueue<String>()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await queue.runDelayedAdds() }
            let start = ContinuousClock.now
            await queue.add("late", after: .milliseconds(400))
            await queue.add("soon", after: .milliseconds(100))
            #expect(await queue.next() == "soon")
            let soonAt = ContinuousClock.now - start
            #expect(await queue.next() == "late")
            let lateAt = ContinuousClock.now - start
            #expect(soonAt >= .milliseconds(100))
            #expect(lateAt >= .milliseconds(400))
            await queue.shutDown()
        }
    }

    @Test func failuresBackOffExponentiallyAndForgetResets() {
        var limiter = RateLimiter(baseDelay: .milliseconds(5), maxDelay: .seconds(1000), ratePerSecond: 10, burst: 100)
        let now = ContinuousClock.now
        #expect(limiter.delay(failures: 0, now: now) == .milliseconds(5))
        #expect(limiter.delay(failures: 1, now: now) == .milliseconds(10))
        #expect(limiter.delay(failures: 10, now: now) == .milliseconds(5120))
        #expect(limiter.delay(failures: 40, now: now) == .seconds(1000))
    }

    @Test func theTokenBucketLimitsTheOverallRate() {
        var limiter = RateLimiter(baseDelay: .milliseconds(1), maxDelay: .seconds(10), ratePerSecond: 10, burst: 3)
        let now = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.delay(failures: 0, now: now) == .milliseconds(1)) }
        // The bucket is empty: the 4th waits a tenth of a second, the 5th two tenths.
        #expect(limiter.delay(failures: 0, now: now) == .milliseconds(100))
        #expect(limiter.delay(failures: 0, now: now) == .milliseconds(200))
    }

    @Test func addRateLimitedCountsFailures() async {
        let queue = WorkQueue<String>(baseDelay: .milliseconds(1))
        await queue.addRateLimited("a")
        await queue.addRateLimited("a")
        #expect(await queue.failureCount("a") == 2)
        await queue.forget("a")
        #expect(await queue.failureCount("a") == 0)
    }
}
