import ConditionLanguage
import Foundation
import KubeClient

extension AnalysisTemplate: SluiceResource {
    public func validate() -> [ValidationProblem] {
        typeMetaProblems(apiVersion: apiVersion, kind: kind, expected: Self.resourceType)
            + metadataProblems(metadata, namespaced: true)
            + spec.problems(at: FieldPath.root["spec"])
    }
}

extension ClusterAnalysisTemplate: SluiceResource {
    public func validate() -> [ValidationProblem] {
        typeMetaProblems(apiVersion: apiVersion, kind: kind, expected: Self.resourceType)
            + metadataProblems(metadata, namespaced: false)
            + spec.problems(at: FieldPath.root["spec"])
    }
}

extension AnalysisRun: SluiceResource {
    public func validate() -> [ValidationProblem] {
        let path = FieldPath.root["spec"]
        var problems = ProblemCollector()
        problems.add(contentsOf: typeMetaProblems(apiVersion: apiVersion, kind: kind, expected: Self.resourceType))
        problems.add(contentsOf: metadataProblems(metadata, namespaced: true))
        problems.add(contentsOf: metricsAndArgumentProblems(spec.metrics, spec.args, decision: spec.decision, at: path))
        if let decision = spec.decision { problems.add(contentsOf: decision.problems(metrics: spec.metrics, at: path["decision"])) }
        for (index, argument) in (spec.args ?? []).enumerated() where argument.isRequired {
            problems.add(path["args"][index], "must set value or valueFrom: a run's arguments are resolved")
        }
        return problems.problems
    }
}

extension AnalysisTemplateSpec {
    /// Every problem with the template's arguments and metrics, paths starting at `path`.
    public func problems(at path: FieldPath) -> [ValidationProblem] {
        metricsAndArgumentProblems(metrics, args, decision: decision, at: path)
            + (decision?.problems(metrics: metrics, at: path["decision"]) ?? [])
    }
}

/// The checks templates and runs share: metrics well formed, arguments declared once, and
/// every `{{args.NAME}}` a metric uses declared in `args`. Metrics the `decision` reads need no
/// conditions: the decision judges them.
func metricsAndArgumentProblems(_ metrics: [Metric], _ args: [Argument]?, decision: AnalysisDecision?, at path: FieldPath) -> [ValidationProblem] {
    var problems = ProblemCollector()
    for (index, argument) in (args ?? []).enumerated() {
        let here = path["args"][index]
        problems.requireNonEmpty(argument.name, at: here["name"])
        if argument.value != nil, argument.valueFrom != nil {
            problems.add(here, "must set at most one of value, valueFrom; got value, valueFrom")
        }
        if let source = argument.valueFrom {
            problems.requireExactlyOne(
                of: ["secretKeyRef", "fieldRef"],
                present: [("secretKeyRef", source.secretKeyRef != nil), ("fieldRef", source.fieldRef != nil)].filter(\.1).map(\.0),
                at: here["valueFrom"])
            if let secret = source.secretKeyRef { problems.add(contentsOf: secretProblems(secret, at: here["valueFrom"]["secretKeyRef"])) }
            if let fieldRef = source.fieldRef { problems.requireNonEmpty(fieldRef.fieldPath, at: here["valueFrom"]["fieldRef"]["fieldPath"]) }
        }
    }
    problems.requireUnique((args ?? []).map(\.name), at: { path["args"][$0]["name"] }, what: "argument")
    if metrics.isEmpty { problems.add(path["metrics"], "must list at least one metric") }
    let declared = Set((args ?? []).map(\.name))
    let decided = Set(decision?.metricNames ?? [])
    for (index, metric) in metrics.enumerated() {
        problems.add(contentsOf: metric.problems(at: path["metrics"][index], declaredArguments: declared,
                                                 readByDecision: decided.contains(metric.name)))
    }
    problems.requireUnique(metrics.map(\.name), at: { path["metrics"][$0]["name"] }, what: "metric")
    return problems.problems
}

extension Metric {
    func problems(at path: FieldPath, declaredArguments: Set<String>, readByDecision: Bool = false) -> [ValidationProblem] {
        var problems = ProblemCollector()
        problems.requireNonEmpty(name, at: path["name"])
        problems.check(interval, at: path["interval"], positive: true)
        problems.check(initialDelay, at: path["initialDelay"])
        problems.check(count, atLeast: 1, at: path["count"])
        if let count, count > 1, interval == nil {
            problems.add(path["interval"], "required when count is greater than 1, got count \(count)")
        }
        problems.add(contentsOf: conditionProblems(successCondition, at: path["successCondition"]))
        problems.add(contentsOf: conditionProblems(failureCondition, at: path["failureCondition"]))
        if successCondition == nil, failureCondition == nil, provider.job == nil, dryRun != true, !readByDecision, !provider.presentKinds.isEmpty {
            problems.add(path, "must set successCondition or failureCondition (or dryRun: true, or be read by spec.decision): without them every measurement would pass")
        }
        problems.check(failureLimit, atLeast: -1, at: path["failureLimit"])
        problems.check(inconclusiveLimit, atLeast: 0, at: path["inconclusiveLimit"])
        problems.check(consecutiveErrorLimit, atLeast: 0, at: path["consecutiveErrorLimit"])
        let providerPath = path["provider"]
        problems.requireExactlyOne(of: ["prometheus", "web", "job"], present: provider.presentKinds, at: providerPath)
        var texts: [(FieldPath, String)] = [(path["successCondition"], successCondition ?? ""), (path["failureCondition"], failureCondition ?? "")]
        if let prometheus = provider.prometheus {
            let here = providerPath["prometheus"]
            problems.requireNonEmpty(prometheus.address, at: here["address"])
            if let reason = urlProblem(prometheus.address) { problems.add(here["address"], reason) }
            problems.requireNonEmpty(prometheus.query, at: here["query"])
            if let reason = promQLShapeProblem(prometheus.query) { problems.add(here["query"], reason) }
            if let range = prometheus.rangeQuery {
                problems.check(range.lookback, at: here["rangeQuery"]["lookback"], positive: true)
                problems.check(range.step, at: here["rangeQuery"]["step"], positive: true)
                if let lookback = range.lookback.duration, let step = range.step.duration, step > lookback, lookback > .zero {
                    problems.add(here["rangeQuery"]["step"], "must not be longer than lookback (\(range.lookback)), got \(range.step)")
                }
            }
            problems.check(prometheus.timeout, at: here["timeout"], positive: true)
            problems.add(contentsOf: headerProblems(prometheus.headers, at: here["headers"]))
            if let authentication = prometheus.authentication {
                let present = authentication.presentKinds
                if present.count > 1 {
                    problems.add(here["authentication"], "must set at most one of bearerToken, basic, oauth2; got \(present.joined(separator: ", "))")
                }
                if let token = authentication.bearerToken { problems.add(contentsOf: secretProblems(token, at: here["authentication"]["bearerToken"])) }
                if let basic = authentication.basic {
                    problems.requireNonEmpty(basic.username, at: here["authentication"]["basic"]["username"])
                    problems.add(contentsOf: secretProblems(basic.password, at: here["authentication"]["basic"]["password"]))
                }
                if let oauth2 = authentication.oauth2 {
                    let oauthPath = here["authentication"]["oauth2"]
                    problems.requireNonEmpty(oauth2.tokenUrl, at: oauthPath["tokenUrl"])
                    if let reason = urlProblem(oauth2.tokenUrl) { problems.add(oauthPath["tokenUrl"], reason) }
                    problems.requireNonEmpty(oauth2.clientId, at: oauthPath["clientId"])
                    problems.add(contentsOf: secretProblems(oauth2.clientSecret, at: oauthPath["clientSecret"]))
                }
            }
            texts += [(here["address"], prometheus.address), (here["query"], prometheus.query)]
            texts += (prometheus.headers ?? []).enumerated().map { (here["headers"][$0.offset]["value"], $0.element.value) }
        }
        if let web = provider.web {
            let here = providerPath["web"]
            problems.requireNonEmpty(web.url, at: here["url"])
            if let reason = urlProblem(web.url) { problems.add(here["url"], reason) }
            if web.body != nil, (web.method ?? .get) == .get {
                problems.add(here["body"], "only allowed with method POST or PUT")
            }
            problems.rejectBlank(web.jsonPath, at: here["jsonPath"])
            if let jsonPath = web.jsonPath, !jsonPath.allSatisfy(\.isWhitespace), !jsonPath.contains("{{") {
                do {
                    _ = try JSONPathSelector(jsonPath)
                } catch {
                    problems.add(here["jsonPath"], "\(error.description.replacingOccurrences(of: "at character \(error.position)", with: "at character \(error.position) of \"\(jsonPath)\""))")
                }
            }
            problems.check(web.timeoutSeconds, atLeast: 1, at: here["timeoutSeconds"])
            problems.add(contentsOf: headerProblems(web.headers, at: here["headers"]))
            texts += [(here["url"], web.url), (here["body"], web.body ?? ""), (here["jsonPath"], web.jsonPath ?? "")]
            texts += (web.headers ?? []).enumerated().map { (here["headers"][$0.offset]["value"], $0.element.value) }
        }
        if let job = provider.job {
            let here = providerPath["job"]
            if case .object = job.spec {
                if job.spec["template"]?.objectValue == nil { problems.add(here["spec"]["template"], "required: the pod template the Job runs") }
            } else {
                problems.add(here["spec"], "must be a batch/v1 JobSpec object")
            }
            texts += strings(in: job.spec, at: here["spec"])
        }
        for (location, text) in texts {
            for name in argumentReferences(in: text) where !declaredArguments.contains(name) {
                problems.add(location, "refers to {{args.\(name)}}, which spec.args does not declare")
            }
        }
        return problems.problems
    }
}

/// A condition that, when present, must not be blank and must parse (`{{args.NAME}}`
/// standing for an operand, since arguments are substituted before evaluation).
private func conditionProblems(_ text: String?, at path: FieldPath) -> [ValidationProblem] {
    guard let text else { return [] }
    if text.allSatisfy(\.isWhitespace) { return [ValidationProblem(path, "must not be empty")] }
    do {
        _ = try Condition(text, allowPlaceholders: true)
        return []
    } catch {
        return [ValidationProblem(path, "at character \(error.position) of \"\(text)\": \(error.message)")]
    }
}

/// Why a PromQL query cannot be well formed, judged cheaply: a quote left open, or a
/// bracket that does not close or closes the wrong kind. Prometheus judges the rest when
/// it runs the query (and its message becomes the measurement's error).
func promQLShapeProblem(_ query: String) -> String? {
    var open: [(Character, Int)] = []
    var quote: (Character, Int)?
    var escaped = false
    var inComment = false
    let pairs: [Character: Character] = [")": "(", "]": "[", "}": "{"]
    for (offset, character) in query.enumerated() {
        let position = offset + 1
        if inComment {
            inComment = character != "\n"
            continue
        }
        if let (delimiter, _) = quote {
            if escaped { escaped = false } else if character == "\\", delimiter != "`" { escaped = true } else if character == delimiter { quote = nil }
            continue
        }
        switch character {
        case "\"", "'", "`": quote = (character, position)
        case "#": inComment = true  // to the end of the line
        case "(", "[", "{": open.append((character, position))
        case ")", "]", "}":
            guard let last = open.popLast() else { return "at character \(position): \"\(character)\" closes nothing" }
            if last.0 != pairs[character] {
                return "at character \(position): \"\(character)\" does not close the \"\(last.0)\" at character \(last.1)"
            }
        default: break
        }
    }
    if let (delimiter, position) = quote { return "at character \(position): the string opened with \(delimiter) is not closed" }
    if let (bracket, position) = open.last { return "at character \(position): \"\(bracket)\" is not closed" }
    return nil
}

private func secretProblems(_ secret: SecretKeySelector, at path: FieldPath) -> [ValidationProblem] {
    var problems = ProblemCollector()
    problems.requireNonEmpty(secret.name, at: path["name"])
    problems.requireNonEmpty(secret.key, at: path["key"])
    return problems.problems
}

private func headerProblems(_ headers: [WebMetricHeader]?, at path: FieldPath) -> [ValidationProblem] {
    var problems = ProblemCollector()
    for (index, header) in (headers ?? []).enumerated() { problems.requireNonEmpty(header.key, at: path[index]["key"]) }
    return problems.problems
}

/// Why `text` is not an http(s) URL; nil when it is one, or when it is filled in from an
/// argument (`{{args.url}}`).
func urlProblem(_ text: String) -> String? {
    guard !text.isEmpty, !text.hasPrefix("{{") else { return nil }
    let lower = text.lowercased()
    guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), text.split(separator: "/", omittingEmptySubsequences: true).count >= 2 else {
        return "must be an http:// or https:// URL, got \"\(text)\""
    }
    return nil
}

/// Every string inside a JSON value, with its path.
private func strings(in value: JSONValue, at path: FieldPath) -> [(FieldPath, String)] {
    switch value {
    case .string(let text): [(path, text)]
    case .array(let items): items.enumerated().flatMap { strings(in: $0.element, at: path[$0.offset]) }
    case .object(let members): members.sorted { $0.key < $1.key }.flatMap { strings(in: $0.value, at: path[$0.key]) }
    default: []
    }
}

/// The names in `{{args.NAME}}` (spaces inside the braces allowed), in order of appearance.
public func argumentReferences(in text: String) -> [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{") {
        guard let close = rest[open.upperBound...].range(of: "}}") else { break }
        let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
        if inside.hasPrefix("args.") {
            let name = String(inside.dropFirst("args.".count))
            if !name.isEmpty, !names.contains(name) { names.append(name) }
        }
        rest = rest[close.upperBound...]
    }
    return names
}
