import KubeClient

/// An `apiextensions.k8s.io/v1` CustomResourceDefinition as KubeSim reads it: kube's
/// defaults, its static validation (names, group, scope, versions; schemas must be present
/// but are not enforced on custom objects) and the ``ResourceDefinition`` that makes the
/// custom resource servable. Pure: no store access.
struct CustomResourceDefinitionSpec: Sendable, Hashable {
    struct Version: Sendable, Hashable {
        var name: String
        var served: Bool
        var storage: Bool
        var hasStatus: Bool
        var scale: ScaleSubresource?
        var hasSchema: Bool
    }

    /// `spec.names` (and the shape of `status.acceptedNames`).
    struct Names: Sendable, Hashable {
        var plural: String
        var singular: String
        var kind: String
        var listKind: String
        var shortNames: [String]
        var categories: [String]

        init(_ names: JSONValue?) {
            plural = names?["plural"]?.stringValue ?? ""
            singular = names?["singular"]?.stringValue ?? ""
            kind = names?["kind"]?.stringValue ?? ""
            listKind = names?["listKind"]?.stringValue ?? ""
            shortNames = (names?["shortNames"]?.arrayValue ?? []).compactMap(\.stringValue)
            categories = (names?["categories"]?.arrayValue ?? []).compactMap(\.stringValue)
        }

        var json: JSONValue {
            var members: [String: JSONValue] = [
                "plural": .string(plural), "singular": .string(singular), "kind": .string(kind),
                "listKind": .string(listKind),
            ]
            if !shortNames.isEmpty { members["shortNames"] = .array(shortNames.map { .string($0) }) }
            if !categories.isEmpty { members["categories"] = .array(categories.map { .string($0) }) }
            return .object(members)
        }
    }

    static let resource = ResourceType.customResourceDefinitions.groupResource
    static let scopes = ["Cluster", "Namespaced"]

    var name: String
    var group: String
    var names: Names
    var scope: String
    var versions: [Version]

    init(_ crd: JSONValue) {
        let spec = crd["spec"]
        name = crd.objectName
        group = spec?["group"]?.stringValue ?? ""
        names = Names(spec?["names"])
        scope = spec?["scope"]?.stringValue ?? ""
        versions = (spec?["versions"]?.arrayValue ?? []).map { (version: JSONValue) -> Version in
            let subresources = version["subresources"]
            var scale: ScaleSubresource?
            if let scaleSpec = subresources?["scale"], case .object = scaleSpec {
                scale = ScaleSubresource(
                    specReplicasPath: scaleSpec["specReplicasPath"]?.stringValue ?? ".spec.replicas",
                    statusReplicasPath: scaleSpec["statusReplicasPath"]?.stringValue ?? ".status.replicas",
                    labelSelectorPath: scaleSpec["labelSelectorPath"]?.stringValue)
            }
            var hasStatus = false
            if let status = subresources?["status"], status != .null { hasStatus = true }
            var hasSchema = false
            if let schema = version["schema"]?["openAPIV3Schema"], case .object = schema { hasSchema = true }
            return Version(name: version["name"]?.stringValue ?? "", served: version["served"] == .bool(true),
                           storage: version["storage"] == .bool(true), hasStatus: hasStatus, scale: scale,
                           hasSchema: hasSchema)
        }
    }

    var storageVersion: Version? { versions.first { $0.storage } }
    var servedVersions: [String] { versions.filter(\.served).map(\.name) }

    /// kube's v1 defaulting: `names.singular` (lower-case kind), `names.listKind`
    /// (`<Kind>List`), `conversion.strategy: None`.
    static func applyDefaults(_ crd: inout JSONValue) {
        guard case .object(var members) = crd, case .object(var spec)? = members["spec"] else { return }
        var names = spec["names"]?.objectValue ?? [:]
        let kind = names["kind"]?.stringValue ?? ""
        if (names["singular"]?.stringValue ?? "").isEmpty, !kind.isEmpty { names["singular"] = .string(kind.lowercased()) }
        if (names["listKind"]?.stringValue ?? "").isEmpty, !kind.isEmpty { names["listKind"] = .string(kind + "List") }
        if spec["names"] != nil || !names.isEmpty { spec["names"] = .object(names) }
        if spec["conversion"] == nil || spec["conversion"] == .null { spec["conversion"] = ["strategy": "None"] }
        members["spec"] = .object(spec)
        crd = .object(members)
    }

    // MARK: Validation

    /// kube's `ValidateCustomResourceDefinition` (schema contents are not checked).
    func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if !name.isEmpty, name != names.plural + "." + group {
            errors.append(.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"))
        }
        if group.isEmpty {
            errors.append(.required("spec.group"))
        } else if let problem = Validation.dns1123Subdomain(group).first {
            errors.append(.invalid("spec.group", group, problem))
        } else if !group.contains(".") {
            errors.append(.invalid("spec.group", group, "should be a domain with at least one dot"))
        }
        switch scope {
        case "": errors.append(.required("spec.scope"))
        case _ where Self.scopes.contains(scope): break
        default:
            errors.append(FieldError(.notSupported, field: "spec.scope", value: goQuoted(scope),
                                     detail: "supported values: " + Self.scopes.map(goQuoted).joined(separator: ", ")))
        }
        errors += validateVersions()
        for (field, value) in [("plural", names.plural), ("singular", names.singular), ("kind", names.kind),
                               ("listKind", names.listKind)] where value.isEmpty {
            errors.append(.required("spec.names.\(field)"))
        }
        errors += Self.validate(names, field: "spec.names")
        return errors
    }

    private func validateVersions() -> [FieldError] {
        var errors: [FieldError] = []
        let listing = "[]string{" + versions.map { goQuoted($0.name) }.joined(separator: ", ") + "}"
        if versions.isEmpty {
            errors.append(.required("spec.versions", "must have exactly one version marked as storage version"))
            return errors
        }
        var seen = Set<String>()
        var unique = true
        for (index, version) in versions.enumerated() {
            if !seen.insert(version.name).inserted { unique = false }
            if let problem = Validation.dns1035Label(version.name).first {
                errors.append(.invalid("spec.versions[\(index)].name", version.name, problem))
            }
            if !version.hasSchema {
                errors.append(.required("spec.versions[\(index)].schema.openAPIV3Schema", "schemas are required"))
            }
        }
        if !unique {
            errors.append(FieldError(.invalid, field: "spec.versions", value: listing, detail: "must contain unique version names"))
        }
        if versions.filter(\.storage).count != 1 {
            errors.append(FieldError(.invalid, field: "spec.versions", value: listing,
                                     detail: "must have exactly one version marked as storage version"))
        }
        return errors
    }

    /// `ValidateCustomResourceDefinitionNames`: each name a DNS-1035 label (kinds may mix case).
    static func validate(_ names: Names, field: String) -> [FieldError] {
        var errors: [FieldError] = []
        for (key, value) in [("plural", names.plural), ("singular", names.singular)] where !value.isEmpty {
            if let problem = Validation.dns1035Label(value).first { errors.append(.invalid("\(field).\(key)", value, problem)) }
        }
        for (key, value) in [("kind", names.kind), ("listKind", names.listKind)] where !value.isEmpty {
            if let problem = Validation.dns1035Label(value.lowercased()).first {
                errors.append(.invalid("\(field).\(key)", value, "may have mixed case, but should otherwise match: " + problem))
            }
        }
        for (index, shortName) in names.shortNames.enumerated() {
            if let problem = Validation.dns1035Label(shortName).first {
                errors.append(.invalid("\(field).shortNames[\(index)]", shortName, problem))
            }
        }
        if !names.kind.isEmpty, names.kind == names.listKind {
            errors.append(.invalid("\(field).listKind", names.listKind, "kind and listKind may not be the same"))
        }
        for (index, category) in names.categories.enumerated() {
            if let problem = Validation.dns1035Label(category).first {
                errors.append(.invalid("\(field).categories[\(index)]", category, problem))
            }
        }
        return errors
    }

    /// `ValidateCustomResourceDefinitionSpecUpdate`: group and plural never change; scope
    /// and kind not once established.
    func validateUpdate(from old: CustomResourceDefinitionSpec, established: Bool) -> [FieldError] {
        var errors = validate()
        func immutable(_ field: String, _ new: String, _ previous: String) {
            if new != previous { errors.append(.invalid(field, new, "field is immutable")) }
        }
        if established {
            immutable("spec.scope", scope, old.scope)
            immutable("spec.names.kind", names.kind, old.names.kind)
        }
        immutable("spec.group", group, old.group)
        immutable("spec.names.plural", names.plural, old.names.plural)
        return errors
    }

    // MARK: Serving

    /// The definition serving this CRD's custom resources; nil when no version is served.
    /// Subresources are the storage version's.
    func resourceDefinition() -> ResourceDefinition? {
        guard let storage = storageVersion, !servedVersions.isEmpty else { return nil }
        let type = ResourceType(group: group, version: storage.name, plural: names.plural, kind: names.kind,
                                namespaced: scope == "Namespaced")
        var definition = ResourceDefinition(
            type, hasStatus: storage.hasStatus, scale: storage.scale, tracksGeneration: true,
            allowUnconditionalUpdate: false, allowCreateOnUpdate: false, nameRule: .dns1123Subdomain,
            servedVersions: servedVersions, singular: names.singular, listKind: names.listKind,
            shortNames: names.shortNames, categories: names.categories, supportsStrategicMerge: false,
            origin: .customResourceDefinition(name))
        definition.servedVersions = servedVersions
        return definition
    }
}
