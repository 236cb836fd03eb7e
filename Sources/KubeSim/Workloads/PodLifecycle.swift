import Foundation
import KubeClient
import Synchronization

/// How a simulated container behaves once its pod exists.
public enum PodBehaviour: Sendable, Hashable {
    /// Running at once; Ready `after` seconds from the pod's creation.
    case ready(after: TimeInterval)
    /// Running, but its readiness probe never passes.
    case neverReady
    /// Crashes on every start: `waiting.reason: CrashLoopBackOff`, `restartCount` growing
    /// with kube's back-off (10 s doubling, capped at 300 s).
    case crashLoop

    /// Ready at once.
    public static let immediatelyReady = PodBehaviour.ready(after: 0)

    /// What a scenario file says about an image's pods: crash-looping wins over never
    /// ready, which wins over a readiness delay.
    public init(_ readiness: PodReadinessBehaviour) {
        if readiness.crashLoop {
            self = .crashLoop
        } else if readiness.neverReady {
            self = .neverReady
        } else {
            self = .ready(after: readiness.readyAfter)
        }
    }
}

/// The kubelet of KubeSim: gives every pod a node, an IP (`10.244.x.y`) and a status that
/// follows its containers' ``PodBehaviour``.
///
/// Deterministic: a pod's status is a function of its creation time (`metadata.creationTimestamp`,
/// or when this controller first saw it), its behaviour and `now`. Pods go straight to
/// `phase: Running` with an IP (so Endpoints can list them as not ready); `Ready=True` comes
/// when every container is ready. Terminating and finished pods are left alone.
public final class PodLifecycleController: Sendable {
    public typealias BehaviourHook = @Sendable (_ image: String, _ pod: JSONValue) -> PodBehaviour?

    struct State {
        var behaviours: [String: PodBehaviour]
        var defaultBehaviour: PodBehaviour
        var nextIP = 0
        var firstSeen: [String: Date] = [:]
        var behaviourChanges = 0
    }

    public let store: ObjectStore
    public let nodeName: String
    public let hostIP: String
    private let hook: BehaviourHook?
    private let state: Mutex<State>

    /// - Parameters:
    ///   - defaultBehaviour: for images with no entry in `behaviours` (and no answer from `hook`).
    ///   - behaviours: per container image, e.g. `["app:v2": .crashLoop]`.
    ///   - hook: asked first, per container; `nil` falls through to the table.
    public init(store: ObjectStore, defaultBehaviour: PodBehaviour = .ready(after: 0),
                behaviours: [String: PodBehaviour] = [:], nodeName: String = "kubesim-node",
                hostIP: String = "172.18.0.2", hook: BehaviourHook? = nil) {
        self.store = store
        self.nodeName = nodeName
        self.hostIP = hostIP
        self.hook = hook
        self.state = Mutex(State(behaviours: behaviours, defaultBehaviour: defaultBehaviour))
    }

    /// Sets (or with `nil` clears) the behaviour of an image; applies from the next reconcile.
    public func setBehaviour(_ behaviour: PodBehaviour?, forImage image: String) {
        state.withLock {
            $0.behaviours[image] = behaviour
            $0.behaviourChanges += 1
        }
    }

    public func setDefaultBehaviour(_ behaviour: PodBehaviour) {
        state.withLock {
            $0.defaultBehaviour = behaviour
            $0.behaviourChanges += 1
        }
    }

    /// Counts the behaviour changes made so far, so a caller can tell that pods need a new
    /// pass although the store has not changed.
    public var behaviourChanges: Int { state.withLock { $0.behaviourChanges } }

    public func behaviour(forImage image: String, pod: JSONValue = [:]) -> PodBehaviour {
        if let hook, let answer = hook(image, pod) { return answer }
        return state.withLock { $0.behaviours[image] ?? $0.defaultBehaviour }
    }

    /// Restarts of a crash-looping container `elapsed` seconds after its first start, and
    /// the back-off it is waiting out.
    static func crashLoop(elapsed: TimeInterval) -> (restarts: Int64, backoff: Int64) {
        var restarts: Int64 = 0
        var spent: TimeInterval = 0
        while true {
            let backoff = min(Int64(10) << min(restarts, 10), 300)
            if spent + Double(backoff) > elapsed { return (restarts, backoff) }
            spent += Double(backoff)
            restarts += 1
        }
    }

    /// Seconds from a crash-looping container's first start to its `restarts`-th restart.
    static func crashLoopElapsed(restarts: Int64) -> TimeInterval {
        (0..<max(0, restarts)).reduce(0) { $0 + Double(min(Int64(10) << min($1, 10), 300)) }
    }

    /// Brings every pod's status up to date at `now`. Returns the earliest later time at
    /// which some pod's status changes by itself (a readiness delay ends, a crash-looping
    /// container restarts), or nil when none will.
    @discardableResult
    public func reconcile(now: Date) throws(APIError) -> Date? {
        let pods = try store.list(.pods).items
        let liveUIDs = Set(pods.compactMap(\.uid))
        state.withLock { state in state.firstSeen = state.firstSeen.filter { liveUIDs.contains($0.key) } }
        var nextChange: Date?
        for pod in pods {
            guard !pod.isBeingDeleted else { continue }
            let phase = pod["status"]?["phase"]?.stringValue
            if phase == "Succeeded" || phase == "Failed" { continue }
            let evaluation = evaluate(pod, now: now)
            if let change = evaluation.nextChange { nextChange = min(nextChange ?? change, change) }
            guard evaluation.status != pod["status"] else { continue }
            let status = evaluation.status
            var updated = pod
            updated["status"] = status
            try Workload.tolerating { () throws(APIError) in
                _ = try store.updateStatus(.pods, namespace: pod.objectNamespace, updated)
            }
        }
        return nextChange
    }

    private func allocateIP() -> String {
        state.withLock { state in
            let n = state.nextIP
            state.nextIP += 1
            return "10.244.\((n / 254) % 256).\(n % 254 + 1)"
        }
    }

    /// The pod's status at `now`, and when it next changes by itself.
    private func evaluate(_ pod: JSONValue, now: Date) -> (status: JSONValue, nextChange: Date?) {
        let started: Date = Workload.creationTime(pod) ?? state.withLock { state in
            if let uid = pod.uid {
                if let seen = state.firstSeen[uid] { return seen }
                state.firstSeen[uid] = now
            }
            return now
        }
        let elapsed = max(0, now.timeIntervalSince(started))
        let previous = pod["status"] ?? [:]
        let podIP = previous["podIP"]?.stringValue ?? allocateIP()
        let startedAt = JSONValue.string(rfc3339(started))

        var containerStatuses: [JSONValue] = []
        var nextChange: Date?
        func changes(at date: Date) { if date > now { nextChange = min(nextChange ?? date, date) } }
        var allReady = true
        var readyAt = started
        let containers = pod["spec"]?["containers"]?.arrayValue ?? []
        for container in containers {
            let name = container["name"]?.stringValue ?? ""
            let image = container["image"]?.stringValue ?? ""
            var status: [String: JSONValue] = [
                "name": .string(name), "image": .string(image), "imageID": .string("docker.io/library/\(image)"),
                "containerID": .string("containerd://\(pod.uid ?? pod.objectName)-\(name)"),
            ]
            switch behaviour(forImage: image, pod: pod) {
            case .ready(let delay):
                let ready = elapsed >= delay
                readyAt = max(readyAt, started.addingTimeInterval(delay))
                if !ready { changes(at: started.addingTimeInterval(delay)) }
                allReady = allReady && ready
                status["ready"] = .bool(ready)
                status["started"] = true
                status["restartCount"] = 0
                status["state"] = ["running": ["startedAt": startedAt]]
            case .neverReady:
                allReady = false
                status["ready"] = false
                status["started"] = true
                status["restartCount"] = 0
                status["state"] = ["running": ["startedAt": startedAt]]
            case .crashLoop:
                allReady = false
                let (restarts, backoff) = Self.crashLoop(elapsed: elapsed)
                changes(at: started.addingTimeInterval(Self.crashLoopElapsed(restarts: restarts + 1)))
                status["ready"] = false
                status["started"] = false
                status["restartCount"] = .integer(restarts)
                status["state"] = ["waiting": [
                    "reason": "CrashLoopBackOff",
                    "message": .string("back-off \(backoff)s restarting failed container=\(name) pod=\(pod.objectName)_\(pod.objectNamespace)(\(pod.uid ?? ""))"),
                ]]
                status["lastState"] = ["terminated": [
                    "exitCode": 1, "reason": "Error", "startedAt": startedAt, "finishedAt": startedAt,
                ]]
            }
            containerStatuses.append(.object(status))
        }

        let previousConditions = previous["conditions"]?.arrayValue ?? []
        let transition = allReady ? readyAt : started
        var conditions: [JSONValue] = []
        Workload.setCondition(&conditions, previous: previousConditions, type: "PodReadyToStartContainers", status: true, now: started)
        Workload.setCondition(&conditions, previous: previousConditions, type: "Initialized", status: true, now: started)
        Workload.setCondition(&conditions, previous: previousConditions, type: "Ready", status: allReady, now: transition,
                              reason: allReady ? nil : "ContainersNotReady",
                              message: allReady ? nil : "containers with unready status: [\(notReadyNames(containerStatuses))]")
        Workload.setCondition(&conditions, previous: previousConditions, type: "ContainersReady", status: allReady, now: transition,
                              reason: allReady ? nil : "ContainersNotReady",
                              message: allReady ? nil : "containers with unready status: [\(notReadyNames(containerStatuses))]")
        Workload.setCondition(&conditions, previous: previousConditions, type: "PodScheduled", status: true, now: started)

        let status: JSONValue = [
            "phase": "Running",
            "hostIP": .string(hostIP),
            "hostIPs": [["ip": .string(hostIP)]],
            "podIP": .string(podIP),
            "podIPs": [["ip": .string(podIP)]],
            "startTime": startedAt,
            "qosClass": "BestEffort",
            "conditions": .array(conditions),
            "containerStatuses": .array(containerStatuses),
        ]
        return (status, nextChange)
    }

    private func notReadyNames(_ statuses: [JSONValue]) -> String {
        statuses.filter { $0["ready"] != .bool(true) }.compactMap { $0["name"]?.stringValue }.joined(separator: " ")
    }
}
