import KubeClient

/// A resource as kube-apiserver names it in errors: `configmaps`, `deployments.apps`.
/// Also the store's key for a kind of object (versions share one store).
public struct GroupResource: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var resource: String

    public init(group: String, resource: String) {
        self.group = group
        self.resource = resource
    }

    public var description: String { group.isEmpty ? resource : "\(resource).\(group)" }

    public static func < (lhs: GroupResource, rhs: GroupResource) -> Bool {
        (lhs.group, lhs.resource) < (rhs.group, rhs.resource)
    }
}

/// A kind qualified by its group, as `Invalid` errors name it: `ConfigMap`, `Deployment.apps`.
public struct GroupKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
}

extension ResourceType {
    public var groupResource: GroupResource { GroupResource(group: group, resource: plural) }
    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }
}

/// One field validation failure, worded like apimachinery's `field.Error`.
public struct FieldError: Sendable, Hashable, CustomStringConvertible {
    public enum ErrorType: String, Sendable, Hashable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case forbidden = "FieldValueForbidden"
        case duplicate = "FieldValueDuplicate"
        case notSupported = "FieldValueNotSupported"
        case tooLong = "FieldValueTooLong"

        var text: String {
            switch self {
            case .required: "Required value"
            case .invalid: "Invalid value"
            case .forbidden: "Forbidden"
            case .duplicate: "Duplicate value"
            case .notSupported: "Unsupported value"
            case .tooLong: "Too long"
            }
        }
    }

    public var type: ErrorType
    /// The field path, e.g. `metadata.name`.
    public var field: String
    /// The offending value as Go's `%#v` prints it (strings quoted); only for value errors.
    public var value: String?
    public var detail: String

    public init(_ type: ErrorType, field: String, value: String? = nil, detail: String = "") {
        self.type = type
        self.field = field
        self.value = value
        self.detail = detail
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(.required, field: field, detail: detail)
    }

    /// An invalid string value (quoted in the message).
    public static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field: field, value: goQuoted(value), detail: detail)
    }

    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(.forbidden, field: field, detail: detail)
    }

    /// `Invalid value: "x": detail` — the cause message (no field).
    public var body: String {
        var text = type.text
        switch type {
        case .invalid, .duplicate, .notSupported:
            text += ": " + (value ?? "null")
        default:
            break
        }
        if !detail.isEmpty { text += ": " + detail }
        return text
    }

    public var description: String { "\(field): \(body)" }

    public var cause: Status.Cause { Status.Cause(reason: type.rawValue, message: body, field: field) }
}

func goQuoted(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// An error as kube-apiserver reports it: a `Status` with its code, reason, message and details.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Status

    public init(_ status: Status) { self.status = status }

    public init(code: Int, reason: String, message: String, details: Status.Details? = nil) {
        self.status = Status(code: code, reason: reason, message: message, details: details)
    }

    public var code: Int { status.code ?? 500 }
    public var reason: String { status.reason ?? "" }
    public var message: String { status.message ?? "" }
    public var description: String { status.description }

    static func details(_ resource: GroupResource, _ name: String) -> Status.Details {
        Status.Details(name: name, group: resource.group, kind: resource.resource)
    }

    /// 404 `configmaps "x" not found`.
    public static func notFound(_ resource: GroupResource, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource) \(goQuoted(name)) not found",
                 details: details(resource, name))
    }

    /// 404 for an unknown resource or subresource.
    public static func resourceNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    /// 409 `configmaps "x" already exists`.
    public static func alreadyExists(_ resource: GroupResource, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource) \(goQuoted(name)) already exists",
                 details: details(resource, name))
    }

    public static let objectModifiedMessage =
        "the object has been modified; please apply your changes to the latest version and try again"

    /// 409 `Operation cannot be fulfilled on configmaps "x": <message>`.
    public static func conflict(_ resource: GroupResource, name: String, message: String = objectModifiedMessage) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource) \(goQuoted(name)): \(message)",
                 details: details(resource, name))
    }

    /// 422 `ConfigMap "x" is invalid: metadata.name: Invalid value: ...`, one cause per error.
    public static func invalid(_ kind: GroupKind, name: String, errors: [FieldError]) -> APIError {
        let aggregate = errors.count == 1 ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
        var details = Status.Details(name: name, group: kind.group, kind: kind.kind, causes: errors.map(\.cause))
        if errors.isEmpty { details.causes = nil }
        return APIError(code: 422, reason: "Invalid", message: "\(kind) \(goQuoted(name)) is invalid: \(aggregate)",
                        details: details)
    }

    /// 400 with `message`.
    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 410 reason `Expired` (what kube returns for compacted versions and continue tokens).
    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    /// 410 reason `Gone`.
    public static func gone(_ message: String) -> APIError {
        APIError(code: 410, reason: "Gone", message: message)
    }

    /// 410 `too old resource version: N (M)`, M the newest version no longer in the window.
    public static func tooOldResourceVersion(_ requested: Int64, oldestAvailable: Int64) -> APIError {
        expired("too old resource version: \(requested) (\(oldestAvailable))")
    }

    public static let continueExpiredMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

    /// 405 `<action> is not supported on resources of kind "configmaps"`.
    public static func methodNotAllowed(_ resource: GroupResource, action: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed",
                 message: "\(action) is not supported on resources of kind \(goQuoted(resource.description))",
                 details: Status.Details(group: resource.group, kind: resource.resource))
    }

    /// 415 for a body in a format the endpoint does not accept.
    public static func unsupportedMediaType(
        _ contentType: String,
        accepted: [String] = ["application/json", "application/yaml"]
    ) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                    + accepted.joined(separator: ", "),
                 details: Status.Details(causes: [Status.Cause(reason: "UnexpectedServerResponse", message: contentType)]))
    }

    /// 500 `Internal error occurred: <message>`.
    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
                 details: Status.Details(causes: [Status.Cause(message: message)]))
    }
}
