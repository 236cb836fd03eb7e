import Foundation
import KubeClient
import KubeSim
import Synchronization
import Testing
@testable import Controller

/// Who is leading, as the candidates' `lead` closures report it.
final class Leadership: Sendable {
    let leaders = Mutex<[String]>([])
    let current = Mutex<Set<String>>([])

    func started(_ identity: String) {
        leaders.withLock { $0.append(identity) }
        current.withLock { _ = $0.insert(identity) }
    }

    func stopped(_ identity: String) { current.withLock { _ = $0.remove(identity) } }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

@Suite("Leader election on a Lease")
struct LeaderElectorTests {
    static let timing = LeaderElector.Timing(leaseDuration: .seconds(2), renewDeadline: .milliseconds(1500),
                                             retryPeriod: .milliseconds(200))

    /// `crashes`: ending does not release the lease, as when the process dies.
    func elector(_ client: KubernetesClient, _ identity: String, crashes: Bool = false) -> LeaderElector {
        LeaderElector(client: client, namespace: "default", leaseName: "sluice-controller", identity: identity,
                      timing: Self.timing, releaseOnCancel: !crashes)
    }

    /// `lead` for `identity`: records leadership until cancelled or until `until` returns true.
    func lead(_ identity: String, _ record: Leadership, until stop: @escaping @Sendable () -> Bool = { false })
        -> @Sendable () async throws -> Void {
        {
            record.started(identity)
            defer { record.stopped(identity) }
            while !stop() { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    @Test func oneLeaderAtATimeAndAReleasedLeaseIsTakenAtOnce() async throws {
        try await withKubeSim { _, client in
            let record = Leadership()
            let firstDone = Flag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await self.elector(client, "a").run(self.lead("a", record, until: { firstDone.isSet })) }
                #expect(await eventually { record.current.withLock { $0 } == ["a"] })
                group.addTask { _ = try await self.elector(client, "b").run(self.lead("b", record)) }
                // b keeps trying but a renews: a stays the only leader well past the lease.
                try await Task.sleep(for: .seconds(3))
                #expect(record.current.withLock { $0 } == ["a"])
                // a finishes and releases the lease: b takes over within a retry period or two.
                let released = ContinuousClock.now
                firstDone.set()
                #expect(await eventually { record.current.withLock { $0 } == ["b"] })
                #expect(ContinuousClock.now - released < .seconds(2))
                group.cancelAll()
            }
            #expect(record.leaders.withLock { $0 } == ["a", "b"])
            let lease = try await client.resources(DynamicObject.self, .leases, namespace: "default").get("sluice-controller")
            #expect(lease.json[path: "spec", "leaseTransitions"] == 1)
        }
    }

    @Test func aCrashedLeaderIsReplacedAfterTheLeaseExpires() async throws {
        try await withKubeSim { _, client in
            let record = Leadership()
            // a leads, then "crashes": cancelled without releasing the lease.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await self.elector(client, "a", crashes: true).run(self.lead("a", record)) }
                #expect(await eventually { record.current.withLock { $0 } == ["a"] })
                group.cancelAll()
            }
            let lease = try await client.resources(DynamicObject.self, .leases, namespace: "default").get("sluice-controller")
            #expect(lease.json[path: "spec", "holderIdentity"] == "a")
            let crashed = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await self.elector(client, "b").run(self.lead("b", record)) }
                #expect(await eventually { record.current.withLock { $0 } == ["b"] })
                // Not before the lease duration has passed since b first saw the record.
                #expect(ContinuousClock.now - crashed >= .seconds(2))
                group.cancelAll()
            }
        }
    }

    @Test func cancellingTheLeaderReleasesTheLease() async throws {
        try await withKubeSim { _, client in
            let record = Leadership()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await self.elector(client, "a").run(self.lead("a", record)) }
                #expect(await eventually { record.current.withLock { $0 } == ["a"] })
                group.cancelAll()
            }
            let lease = try await client.resources(DynamicObject.self, .leases, namespace: "default").get("sluice-controller")
            #expect(lease.json[path: "spec", "holderIdentity"] == "")
        }
    }

    @Test func microTimeRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let text = KubeTime.formatMicro(date)
        #expect(text == "2026-11-18T11:06:40.123456Z")
        let parsed = try! #require(KubeTime.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_01)
        #expect(KubeTime.format(date) == "2026-11-18T11:06:40Z")
        #expect(KubeTime.parse("2026-11-18T11:06:40Z") == Date(timeIntervalSince1970: 1_795_000_000))
        #expect(KubeTime.parse("yesterday") == nil)
    }
}
