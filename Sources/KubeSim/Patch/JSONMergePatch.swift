import KubeClient

/// RFC 7386 JSON merge patch (`application/merge-patch+json`).
///
/// Objects merge recursively, `null` deletes a member, arrays and scalars replace. A patch
/// that is not an object replaces the whole document.
public enum JSONMergePatch {
    /// Applies `patch` to `target` (RFC 7386 §2, `MergePatch(Target, Patch)`).
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (name, value) in patchMembers {
            if value == .null {
                result.removeValue(forKey: name)
            } else {
                result[name] = apply(value, to: result[name] ?? .null)
            }
        }
        return .object(result)
    }
}
