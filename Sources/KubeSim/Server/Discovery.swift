import KubeClient

/// Discovery (`/apis`, `/apis/<group>`, `/api/v1`, `/apis/<group>/<version>`) from the
/// store's definitions, built-in and CRD-defined alike.
extension APIHandler {
    /// Every named group with its served versions, preferred (kube's version priority) first.
    func apiGroups() -> [JSONValue] {
        var versions: [String: [String]] = [:]
        for definition in store.definitions where !definition.type.group.isEmpty {
            let group = definition.type.group
            for version in definition.servedVersions where !(versions[group] ?? []).contains(version) {
                versions[group, default: []].append(version)
            }
        }
        return versions.keys.sorted().map { group in
            let entries: [JSONValue] = versions[group]!.sorted(by: KubeVersionOrder.isHigherPriority).map { version in
                ["groupVersion": .string("\(group)/\(version)"), "version": .string(version)]
            }
            return ["name": .string(group), "versions": .array(entries), "preferredVersion": entries[0]]
        }
    }

    func resourceList(group: String, version: String) throws(APIError) -> JSONValue {
        let definitions = store.definitions.filter { $0.type.group == group && $0.serves(version) }
        guard !definitions.isEmpty else { throw APIError.resourceNotFound() }
        var resources: [JSONValue] = []
        for definition in definitions {
            let type = definition.type
            var main: JSONValue = [
                "name": .string(type.plural),
                "singularName": .string(definition.singular),
                "namespaced": .bool(type.namespaced),
                "kind": .string(type.kind),
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
            ]
            if !definition.shortNames.isEmpty { main["shortNames"] = .array(definition.shortNames.map { .string($0) }) }
            if !definition.categories.isEmpty { main["categories"] = .array(definition.categories.map { .string($0) }) }
            resources.append(main)
            if definition.hasStatus {
                resources.append([
                    "name": .string(type.plural + "/status"), "singularName": "",
                    "namespaced": .bool(type.namespaced), "kind": .string(type.kind),
                    "verbs": ["get", "patch", "update"],
                ])
            }
            if definition.scale != nil {
                resources.append([
                    "name": .string(type.plural + "/scale"), "singularName": "",
                    "namespaced": .bool(type.namespaced), "group": "autoscaling", "version": "v1", "kind": "Scale",
                    "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
            "resources": .array(resources),
        ]
    }
}
