import Foundation
import KubeClient

/// Label kube's Deployment controller puts on ReplicaSets and their pods.
public let podTemplateHashLabel = "pod-template-hash"
/// Label Argo-Rollouts-style controllers put on ReplicaSets and their pods.
public let rolloutsPodTemplateHashLabel = "rollouts-pod-template-hash"

/// Shared JSON plumbing of the simulated workload controllers.
enum Workload {
    /// Runs one per-object write; a 404 or 409 (the object changed or vanished under us)
    /// is left for the next reconcile, like kube's controllers requeue.
    static func tolerating(_ body: () throws(APIError) -> Void) throws(APIError) {
        do throws(APIError) {
            try body()
        } catch {
            if error.code == 404 || error.code == 409 { return }
            throw error
        }
    }

    /// Parses kube's RFC 3339 timestamps (`2023-11-14T22:13:20Z`, fractional seconds allowed).
    static func parseTime(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        return KubeTime.parse(text)
    }

    static func creationTime(_ object: JSONValue) -> Date? {
        parseTime(object["metadata"]?["creationTimestamp"]?.stringValue)
    }

    /// The `ownerReferences` entry with `controller: true`, if any.
    static func controllerUID(_ object: JSONValue) -> String? {
        object.ownerReferences.first { $0["controller"] == .bool(true) }?["uid"]?.stringValue
    }

    static func ownerReference(to owner: JSONValue, type: ResourceType) -> JSONValue {
        [
            "apiVersion": .string(type.apiVersion),
            "kind": .string(type.kind),
            "name": .string(owner.objectName),
            "uid": .string(owner.uid ?? ""),
            "controller": true,
            "blockOwnerDeletion": true,
        ]
    }

    static func int(_ value: JSONValue?, default fallback: Int64 = 0) -> Int64 {
        value?.integerValue ?? fallback
    }

    static func stringMap(_ value: JSONValue?) -> [String: String] {
        (value?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    static func jsonMap(_ map: [String: String]) -> JSONValue {
        .object(map.mapValues { .string($0) })
    }

    /// The pod's condition of `type`, if present.
    static func condition(_ pod: JSONValue, _ type: String) -> JSONValue? {
        (pod["status"]?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        condition(pod, "Ready")?["status"]?.stringValue == "True"
    }

    /// Ready for at least `minReadySeconds` at `now`.
    static func isAvailable(_ pod: JSONValue, minReadySeconds: Int64, now: Date) -> Bool {
        guard isReady(pod) else { return false }
        if minReadySeconds <= 0 { return true }
        guard let since = parseTime(condition(pod, "Ready")?["lastTransitionTime"]?.stringValue) else { return false }
        return now.timeIntervalSince(since) >= Double(minReadySeconds)
    }

    /// Not terminated and not being deleted: what a ReplicaSet counts.
    static func isActive(_ pod: JSONValue) -> Bool {
        let phase = pod["status"]?["phase"]?.stringValue
        return !pod.isBeingDeleted && phase != "Succeeded" && phase != "Failed"
    }

    static func restartCount(_ pod: JSONValue) -> Int64 {
        (pod["status"]?["containerStatuses"]?.arrayValue ?? []).map { int($0["restartCount"]) }.reduce(0, +)
    }

    /// A pod template without the hash labels controllers add: what "same template" compares.
    static func templateIdentity(_ template: JSONValue?) -> JSONValue {
        var template = template ?? [:]
        if var labels = template["metadata"]?["labels"]?.objectValue {
            labels[podTemplateHashLabel] = nil
            labels[rolloutsPodTemplateHashLabel] = nil
            var metadata = template["metadata"]?.objectValue ?? [:]
            metadata["labels"] = labels.isEmpty ? nil : .object(labels)
            template["metadata"] = metadata.isEmpty ? nil : .object(metadata)
        }
        if template["metadata"]?.objectValue?.isEmpty == true { template["metadata"] = nil }
        return template
    }

    /// kube's `ComputeHash`-style template hash: FNV-1a (32 bit) over the canonical JSON
    /// (sorted keys) of the template, plus the collision count, then the decimal digits
    /// mapped through kube's safe alphabet (`rand.SafeEncodeString`).
    static func templateHash(_ template: JSONValue?, collisionCount: Int64 = 0) -> String {
        let bytes = (try? KubeJSON.encode(templateIdentity(template))) ?? []
        var hash: UInt32 = 2_166_136_261
        func mix(_ byte: UInt8) {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        bytes.forEach(mix)
        if collisionCount > 0 { String(collisionCount).utf8.forEach(mix) }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).utf8.map { alphabet[Int($0) % alphabet.count] })
    }

    /// Sets a condition, keeping its `lastTransitionTime` when the status is unchanged.
    static func setCondition(_ conditions: inout [JSONValue], previous: [JSONValue], type: String, status: Bool,
                             now: Date, reason: String? = nil, message: String? = nil) {
        let value = status ? "True" : "False"
        let old = previous.first { $0["type"]?.stringValue == type }
        var condition: [String: JSONValue] = ["type": .string(type), "status": .string(value)]
        if let old, old["status"]?.stringValue == value, let time = old["lastTransitionTime"] {
            condition["lastTransitionTime"] = time
        } else {
            condition["lastTransitionTime"] = .string(rfc3339(now))
        }
        if let reason { condition["reason"] = .string(reason) }
        if let message { condition["message"] = .string(message) }
        conditions.append(.object(condition))
    }
}
