/// Options of a list call.
public struct ListOptions: Sendable, Hashable {
    /// e.g. `app=web,tier!=cache` or `environment in (prod, staging)`.
    public var labelSelector: String?
    /// e.g. `metadata.name=web`.
    public var fieldSelector: String?
    /// Page size; `nil` for the whole list at once.
    public var limit: Int?
    /// The token from the previous page's `metadata.continue`.
    public var continueToken: String?
    /// `""` (most recent), `"0"` (any, from cache) or a specific version.
    public var resourceVersion: String?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        return items
    }
}

/// Options of a watch call.
public struct WatchOptions: Sendable, Hashable {
    /// Start after this version (from a previous list or event); `nil` starts from now
    /// with synthetic ADDED events for what exists.
    public var resourceVersion: String?
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Ask for BOOKMARK events, which carry progress without an object change.
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this long; the caller then watches again from the
    /// last version it saw.
    public var timeoutSeconds: Int
    /// Abort when not a byte arrives for this long (a dead or stalled connection); `nil`
    /// waits until ``timeoutSeconds`` (plus a grace period) is up.
    public var stallTimeout: Duration?

    public init(resourceVersion: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
                allowWatchBookmarks: Bool = true, timeoutSeconds: Int = 300, stallTimeout: Duration? = .seconds(90)) {
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
        self.stallTimeout = stallTimeout
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "1")]
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        items.append(("timeoutSeconds", String(timeoutSeconds)))
        return items
    }
}

/// How dependents of a deleted object are handled.
public enum PropagationPolicy: String, Sendable, Hashable, Codable {
    /// Dependents are deleted after the owner, in the background.
    case background = "Background"
    /// The owner stays (with a finalizer) until its dependents are gone.
    case foreground = "Foreground"
    /// Dependents are left, their owner references removed.
    case orphan = "Orphan"
}

/// Options of a delete call.
public struct DeleteOptions: Sendable, Hashable, Encodable {
    public var kind = "DeleteOptions"
    public var apiVersion = "v1"
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int64?
    /// Delete only if the object still has this uid / resourceVersion.
    public var preconditions: Preconditions?

    /// Guards against deleting a newer object of the same name.
    public struct Preconditions: Sendable, Hashable, Encodable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public init(propagationPolicy: PropagationPolicy? = nil, gracePeriodSeconds: Int64? = nil, preconditions: Preconditions? = nil) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
    }
}
