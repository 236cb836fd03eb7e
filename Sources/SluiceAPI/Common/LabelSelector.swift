/// A label query over pods (`metav1.LabelSelector`): every `matchLabels` pair and every
/// requirement must hold.
public struct LabelSelector: Codable, Sendable, Hashable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Selects nothing in particular: no labels and no expressions.
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    /// Whether `labels` satisfy the selector.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value { return false }
        return (matchExpressions ?? []).allSatisfy { $0.matches(labels) }
    }

    /// The selector in the API's string form (`app=web,tier in (a,b)`), for `status.selector`
    /// and list queries. Terms are sorted so the text is stable.
    public var selectorString: String {
        var terms = (matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for requirement in matchExpressions ?? [] {
            let values = (requirement.values ?? []).sorted().joined(separator: ",")
            switch requirement.operator {
            case .in: terms.append("\(requirement.key) in (\(values))")
            case .notIn: terms.append("\(requirement.key) notin (\(values))")
            case .exists: terms.append(requirement.key)
            case .doesNotExist: terms.append("!\(requirement.key)")
            }
        }
        return terms.joined(separator: ",")
    }
}

/// One term of a selector: `key` compared with `values` by `operator`.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    /// The comparison, spelled as the API spells it.
    public enum Operator: String, Codable, Sendable, Hashable, CaseIterable {
        case `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
    }

    public var key: String
    public var `operator`: Operator
    public var values: [String]?

    public init(key: String, operator: Operator, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    public func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case .in: labels[key].map { (values ?? []).contains($0) } ?? false
        case .notIn: labels[key].map { !(values ?? []).contains($0) } ?? true
        case .exists: labels[key] != nil
        case .doesNotExist: labels[key] == nil
        }
    }
}

extension LabelSelector: SchemaDescribable {
    public static var schema: Schema {
        .object("A label query over pods.", [
            "matchLabels": [String: String].field("Labels that must all be present with these values."),
            "matchExpressions": [LabelSelectorRequirement].field("Requirements that must all hold."),
        ])
    }
}

extension LabelSelectorRequirement: SchemaDescribable {
    public static var schema: Schema {
        .object("One requirement of a label selector.", required: ["key", "operator"], [
            "key": String.field("The label key."),
            "operator": .enumeration(Operator.self, "How the label's value is compared with values."),
            "values": [String].field("Values for In and NotIn; empty for Exists and DoesNotExist."),
        ])
    }
}

extension LabelSelector {
    /// Every problem with the selector's own shape (operators and their values).
    func problems(at path: FieldPath) -> [ValidationProblem] {
        var problems = ProblemCollector()
        for (index, requirement) in (matchExpressions ?? []).enumerated() {
            let here = path["matchExpressions"][index]
            problems.requireNonEmpty(requirement.key, at: here["key"])
            let count = requirement.values?.count ?? 0
            switch requirement.operator {
            case .in, .notIn:
                if count == 0 {
                    problems.add(here["values"], "must list at least one value for operator \(requirement.operator.rawValue)")
                }
            case .exists, .doesNotExist:
                if count > 0 {
                    problems.add(here["values"], "must be empty for operator \(requirement.operator.rawValue), got \(count) values")
                }
            }
        }
        return problems.problems
    }
}
