import KubeClient

/// How fresh a GET or LIST must be, from its `resourceVersion` and `resourceVersionMatch`
/// (kube's "Resource versions" semantics). KubeSim's single store is its own cache, so
/// "most recent" and "any" read the same live state.
public enum ReadVersion: Sendable, Hashable {
    /// No `resourceVersion`: a consistent read of the newest state.
    case mostRecent
    /// `resourceVersion=0`: any state (served from the cache).
    case any
    /// The newest state, which must be at least this version (504 otherwise).
    case notOlderThan(Int64)
    /// Exactly the state at this version (LIST only): 410 when it has left the history,
    /// 504 when it is newer than the store.
    case exact(Int64)

    static let matchValues = ["Exact", "NotOlderThan"]

    /// Parses a LIST's (or, with `match` nil, a GET's) options; rejects kube's forbidden
    /// combinations with a 422 `ListOptions` error.
    public static func parse(resourceVersion: String?, match: String?, hasContinue: Bool = false,
                             isWatch: Bool = false) throws(APIError) -> ReadVersion {
        let version = resourceVersion ?? ""
        let match = match ?? ""
        if !match.isEmpty {
            var errors: [FieldError] = []
            if isWatch { errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch")) }
            if version.isEmpty {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            }
            if hasContinue {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            }
            if !matchValues.contains(match) {
                errors.append(FieldError(.notSupported, field: "resourceVersionMatch", value: goQuoted(match),
                                         detail: "supported values: \"Exact\", \"NotOlderThan\", \"\""))
            }
            if match == "Exact", version == "0" {
                errors.append(.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
            }
            if !errors.isEmpty { throw APIError.invalidOptions("ListOptions", errors) }
        }
        if version.isEmpty { return .mostRecent }
        if hasContinue, version != "0" {
            throw APIError.badRequest("specifying resource version is not allowed when using continue")
        }
        if version == "0" { return .any }
        guard let parsed = Int64(version), parsed > 0 else {
            throw APIError.badRequest("invalid resource version: \(goQuoted(version))")
        }
        return match == "Exact" ? .exact(parsed) : .notOlderThan(parsed)
    }
}

extension StoreState {
    /// The past version a read must be served at (nil: the live state), or the error kube
    /// gives for a version out of reach.
    func snapshotVersion(for read: ReadVersion) throws(APIError) -> Int64? {
        switch read {
        case .mostRecent, .any:
            return nil
        case .notOlderThan(let version):
            if version > resourceVersion { throw APIError.tooLargeResourceVersion(version, current: resourceVersion) }
            return nil
        case .exact(let version):
            if version > resourceVersion { throw APIError.tooLargeResourceVersion(version, current: resourceVersion) }
            if version < compactedThrough { throw APIError.listVersionExpired() }
            return version == resourceVersion ? nil : version
        }
    }
}
