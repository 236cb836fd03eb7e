import Foundation
import KubeClient

/// Counts of user requests sent by the load generator (mirrored copies are not user requests).
public struct TrafficTally: Sendable, Equatable {
    /// User requests sent.
    public var requests = 0
    /// Requests a Ready pod answered (any status code).
    public var served = 0
    /// Requests nothing routed (no matching route, or a route without a backend).
    public var unrouted = 0
    /// Requests routed to a backend with no Ready pod.
    public var noReadyPod = 0
    /// Mirrored copies a pod answered.
    public var mirrored = 0

    public init() {}

    mutating func add(_ served: ServedRequest) {
        requests += 1
        mirrored += served.mirrored.count
        if served.primary != nil {
            self.served += 1
        } else if served.decision?.primary == nil {
            unrouted += 1
        } else {
            noReadyPod += 1
        }
    }

    public static func + (a: TrafficTally, b: TrafficTally) -> TrafficTally {
        var sum = a
        sum.requests += b.requests
        sum.served += b.served
        sum.unrouted += b.unrouted
        sum.noReadyPod += b.noReadyPod
        sum.mirrored += b.mirrored
        return sum
    }
}

extension TrafficSimulator {
    /// One tick of user traffic: every entry point sends Poisson(`ratePerSecond × seconds`)
    /// requests at uniformly random moments of [`start`, `start + seconds`) — a Poisson
    /// process — served in time order across entry points; each carries the entry's
    /// headers with probability `share`. Deterministic given the seed and the snapshots.
    public mutating func runTick(
        entries: [EntryPoint], from start: Double, seconds: Double, snapshot: inout TrafficSnapshot
    ) -> TrafficTally {
        var arrivals: [(time: Double, entry: Int)] = []
        for (index, entry) in entries.enumerated() {
            let count = rng.poisson(entry.ratePerSecond * seconds)
            for _ in 0..<count { arrivals.append((start + seconds * rng.unitInterval(), index)) }
        }
        arrivals.sort { $0.time < $1.time || ($0.time == $1.time && $0.entry < $1.entry) }
        var tally = TrafficTally()
        for arrival in arrivals {
            let entry = entries[arrival.entry]
            let withHeaders = !entry.headers.isEmpty && rng.bernoulli(entry.share)
            let request = TrafficRequest(host: entry.host, path: entry.path, headers: withHeaders ? entry.headers : [:])
            tally.add(serve(entry: entry, request: request, snapshot: &snapshot, time: arrival.time))
        }
        return tally
    }
}
