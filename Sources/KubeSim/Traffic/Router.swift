import Foundation
import KubeClient

/// One simulated HTTP request as the router sees it.
public struct TrafficRequest: Sendable, Equatable {
    public var host: String?
    public var path: String
    /// Header names are matched case-insensitively.
    public var headers: [String: String]

    public init(host: String? = nil, path: String = "/", headers: [String: String] = [:]) {
        self.host = host
        self.path = path
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A Service to send to, possibly narrowed to pods with extra labels (an Istio subset).
public struct BackendTarget: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var service: String
    public var subset: String?
    /// Labels pods must carry in addition to the Service's selector.
    public var labels: [String: String]

    public init(namespace: String, service: String, subset: String? = nil, labels: [String: String] = [:]) {
        self.namespace = namespace
        self.service = service
        self.subset = subset
        self.labels = labels
    }

    public var description: String { "\(namespace)/\(service)" + (subset.map { "[\($0)]" } ?? "") }
}

/// Where a request goes: one primary backend (nil: no backend, answered 500/503) and copies.
public struct RoutingDecision: Sendable, Equatable {
    public var primary: BackendTarget?
    public var mirrors: [BackendTarget]

    public init(primary: BackendTarget?, mirrors: [BackendTarget] = []) {
        self.primary = primary
        self.mirrors = mirrors
    }
}

/// The router and workload objects the router consults, as stored.
public struct RouterObjects: Sendable {
    public var httpRoutes: [JSONValue]
    public var virtualServices: [JSONValue]
    public var destinationRules: [JSONValue]
    public var ingresses: [JSONValue]
    public var trafficSplits: [JSONValue]
    public var services: [JSONValue]

    public init(
        httpRoutes: [JSONValue] = [], virtualServices: [JSONValue] = [], destinationRules: [JSONValue] = [],
        ingresses: [JSONValue] = [], trafficSplits: [JSONValue] = [], services: [JSONValue] = []
    ) {
        self.httpRoutes = httpRoutes
        self.virtualServices = virtualServices
        self.destinationRules = destinationRules
        self.ingresses = ingresses
        self.trafficSplits = trafficSplits
        self.services = services
    }

    /// Sorts a mixed list of objects by `kind`.
    public init(objects: [JSONValue]) {
        self.init()
        for object in objects {
            switch object["kind"]?.stringValue {
            case "HTTPRoute": httpRoutes.append(object)
            case "VirtualService": virtualServices.append(object)
            case "DestinationRule": destinationRules.append(object)
            case "Ingress": ingresses.append(object)
            case "TrafficSplit": trafficSplits.append(object)
            case "Service": services.append(object)
            default: break
            }
        }
    }
}

/// Decides backends the way Gateway API, Istio, ingress-nginx and SMI implementations do.
public enum Router {
    /// Routes a request arriving at `entry`. Lookup order: the named `route` (HTTPRoute, then
    /// VirtualService); else by `host` (HTTPRoutes, VirtualServices, Ingresses); else the mesh
    /// `service` (VirtualService hosts, then the Service itself). A TrafficSplit whose root is
    /// the chosen Service then splits it further. Nil when nothing routes the request.
    public static func route(
        entry: EntryPoint, request: TrafficRequest, objects: RouterObjects,
        using rng: inout some RandomNumberGenerator
    ) -> RoutingDecision? {
        var request = request
        if request.host == nil { request.host = entry.host ?? entry.service }
        let namespace = entry.namespace
        var decision: RoutingDecision?
        if let name = entry.route {
            if let route = objects.httpRoutes.first(where: { isNamed($0, name, namespace) }) {
                decision = routeHTTPRoutes([route], request: request, using: &rng)
            } else if let vs = objects.virtualServices.first(where: { isNamed($0, name, namespace) }) {
                decision = routeVirtualService(vs, request: request, objects: objects, using: &rng)
            }
        } else if let host = entry.host {
            let routes = objects.httpRoutes.filter { inNamespace($0, namespace) && httpRouteMatchesHost($0, host) }
            if !routes.isEmpty {
                decision = routeHTTPRoutes(routes, request: request, using: &rng)
            } else if let vs = objects.virtualServices.first(where: {
                inNamespace($0, namespace) && virtualServiceHosts($0).contains(where: { hostMatches($0, host, namespace) })
            }) {
                decision = routeVirtualService(vs, request: request, objects: objects, using: &rng)
            } else {
                decision = routeIngresses(objects.ingresses.filter { inNamespace($0, namespace) }, request: request, host: host, using: &rng)
            }
        } else if let service = entry.service {
            if let vs = objects.virtualServices.first(where: {
                inNamespace($0, namespace) && virtualServiceHosts($0).contains(where: { hostMatches($0, service, namespace) })
            }) {
                decision = routeVirtualService(vs, request: request, objects: objects, using: &rng)
            } else {
                decision = RoutingDecision(primary: BackendTarget(namespace: namespace, service: service))
            }
        }
        guard var decision else { return nil }
        if let primary = decision.primary {
            decision.primary = applyTrafficSplit(primary, objects: objects, using: &rng)
        }
        return decision
    }

    // MARK: Gateway API HTTPRoute

    private struct Candidate { var rule: JSONValue; var namespace: String; var rank: (Int, Int, Int); var order: Int }

    /// Gateway API precedence across all rules of `routes`: exact path, then longest prefix,
    /// then most header matches, then document order.
    public static func routeHTTPRoutes(
        _ routes: [JSONValue], request: TrafficRequest, using rng: inout some RandomNumberGenerator
    ) -> RoutingDecision? {
        var candidates: [Candidate] = []
        var order = 0
        for route in routes {
            let namespace = route[path: "metadata", "namespace"]?.stringValue ?? "default"
            for rule in route[path: "spec", "rules"]?.arrayValue ?? [] {
                let matches = rule["matches"]?.arrayValue ?? [[:]]
                for match in matches.isEmpty ? [[:]] : matches {
                    order += 1
                    guard let rank = httpRouteMatch(match, request) else { continue }
                    candidates.append(Candidate(rule: rule, namespace: namespace, rank: rank, order: order))
                }
            }
        }
        guard let best = candidates.min(by: { a, b in
            if a.rank != b.rank { return a.rank > b.rank }
            return a.order < b.order
        }) else { return nil }
        let refs = best.rule["backendRefs"]?.arrayValue ?? []
        let weights = refs.map { Double($0["weight"]?.integerValue ?? 1) }
        var primary: BackendTarget?
        if let index = rng.weightedIndex(weights), let name = refs[index]["name"]?.stringValue {
            primary = BackendTarget(namespace: refs[index]["namespace"]?.stringValue ?? best.namespace, service: name)
        }
        var mirrors: [BackendTarget] = []
        var filters = best.rule["filters"]?.arrayValue ?? []
        if let primary, let index = weights.indices.first(where: { refs[$0]["name"]?.stringValue == primary.service }) {
            filters += refs[index]["filters"]?.arrayValue ?? []
        }
        for filter in filters where filter["type"]?.stringValue == "RequestMirror" {
            guard let mirror = filter["requestMirror"], let name = mirror[path: "backendRef", "name"]?.stringValue else { continue }
            var fraction = 1.0
            if let percent = mirror["percent"]?.integerValue {
                fraction = Double(percent) / 100
            } else if let parts = mirror["fraction"], let numerator = parts["numerator"]?.integerValue {
                let denominator = parts["denominator"]?.integerValue ?? 100
                fraction = denominator > 0 ? Double(numerator) / Double(denominator) : 0
            }
            if rng.bernoulli(fraction) {
                mirrors.append(BackendTarget(
                    namespace: mirror[path: "backendRef", "namespace"]?.stringValue ?? best.namespace, service: name))
            }
        }
        return RoutingDecision(primary: primary, mirrors: mirrors)
    }

    /// Precedence rank of a matching HTTPRouteMatch, nil if it does not match.
    static func httpRouteMatch(_ match: JSONValue, _ request: TrafficRequest) -> (Int, Int, Int)? {
        var exact = 0, prefixLength = 0
        let pathType = match[path: "path", "type"]?.stringValue ?? "PathPrefix"
        let pathValue = match[path: "path", "value"]?.stringValue ?? "/"
        switch pathType {
        case "Exact":
            guard request.path == pathValue else { return nil }
            exact = 1
        case "RegularExpression":
            guard regexMatches(pathValue, request.path) else { return nil }
        default:
            guard pathPrefixMatches(pathValue, request.path) else { return nil }
            prefixLength = pathValue.count
        }
        let headers = match["headers"]?.arrayValue ?? []
        for header in headers {
            guard let name = header["name"]?.stringValue, let value = header["value"]?.stringValue,
                let actual = request.header(name)
            else { return nil }
            switch header["type"]?.stringValue ?? "Exact" {
            case "RegularExpression": guard regexMatches(value, actual) else { return nil }
            default: guard actual == value else { return nil }
            }
        }
        return (exact, prefixLength, headers.count)
    }

    /// Gateway API PathPrefix: element-wise, `/foo` matches `/foo` and `/foo/bar`, not `/foobar`.
    static func pathPrefixMatches(_ prefix: String, _ path: String) -> Bool {
        let trimmed = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        if trimmed == "/" { return true }
        return path == trimmed || path.hasPrefix(trimmed + "/")
    }

    static func httpRouteMatchesHost(_ route: JSONValue, _ host: String) -> Bool {
        let hostnames = route[path: "spec", "hostnames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if hostnames.isEmpty { return true }
        return hostnames.contains { pattern in
            if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst())) }
            return pattern == host
        }
    }

    // MARK: Istio VirtualService

    /// First `http` route whose any `match` matches (no `match`: everything).
    public static func routeVirtualService(
        _ vs: JSONValue, request: TrafficRequest, objects: RouterObjects, using rng: inout some RandomNumberGenerator
    ) -> RoutingDecision? {
        let namespace = vs[path: "metadata", "namespace"]?.stringValue ?? "default"
        for http in vs[path: "spec", "http"]?.arrayValue ?? [] {
            let matches = http["match"]?.arrayValue ?? []
            guard matches.isEmpty || matches.contains(where: { istioMatch($0, request) }) else { continue }
            let routes = http["route"]?.arrayValue ?? []
            let weights: [Double] = routes.count == 1
                ? [1] : routes.map { Double($0["weight"]?.integerValue ?? 0) }
            var primary: BackendTarget?
            if let index = rng.weightedIndex(weights), let destination = routes[index]["destination"] {
                primary = istioTarget(destination, namespace: namespace, objects: objects)
            }
            var mirrors: [BackendTarget] = []
            if let mirror = http["mirror"] {
                var percent = 100.0
                if let value = http[path: "mirrorPercentage", "value"] { percent = number(value) ?? 100 }
                else if let value = http["mirrorPercent"]?.integerValue ?? http["mirror_percent"]?.integerValue { percent = Double(value) }
                if rng.bernoulli(percent / 100), let target = istioTarget(mirror, namespace: namespace, objects: objects) {
                    mirrors.append(target)
                }
            }
            for mirror in http["mirrors"]?.arrayValue ?? [] {
                let percent = mirror[path: "percentage", "value"].flatMap(number) ?? 100
                if rng.bernoulli(percent / 100), let destination = mirror["destination"],
                    let target = istioTarget(destination, namespace: namespace, objects: objects)
                {
                    mirrors.append(target)
                }
            }
            return RoutingDecision(primary: primary, mirrors: mirrors)
        }
        return nil
    }

    static func istioMatch(_ match: JSONValue, _ request: TrafficRequest) -> Bool {
        if let uri = match["uri"], !stringMatch(uri, request.path) { return false }
        for (name, condition) in match["headers"]?.objectValue ?? [:] {
            guard let actual = request.header(name), stringMatch(condition, actual) else { return false }
        }
        for (name, condition) in match["withoutHeaders"]?.objectValue ?? [:] {
            if let actual = request.header(name), condition.objectValue?.isEmpty ?? true || stringMatch(condition, actual) {
                return false
            }
        }
        return true
    }

    /// Istio StringMatch: `exact`, `prefix` or `regex` (RE2, whole string).
    static func stringMatch(_ condition: JSONValue, _ value: String) -> Bool {
        if let exact = condition["exact"]?.stringValue { return value == exact }
        if let prefix = condition["prefix"]?.stringValue { return value.hasPrefix(prefix) }
        if let regex = condition["regex"]?.stringValue { return regexMatches(regex, value) }
        return true
    }

    static func istioTarget(_ destination: JSONValue, namespace: String, objects: RouterObjects) -> BackendTarget? {
        guard let host = destination["host"]?.stringValue else { return nil }
        let (service, serviceNamespace) = splitServiceHost(host, defaultNamespace: namespace)
        var target = BackendTarget(namespace: serviceNamespace, service: service)
        if let subset = destination["subset"]?.stringValue {
            target.subset = subset
            let rule = objects.destinationRules.first { rule in
                guard let ruleHost = rule[path: "spec", "host"]?.stringValue else { return false }
                let ruleNamespace = rule[path: "metadata", "namespace"]?.stringValue ?? "default"
                let resolved = splitServiceHost(ruleHost, defaultNamespace: ruleNamespace)
                return resolved.0 == service && resolved.1 == serviceNamespace
            }
            let definition = rule?[path: "spec", "subsets"]?.arrayValue?.first { $0["name"]?.stringValue == subset }
            for (key, value) in definition?["labels"]?.objectValue ?? [:] {
                if let value = value.stringValue { target.labels[key] = value }
            }
        }
        return target
    }

    /// `web`, `web.ns`, `web.ns.svc`, `web.ns.svc.cluster.local` → (service, namespace).
    static func splitServiceHost(_ host: String, defaultNamespace: String) -> (String, String) {
        let parts = host.split(separator: ".").map(String.init)
        if parts.count >= 2, parts.count <= 3 || host.hasSuffix(".svc.cluster.local") {
            return (parts[0], parts[1])
        }
        return (parts.first ?? host, defaultNamespace)
    }

    static func virtualServiceHosts(_ vs: JSONValue) -> [String] {
        vs[path: "spec", "hosts"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func hostMatches(_ pattern: String, _ host: String, _ namespace: String) -> Bool {
        if pattern == "*" || pattern == host { return true }
        if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst())) }
        // Mesh short names: `web` and `web.ns.svc.cluster.local` are the same Service.
        if !host.contains(".") || !pattern.contains(".") {
            return splitServiceHost(pattern, defaultNamespace: namespace) == splitServiceHost(host, defaultNamespace: namespace)
        }
        return false
    }

    // MARK: ingress-nginx canary

    static let canaryPrefix = "nginx.ingress.kubernetes.io/"

    /// The main Ingress for `host` and path decides the stable backend; a canary Ingress
    /// (`canary: "true"`) for the same host takes the request by header, then by weight.
    public static func routeIngresses(
        _ ingresses: [JSONValue], request: TrafficRequest, host: String, using rng: inout some RandomNumberGenerator
    ) -> RoutingDecision? {
        func annotation(_ ingress: JSONValue, _ name: String) -> String? {
            ingress[path: "metadata", "annotations", canaryPrefix + name]?.stringValue
        }
        func backend(_ ingress: JSONValue) -> (BackendTarget, Int)? {
            let namespace = ingress[path: "metadata", "namespace"]?.stringValue ?? "default"
            var best: (BackendTarget, Int)?
            for rule in ingress[path: "spec", "rules"]?.arrayValue ?? [] where (rule["host"]?.stringValue ?? host) == host {
                for path in rule[path: "http", "paths"]?.arrayValue ?? [] {
                    let value = path["path"]?.stringValue ?? "/"
                    let matches = path["pathType"]?.stringValue == "Exact"
                        ? request.path == value : pathPrefixMatches(value, request.path)
                    guard matches, let name = path[path: "backend", "service", "name"]?.stringValue else { continue }
                    let length = path["pathType"]?.stringValue == "Exact" ? Int.max : value.count
                    if best == nil || length > best!.1 { best = (BackendTarget(namespace: namespace, service: name), length) }
                }
            }
            if best == nil, let name = ingress[path: "spec", "defaultBackend", "service", "name"]?.stringValue {
                best = (BackendTarget(namespace: namespace, service: name), -1)
            }
            return best
        }
        let isCanary = { (ingress: JSONValue) in annotation(ingress, "canary") == "true" }
        guard let main = ingress(ingresses.filter { !isCanary($0) }, backend) else { return nil }
        guard let canaryIngress = ingresses.first(where: { isCanary($0) && backend($0) != nil }),
            let canary = backend(canaryIngress)?.0
        else { return RoutingDecision(primary: main) }

        if let header = annotation(canaryIngress, "canary-by-header"), let actual = request.header(header) {
            if let expected = annotation(canaryIngress, "canary-by-header-value") {
                if actual == expected { return RoutingDecision(primary: canary) }
            } else if let pattern = annotation(canaryIngress, "canary-by-header-pattern") {
                if regexMatches(pattern, actual) { return RoutingDecision(primary: canary) }
            } else if actual == "always" {
                return RoutingDecision(primary: canary)
            } else if actual == "never" {
                return RoutingDecision(primary: main)
            }
        }
        if let weightText = annotation(canaryIngress, "canary-weight"), let weight = Double(weightText) {
            let total = annotation(canaryIngress, "canary-weight-total").flatMap(Double.init) ?? 100
            if total > 0, rng.unitInterval() * total < weight { return RoutingDecision(primary: canary) }
        }
        return RoutingDecision(primary: main)
    }

    private static func ingress(_ candidates: [JSONValue], _ backend: (JSONValue) -> (BackendTarget, Int)?) -> BackendTarget? {
        candidates.compactMap(backend).max(by: { $0.1 < $1.1 })?.0
    }

    // MARK: SMI TrafficSplit

    /// Splits calls to a TrafficSplit's root `spec.service` across `spec.backends`.
    public static func applyTrafficSplit(
        _ target: BackendTarget, objects: RouterObjects, using rng: inout some RandomNumberGenerator
    ) -> BackendTarget {
        guard let split = objects.trafficSplits.first(where: {
            inNamespace($0, target.namespace) && $0[path: "spec", "service"]?.stringValue == target.service
        }) else { return target }
        let backends = split[path: "spec", "backends"]?.arrayValue ?? []
        let weights = backends.map { backend -> Double in
            guard let weight = backend["weight"] else { return 0 }
            if let text = weight.stringValue { return quantity(text) ?? 0 }
            return number(weight) ?? 0
        }
        guard let index = rng.weightedIndex(weights), let service = backends[index]["service"]?.stringValue else { return target }
        return BackendTarget(namespace: target.namespace, service: service, subset: target.subset, labels: target.labels)
    }

    /// `"500m"`, `"1"`, `"90"` (v1alpha1 weights were quantities).
    static func quantity(_ text: String) -> Double? {
        if text.hasSuffix("m") { return Double(text.dropLast()).map { $0 / 1000 } }
        return Double(text)
    }

    // MARK: Pods

    /// A Ready pod behind `target`, chosen uniformly: the Service's selector plus the target's
    /// labels; nil when none is Ready (or the Service is unknown).
    public static func pickPod(
        for target: BackendTarget, services: [JSONValue], pods: [JSONValue], using rng: inout some RandomNumberGenerator
    ) -> JSONValue? {
        guard let selector = podSelector(for: target, services: services) else { return nil }
        return pickPod(namespace: target.namespace, selector: selector, pods: pods, using: &rng)
    }

    public static func pickPod(
        namespace: String, selector: [String: String], pods: [JSONValue], using rng: inout some RandomNumberGenerator
    ) -> JSONValue? {
        let ready = pods.filter { isReady($0) && podMatches($0, namespace: namespace, selector: selector) }
        guard !ready.isEmpty else { return nil }
        return ready[Int.random(in: 0..<ready.count, using: &rng)]
    }

    /// The labels pods behind `target` carry: the Service's selector plus the target's
    /// labels; nil when the Service is unknown or has no selector (no pods of its own).
    static func podSelector(for target: BackendTarget, services: [JSONValue]) -> [String: String]? {
        guard let service = services.first(where: { isNamed($0, target.service, target.namespace) }) else { return nil }
        var selector: [String: String] = [:]
        for (key, value) in service[path: "spec", "selector"]?.objectValue ?? [:] {
            if let value = value.stringValue { selector[key] = value }
        }
        if selector.isEmpty { return nil }
        selector.merge(target.labels) { _, subset in subset }
        return selector
    }

    static func podMatches(_ pod: JSONValue, namespace: String, selector: [String: String]) -> Bool {
        guard inNamespace(pod, namespace) else { return false }
        let labels = pod[path: "metadata", "labels"]?.objectValue ?? [:]
        return selector.allSatisfy { labels[$0.key]?.stringValue == $0.value }
    }

    /// Ready condition True and not being deleted.
    public static func isReady(_ pod: JSONValue) -> Bool {
        if let deletion = pod[path: "metadata", "deletionTimestamp"], deletion != .null { return false }
        return pod[path: "status", "conditions"]?.arrayValue?.contains {
            $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True"
        } ?? false
    }

    // MARK: Helpers

    static func isNamed(_ object: JSONValue, _ name: String, _ namespace: String) -> Bool {
        object[path: "metadata", "name"]?.stringValue == name && inNamespace(object, namespace)
    }

    static func inNamespace(_ object: JSONValue, _ namespace: String) -> Bool {
        (object[path: "metadata", "namespace"]?.stringValue ?? "default") == namespace
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let int): Double(int)
        case .double(let double): double
        case .string(let text): Double(text)
        default: nil
        }
    }

    static func regexMatches(_ pattern: String, _ value: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: value)) != nil
    }
}
