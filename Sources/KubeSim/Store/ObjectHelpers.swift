import Foundation
import KubeClient

extension JSONValue {
    func metadataString(_ key: String) -> String? { self["metadata"]?[key]?.stringValue }

    /// Sets (or with `nil` removes) `metadata.<key>`, creating `metadata` if needed.
    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        guard case .object(var members) = self else { return }
        var meta = members["metadata"]?.objectValue ?? [:]
        meta[key] = value
        members["metadata"] = .object(meta)
        self = .object(members)
    }

    var objectName: String { metadataString("name") ?? "" }
    var objectNamespace: String { metadataString("namespace") ?? "" }
    var uid: String? { metadataString("uid").flatMap { $0.isEmpty ? nil : $0 } }
    var isBeingDeleted: Bool { self["metadata"]?["deletionTimestamp"].map { $0 != .null } ?? false }

    var finalizers: [String] { (self["metadata"]?["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue) }

    mutating func setFinalizers(_ finalizers: [String]) {
        setMetadata("finalizers", finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) }))
    }

    var ownerReferences: [JSONValue] { self["metadata"]?["ownerReferences"]?.arrayValue ?? [] }

    mutating func setOwnerReferences(_ references: [JSONValue]) {
        setMetadata("ownerReferences", references.isEmpty ? nil : .array(references))
    }

    /// The object without `metadata` (and without `status` when `dropStatus`): what a
    /// generation bump compares.
    func specContent(dropStatus: Bool) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members["metadata"] = nil
        if dropStatus { members["status"] = nil }
        return .object(members)
    }
}

/// RFC 3339 with second precision in UTC, as kube writes timestamps.
func rfc3339(_ date: Date) -> String { KubeTime.format(date) }

/// A list continuation: the snapshot version and the last key returned.
struct ContinueToken: Hashable {
    var resourceVersion: Int64
    var start: ObjectKey

    func encode() -> String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .integer(resourceVersion), "start": .string(start.tokenString)]
        let bytes = (try? KubeJSON.encode(json)) ?? []
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) throws(APIError) -> ContinueToken {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let json = try? KubeJSON.decode(JSONValue.self, from: Array(data)) else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: illegal base64 data")
        }
        guard json["v"]?.stringValue == "meta.k8s.io/v1" else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        guard let rv = json["rv"]?.integerValue, rv > 0,
              let start = json["start"]?.stringValue else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        let parts = start.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: \(start)")
        }
        return ContinueToken(resourceVersion: rv, start: ObjectKey(namespace: String(parts[0]), name: String(parts[1])))
    }
}
