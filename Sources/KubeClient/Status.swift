/// The API server's `Status` object: the body of every error response, and of some
/// successful deletes.
public struct Status: Codable, Sendable, Hashable, CustomStringConvertible {
    public var kind: String?
    public var apiVersion: String?
    public var metadata: ListMeta?
    /// `Success` or `Failure`.
    public var status: String?
    public var message: String?
    /// Machine-readable cause: `NotFound`, `AlreadyExists`, `Conflict`, `Expired`, `Gone`,
    /// `TooManyRequests`, `Unauthorized`, `Forbidden`, `Invalid`, ...
    public var reason: String?
    public var details: Details?
    /// The HTTP status code.
    public var code: Int?

    /// Which object the status is about, and the individual causes.
    public struct Details: Codable, Sendable, Hashable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause]? = nil, retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One cause of a failure, often naming the offending field.
    public struct Cause: Codable, Sendable, Hashable {
        public var reason: String?
        public var message: String?
        public var field: String?

        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public init(code: Int?, reason: String?, message: String?, details: Details? = nil, status: String? = "Failure") {
        self.kind = "Status"
        self.apiVersion = "v1"
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.status = status
    }

    public var description: String {
        var text = message ?? reason ?? "unknown error"
        if let reason, message != nil { text += " (\(reason)" + (code.map { ", \($0))" } ?? ")") }
        else if let code { text += " (\(code))" }
        return text
    }

    /// Decodes a `Status` from an error body; a body that is not one (an HTML page from a
    /// proxy, say) becomes a Status built from the HTTP code and the start of the body.
    public static func fromErrorBody(_ body: [UInt8], httpStatus: Int) -> Status {
        if let decoded = try? KubeJSON.decode(Status.self, from: body), decoded.kind == "Status" || decoded.reason != nil {
            var status = decoded
            if status.code == nil || status.code == 0 { status.code = httpStatus }
            return status
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Status(code: httpStatus, reason: reasonPhrase(forHTTPStatus: httpStatus),
                      message: text.isEmpty ? "the server responded with HTTP \(httpStatus)" : text)
    }

    /// The reason kube-apiserver uses for a bare HTTP status.
    static func reasonPhrase(forHTTPStatus code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Gone"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}

import Foundation
