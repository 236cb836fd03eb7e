import KubeClient

/// The garbage collector, kube-style: orphaning and foreground deletion are driven by the
/// `orphan` and `foregroundDeletion` finalizers; dependents whose owners are all gone are
/// deleted (background); references to missing owners next to live ones are removed.
extension StoreState {
    /// Runs passes until nothing changes; returns the number of writes made.
    mutating func collectGarbage(maxPasses: Int = 100) -> Int {
        if garbageFreeVersion == resourceVersion { return 0 }
        var total = 0
        for _ in 0..<maxPasses {
            let writes = collectGarbageOnce() + finalizeNamespaces() + finalizeCustomResourceDefinitions()
            total += writes
            if writes == 0 {
                garbageFreeVersion = resourceVersion
                break
            }
        }
        return total
    }

    private func allRefs() -> [ObjectRef] {
        objects.keys.sorted().flatMap { resource in
            (objects[resource] ?? [:]).keys.sorted().map { ObjectRef(resource: resource, key: $0) }
        }
    }

    /// Objects that had an owner reference at the start of a pass, by owner uid.
    private func dependentIndex(_ refs: [ObjectRef]) -> [String: [ObjectRef]] {
        var index: [String: [ObjectRef]] = [:]
        for ref in refs {
            for reference in object(ref)?.ownerReferences ?? [] {
                if let uid = reference["uid"]?.stringValue { index[uid, default: []].append(ref) }
            }
        }
        return index
    }

    /// Current dependents of `ownerUID` (the index may be stale within a pass).
    private func dependents(of ownerUID: String, _ index: [String: [ObjectRef]]) -> [ObjectRef] {
        (index[ownerUID] ?? []).filter { ref in
            object(ref)?.ownerReferences.contains { $0["uid"]?.stringValue == ownerUID } ?? false
        }
    }

    /// Whether the owner a reference names exists (a namespaced dependent may only be owned
    /// by a cluster-scoped object or one in its own namespace).
    private func ownerExists(_ reference: JSONValue, dependent: ObjectRef) -> Bool {
        guard let uid = reference["uid"]?.stringValue, let owner = uidIndex[uid] else { return false }
        return owner.key.namespace.isEmpty || owner.key.namespace == dependent.key.namespace
    }

    private mutating func collectGarbageOnce() -> Int {
        var writes = 0
        let refs = allRefs()
        let index = dependentIndex(refs)
        // Owners being deleted with a GC finalizer.
        for ref in refs {
            guard let owner = object(ref), owner.isBeingDeleted, let uid = owner.uid else { continue }
            if owner.finalizers.contains(Finalizer.orphan) {
                for dependentRef in dependents(of: uid, index) {
                    guard let dependent = object(dependentRef) else { continue }
                    var orphaned = dependent
                    orphaned.setOwnerReferences(dependent.ownerReferences.filter { $0["uid"]?.stringValue != uid })
                    replace(dependentRef, orphaned, previous: dependent)
                    writes += 1
                }
                if let current = object(ref) {
                    var released = current
                    released.setFinalizers(current.finalizers.filter { $0 != Finalizer.orphan })
                    replace(ref, released, previous: current)
                    writes += 1
                }
            } else if owner.finalizers.contains(Finalizer.foreground) {
                var blocked = false
                for dependentRef in dependents(of: uid, index) {
                    guard let dependent = object(dependentRef) else { continue }
                    if !dependent.isBeingDeleted {
                        let hasOwnDependents = dependent.uid.map { !dependents(of: $0, index).isEmpty } ?? false
                        _ = deleteObject(dependentRef, dependent, policy: hasOwnDependents ? .foreground : .background)
                        writes += 1
                    }
                    if let still = object(dependentRef),
                       still.ownerReferences.contains(where: {
                           $0["uid"]?.stringValue == uid && $0["blockOwnerDeletion"] == .bool(true)
                       }) {
                        blocked = true
                    }
                }
                if !blocked, let current = object(ref) {
                    var released = current
                    released.setFinalizers(current.finalizers.filter { $0 != Finalizer.foreground })
                    replace(ref, released, previous: current)
                    writes += 1
                }
            }
        }
        // Dependents with missing owners.
        for ref in Set(index.values.joined()).sorted(by: { ($0.resource, $0.key) < ($1.resource, $1.key) }) {
            guard let dependent = object(ref) else { continue }
            let references = dependent.ownerReferences
            guard !references.isEmpty else { continue }
            let live = references.filter { ownerExists($0, dependent: ref) }
            if live.count == references.count { continue }
            if live.isEmpty {
                if !dependent.isBeingDeleted {
                    _ = deleteObject(ref, dependent, policy: .background)
                    writes += 1
                }
            } else {
                var trimmed = dependent
                trimmed.setOwnerReferences(live)
                replace(ref, trimmed, previous: dependent)
                writes += 1
            }
        }
        return writes
    }
}
