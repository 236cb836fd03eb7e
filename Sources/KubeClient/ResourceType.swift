/// A kind of resource as the REST API addresses it: group, version, plural name, and
/// whether objects live in a namespace.
///
/// ```swift
/// let httpRoutes = ResourceType(group: "gateway.networking.k8s.io", version: "v1",
///                               plural: "httproutes", kind: "HTTPRoute")
/// ```
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group (`v1` Pods, Services, ConfigMaps ...).
    public var group: String
    public var version: String
    /// The lower-case plural used in URLs, e.g. `replicasets`.
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool = true) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `v1` for the core group, `group/version` otherwise.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `plural.group` as kubectl prints it, e.g. `replicasets.apps`.
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// `/api/v1` or `/apis/group/version`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The URL path of a collection or of one object (and optionally its subresource).
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/\(namespace.percentEncodedPathSegment)" }
        path += "/\(plural)"
        if let name { path += "/\(name.percentEncodedPathSegment)" }
        if let subresource { path += "/\(subresource)" }
        return path
    }
}

extension ResourceType {
    public static let namespaces = ResourceType(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let configMaps = ResourceType(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap")
    public static let secrets = ResourceType(group: "", version: "v1", plural: "secrets", kind: "Secret")
    public static let services = ResourceType(group: "", version: "v1", plural: "services", kind: "Service")
    public static let pods = ResourceType(group: "", version: "v1", plural: "pods", kind: "Pod")
    public static let events = ResourceType(group: "", version: "v1", plural: "events", kind: "Event")
    public static let deployments = ResourceType(group: "apps", version: "v1", plural: "deployments", kind: "Deployment")
    public static let replicaSets = ResourceType(group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet")
    public static let leases = ResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease")
    public static let customResourceDefinitions = ResourceType(
        group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions",
        kind: "CustomResourceDefinition", namespaced: false)
}

extension String {
    /// Escapes what may not appear raw in one URL path segment.
    var percentEncodedPathSegment: String {
        addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? self
    }

    /// Escapes a query value (also `&`, `=`, `+`, which `.urlQueryAllowed` lets through).
    var percentEncodedQueryValue: String {
        addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? self
    }
}

import Foundation

extension CharacterSet {
    static let urlPathSegmentAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/;")
        return set
    }()

    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+;")
        return set
    }()
}
