import Foundation
import KubeClient
import SluiceAPI

/// Flagger (`flagger.app/v1beta1`) `Canary` and `MetricTemplate` to Sluice's kinds. Flagger
/// derives steps from `analysis` (stepWeight, iterations, match, mirror) and generates the
/// Services and routes itself; Sluice states the steps and uses Services and routes that
/// exist. What cannot carry over is reported as a note.
enum FlaggerConverter {
    /// Objects of the same conversion a Canary may draw on.
    struct Context {
        /// Deployments by `namespace/name`.
        var deployments: [String: JSONValue] = [:]
        /// MetricTemplates by `namespace/name`.
        var metricTemplates: [String: JSONValue] = [:]
    }

    /// The Rollout, any AnalysisTemplates made for its metrics, the notes, and the key of the
    /// Deployment whose pod template it took (that Deployment is folded into the Rollout).
    struct CanaryResult {
        var rollout: JSONValue
        var templates: [JSONValue]
        var notes: [ConversionNote]
        var foldedDeployment: String?
    }

    static let reasons: [String: String] = [
        "autoscalerRef": "Sluice does not manage autoscalers; point the HPA at the Rollout (it has a scale subresource)",
        "revertOnDeletion": "no Sluice equivalent",
        "skipAnalysis": "no Sluice equivalent; `rollout promote --full` skips the remaining steps of one update",
        "alerts": "Sluice records Kubernetes Events instead of sending alerts",
        "primaryReadyThreshold": "Sluice waits for every pod of a step to be available",
        "canaryReadyThreshold": "Sluice waits for every pod of a step to be available",
        "stepWeightPromotion": "Sluice promotes by switching the stable Service, not by weights",
        "sessionAffinity": "no Sluice equivalent",
        "upstreamRef": "no Sluice equivalent",
        "routeRef": "no Sluice equivalent",
        "status": "status is the controller's; Sluice writes its own",
    ]

    static func key(_ json: JSONValue) -> String {
        "\(json[path: "metadata", "namespace"]?.stringValue ?? "")/\(json[path: "metadata", "name"]?.stringValue ?? "")"
    }

    static func canary(_ json: JSONValue, context: Context) -> CanaryResult {
        var source = ConversionSource(json)
        let namespace = source.string(["metadata", "namespace"])
        let name = source.string(["metadata", "name"]) ?? "canary"
        var spec: [String: JSONValue] = [:]
        var folded: String?

        // The workload.
        let targetName = source.string(["spec", "targetRef", "name"]) ?? name
        let targetKind = source.string(["spec", "targetRef", "kind"]) ?? "Deployment"
        if targetKind == "Deployment", let deployment = context.deployments["\(namespace ?? "")/\(targetName)"] {
            source.use(["spec", "targetRef"])
            folded = "\(namespace ?? "")/\(targetName)"
            for key in ["replicas", "minReadySeconds", "revisionHistoryLimit", "selector", "template"] {
                if let value = deployment[path: "spec", key] { spec[key] = value }
            }
            source.note("the pod template, selector and replicas come from Deployment \"\(targetName)\", which the Rollout replaces (delete it once the Rollout is live)")
        } else if source.get(["spec", "targetRef"]) != nil {
            var reference: [String: JSONValue] = ["name": .string(targetName), "kind": .string(targetKind)]
            reference["apiVersion"] = .string(source.string(["spec", "targetRef", "apiVersion"]) ?? "apps/v1")
            source.use(["spec", "targetRef"])
            spec["workloadRef"] = .object(reference)
            spec["selector"] = ["matchLabels": ["app": .string(targetName)]]
            source.note(["spec", "targetRef"], "became workloadRef; selector app=\(targetName) is assumed (Flagger reads it from the \(targetKind)): check it, or convert the \(targetKind)'s file together with this one")
        }
        if let deadline = source.take(["spec", "progressDeadlineSeconds"]) { spec["progressDeadlineSeconds"] = deadline }
        if source.get(["spec", "suspend"]) == .bool(true) {
            source.use(["spec", "suspend"])
            spec["paused"] = true
        } else {
            source.use(["spec", "suspend"])
        }

        // Services and router.
        let service = source.string(["spec", "service", "name"]) ?? targetName
        source.use(["spec", "service", "name"])
        var portText: [String] = []
        for key in ["port", "targetPort", "portName", "portDiscovery", "appProtocol"] {
            if let value = source.get(["spec", "service", key]) {
                source.use(["spec", "service", key])
                portText.append("\(key) \(ConversionSource.show(value, at: ["spec", "service", key]))")
            }
        }
        source.note("Flagger generated the Services \"\(service)\", \"\(service)-primary\" and \"\(service)-canary\"\(portText.isEmpty ? "" : " (\(portText.joined(separator: ", ")))"); Sluice selects pods with the Services \"\(service)-primary\" (stable) and \"\(service)-canary\", which must exist")
        let provider = source.string(["spec", "provider"])
        source.use(["spec", "provider"])
        let kind = provider.map { $0.split(separator: ":").first.map(String.init) ?? $0 }
        var routing: JSONValue?
        var blueGreen = false
        switch kind {
        case "gatewayapi"?:
            routing = ["gatewayAPI": ["httpRoute": .string(service)]]
            source.note("Flagger generated the HTTPRoute \"\(service)\" (from service.gatewayRefs); Sluice weights an existing HTTPRoute of that name")
        case "istio"?:
            routing = ["istio": ["virtualService": ["name": .string(service)]]]
            source.note("Flagger generated the VirtualService \"\(service)\"; Sluice weights an existing one of that name (this controller routes with gatewayAPI only so far)")
        case "nginx"?:
            if let ingress = source.take(["spec", "ingressRef", "name"]) {
                routing = ["nginx": ["stableIngress": ingress]]
                source.use(["spec", "ingressRef"])
            }
        case "smi"?, "linkerd"?, "osm"?:
            routing = ["smi": ["rootService": .string(service)]]
            source.note("provider \(provider ?? "") became an SMI TrafficSplit with root Service \"\(service)\"")
        case "kubernetes"?:
            blueGreen = true
        case nil:
            source.note("no spec.provider: Flagger used its mesh default; set trafficRouting for your router (weights are replica ratios until then)")
        default:
            source.note(["spec", "provider"], "the \(provider ?? "") router has no Sluice equivalent; weights become replica ratios")
        }

        // Analysis: steps, guard and metric templates.
        let analysis: SourcePath = ["spec", "analysis"]
        let interval = source.string(analysis["interval"]) ?? "1m"
        source.use(analysis["interval"])
        let intervalSeconds = ConverterSupport.seconds(interval) ?? 60
        var steps: [JSONValue] = []
        var confirmations: (rollout: Bool, promotion: Bool) = (false, false)
        for (index, hook) in (source.get(analysis["webhooks"])?.arrayValue ?? []).enumerated() {
            let here = analysis["webhooks"][index]
            switch hook["type"]?.stringValue {
            case "confirm-rollout"?:
                confirmations.rollout = true
                source.note(here, "became a first `pause: {}` step: `rollout promote` starts the canary instead of the webhook's approval")
            case "confirm-promotion"?:
                confirmations.promotion = true
                source.note(here, "became a last `pause: {}` step: `rollout promote` promotes instead of the webhook's approval")
            default:
                source.note(here, "Sluice does not call webhooks (\(hook["type"]?.stringValue ?? "rollout") \(hook["name"]?.stringValue ?? "")); run load tests and checks beside the Rollout")
            }
        }
        if confirmations.rollout { steps.append(["pause": [:]]) }
        let iterations = source.get(analysis["iterations"])?.integerValue
        source.use(analysis["iterations"])
        if source.get(analysis["mirror"]) == .bool(true) {
            source.use(analysis["mirror"])
            let percentage = source.take(analysis["mirrorWeight"]) ?? 100
            if routing != nil {
                steps.append(["setMirrorRoute": ["name": "flagger-mirror", "percentage": percentage]])
                steps.append(["pause": ["duration": .string("\(intervalSeconds * Int(iterations ?? 1))s")]])
                steps.append(["setMirrorRoute": ["name": "flagger-mirror", "percentage": 0]])
            } else {
                source.note(analysis["mirror"], "mirroring needs a traffic router, and none was converted")
            }
        } else {
            source.use(analysis["mirror"])
        }
        if let matches = source.get(analysis["match"])?.arrayValue, !matches.isEmpty {
            var names: [String] = []
            for (offset, match) in matches.enumerated() {
                var headerMatches: [JSONValue] = []
                for (header, value) in (match["headers"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let kinds = ["exact", "prefix", "regex"].filter { value[$0] != nil }
                    guard kinds.count == 1, let text = value[kinds[0]] else {
                        source.note(analysis["match"][offset]["headers"][header], "Sluice matches headers by exact, prefix or regex only; not converted")
                        continue
                    }
                    headerMatches.append(["headerName": .string(header), "headerValue": [kinds[0]: text]])
                    source.use(analysis["match"][offset]["headers"][header])
                }
                if !headerMatches.isEmpty, routing != nil {
                    let routeName = "flagger-match-\(offset)"
                    names.append(routeName)
                    steps.append(["setHeaderRoute": ["name": .string(routeName), "match": .array(headerMatches)]])
                } else if routing == nil {
                    source.note(analysis["match"][offset], "header routing needs a traffic router, and none was converted")
                }
            }
            if !names.isEmpty {
                steps.append(["pause": ["duration": .string("\(intervalSeconds * Int(iterations ?? 1))s")]])
                for routeName in names { steps.append(["setHeaderRoute": ["name": .string(routeName)]]) }
            }
        } else if !blueGreen {
            var weights: [Int64] = []
            if let explicit = source.get(analysis["stepWeights"])?.arrayValue {
                source.use(analysis["stepWeights"])
                weights = explicit.compactMap(\.integerValue)
            } else if let step = source.get(analysis["stepWeight"])?.integerValue, step > 0 {
                source.use(analysis["stepWeight"])
                let maximum = source.get(analysis["maxWeight"])?.integerValue ?? 50
                source.use(analysis["maxWeight"])
                weights = Array(stride(from: step, through: min(maximum, 100), by: Int64.Stride(step)))
            } else if let iterations, iterations > 0 {
                steps.append(["pause": ["duration": .string("\(intervalSeconds * Int(iterations))s")]])
            }
            for weight in weights {
                steps.append(["setWeight": .integer(weight)])
                steps.append(["pause": ["duration": .string(interval)]])
            }
        }
        if confirmations.promotion { steps.append(["pause": [:]]) }

        var slo: [String: JSONValue] = [:]
        // Where the checks Flagger builds in read: the Canary's metricsServer, else the first
        // Prometheus a MetricTemplate of this Canary names.
        let metricsServer = source.string(["spec", "metricsServer"])
        var templateAddress: (address: String, template: String)?
        var templateRefs: [JSONValue] = []
        var templates: [JSONValue] = []
        let threshold = source.get(analysis["threshold"])?.integerValue
        if threshold != nil {
            source.use(analysis["threshold"])
        }
        for (index, metric) in (source.get(analysis["metrics"])?.arrayValue ?? []).enumerated() {
            let here = analysis["metrics"][index]
            let metricName = metric["name"]?.stringValue ?? "metric-\(index)"
            let minimum = metric[path: "thresholdRange", "min"].flatMap(Self.number)
            let maximum = metric[path: "thresholdRange", "max"].flatMap(Self.number)
            if metric["templateRef"] == nil, metric["query"] == nil, metricName == "request-success-rate" {
                source.use(here["name"])
                if let minimum {
                    source.use(here["thresholdRange"]["min"])
                    slo["errorRate"] = .double(((100 - minimum) / 100 * 1e6).rounded() / 1e6)
                }
                source.use(here["interval"])
                continue
            }
            if metric["templateRef"] == nil, metric["query"] == nil, metricName == "request-duration" {
                source.use(here["name"])
                if let maximum {
                    source.use(here["thresholdRange"]["max"])
                    slo["latencyP99"] = .string("\(Int(maximum))ms")
                }
                source.use(here["interval"])
                continue
            }
            var query: String?
            var address: String?
            var secret: String?
            if let reference = metric["templateRef"] {
                let templateKey = "\(reference["namespace"]?.stringValue ?? namespace ?? "")/\(reference["name"]?.stringValue ?? "")"
                guard let template = context.metricTemplates[templateKey] else {
                    source.note(here, "MetricTemplate \"\(reference["name"]?.stringValue ?? "")\" is not among the files converted; convert it together with this Canary to carry this metric over")
                    continue
                }
                guard template[path: "spec", "provider", "type"]?.stringValue ?? "prometheus" == "prometheus" else {
                    source.note(here, "its MetricTemplate uses provider \(template[path: "spec", "provider", "type"]?.stringValue ?? "?"); Sluice measures with prometheus, web and job")
                    continue
                }
                source.use(here["templateRef"])
                query = template[path: "spec", "query"]?.stringValue
                address = template[path: "spec", "provider", "address"]?.stringValue
                if templateAddress == nil, let address { templateAddress = (address, reference["name"]?.stringValue ?? "") }
                secret = template[path: "spec", "provider", "secretRef", "name"]?.stringValue
            } else if let inline = metric["query"]?.stringValue {
                source.use(here["query"])
                query = inline
                address = metricsServer
                source.use(["spec", "metricsServer"])
                if address == nil {
                    address = "http://prometheus:9090"
                    source.note(here["query"], "no spec.metricsServer: Flagger's default http://prometheus:9090 assumed")
                }
            }
            guard let query, let address else {
                source.note(here, "has no query Sluice can run")
                continue
            }
            let metricInterval = metric["interval"]?.stringValue ?? interval
            var variables: [String: String] = ["namespace": namespace ?? "default", "target": targetName, "service": service,
                                               "interval": metricInterval]
            if let ingress = source.string(["spec", "ingressRef", "name"]) { variables["ingress"] = ingress }
            for (key, value) in metric["templateVariables"]?.objectValue ?? [:] {
                if let text = value.stringValue { variables["variables.\(key)"] = text }
            }
            source.use(here["templateVariables"])
            var conditions: [String] = []
            if let minimum { conditions.append("result[0] >= \(Self.format(minimum))") }
            if let maximum { conditions.append("result[0] <= \(Self.format(maximum))") }
            source.use(here["thresholdRange"])
            source.use(here["interval"])
            source.use(here["name"])
            var prometheus: [String: JSONValue] = ["address": .string(address), "query": .string(substitute(query, variables))]
            if let secret { prometheus["authentication"] = ["bearerToken": ["name": .string(secret), "key": "token"]] }
            var converted: [String: JSONValue] = [
                "name": .string(metricName), "interval": .string(metricInterval), "provider": ["prometheus": .object(prometheus)],
            ]
            if !conditions.isEmpty { converted["successCondition"] = .string(conditions.joined(separator: " && ")) }
            if let threshold, threshold > 0 { converted["failureLimit"] = .integer(threshold - 1) }
            let templateName = Self.dnsName("\(name)-\(metricName)")
            var metadata: [String: JSONValue] = ["name": .string(templateName)]
            if let namespace { metadata["namespace"] = .string(namespace) }
            templates.append([
                "apiVersion": .string(SluiceAPIGroup.apiVersion), "kind": "AnalysisTemplate",
                "metadata": .object(metadata), "spec": ["metrics": [.object(converted)]],
            ])
            templateRefs.append(["templateName": .string(templateName)])
        }
        if threshold != nil, !templates.isEmpty {
            source.note(analysis["threshold"], "became failureLimit \(threshold! - 1) of each metric (Flagger counts failed checks over all metrics)")
        } else if threshold != nil {
            source.note(analysis["threshold"], "the SLO guard aborts on a breach at once; no failed-check count applies")
        }

        if !slo.isEmpty, !blueGreen { slo["prometheus"] = ["address": .string(Self.sloAddress(metricsServer, templateAddress, &source))] }

        var strategy: [String: JSONValue]
        if blueGreen {
            var blue: [String: JSONValue] = ["activeService": .string("\(service)-primary"), "previewService": .string("\(service)-canary")]
            if confirmations.promotion {
                blue["autoPromotionEnabled"] = false
            } else {
                blue["autoPromotionSeconds"] = .integer(Int64(intervalSeconds * Int(iterations ?? 1)))
            }
            if !templateRefs.isEmpty { blue["prePromotionAnalysis"] = ["templates": .array(templateRefs)] }
            if !slo.isEmpty { source.note("the request-success-rate / request-duration checks have no blue-green equivalent yet (the SLO guard is a canary feature)") }
            strategy = ["blueGreen": .object(blue)]
        } else {
            var canary: [String: JSONValue] = [
                "stableService": .string("\(service)-primary"), "canaryService": .string("\(service)-canary"), "steps": .array(steps),
            ]
            if let routing { canary["trafficRouting"] = routing }
            if !slo.isEmpty { canary["slo"] = .object(slo) }
            if !templateRefs.isEmpty { canary["analysis"] = ["templates": .array(templateRefs)] }
            strategy = ["canary": .object(canary)]
        }
        spec["strategy"] = .object(strategy)
        let rollout: JSONValue = [
            "apiVersion": .string(SluiceAPIGroup.apiVersion), "kind": "Rollout",
            "metadata": ConverterSupport.metadata(&source), "spec": .object(spec),
        ]
        return CanaryResult(rollout: rollout, templates: templates, notes: source.notes + source.leftovers(explaining: reasons),
                            foldedDeployment: folded)
    }

    /// The Prometheus the SLO guard reads, with a note saying where it came from and what the
    /// guard reads there: Flagger's checks query the mesh's or ingress's series; the guard reads
    /// the application's own request counter and latency histogram per pod-template hash.
    static func sloAddress(_ metricsServer: String?, _ template: (address: String, template: String)?, _ source: inout ConversionSource) -> String {
        let reads = "the guard reads the canary's own http_requests_total{code} and http_request_duration_seconds by namespace and "
            + "rollouts_pod_template_hash labels, not the series Flagger's checks query: set slo.prometheus's metric and label "
            + "names to what the pods export"
        let address: String
        if let metricsServer {
            address = metricsServer
            source.note(["spec", "metricsServer"], "became slo.prometheus.address; \(reads)")
        } else if let template {
            address = template.address
            source.note("request-success-rate / request-duration became slo with prometheus.address \(address), the Prometheus of "
                + "MetricTemplate \"\(template.template)\" (check that it scrapes the pods); \(reads)")
        } else {
            address = placeholderPrometheus
            source.note("request-success-rate / request-duration became slo with prometheus.address \(address), a placeholder: "
                + "set it to the Prometheus that scrapes the pods (Flagger's -metrics-server); \(reads)")
        }
        return address
    }

    /// The address written when the input names no Prometheus for the SLO guard.
    static let placeholderPrometheus = "http://prometheus.monitoring:9090"

    /// A MetricTemplate on its own: its query with Flagger's variables as arguments. The
    /// thresholds live on each Canary, so the metric has no condition of its own: it is
    /// converted as `dryRun` (recorded, never deciding) with a note saying what to add.
    static func metricTemplate(_ json: JSONValue) -> (JSONValue?, [ConversionNote]) {
        var source = ConversionSource(json)
        let type = source.string(["spec", "provider", "type"]) ?? "prometheus"
        source.use(["spec", "provider", "type"])
        guard type == "prometheus" else {
            source.note(["spec", "provider"], "provider \(type): Sluice measures with prometheus, web and job; template not converted")
            _ = ConverterSupport.metadata(&source)
            source.use(["spec"])
            return (nil, source.notes)
        }
        let query = source.string(["spec", "query"]) ?? ""
        source.use(["spec", "query"])
        let address = source.string(["spec", "provider", "address"]) ?? "http://prometheus:9090"
        source.use(["spec", "provider", "address"])
        var prometheus: [String: JSONValue] = ["address": .string(address)]
        if let secret = source.string(["spec", "provider", "secretRef", "name"]) {
            source.use(["spec", "provider", "secretRef"])
            prometheus["authentication"] = ["bearerToken": ["name": .string(secret), "key": "token"]]
            source.note(["spec", "provider", "secretRef"], "Sluice sends the Secret's key \"token\" as a bearer token (basic auth with username/password is not supported)")
        }
        var names: [String] = []
        let variables = Self.variables(in: query)
        var mapping: [String: String] = [:]
        for variable in variables {
            let argument = variable.hasPrefix("variables.") ? String(variable.dropFirst("variables.".count)) : variable
            names.append(argument)
            mapping[variable] = "{{args.\(argument)}}"
        }
        prometheus["query"] = .string(substitute(query, mapping))
        source.note("Flagger keeps thresholds on each Canary, so this metric is dryRun (recorded, never deciding): add a successCondition and drop dryRun, or convert the Canaries together with this template (they get templates with their thresholds)")
        let document: JSONValue = [
            "apiVersion": .string(SluiceAPIGroup.apiVersion), "kind": "AnalysisTemplate",
            "metadata": ConverterSupport.metadata(&source),
            "spec": [
                "args": .array(names.map { ["name": .string($0)] }),
                "metrics": [["name": .string(source.string(["metadata", "name"]) ?? "metric"), "dryRun": true,
                             "provider": ["prometheus": .object(prometheus)]]],
            ],
        ]
        return (document, source.notes + source.leftovers(explaining: ["insecureSkipVerify": "Sluice always verifies TLS"]))
    }

    /// Go-template variables in a Flagger query: `{{ namespace }}`, `{{ variables.x }}`.
    static func variables(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !inside.isEmpty, !found.contains(inside) { found.append(inside) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// `text` with each `{{ variable }}` in `values` replaced.
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += rest[..<open.lowerBound]
            result += values[inside] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// `text` as a DNS-1123 name: lower case, other characters as `-`, no `-` at the ends.
    static func dnsName(_ text: String) -> String {
        var name = ""
        for character in text.lowercased() {
            let allowed = character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-")
            let next: Character = allowed ? character : "-"
            if next == "-", name.hasSuffix("-") { continue }
            name.append(next)
        }
        return String(name.trimmingCharacters(in: CharacterSet(charactersIn: "-.")).prefix(253))
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text)
        default: nil
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
