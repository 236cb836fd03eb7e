import KubeClient

/// CustomResourceDefinitions as the apiextensions server runs them: a CRD is validated and
/// defaulted, its names are checked against the group's other CRDs (`NamesAccepted`), it is
/// `Established` and its resource served as soon as it is stored; deleting it marks it
/// `Terminating` and the finalizer pass deletes every custom object before the CRD goes.
extension StoreState {
    static let crdResource = CustomResourceDefinitionSpec.resource
    static let crdGroupKind = ResourceType.customResourceDefinitions.groupKind
    /// Held by a CRD being deleted until its custom objects are gone.
    static let crdCleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

    /// Create and update: defaults, validation (422), computed `status`.
    func prepareCustomResourceDefinition(_ crd: inout JSONValue, existing: JSONValue?,
                                         statusOnly: Bool) throws(APIError) {
        if !statusOnly {
            CustomResourceDefinitionSpec.applyDefaults(&crd)
            let spec = CustomResourceDefinitionSpec(crd)
            let errors = if let existing {
                spec.validateUpdate(from: CustomResourceDefinitionSpec(existing), established: Self.isEstablished(existing))
            } else {
                spec.validate()
            }
            if !errors.isEmpty { throw APIError.invalid(Self.crdGroupKind, name: crd.objectName, errors: errors) }
        }
        crd["status"] = crdStatus(crd, previous: existing?["status"])
    }

    static func isEstablished(_ crd: JSONValue) -> Bool {
        condition(crd["status"], "Established")?["status"]?.stringValue == "True"
    }

    private static func condition(_ status: JSONValue?, _ type: String) -> JSONValue? {
        (status?["conditions"]?.arrayValue ?? []).first { $0["type"]?.stringValue == type }
    }

    /// Why `names` cannot be accepted (reason, message), or nil.
    private func namesConflict(_ spec: CustomResourceDefinitionSpec) -> (String, String)? {
        let resource = GroupResource(group: spec.group, resource: spec.names.plural)
        if let served = definitions[resource], served.origin == .builtIn {
            return ("PluralConflict", "\(goQuoted(spec.names.plural)) is already in use")
        }
        for (key, other) in objects[Self.crdResource] ?? [:] where key.name != spec.name {
            let otherSpec = CustomResourceDefinitionSpec(other)
            guard otherSpec.group == spec.group else { continue }
            let accepted = CustomResourceDefinitionSpec.Names(other["status"]?["acceptedNames"])
            let taken = Set([accepted.plural, accepted.singular] + accepted.shortNames).subtracting([""])
            if taken.contains(spec.names.plural) { return ("PluralConflict", "\(goQuoted(spec.names.plural)) is already in use") }
            if taken.contains(spec.names.singular) {
                return ("SingularConflict", "\(goQuoted(spec.names.singular)) is already in use")
            }
            if let shortName = spec.names.shortNames.first(where: taken.contains) {
                return ("ShortNamesConflict", "\(goQuoted(shortName)) is already in use")
            }
            if !accepted.kind.isEmpty, accepted.kind == spec.names.kind {
                return ("KindConflict", "\(goQuoted(spec.names.kind)) is already in use")
            }
            if !accepted.listKind.isEmpty, accepted.listKind == spec.names.listKind {
                return ("ListKindConflict", "\(goQuoted(spec.names.listKind)) is already in use")
            }
        }
        return nil
    }

    /// `status` as the naming, establishing and finalizing controllers leave it.
    private func crdStatus(_ crd: JSONValue, previous: JSONValue?) -> JSONValue {
        let spec = CustomResourceDefinitionSpec(crd)
        let conflict = namesConflict(spec)
        var status = previous?.objectValue ?? [:]
        let wasEstablished = Self.condition(previous, "Established")?["status"]?.stringValue == "True"
        var conditions: [(String, String, String, String)] = []  // type, status, reason, message
        if let (reason, message) = conflict {
            conditions.append(("NamesAccepted", "False", reason, message))
            if !wasEstablished { conditions.append(("Established", "False", "NotAccepted", "not all names are accepted")) }
        } else {
            status["acceptedNames"] = spec.names.json
            conditions.append(("NamesAccepted", "True", "NoConflicts", "no conflicts found"))
            conditions.append(("Established", "True", "InitialNamesAccepted", "the initial names have been accepted"))
        }
        if status["acceptedNames"] == nil { status["acceptedNames"] = ["plural": "", "kind": ""] }
        var merged = (previous?["conditions"]?.arrayValue ?? []).filter { old in
            !conditions.contains { $0.0 == old["type"]?.stringValue }
        }
        for (type, value, reason, message) in conditions {
            let old = Self.condition(previous, type)
            let time = old?["status"]?.stringValue == value ? (old?["lastTransitionTime"] ?? .null) : .null
            merged.append([
                "type": .string(type), "status": .string(value), "reason": .string(reason), "message": .string(message),
                "lastTransitionTime": time == .null ? .string(rfc3339(environment.now())) : time,
            ])
        }
        status["conditions"] = .array(merged)
        var stored = (previous?["storedVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let storage = spec.storageVersion?.name, !stored.contains(storage) { stored.append(storage) }
        status["storedVersions"] = .array(stored.map { .string($0) })
        return .object(status)
    }

    /// After a CRD write: serve, re-define or stop serving its resource. Built-in resources
    /// are never replaced; a deleted CRD's leftover objects stay stored (as in etcd).
    mutating func syncCustomResource(new: JSONValue?, previous: JSONValue?) {
        guard let crd = new ?? previous else { return }
        let spec = CustomResourceDefinitionSpec(crd)
        let resource = GroupResource(group: spec.group, resource: spec.names.plural)
        let current = definitions[resource]
        if current?.origin == .builtIn { return }
        guard let new, Self.isEstablished(new), var definition = spec.resourceDefinition() else {
            if current?.origin == .customResourceDefinition(spec.name) {
                definitions[resource] = nil
                // Like kube, open watches of a resource no longer served end.
                for (id, watcher) in watchers where watcher.filter.resource == resource {
                    watchers[id] = nil
                    finished.append(watcher.subscription)
                }
            }
            return
        }
        definition.isTerminating = new.isBeingDeleted
        definitions[resource] = definition
    }

    /// Deleting a CRD: the cleanup finalizer and the `Terminating` condition.
    func markCustomResourceDefinitionDeleted(_ crd: inout JSONValue) {
        var conditions = (crd["status"]?["conditions"]?.arrayValue ?? []).filter { $0["type"]?.stringValue != "Terminating" }
        conditions.append([
            "type": "Terminating", "status": "True", "reason": "InstanceDeletionPending",
            "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
            "lastTransitionTime": .string(rfc3339(environment.now())),
        ])
        var status = crd["status"]?.objectValue ?? [:]
        status["conditions"] = .array(conditions)
        crd["status"] = .object(status)
    }

    /// The finalizing controller: deletes the custom objects of CRDs being deleted, then
    /// drops the cleanup finalizer (which removes the CRD). Returns the number of writes.
    mutating func finalizeCustomResourceDefinitions() -> Int {
        var writes = 0
        let crds = objects[Self.crdResource] ?? [:]
        for key in crds.keys.sorted() {
            guard let crd = crds[key], crd.isBeingDeleted, crd.finalizers.contains(Self.crdCleanupFinalizer) else { continue }
            let spec = CustomResourceDefinitionSpec(crd)
            let resource = GroupResource(group: spec.group, resource: spec.names.plural)
            var remaining = 0
            if definitions[resource]?.origin != .builtIn {
                let bucket = objects[resource] ?? [:]
                for objectKey in bucket.keys.sorted() {
                    remaining += 1
                    guard let object = bucket[objectKey], !object.isBeingDeleted else { continue }
                    _ = deleteObject(ObjectRef(resource: resource, key: objectKey), object, policy: .background)
                    writes += 1
                }
            }
            guard remaining == 0 else { continue }
            var finalized = crd
            finalized.setFinalizers(crd.finalizers.filter { $0 != Self.crdCleanupFinalizer })
            replace(ObjectRef(resource: Self.crdResource, key: key), finalized, previous: crd)
            writes += 1
        }
        return writes
    }
}
