import KubeClient

/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`) for built-in
/// kinds, after `k8s.io/apimachinery/pkg/util/strategicpatch` with the apiserver's options
/// (parallel lists, unmatched nulls ignored).
///
/// It merges like a JSON merge patch, except that lists the ``MergeStrategyTable`` names
/// merge by key (containers by `name`, ...) or as sets (`finalizers`), and these directives:
/// - `$patch: replace` in an object replaces it; as a list element it replaces the list
///   with the patch's other elements.
/// - `$patch: delete` in an object empties it; as a list element it deletes the element
///   with that merge key.
/// - `$deleteFromPrimitiveList/<field>: [...]` removes values from a list of scalars.
/// - `$setElementOrder/<field>: [...]` orders the merged list: the listed elements in that
///   order, server-only elements interleaved where they were (kube's `mergeSortedSlice`).
/// - `$retainKeys: [...]` drops the object's keys not listed.
///
/// Errors follow kube's `interpretStrategicMergePatchError`: malformed directives are 400,
/// keys outside `$retainKeys` 422, and errors kube does not map (a list element without its
/// merge key, an unknown `$patch` value) 500. Custom resources are 415 (``supports(apiVersion:kind:)``).
public struct StrategicMergePatch: Sendable {
    public var table: MergeStrategyTable

    public init(table: MergeStrategyTable = .builtin) { self.table = table }

    /// Whether kube accepts a strategic merge patch for the type: built-in groups only.
    public static func supports(apiVersion: String, kind: String) -> Bool {
        MergeStrategyTable.isBuiltin(apiVersion: apiVersion)
    }

    /// Applies `patch` to `original`, whose `apiVersion`/`kind` pick the merge strategies
    /// unless given. A custom resource: 415. A patch that is not an object: 400.
    public func apply(_ patch: JSONValue, to original: JSONValue,
                      apiVersion: String? = nil, kind: String? = nil) throws(PatchError) -> JSONValue {
        let apiVersion = apiVersion ?? original["apiVersion"]?.stringValue ?? "v1"
        let kind = kind ?? original["kind"]?.stringValue ?? ""
        guard Self.supports(apiVersion: apiVersion, kind: kind) else { throw PatchError.unsupportedMediaType() }
        guard case .object(let patchMembers) = patch else {
            throw PatchError.badRequest("json: cannot unmarshal \(PatchJSON.typeName(patch)) into Go value of type map[string]interface {}")
        }
        let merger = Merger(table: table, kind: kind)
        return .object(try merger.mergeMap(original.objectValue ?? [:], patchMembers, path: ""))
    }
}

private struct Merger {
    let table: MergeStrategyTable
    let kind: String

    static let directive = "$patch"
    static let retainKeys = "$retainKeys"
    static let setElementOrder = "$setElementOrder/"
    static let deleteFromPrimitiveList = "$deleteFromPrimitiveList/"

    static func isDirective(_ key: String) -> Bool {
        key == directive || key == retainKeys || key.hasPrefix(setElementOrder) || key.hasPrefix(deleteFromPrimitiveList)
    }

    func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func mergeMap(_ original: [String: JSONValue], _ patch: [String: JSONValue], path: String) throws(PatchError) -> [String: JSONValue] {
        var patch = patch
        var original = original
        if let directive = patch.removeValue(forKey: Self.directive) {
            switch directive {
            case "replace": return try mergeMap([:], patch, path: path)
            case "delete": return [:]
            case "merge": break
            default:
                throw PatchError.internalError(
                    "Unknown patch type: \(PatchJSON.canonical(directive)) in map: \(PatchJSON.canonical(.object(patch)))")
            }
        }
        if let retain = patch.removeValue(forKey: Self.retainKeys) {
            guard case .array(let items) = retain else { throw PatchError.badRequest("invalid patch format of retainKeys") }
            var keys = Set<String>()
            for item in items {
                guard case .string(let key) = item else { throw PatchError.badRequest("invalid patch format of retainKeys") }
                keys.insert(key)
            }
            for key in patch.keys where !Self.isDirective(key) && !keys.contains(key) {
                throw PatchError(code: 422, reason: "Invalid", message: JSONPatch.rejectedMessage,
                                 detail: "patch content doesn't match retainKeys list")
            }
            original = original.filter { keys.contains($0.key) }
        }

        var orders: [String: [JSONValue]] = [:]
        for (key, value) in patch {
            if key.hasPrefix(Self.setElementOrder) {
                guard case .array(let order) = value else {
                    throw PatchError.badRequest("invalid patch format of setElementOrder list")
                }
                orders[String(key.dropFirst(Self.setElementOrder.count))] = order
            } else if key.hasPrefix(Self.deleteFromPrimitiveList) {
                guard case .array(let doomed) = value else {
                    throw PatchError.badRequest("invalid patch format of primitive list")
                }
                let field = String(key.dropFirst(Self.deleteFromPrimitiveList.count))
                if case .array(let items) = original[field] {
                    let kept = items.filter { item in !doomed.contains { PatchJSON.equal($0, item) } }
                    // kube's typed objects omit an emptied list.
                    if kept.isEmpty { original.removeValue(forKey: field) } else { original[field] = .array(kept) }
                }
            }
        }

        for (key, value) in patch where !Self.isDirective(key) {
            let fieldPath = child(path, key)
            if value == .null {
                original[key] = nil
                continue
            }
            switch (original[key], value) {
            case (.object(let old), .object(let new)):
                original[key] = .object(try mergeMap(old, new, path: fieldPath))
            case (.array(let old), .array(let new)):
                original[key] = .array(try mergeList(old, new, path: fieldPath, order: orders[key]))
            default:
                original[key] = try fresh(value, path: fieldPath, order: orders[key])
            }
        }
        // An order for a list the patch does not otherwise touch.
        for (field, order) in orders where patch[field] == nil {
            if case .array(let old) = original[field] {
                original[field] = .array(try mergeList(old, [], path: child(path, field), order: order))
            }
        }
        return original
    }

    /// A patch value with nothing to merge into: its directives and nulls resolved.
    func fresh(_ value: JSONValue, path: String, order: [JSONValue]?) throws(PatchError) -> JSONValue {
        switch value {
        case .object(let members): .object(try mergeMap([:], members, path: path))
        case .array(let items): .array(try mergeList([], items, path: path, order: order))
        default: value
        }
    }

    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], path: String, order: [JSONValue]?) throws(PatchError) -> [JSONValue] {
        switch table.strategy(kind: kind, path: path) {
        case .keyed(let mergeKey, _, _):
            return try mergeKeyed(original, patch, path: path, mergeKey: mergeKey, order: order)
        case .set:
            var merged: [JSONValue] = []
            for item in original + patch where !merged.contains(where: { PatchJSON.equal($0, item) }) {
                merged.append(item)
            }
            guard let order else { return merged }
            return normalize(merged, patchOrder: order, serverOrder: original) { PatchJSON.equal($0, $1) }
        case .atomic, .atomicMap, nil:
            return patch
        }
    }

    func mergeKeyed(_ original: [JSONValue], _ patch: [JSONValue], path: String, mergeKey: String,
                    order: [JSONValue]?) throws(PatchError) -> [JSONValue] {
        var base = original
        var elements: [[String: JSONValue]] = []
        var replaceAll = false
        for item in patch {
            guard case .object(var members) = item else {
                throw PatchError.internalError("unable to find api field in struct for the patch element \(PatchJSON.canonical(item)) of \(path)")
            }
            if let directive = members.removeValue(forKey: Self.directive) {
                switch directive {
                case "replace":
                    replaceAll = true
                    continue
                case "delete":
                    guard let key = members[mergeKey] else {
                        throw PatchError.internalError("map: \(PatchJSON.canonical(item)) does not contain declared merge key: \(mergeKey)")
                    }
                    base.removeAll { $0[mergeKey].map { PatchJSON.equal($0, key) } ?? false }
                    continue
                case "merge":
                    break
                default:
                    throw PatchError.internalError("Unknown patch type: \(PatchJSON.canonical(directive)) in map: \(PatchJSON.canonical(item))")
                }
            }
            guard members[mergeKey] != nil else {
                throw PatchError.internalError("map: \(PatchJSON.canonical(item)) does not contain declared merge key: \(mergeKey)")
            }
            elements.append(members)
        }
        if replaceAll { base = [] }
        let serverOrder = base
        var merged = base
        for element in elements {
            let key = element[mergeKey]!
            if let index = merged.firstIndex(where: { $0[mergeKey].map { PatchJSON.equal($0, key) } ?? false }),
               case .object(let old) = merged[index] {
                merged[index] = .object(try mergeMap(old, element, path: path + "[]"))
            } else {
                merged.append(.object(try mergeMap([:], element, path: path + "[]")))
            }
        }
        let patchOrder = order ?? elements.map { JSONValue.object($0) }
        return normalize(merged, patchOrder: patchOrder, serverOrder: serverOrder) { lhs, rhs in
            guard let a = lhs[mergeKey], let b = rhs[mergeKey] else { return false }
            return PatchJSON.equal(a, b)
        }
    }

    /// kube's `normalizeElementOrder`: the patch's elements in `patchOrder`, the server-only
    /// elements in `serverOrder`, interleaved by `mergeSortedSlice` so each keeps its place
    /// relative to the live list where both appear there.
    func normalize(_ merged: [JSONValue], patchOrder: [JSONValue], serverOrder: [JSONValue],
                   same: (JSONValue, JSONValue) -> Bool) -> [JSONValue] {
        func index(_ list: [JSONValue], _ item: JSONValue) -> Int? { list.firstIndex { same($0, item) } }
        var patchItems: [(Int, JSONValue)] = []
        var serverOnly: [(Int, JSONValue)] = []
        for item in merged {
            if let position = index(patchOrder, item) {
                patchItems.append((position, item))
            } else {
                serverOnly.append((index(serverOrder, item) ?? Int.max, item))
            }
        }
        let right = stableSorted(patchItems)
        let left = stableSorted(serverOnly)
        var result: [JSONValue] = []
        var i = 0, j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                result.append(right[j]); j += 1
            } else if j >= right.count {
                result.append(left[i]); i += 1
            } else if let li = index(serverOrder, left[i]), let ri = index(serverOrder, right[j]), li < ri {
                result.append(left[i]); i += 1
            } else {
                result.append(right[j]); j += 1
            }
        }
        return result
    }

    func stableSorted(_ items: [(Int, JSONValue)]) -> [JSONValue] {
        items.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { $0.element.1 }
    }
}
