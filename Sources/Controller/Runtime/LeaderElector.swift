import Foundation
import KubeClient
import Logging

/// Leader election on a coordination.k8s.io/v1 Lease, as client-go's `leaderelection`:
/// one holder at a time; others take over once the holder has not renewed for the lease
/// duration, measured on their own clock from when they last saw the record change (so
/// clock skew between replicas does not matter); writes are guarded by resourceVersion, so
/// two candidates can never both win.
public struct LeaderElector: Sendable {
    /// Timings (client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry).
    public struct Timing: Sendable {
        public var leaseDuration: Duration
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        public init(leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
                    retryPeriod: Duration = .seconds(2)) {
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    public let leases: ResourceClient<DynamicObject>
    public let leaseName: String
    public let identity: String
    public let timing: Timing
    /// Give the lease up when leading ends or is cancelled (client-go's `ReleaseOnCancel`),
    /// so a successor takes over at once instead of after the lease duration.
    public let releaseOnCancel: Bool
    private let logger: Logger

    public init(client: KubernetesClient, namespace: String, leaseName: String, identity: String,
                timing: Timing = Timing(), releaseOnCancel: Bool = true, logger: Logger = Logger(label: "sluice.leader")) {
        self.leases = client.resources(DynamicObject.self, .leases, namespace: namespace)
        self.leaseName = leaseName
        self.identity = identity
        self.timing = timing
        self.releaseOnCancel = releaseOnCancel
        self.logger = logger
    }

    /// What this candidate last saw of the lease, and when (on its own clock).
    struct Observation: Sendable {
        var record: LeaseRecord?
        var resourceVersion: String?
        var at: ContinuousClock.Instant
    }

    /// Waits to become leader, then runs `lead` while renewing. Returns when `lead` returns,
    /// when leadership is lost (renewals failed for `renewDeadline`: `lead` is cancelled
    /// first), or on cancellation. On the way out the lease is released, so a successor
    /// need not wait for it to expire. Returns whether leadership was lost.
    @discardableResult
    public func run(_ lead: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        var observed = Observation(record: nil, resourceVersion: nil, at: .now)
        // Acquire.
        while true {
            try Task.checkCancellation()
            if try await tryAcquireOrRenew(&observed) { break }
            try await Task.sleep(for: timing.retryPeriod)
        }
        logger.info("became leader", metadata: ["lease": "\(leaseName)", "identity": "\(identity)"])
        enum Outcome: Sendable { case led, lost }
        let initial = observed
        let outcome: Result<Outcome, any Error>
        do {
            outcome = .success(try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    try await lead()
                    return .led
                }
                group.addTask {
                    var observed = initial
                    var lastRenewal = ContinuousClock.now
                    while true {
                        // Cancelled (shutting down): not a loss; the lease is released below.
                        do { try await Task.sleep(for: self.timing.retryPeriod) } catch { return .led }
                        if (try? await self.tryAcquireOrRenew(&observed)) == true {
                            lastRenewal = .now
                        } else if ContinuousClock.now - lastRenewal > self.timing.renewDeadline {
                            return .lost
                        }
                    }
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .led
            })
        } catch {
            outcome = .failure(error)
        }
        if case .success(.lost) = outcome {
            logger.error("lost leadership: the lease was not renewed within \(timing.renewDeadline)",
                         metadata: ["lease": "\(leaseName)"])
            return true
        }
        if releaseOnCancel {
            // Its own task: the release must go out even when ours has been cancelled.
            await Task { await self.release() }.value
        }
        if case .failure(let error) = outcome, !(error is CancellationError) { throw error }
        return false
    }

    /// Whether this candidate holds the lease after one attempt to take or renew it.
    func tryAcquireOrRenew(_ observed: inout Observation) async throws -> Bool {
        let now = Date()
        let existing: DynamicObject
        do {
            existing = try await leases.get(leaseName)
        } catch let error as KubeClientError where error.status?.code == 404 {
            let record = LeaseRecord(holderIdentity: identity, leaseDurationSeconds: timing.leaseDuration.components.seconds,
                                     acquireTime: now, renewTime: now, leaseTransitions: 0)
            let created = try await leases.create(DynamicObject(record.lease(name: leaseName)))
            observed = Observation(record: record, resourceVersion: created.resourceVersion, at: .now)
            return true
        }
        let record = LeaseRecord(existing.json)
        if record != observed.record || existing.resourceVersion != observed.resourceVersion {
            observed = Observation(record: record, resourceVersion: existing.resourceVersion, at: .now)
        }
        let heldByOther = !record.holderIdentity.isEmpty && record.holderIdentity != identity
        let duration = Duration.seconds(record.leaseDurationSeconds > 0 ? record.leaseDurationSeconds : timing.leaseDuration.components.seconds)
        if heldByOther, ContinuousClock.now < observed.at + duration {
            return false
        }
        var next = record
        if record.holderIdentity != identity {
            next.holderIdentity = identity
            next.acquireTime = now
            next.leaseTransitions += 1  // as client-go: every change of holder, a released lease included
        }
        next.renewTime = now
        next.leaseDurationSeconds = timing.leaseDuration.components.seconds
        var object = existing
        object.json["spec"] = next.spec
        let updated = try await leases.update(object)  // 409 if another candidate wrote first
        observed = Observation(record: next, resourceVersion: updated.resourceVersion, at: .now)
        return true
    }

    /// Gives the lease up (empty holder, 1-second duration), if this candidate still holds it.
    func release() async {
        guard var lease = try? await leases.get(leaseName) else { return }
        var record = LeaseRecord(lease.json)
        guard record.holderIdentity == identity else { return }
        record.holderIdentity = ""
        record.leaseDurationSeconds = 1
        record.renewTime = Date()
        lease.json["spec"] = record.spec
        _ = try? await leases.update(lease)
    }
}

/// The fields of a Lease's spec that leader election reads and writes.
struct LeaseRecord: Sendable, Equatable {
    var holderIdentity: String
    var leaseDurationSeconds: Int64
    var acquireTime: Date?
    var renewTime: Date?
    var leaseTransitions: Int64

    init(holderIdentity: String, leaseDurationSeconds: Int64, acquireTime: Date?, renewTime: Date?, leaseTransitions: Int64) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }

    init(_ lease: JSONValue) {
        let spec = lease["spec"]
        holderIdentity = spec?["holderIdentity"]?.stringValue ?? ""
        leaseDurationSeconds = spec?["leaseDurationSeconds"]?.integerValue ?? 0
        acquireTime = spec?["acquireTime"]?.stringValue.flatMap(KubeTime.parse)
        renewTime = spec?["renewTime"]?.stringValue.flatMap(KubeTime.parse)
        leaseTransitions = spec?["leaseTransitions"]?.integerValue ?? 0
    }

    var spec: JSONValue {
        var spec: [String: JSONValue] = [
            "holderIdentity": .string(holderIdentity),
            "leaseDurationSeconds": .integer(leaseDurationSeconds),
            "leaseTransitions": .integer(leaseTransitions),
        ]
        if let acquireTime { spec["acquireTime"] = .string(KubeTime.formatMicro(acquireTime)) }
        if let renewTime { spec["renewTime"] = .string(KubeTime.formatMicro(renewTime)) }
        return .object(spec)
    }

    func lease(name: String) -> JSONValue {
        ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": .string(name)], "spec": spec]
    }
}
