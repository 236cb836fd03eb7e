import KubeClient

/// A failure applying a patch, shaped like the `Status` kube-apiserver answers with.
///
/// The patch engines throw it; the API layer answers with ``APIError/init(_:)``, the one
/// error type the server sends. `status` is what goes on the wire. `detail` keeps the precise cause for logs and tests
/// even where kube hides it behind a generic message (failed JSON patches, see ``JSONPatch``).
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code.
    public var code: Int
    /// kube's machine-readable reason: `Invalid`, `BadRequest`, `Conflict`, ...
    public var reason: String
    public var message: String
    public var causes: [Status.Cause]
    /// The precise cause when `message` is kube's generic text; otherwise `message`.
    public var detail: String

    public init(code: Int, reason: String, message: String, causes: [Status.Cause] = [], detail: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
        self.detail = detail ?? message
    }

    /// The `Status` body kube-apiserver would send.
    public var status: Status {
        Status(code: code, reason: reason, message: message,
               details: causes.isEmpty ? nil : Status.Details(causes: causes))
    }

    public var description: String {
        detail == message ? "\(message) (\(reason), \(code))" : "\(message): \(detail) (\(reason), \(code))"
    }

    public static func badRequest(_ message: String) -> PatchError {
        PatchError(code: 400, reason: "BadRequest", message: message)
    }

    public static func invalid(_ message: String, causes: [Status.Cause] = []) -> PatchError {
        PatchError(code: 422, reason: "Invalid", message: message, causes: causes)
    }

    public static func conflict(_ message: String, causes: [Status.Cause]) -> PatchError {
        PatchError(code: 409, reason: "Conflict", message: message, causes: causes)
    }

    /// A Go error kube does not map to a Status: it answers 500 with the error's text.
    public static func internalError(_ message: String) -> PatchError {
        PatchError(code: 500, reason: "InternalError", message: message)
    }

    /// What kube answers for a strategic merge patch to a custom resource (or any patch type
    /// the resource does not accept): the store's 415, with the patch content types.
    public static func unsupportedMediaType(
        accepted: [String] = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
    ) -> PatchError {
        let status = APIError.unsupportedMediaType("application/strategic-merge-patch+json", accepted: accepted).status
        return PatchError(code: status.code ?? 415, reason: status.reason ?? "UnsupportedMediaType",
                          message: status.message ?? "", causes: status.details?.causes ?? [])
    }
}

extension APIError {
    /// The Status a failed patch answers with (its `detail` stays out of the wire body, as
    /// kube-apiserver keeps it out).
    public init(_ error: PatchError) {
        self.init(error.status)
    }
}
