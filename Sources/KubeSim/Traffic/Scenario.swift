import Foundation
import Yams

/// How one version (image) answers requests at some moment.
public struct VersionBehaviour: Sendable, Equatable {
    /// Probability that a request fails with HTTP 500.
    public var errorRatio: Double
    public var latency: LatencyDistribution
    /// Probability that a successful, non-mirrored request converts.
    public var conversionProbability: Double
    /// Model prediction classes and their probabilities (sum to 1, or empty).
    public var predictions: [String: Double]

    public init(
        errorRatio: Double = 0, latency: LatencyDistribution = .constant(0.01),
        conversionProbability: Double = 0, predictions: [String: Double] = [:]
    ) {
        self.errorRatio = errorRatio
        self.latency = latency
        self.conversionProbability = conversionProbability
        self.predictions = predictions
    }
}

/// Fields a phase changes; `nil` keeps the value in force before it.
public struct BehaviourOverride: Sendable, Equatable {
    public var errorRatio: Double?
    public var latency: LatencyDistribution?
    public var conversionProbability: Double?
    public var predictions: [String: Double]?

    public init(
        errorRatio: Double? = nil, latency: LatencyDistribution? = nil,
        conversionProbability: Double? = nil, predictions: [String: Double]? = nil
    ) {
        self.errorRatio = errorRatio
        self.latency = latency
        self.conversionProbability = conversionProbability
        self.predictions = predictions
    }

    func applied(to base: VersionBehaviour) -> VersionBehaviour {
        var result = base
        if let errorRatio { result.errorRatio = errorRatio }
        if let latency { result.latency = latency }
        if let conversionProbability { result.conversionProbability = conversionProbability }
        if let predictions { result.predictions = predictions }
        return result
    }
}

/// A change of behaviour once a version has run long enough or served enough requests.
public struct BehaviourPhase: Sendable, Equatable {
    public enum Trigger: Sendable, Equatable {
        /// Seconds of simulated time.
        case after(seconds: Double)
        /// Requests served by this image (mirrored ones included).
        case afterRequests(Int)
    }

    public var trigger: Trigger
    public var changes: BehaviourOverride

    public init(trigger: Trigger, changes: BehaviourOverride) {
        self.trigger = trigger
        self.changes = changes
    }

    func isActive(elapsed: Double, requests: Int) -> Bool {
        switch trigger {
        case .after(let seconds): elapsed >= seconds
        case .afterRequests(let count): requests >= count
        }
    }
}

/// How pods running an image become ready; data for the workload controller.
public struct PodReadinessBehaviour: Sendable, Equatable {
    /// Seconds from container start to Ready.
    public var readyAfter: Double
    public var neverReady: Bool
    public var crashLoop: Bool

    public init(readyAfter: Double = 0, neverReady: Bool = false, crashLoop: Bool = false) {
        self.readyAfter = readyAfter
        self.neverReady = neverReady
        self.crashLoop = crashLoop
    }
}

public struct ImageScenario: Sendable, Equatable {
    public var base: VersionBehaviour
    public var phases: [BehaviourPhase]
    public var readiness: PodReadinessBehaviour

    public init(base: VersionBehaviour = .init(), phases: [BehaviourPhase] = [], readiness: PodReadinessBehaviour = .init()) {
        self.base = base
        self.phases = phases
        self.readiness = readiness
    }

    /// The base behaviour with every active phase applied in order.
    public func behaviour(elapsed: Double, requests: Int) -> VersionBehaviour {
        phases.reduce(base) { current, phase in
            phase.isActive(elapsed: elapsed, requests: requests) ? phase.changes.applied(to: current) : current
        }
    }
}

/// Where synthetic users send traffic.
public struct EntryPoint: Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// Host header (matched against HTTPRoute hostnames, VirtualService hosts, Ingress hosts).
    public var host: String?
    /// Name of an HTTPRoute or VirtualService to use directly.
    public var route: String?
    /// Service called inside the mesh (VirtualService hosts, TrafficSplit root, or plain Service).
    public var service: String?
    public var path: String
    public var ratePerSecond: Double
    /// Headers carried by a `share` of the requests (all of them by default).
    public var headers: [String: String]
    public var share: Double

    public init(
        name: String, namespace: String = "default", host: String? = nil, route: String? = nil,
        service: String? = nil, path: String = "/", ratePerSecond: Double, headers: [String: String] = [:],
        share: Double = 1
    ) {
        self.name = name
        self.namespace = namespace
        self.host = host
        self.route = route
        self.service = service
        self.path = path
        self.ratePerSecond = ratePerSecond
        self.headers = headers
        self.share = share
    }
}

/// A parse or validation error naming the file, line, field path and what was expected.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var path: String
    public var message: String

    public var description: String {
        path.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line): \(path): \(message)"
    }
}

/// Per-image behaviour and entry points for the traffic simulator.
public struct Scenario: Sendable, Equatable {
    public var images: [String: ImageScenario]
    /// Behaviour of images the scenario does not name.
    public var defaults: ImageScenario
    public var entryPoints: [EntryPoint]

    public init(images: [String: ImageScenario] = [:], defaults: ImageScenario = .init(), entryPoints: [EntryPoint] = []) {
        self.images = images
        self.defaults = defaults
        self.entryPoints = entryPoints
    }

    /// The scenario for `image`: exact match, then the reference without its registry/path
    /// (`registry.example/team/web:2` → `web:2`), then `defaults`.
    public func image(_ image: String) -> ImageScenario {
        namedImage(image) ?? defaults
    }

    /// The scenario the file gives `image` itself (exact, or without registry/path); nil when
    /// only `defaults` applies.
    public func namedImage(_ image: String) -> ImageScenario? {
        if let found = images[image] { return found }
        if let slash = image.lastIndex(of: "/"), let found = images[String(image[image.index(after: slash)...])] {
            return found
        }
        return nil
    }

    public func behaviour(image: String, elapsed: Double, requests: Int) -> VersionBehaviour {
        self.image(image).behaviour(elapsed: elapsed, requests: requests)
    }

    public func readiness(image: String) -> PodReadinessBehaviour { self.image(image).readiness }

    public static func parse(yaml: String, file: String = "scenario.yaml") throws(ScenarioError) -> Scenario {
        try ScenarioParser(file: file).parse(yaml)
    }
}

// MARK: - Parsing

private let quantileKeys: [(key: String, p: Double)] = [
    ("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999),
]

struct ScenarioParser {
    let file: String

    func error(_ node: Node?, _ path: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, line: node?.mark?.line ?? 1, path: path, message: message)
    }

    func parse(_ yaml: String) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let yamlError as YamlError {
            throw syntaxError(yamlError)
        } catch {
            throw ScenarioError(file: file, line: 1, path: "", message: "\(error)")
        }
        guard let root else { return Scenario() }
        let fields = try self.fields(root, "", allowed: ["images", "defaults", "entryPoints"])
        var scenario = Scenario()
        if let (_, images) = fields["images"] {
            for entry in try mapping(images, "images") {
                scenario.images[entry.key] = try image(entry.value, "images[\(quoted(entry.key))]")
            }
        }
        if let (_, defaults) = fields["defaults"] {
            scenario.defaults = try image(defaults, "defaults")
        }
        if let (_, entryPoints) = fields["entryPoints"] {
            let items = try sequence(entryPoints, "entryPoints")
            var names = Set<String>()
            for (index, item) in items.enumerated() {
                let path = "entryPoints[\(index)]"
                let entry = try entryPoint(item, path)
                guard names.insert(entry.name).inserted else {
                    throw error(item, path + ".name", "duplicate entry point name \(quoted(entry.name))")
                }
                scenario.entryPoints.append(entry)
            }
        }
        return scenario
    }

    private func syntaxError(_ yamlError: YamlError) -> ScenarioError {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            ScenarioError(file: file, line: mark.line, path: "", message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            ScenarioError(
                file: file, line: context.mark.line, path: "",
                message: "duplicate key " + duplicates.map { quoted($0) }.joined(separator: ", ") + " in this mapping")
        default:
            ScenarioError(file: file, line: 1, path: "", message: "invalid YAML: \(yamlError)")
        }
    }

    // MARK: Sections

    private static let behaviourKeys: Set<String> = ["errorRatio", "latency", "conversionProbability", "predictions"]

    func image(_ node: Node, _ path: String) throws(ScenarioError) -> ImageScenario {
        let fields = try self.fields(
            node, path, allowed: Self.behaviourKeys.union(["phases", "readyAfter", "neverReady", "crashLoop"]))
        var result = ImageScenario()
        result.base = try behaviourOverride(fields, path).applied(to: result.base)
        if let (_, value) = fields["readyAfter"] { result.readiness.readyAfter = try duration(value, path + ".readyAfter") }
        if let (_, value) = fields["neverReady"] { result.readiness.neverReady = try bool(value, path + ".neverReady") }
        if let (_, value) = fields["crashLoop"] { result.readiness.crashLoop = try bool(value, path + ".crashLoop") }
        if let (_, value) = fields["phases"] {
            for (index, item) in try sequence(value, path + ".phases").enumerated() {
                result.phases.append(try phase(item, path + ".phases[\(index)]"))
            }
        }
        return result
    }

    func phase(_ node: Node, _ path: String) throws(ScenarioError) -> BehaviourPhase {
        let fields = try self.fields(node, path, allowed: Self.behaviourKeys.union(["after", "afterRequests"]))
        let trigger: BehaviourPhase.Trigger
        switch (fields["after"], fields["afterRequests"]) {
        case (let after?, nil): trigger = .after(seconds: try duration(after.value, path + ".after"))
        case (nil, let count?): trigger = .afterRequests(try nonNegativeInteger(count.value, path + ".afterRequests"))
        case (_?, let count?): throw error(count.key, path + ".afterRequests", "expected either after or afterRequests, not both")
        case (nil, nil): throw error(node, path, "expected a trigger: after (a duration) or afterRequests (a count)")
        }
        return BehaviourPhase(trigger: trigger, changes: try behaviourOverride(fields, path))
    }

    func behaviourOverride(_ fields: [String: (key: Node, value: Node)], _ path: String) throws(ScenarioError) -> BehaviourOverride {
        var result = BehaviourOverride()
        if let (_, value) = fields["errorRatio"] { result.errorRatio = try probability(value, path + ".errorRatio") }
        if let (_, value) = fields["conversionProbability"] {
            result.conversionProbability = try probability(value, path + ".conversionProbability")
        }
        if let (_, value) = fields["latency"] { result.latency = try latency(value, path + ".latency") }
        if let (_, value) = fields["predictions"] { result.predictions = try predictions(value, path + ".predictions") }
        return result
    }

    func latency(_ node: Node, _ path: String) throws(ScenarioError) -> LatencyDistribution {
        if case .scalar = node { return .constant(try duration(node, path)) }
        let expectation = "expected a duration, two quantiles such as {p50: 20ms, p99: 120ms}, or buckets: [{le: 50ms, weight: 0.9}, …]"
        guard case .mapping = node else { throw error(node, path, "\(expectation), got \(describe(node))") }
        let allowed = Set(quantileKeys.map(\.key)).union(["buckets"])
        let fields = try self.fields(node, path, allowed: allowed)
        if let (key, value) = fields["buckets"] {
            guard fields.count == 1 else { throw error(key, path, "expected either quantiles or buckets, not both") }
            var buckets: [(upTo: Double, weight: Double)] = []
            for (index, item) in try sequence(value, path + ".buckets").enumerated() {
                let itemPath = path + ".buckets[\(index)]"
                let bucket = try self.fields(item, itemPath, allowed: ["le", "weight"], required: ["le", "weight"])
                let upTo = try duration(bucket["le"]!.value, itemPath + ".le")
                if let previous = buckets.last, upTo <= previous.upTo {
                    throw error(bucket["le"]!.value, itemPath + ".le", "expected bounds in increasing order, got \(formatSeconds(upTo)) after \(formatSeconds(previous.upTo))")
                }
                let weight = try number(bucket["weight"]!.value, itemPath + ".weight", expectation: "a number ≥ 0") { $0 >= 0 }
                buckets.append((upTo, weight))
            }
            guard buckets.contains(where: { $0.weight > 0 }) else {
                throw error(value, path + ".buckets", "expected at least one bucket with a positive weight")
            }
            return .buckets(buckets)
        }
        let given = quantileKeys.filter { fields[$0.key] != nil }
        guard given.count == 2 else {
            throw error(node, path, "expected exactly two quantiles (p50, p75, p90, p95, p99, p999), got \(given.count)")
        }
        let low = try duration(fields[given[0].key]!.value, path + "." + given[0].key)
        let high = try duration(fields[given[1].key]!.value, path + "." + given[1].key)
        guard low > 0 else { throw error(fields[given[0].key]!.value, path + "." + given[0].key, "expected a positive duration, got \(formatSeconds(low))") }
        guard high > low else {
            throw error(fields[given[1].key]!.value, path + "." + given[1].key,
                        "expected a duration greater than \(given[0].key) (\(formatSeconds(low))), got \(formatSeconds(high))")
        }
        return .fitted((given[0].p, low), (given[1].p, high))
    }

    func predictions(_ node: Node, _ path: String) throws(ScenarioError) -> [String: Double] {
        var result: [String: Double] = [:]
        for entry in try mapping(node, path) {
            result[entry.key] = try probability(entry.value, path + "[\(quoted(entry.key))]")
        }
        let sum = result.values.reduce(0, +)
        if !result.isEmpty, abs(sum - 1) > 1e-6 {
            throw error(node, path, "expected probabilities summing to 1, got \(sum)")
        }
        return result
    }

    func entryPoint(_ node: Node, _ path: String) throws(ScenarioError) -> EntryPoint {
        let fields = try self.fields(
            node, path,
            allowed: ["name", "namespace", "host", "route", "service", "path", "ratePerSecond", "headers", "share"],
            required: ["name", "ratePerSecond"])
        var entry = EntryPoint(
            name: try string(fields["name"]!.value, path + ".name"),
            ratePerSecond: try number(fields["ratePerSecond"]!.value, path + ".ratePerSecond", expectation: "a number ≥ 0") { $0 >= 0 })
        if let (_, value) = fields["namespace"] { entry.namespace = try string(value, path + ".namespace") }
        if let (_, value) = fields["host"] { entry.host = try string(value, path + ".host") }
        if let (_, value) = fields["route"] { entry.route = try string(value, path + ".route") }
        if let (_, value) = fields["service"] { entry.service = try string(value, path + ".service") }
        if let (_, value) = fields["path"] {
            entry.path = try string(value, path + ".path")
            guard entry.path.hasPrefix("/") else { throw error(value, path + ".path", "expected a path starting with /, got \(quoted(entry.path))") }
        }
        if let (_, value) = fields["share"] { entry.share = try probability(value, path + ".share") }
        if let (_, value) = fields["headers"] {
            for header in try mapping(value, path + ".headers") {
                entry.headers[header.key.lowercased()] = try string(header.value, path + ".headers[\(quoted(header.key))]")
            }
        }
        guard entry.host != nil || entry.route != nil || entry.service != nil else {
            throw error(node, path, "expected one of host, route or service")
        }
        return entry
    }

    // MARK: Primitives

    func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result + "\""
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return "null" }
            return quoted(scalar.string)
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        case .alias: return "an alias"
        }
    }

    /// A mapping's entries in document order; keys must be strings and unique.
    func mapping(_ node: Node, _ path: String) throws(ScenarioError) -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, path, "expected a mapping, got \(describe(node))") }
        var seen = Set<String>()
        var result: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw error(keyNode, path, "expected string keys, got \(describe(keyNode))") }
            guard seen.insert(scalar.string).inserted else {
                throw error(keyNode, path, "duplicate key \(quoted(scalar.string))")
            }
            result.append((scalar.string, keyNode, value))
        }
        return result
    }

    /// A mapping with a fixed set of keys; unknown keys are errors.
    func fields(
        _ node: Node, _ path: String, allowed: Set<String>, required: [String] = []
    ) throws(ScenarioError) -> [String: (key: Node, value: Node)] {
        var result: [String: (key: Node, value: Node)] = [:]
        for entry in try mapping(node, path) {
            guard allowed.contains(entry.key) else {
                let fieldPath = path.isEmpty ? entry.key : path + "." + entry.key
                throw error(entry.keyNode, fieldPath, "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
            result[entry.key] = (entry.keyNode, entry.value)
        }
        for key in required where result[key] == nil {
            throw error(node, path.isEmpty ? key : path + "." + key, "missing required key")
        }
        return result
    }

    func sequence(_ node: Node, _ path: String) throws(ScenarioError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, path, "expected a sequence, got \(describe(node))") }
        return Array(sequence)
    }

    func string(_ node: Node, _ path: String) throws(ScenarioError) -> String {
        guard case .scalar(let scalar) = node, describe(node) != "null" else {
            throw error(node, path, "expected a string, got \(describe(node))")
        }
        return scalar.string
    }

    func bool(_ node: Node, _ path: String) throws(ScenarioError) -> Bool {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        throw error(node, path, "expected true or false, got \(describe(node))")
    }

    func number(
        _ node: Node, _ path: String, expectation: String, valid: (Double) -> Bool
    ) throws(ScenarioError) -> Double {
        if case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string), value.isFinite, valid(value) {
            return value
        }
        throw error(node, path, "expected \(expectation), got \(describe(node))")
    }

    func probability(_ node: Node, _ path: String) throws(ScenarioError) -> Double {
        try number(node, path, expectation: "a number between 0 and 1") { (0...1).contains($0) }
    }

    func nonNegativeInteger(_ node: Node, _ path: String) throws(ScenarioError) -> Int {
        if case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string), value >= 0 {
            return value
        }
        throw error(node, path, "expected a non-negative integer, got \(describe(node))")
    }

    /// `250ms`, `30s`, `1m30s`, `1.5h`, `100us`, or a bare number of seconds.
    func duration(_ node: Node, _ path: String) throws(ScenarioError) -> Double {
        let expectation = "expected a duration such as 250ms or 30s, got \(describe(node))"
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        else { throw error(node, path, expectation) }
        guard let seconds = parseDuration(scalar.string), seconds >= 0 else { throw error(node, path, expectation) }
        return seconds
    }
}

/// Parses Go-style durations (`1m30s`, `250ms`) and bare seconds (`1.5`).
func parseDuration(_ text: String) -> Double? {
    if let plain = Double(text), plain.isFinite { return plain }
    let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
    var rest = Substring(text)
    var total = 0.0
    guard !rest.isEmpty else { return nil }
    while !rest.isEmpty {
        let digits = rest.prefix { $0.isNumber || $0 == "." }
        guard !digits.isEmpty, let value = Double(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
        guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
        rest = rest.dropFirst(unitText.count)
        total += value * unit.1
    }
    return total
}

func formatSeconds(_ seconds: Double) -> String {
    if seconds < 1 { return "\(formatNumber(seconds * 1000))ms" }
    return "\(formatNumber(seconds))s"
}

/// Shortest decimal form, integers without a fraction (`1`, `0.25`, `2.5`).
func formatNumber(_ value: Double) -> String {
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value.isNaN { return "NaN" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
