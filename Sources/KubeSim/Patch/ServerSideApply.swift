import Foundation
import KubeClient

/// One `metadata.managedFields` entry.
public struct ManagedFieldsEntry: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable {
        case apply = "Apply"
        case update = "Update"
    }

    public var manager: String
    public var operation: Operation
    public var apiVersion: String
    /// RFC 3339, seconds: `2024-05-01T10:00:00Z`.
    public var time: String?
    public var subresource: String?
    public var fields: FieldSet

    public init(manager: String, operation: Operation, apiVersion: String, time: String? = nil,
                subresource: String? = nil, fields: FieldSet) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.fields = fields
    }

    public init(json: JSONValue) throws(PatchError) {
        guard let manager = json["manager"]?.stringValue,
              let operation = json["operation"]?.stringValue.flatMap(Operation.init(rawValue:)) else {
            throw PatchError.badRequest("invalid managedFields entry: manager and operation (Apply or Update) are required")
        }
        self.manager = manager
        self.operation = operation
        apiVersion = json["apiVersion"]?.stringValue ?? ""
        time = json["time"]?.stringValue
        subresource = json["subresource"]?.stringValue
        fields = try json["fieldsV1"].map { v throws(PatchError) in try FieldSet(fieldsV1: v) } ?? FieldSet()
    }

    /// The entry as kube serialises it.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "manager": .string(manager),
            "operation": .string(operation.rawValue),
            "apiVersion": .string(apiVersion),
            "fieldsType": "FieldsV1",
            "fieldsV1": fields.fieldsV1,
        ]
        if let time { object["time"] = .string(time) }
        if let subresource, !subresource.isEmpty { object["subresource"] = .string(subresource) }
        return .object(object)
    }

    /// Which entry a write lands in: Apply entries are one per manager (any apiVersion),
    /// Update entries one per manager and apiVersion.
    struct Identity: Hashable {
        var manager: String
        var operation: Operation
        var apiVersion: String?
        var subresource: String?
    }

    var identity: Identity {
        Identity(manager: manager, operation: operation, apiVersion: operation == .apply ? nil : apiVersion,
                 subresource: subresource?.isEmpty == true ? nil : subresource)
    }

    /// How kube names the manager in conflict messages: `"kubectl"`, or
    /// `"kube-controller-manager" using apps/v1` for an Update entry.
    var conflictName: String {
        let quoted = "\"\(manager)\""
        return operation == .update ? "\(quoted) using \(apiVersion)" : quoted
    }
}

/// Server-side apply: the essential model of kube's structured-merge-diff field manager.
///
/// Every write records which manager owns which fields in `metadata.managedFields`.
/// ``apply(current:config:manager:force:now:)`` (`application/apply-patch+yaml`) merges the
/// applied configuration into the live object, fails with 409 when it would change a field
/// another manager owns (unless `force`, which takes the field over), and removes fields this
/// manager applied before but no longer does (unless someone else owns them).
/// ``update(old:new:manager:now:)`` records ordinary writes (create, update, the other patch
/// types) as an `Update` entry owning the fields that changed, taking them from other managers.
///
/// Lists merge as the ``MergeStrategyTable`` says (containers by `name`, ports by
/// `containerPort`+`protocol`, finalizers as a set); other lists are atomic; objects are
/// granular except ``MergeStrategy/atomicMap`` ones (label selectors).
///
/// Not modelled: version conversion between entries of different apiVersions, unions,
/// field-manager name validation, the managedFields size caps, and kube's typed zero-value
/// baseline on create (an Update entry from a create may show `.` on struct fields kube
/// would not; only top-level `spec`/`status` are treated as pre-existing).
public struct ServerSideApply: Sendable {
    public var table: MergeStrategyTable

    public init(table: MergeStrategyTable = .builtin) { self.table = table }

    public struct Result: Sendable, Hashable {
        /// The object to store, `metadata.managedFields` included.
        public var object: JSONValue
        /// Whether the apply created the object.
        public var created: Bool
    }

    /// Fields no manager owns: identity and server-set metadata.
    static let stripped: FieldSet = FieldSet(
        [[.field("apiVersion")], [.field("kind")], [.field("metadata")]]
            + ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
               "managedFields", "resourceVersion"].map { [.field("metadata"), .field($0)] })

    /// The server-set metadata an applied configuration cannot set (`resourceVersion` is kept:
    /// it is the caller's precondition).
    static let serverMetadata = ["uid", "generation", "creationTimestamp", "selfLink", "managedFields"]

    /// The entries of `object`'s `metadata.managedFields`.
    public static func managedFields(of object: JSONValue) throws(PatchError) -> [ManagedFieldsEntry] {
        guard let entries = object["metadata"]?["managedFields"], entries != .null else { return [] }
        guard case .array(let items) = entries else { throw PatchError.badRequest("invalid managedFields: not a list") }
        var result: [ManagedFieldsEntry] = []
        for item in items { result.append(try ManagedFieldsEntry(json: item)) }
        return result
    }

    /// The fields an applied configuration sets (what its manager comes to own).
    public func fieldSet(of config: JSONValue) throws(PatchError) -> FieldSet {
        let schema = ApplySchema(table: table, object: config)
        var set = FieldSet()
        try schema.collect(Self.withoutNulls(config), path: [], schemaPath: "", into: &set)
        return set.subtracting(Self.stripped)
    }

    /// Server-side apply of `config` by `manager` to `current` (`nil`: the object does not
    /// exist and is created from `config`).
    ///
    /// `resetFields` are top-level fields the endpoint ignores (`status` on the main resource
    /// of a kind with a status subresource): they keep their live value and nobody gains them.
    public func apply(current: JSONValue?, config: JSONValue, manager: String, force: Bool = false,
                      resetFields: Set<String> = [], now: Date = Date()) throws(PatchError) -> Result {
        guard case .object(var configMembers) = Self.withoutNulls(config) else {
            throw PatchError.badRequest("the apply configuration must be an object")
        }
        guard let apiVersion = configMembers["apiVersion"]?.stringValue, !apiVersion.isEmpty,
              let kind = configMembers["kind"]?.stringValue, !kind.isEmpty else {
            throw PatchError.badRequest("apiVersion and kind must be set in the apply configuration")
        }
        if case .object(var meta)? = configMembers["metadata"] {
            if meta["managedFields"] != nil { throw PatchError.badRequest("metadata.managedFields must be nil") }
            for key in Self.serverMetadata { meta[key] = nil }
            configMembers["metadata"] = .object(meta)
        }
        for field in resetFields { configMembers[field] = nil }
        let config = JSONValue.object(configMembers)

        var live: JSONValue
        if let current {
            live = current
        } else {
            var meta: [String: JSONValue] = [:]
            meta["name"] = config["metadata"]?["name"]
            meta["namespace"] = config["metadata"]?["namespace"]
            live = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(meta)]
        }
        var managers = try Self.managedFields(of: live)
        live["metadata"]?["managedFields"] = nil

        let schema = ApplySchema(table: table, object: config)
        var configSet = FieldSet()
        try schema.collect(config, path: [], schemaPath: "", into: &configSet)
        configSet = configSet.subtracting(Self.stripped)

        var merged = schema.merge(live, config, schemaPath: "")
        let identity = ManagedFieldsEntry.Identity(manager: manager, operation: .apply, apiVersion: nil, subresource: nil)
        let previous = managers.first { $0.identity == identity }?.fields ?? FieldSet()
        managers.removeAll { $0.identity == identity }

        // Fields this manager applied before and drops now, owned by nobody else, go.
        var ownedByOthers = FieldSet()
        for entry in managers { ownedByOthers = ownedByOthers.union(entry.fields) }
        let dropped = previous.subtracting(configSet).subtracting(ownedByOthers)
        for path in dropped.paths.reversed() {
            merged = schema.removing(path[...], from: merged, schemaPath: "")
        }

        let comparison = schema.compare(Self.ownable(live, resetFields), Self.ownable(merged, resetFields))
            .subtracting(Self.stripped)
        let changed = comparison.modified.union(comparison.added)
        var conflicts: [(entry: ManagedFieldsEntry, path: FieldPath)] = []
        for index in managers.indices {
            let clash = managers[index].fields.intersection(changed)
            conflicts += clash.paths.map { (managers[index], $0) }
            managers[index].fields = managers[index].fields.subtracting(clash).subtracting(comparison.removed)
        }
        if !force, !conflicts.isEmpty { throw Self.conflictError(conflicts) }

        managers.append(ManagedFieldsEntry(manager: manager, operation: .apply, apiVersion: apiVersion,
                                           time: Self.timestamp(now), fields: configSet))
        merged = Self.storing(managers, in: merged)
        return Result(object: merged, created: current == nil)
    }

    /// Records a non-apply write (create when `old` is `nil`, update, JSON/merge/strategic
    /// patch) by `manager`: its `Update` entry gains the fields that changed, which other
    /// managers lose. Returns `new` with `metadata.managedFields` set.
    ///
    /// Entries come from `new` when the client changed them, else from `old` (as kube does).
    public func update(old: JSONValue?, new: JSONValue, manager: String, subresource: String? = nil,
                       resetFields: Set<String> = [], now: Date = Date()) throws(PatchError) -> JSONValue {
        let oldEntries = try old.map { v throws(PatchError) in try Self.managedFields(of: v) } ?? []
        let newEntries = try Self.managedFields(of: new)
        let sentManagedFields = new["metadata"]?["managedFields"] != nil
            && new["metadata"]?["managedFields"] != old?["metadata"]?["managedFields"]
        var managers = sentManagedFields ? newEntries : oldEntries

        var stripOld = old
        stripOld?["metadata"]?["managedFields"] = nil
        var stripNew = new
        stripNew["metadata"]?["managedFields"] = nil
        let schema = ApplySchema(table: table, object: new)
        let baseline: JSONValue? = stripOld.map { Self.ownable($0, resetFields) }
        var comparison = schema.compare(baseline, Self.ownable(stripNew, resetFields)).subtracting(Self.stripped)
        if old == nil {
            // kube compares a create against the type's zero value, where `spec` exists.
            comparison.added.members.subtract([.field("spec"), .field("status")])
        }
        let changed = comparison.modified.union(comparison.added)

        let apiVersion = new["apiVersion"]?.stringValue ?? ""
        let identity = ManagedFieldsEntry.Identity(manager: manager, operation: .update, apiVersion: apiVersion,
                                                   subresource: subresource?.isEmpty == true ? nil : subresource)
        var mine = managers.first { $0.identity == identity }?.fields ?? FieldSet()
        managers.removeAll { $0.identity == identity }
        for index in managers.indices {
            managers[index].fields = managers[index].fields.subtracting(changed).subtracting(comparison.removed)
        }
        mine = mine.subtracting(comparison.removed).union(changed)
        managers.append(ManagedFieldsEntry(manager: manager, operation: .update, apiVersion: apiVersion,
                                           time: Self.timestamp(now), subresource: identity.subresource, fields: mine))
        return Self.storing(managers, in: stripNew)
    }

    // MARK: - Helpers

    /// The object with unowned fields taken out, for comparisons.
    static func ownable(_ object: JSONValue, _ resetFields: Set<String>) -> JSONValue {
        guard case .object(var members) = object else { return object }
        members["apiVersion"] = nil
        members["kind"] = nil
        for field in resetFields { members[field] = nil }
        if case .object(var meta)? = members["metadata"] {
            for key in ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                        "managedFields", "resourceVersion"] {
                meta[key] = nil
            }
            members["metadata"] = .object(meta)
        }
        return .object(members)
    }

    /// Writes the non-empty entries, in kube's order (Apply before Update, then time,
    /// manager, apiVersion), into `metadata.managedFields`.
    static func storing(_ entries: [ManagedFieldsEntry], in object: JSONValue) -> JSONValue {
        let kept = entries.filter { !$0.fields.isEmpty }.sorted { p, q in
            if p.operation != q.operation { return p.operation.rawValue < q.operation.rawValue }
            if (p.time ?? "") != (q.time ?? "") { return (p.time ?? "") < (q.time ?? "") }
            if p.manager != q.manager { return p.manager < q.manager }
            return p.apiVersion < q.apiVersion
        }
        var result = object
        if result["metadata"] == nil { result["metadata"] = .object([:]) }
        if kept.isEmpty {
            result["metadata"]?["managedFields"] = JSONValue?.none
        } else {
            result["metadata"]?["managedFields"] = .array(kept.map(\.json))
        }
        return result
    }

    static func timestamp(_ date: Date) -> String {
        let seconds = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        return seconds.formatted(.iso8601)
    }

    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): .object(members.filter { $0.value != .null }.mapValues(withoutNulls))
        case .array(let items): .array(items.map(withoutNulls))
        default: value
        }
    }

    /// kube's 409: `Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas`,
    /// one `FieldManagerConflict` cause per field.
    static func conflictError(_ conflicts: [(entry: ManagedFieldsEntry, path: FieldPath)]) -> PatchError {
        let sorted = conflicts.sorted {
            ($0.entry.conflictName, $0.path.pathString) < ($1.entry.conflictName, $1.path.pathString)
        }
        let causes = sorted.map {
            Status.Cause(reason: "FieldManagerConflict", message: "conflict with \($0.entry.conflictName)",
                         field: $0.path.pathString)
        }
        let message: String
        if sorted.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \(sorted[0].entry.conflictName): \(sorted[0].path.pathString)"
        } else {
            var lines: [String] = []
            var lastManager: String?
            for conflict in sorted {
                if conflict.entry.conflictName != lastManager {
                    lines.append("conflicts with \(conflict.entry.conflictName)")
                    lastManager = conflict.entry.conflictName
                }
                lines.append("- \(conflict.path.pathString)")
            }
            message = "Apply failed with \(sorted.count) conflicts: " + lines.joined(separator: "\n")
        }
        return PatchError.conflict(message, causes: causes)
    }
}

/// What changed between two objects, as structured-merge-diff's `Comparison`.
struct FieldComparison {
    var added = FieldSet()
    var modified = FieldSet()
    var removed = FieldSet()

    func subtracting(_ set: FieldSet) -> FieldComparison {
        FieldComparison(added: added.subtracting(set), modified: modified.subtracting(set), removed: removed.subtracting(set))
    }
}

/// The schema knowledge the walks need: which lists merge by key or as sets, which objects
/// are atomic.
struct ApplySchema {
    let table: MergeStrategyTable
    let kind: String
    let builtinKind: Bool

    init(table: MergeStrategyTable, object: JSONValue) {
        self.table = table
        kind = object["kind"]?.stringValue ?? ""
        builtinKind = MergeStrategyTable.isBuiltin(apiVersion: object["apiVersion"]?.stringValue ?? "v1")
    }

    func strategy(_ schemaPath: String) -> MergeStrategy? {
        table.strategy(kind: kind, path: schemaPath, builtinKind: builtinKind)
    }

    func child(_ schemaPath: String, _ key: String) -> String { schemaPath.isEmpty ? key : "\(schemaPath).\(key)" }

    /// The path element naming a list item, `nil` when the list is atomic.
    func element(_ item: JSONValue, _ strategy: MergeStrategy?) -> FieldPathElement?? {
        switch strategy {
        case .keyed(_, let keys, let defaults)?:
            guard case .object(let members) = item else { return .some(nil) }
            var fields: [String: JSONValue] = [:]
            for key in keys {
                guard let value = members[key] ?? defaults[key] else { return .some(nil) }
                fields[key] = value
            }
            return .some(.key(fields))
        case .set?:
            return .some(.value(item))
        default:
            return nil
        }
    }

    /// The items of a keyed or set list with their path elements; `nil` when the list is
    /// atomic or an item cannot be named (no key, duplicate), so it is handled whole.
    func elements(_ items: [JSONValue], schemaPath: String) -> [(FieldPathElement, JSONValue)]? {
        let strategy = strategy(schemaPath)
        var seen = Set<FieldPathElement>()
        var result: [(FieldPathElement, JSONValue)] = []
        for item in items {
            guard case .some(let named) = element(item, strategy), let named, seen.insert(named).inserted else { return nil }
            result.append((named, item))
        }
        return result
    }

    func isAtomicMap(_ schemaPath: String) -> Bool { strategy(schemaPath) == .atomicMap }

    /// structured-merge-diff's `ToFieldSet`: leaves, list items themselves, empty objects.
    func collect(_ value: JSONValue, path: FieldPath, schemaPath: String, into set: inout FieldSet) throws(PatchError) {
        switch value {
        case .object(let members):
            if !path.isEmpty, isAtomicMap(schemaPath) { set.insert(path); return }
            for (key, child) in members {
                let childPath = path + [.field(key)]
                try collect(child, path: childPath, schemaPath: self.child(schemaPath, key), into: &set)
                if child == .null || child == .object([:]) { set.insert(childPath) }
            }
        case .array(let items):
            switch strategy(schemaPath) {
            case .keyed?, .set?:
                guard let named = elements(items, schemaPath: schemaPath) else {
                    throw PatchError.invalid(
                        "\(path.pathString): list items must be unique and carry their keys (\(keysDescription(schemaPath)))")
                }
                for (element, item) in named {
                    try collect(item, path: path + [element], schemaPath: schemaPath + "[]", into: &set)
                    set.insert(path + [element])
                }
            default:
                set.insert(path)
            }
        default:
            set.insert(path)
        }
    }

    func keysDescription(_ schemaPath: String) -> String {
        if case .keyed(_, let keys, _)? = strategy(schemaPath) { return keys.joined(separator: ", ") }
        return "set of distinct values"
    }

    /// structured-merge-diff's merge: the configuration wins, objects merge, keyed lists and
    /// sets merge by element in the configuration's order with live-only items kept in place.
    func merge(_ live: JSONValue, _ config: JSONValue, schemaPath: String) -> JSONValue {
        switch (live, config) {
        case (.object(let lhs), .object(let rhs)):
            if !schemaPath.isEmpty, isAtomicMap(schemaPath) { return config }
            var out = lhs
            for (key, value) in rhs {
                out[key] = lhs[key].map { merge($0, value, schemaPath: child(schemaPath, key)) } ?? value
            }
            return .object(out)
        case (.array(let lhs), .array(let rhs)):
            guard let left = elements(lhs, schemaPath: schemaPath),
                  let right = elements(rhs, schemaPath: schemaPath) else { return config }
            return .array(mergeList(left, right, schemaPath: schemaPath + "[]"))
        default:
            return config
        }
    }

    /// Port of `mergingWalker.visitListItems`' ordering.
    func mergeList(_ lhs: [(FieldPathElement, JSONValue)], _ rhs: [(FieldPathElement, JSONValue)],
                   schemaPath: String) -> [JSONValue] {
        let observedLHS = Dictionary(lhs, uniquingKeysWith: { first, _ in first })
        let observedRHS = Dictionary(rhs, uniquingKeysWith: { first, _ in first })
        var sharedOrder = rhs.map(\.0).filter { observedLHS[$0] != nil }[...]
        var nextShared = sharedOrder.popFirst()
        var mergedRHS = Set<FieldPathElement>()
        var out: [JSONValue] = []
        func item(_ element: FieldPathElement) -> JSONValue {
            switch (observedLHS[element], observedRHS[element]) {
            case (let l?, let r?): merge(l, r, schemaPath: schemaPath)
            case (let l?, nil): l
            case (nil, let r?): r
            case (nil, nil): .null
            }
        }
        var li = 0, ri = 0
        while li < lhs.count || ri < rhs.count {
            if li < lhs.count, ri < rhs.count {
                let element = lhs[li].0
                if element == rhs[ri].0 {
                    mergedRHS.insert(element)
                    out.append(item(element))
                    li += 1
                    ri += 1
                    nextShared = sharedOrder.popFirst()
                    continue
                }
                if observedRHS[element] != nil, let next = nextShared, next != element {
                    li += 1
                    continue
                }
            }
            if li < lhs.count {
                let element = lhs[li].0
                if observedRHS[element] == nil {
                    out.append(lhs[li].1)
                    li += 1
                    continue
                } else if mergedRHS.contains(element) {
                    li += 1
                    continue
                }
            }
            if ri < rhs.count {
                let element = rhs[ri].0
                mergedRHS.insert(element)
                out.append(item(element))
                ri += 1
                if nextShared == element { nextShared = sharedOrder.popFirst() }
            }
        }
        return out
    }

    /// structured-merge-diff's `Compare`: leaves added, modified or removed, and objects,
    /// lists and list items that appear or disappear whole.
    func compare(_ lhs: JSONValue?, _ rhs: JSONValue?) -> FieldComparison {
        var result = FieldComparison()
        compare(lhs, rhs, path: [], schemaPath: "", into: &result)
        return result
    }

    private func compare(_ lhs: JSONValue?, _ rhs: JSONValue?, path: FieldPath, schemaPath: String,
                         into result: inout FieldComparison) {
        var leaf = true
        switch (lhs ?? rhs, rhs ?? lhs) {
        case (.object?, .object?) where path.isEmpty || !isAtomicMap(schemaPath):
            let left = lhs?.objectValue ?? [:]
            let right = rhs?.objectValue ?? [:]
            if left.isEmpty && right.isEmpty { break }
            leaf = false
            for key in Set(left.keys).union(right.keys) {
                compare(left[key], right[key], path: path + [.field(key)], schemaPath: child(schemaPath, key), into: &result)
            }
        case (.array?, .array?):
            guard let left = elements(lhs?.arrayValue ?? [], schemaPath: schemaPath),
                  let right = elements(rhs?.arrayValue ?? [], schemaPath: schemaPath),
                  !(left.isEmpty && right.isEmpty), strategy(schemaPath) != nil else { break }
            leaf = false
            let leftItems = Dictionary(left, uniquingKeysWith: { first, _ in first })
            let rightItems = Dictionary(right, uniquingKeysWith: { first, _ in first })
            for element in Set(leftItems.keys).union(rightItems.keys) {
                compare(leftItems[element], rightItems[element], path: path + [element],
                        schemaPath: schemaPath + "[]", into: &result)
            }
        default:
            break
        }
        guard !path.isEmpty else { return }
        if lhs == nil {
            result.added.insert(path)
        } else if rhs == nil {
            result.removed.insert(path)
        } else if leaf, let lhs, let rhs, !PatchJSON.equal(lhs, rhs) {
            result.modified.insert(path)
        }
    }

    /// The object without the node at `path` (a field, a keyed item, a set value).
    func removing(_ path: ArraySlice<FieldPathElement>, from value: JSONValue, schemaPath: String) -> JSONValue {
        guard let first = path.first else { return value }
        let rest = path.dropFirst()
        switch value {
        case .object(var members):
            guard let name = first.fieldName, let child = members[name] else { return value }
            if rest.isEmpty {
                members.removeValue(forKey: name)
            } else {
                members[name] = removing(rest, from: child, schemaPath: self.child(schemaPath, name))
            }
            return .object(members)
        case .array(var items):
            guard let named = elements(items, schemaPath: schemaPath),
                  let index = named.firstIndex(where: { $0.0 == first }) else { return value }
            if rest.isEmpty {
                items.remove(at: index)
            } else {
                items[index] = removing(rest, from: items[index], schemaPath: schemaPath + "[]")
            }
            return .array(items)
        default:
            return value
        }
    }
}
