import Foundation
import KubeClient
import SluiceAPI

/// Argo Rollouts (`argoproj.io/v1alpha1`) `Rollout`, `AnalysisTemplate` and
/// `ClusterAnalysisTemplate` to Sluice's kinds. Sluice's field names follow Argo's where the
/// concept is the same, so most of a spec carries over through Sluice's own schema; what
/// does not is reported as a note.
enum ArgoConverter {
    static let gatewayPlugin = "argoproj-labs/gatewayAPI"

    /// Why well-known Argo fields have no equivalent, by field name.
    static let reasons: [String: String] = [
        "restartAt": "Sluice has no scheduled restart; run `rollout restart` instead",
        "rollbackWindow": "Sluice has no fast-rollback window; `rollout undo` returns to an older revision",
        "canaryMetadata": "Sluice does not add labels or annotations to canary pods",
        "stableMetadata": "Sluice does not add labels or annotations to stable pods",
        "previewMetadata": "Sluice does not add labels or annotations to preview pods",
        "activeMetadata": "Sluice does not add labels or annotations to active pods",
        "antiAffinity": "Sluice does not inject pod anti-affinity; put it in the pod template",
        "dynamicStableScale": "Sluice keeps stable at full size during a routed canary",
        "pingPong": "Sluice has no ping-pong Services",
        "scaleDownDelayRevisionLimit": "Sluice scales every old revision down after scaleDownDelaySeconds",
        "minPodsPerReplicaSet": "no Sluice equivalent",
        "replicaProgressThreshold": "no Sluice equivalent",
        "maxTrafficWeight": "Sluice weights are always percentages of 100",
        "dryRun": "Sluice has no dry-run analysis at this level; mark metrics dryRun in the AnalysisTemplate",
        "measurementRetention": "Sluice keeps the most recent measurements of every metric",
        "analysisRunMetadata": "Sluice does not add labels or annotations to AnalysisRuns",
        "plugin": "Argo step plugins have no Sluice equivalent",
        "insecure": "Sluice always verifies TLS; trust the server's CA instead",
        "sigv4": "Sluice has no AWS SigV4 signing; use a bearer token or OAuth 2",
        "consecutiveSuccessLimit": "no Sluice equivalent",
        "status": "status is the controller's; Sluice writes its own",
        "alb": "the AWS ALB router has no Sluice equivalent",
        "ambassador": "the Ambassador router has no Sluice equivalent",
        "appMesh": "the App Mesh router has no Sluice equivalent",
        "traefik": "the Traefik router has no Sluice equivalent",
        "apisix": "the APISIX router has no Sluice equivalent",
        "tlsRoutes": "Sluice weights HTTP routes only",
        "tcpRoutes": "Sluice weights HTTP routes only",
        "additionalIngressAnnotations": "Sluice does not add annotations to the canary Ingress",
        "canaryIngressAnnotations": "Sluice does not add annotations to the canary Ingress",
        "stableIngresses": "Sluice splits one stable Ingress",
        "datadog": "Sluice analysis providers are prometheus, web and job",
        "newRelic": "Sluice analysis providers are prometheus, web and job",
        "wavefront": "Sluice analysis providers are prometheus, web and job",
        "kayenta": "Sluice analysis providers are prometheus, web and job; its judge replaces Kayenta",
        "cloudWatch": "Sluice analysis providers are prometheus, web and job",
        "graphite": "Sluice analysis providers are prometheus, web and job",
        "influxdb": "Sluice analysis providers are prometheus, web and job",
        "skywalking": "Sluice analysis providers are prometheus, web and job",
        "metadata": "not carried over",
        "selector": "not carried over",
        "service": "Sluice experiments do not create Services",
    ]

    static func rollout(_ json: JSONValue) -> (JSONValue, [ConversionNote]) {
        var source = ConversionSource(json)
        var spec: [String: JSONValue] = [:]
        for key in ["replicas", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds", "progressDeadlineAbort"] {
            if let value = source.takeKnown(["spec", key], RolloutSpec.schema.properties[key]!) { spec[key] = value }
        }
        if let selector = source.takeKnown(["spec", "selector"], LabelSelector.schema) { spec["selector"] = selector }
        if let template = source.take(["spec", "template"]) { spec["template"] = template }
        if let workloadRef = source.takeKnown(["spec", "workloadRef"], WorkloadRef.schema) { spec["workloadRef"] = workloadRef }

        var strategy: [String: JSONValue] = [:]
        let strategyPath: SourcePath = ["spec", "strategy"]
        if source.get(strategyPath["canary"]) != nil {
            strategy["canary"] = canary(&source, at: strategyPath["canary"])
        }
        if source.get(strategyPath["blueGreen"]) != nil {
            var blueGreen = source.takeKnown(strategyPath["blueGreen"], BlueGreenStrategy.schema)?.objectValue ?? [:]
            for key in ["prePromotionAnalysis", "postPromotionAnalysis"] where blueGreen[key] != nil {
                blueGreen[key] = analysis(&source, at: strategyPath["blueGreen"][key], RolloutAnalysis.schema)
            }
            strategy["blueGreen"] = .object(blueGreen)
        }
        spec["strategy"] = .object(strategy)
        let document: JSONValue = [
            "apiVersion": .string(SluiceAPIGroup.apiVersion), "kind": "Rollout",
            "metadata": ConverterSupport.metadata(&source), "spec": .object(spec),
        ]
        return (document, source.notes + source.leftovers(explaining: reasons))
    }

    private static func canary(_ source: inout ConversionSource, at path: SourcePath) -> JSONValue {
        var canary: [String: JSONValue] = [:]
        for key in ["stableService", "canaryService", "maxSurge", "maxUnavailable", "scaleDownDelaySeconds", "abortScaleDownDelaySeconds"] {
            if let value = source.takeKnown(path[key], CanaryStrategy.schema.properties[key]!) { canary[key] = value }
        }
        var routed = false
        if source.get(path["trafficRouting"]) != nil, let routing = trafficRouting(&source, at: path["trafficRouting"]) {
            canary["trafficRouting"] = routing
            routed = true
        }
        if source.get(path["analysis"]) != nil {
            canary["analysis"] = analysis(&source, at: path["analysis"], RolloutAnalysisBackground.schema)
        }
        if let steps = source.get(path["steps"])?.arrayValue {
            var converted: [JSONValue] = []
            for index in steps.indices {
                let here = path["steps"][index]
                let step = source.get(here)?.objectValue ?? [:]
                if !routed, let kind = ["setHeaderRoute", "setMirrorRoute"].first(where: { step[$0] != nil }) {
                    source.note(here[kind], "needs a traffic router, and none was converted; step left out")
                    continue
                }
                if step["analysis"] != nil {
                    converted.append(["analysis": analysis(&source, at: here["analysis"], RolloutAnalysis.schema)])
                    continue
                }
                if step["experiment"] != nil, var known = source.takeKnown(here, CanaryStep.schema)?.objectValue,
                   case .object(var experiment)? = known["experiment"] {
                    experiment["templates"] = experimentVariants(experiment["templates"], &source, at: here["experiment"]["templates"])
                    known["experiment"] = .object(experiment)
                    converted.append(.object(known))
                } else if let known = source.takeKnown(here, CanaryStep.schema), known.objectValue?.isEmpty == false {
                    converted.append(known)
                } else if let kind = step.keys.sorted().first {
                    source.note(here[kind], "\(reasons[kind] ?? "no Sluice equivalent"); step left out")
                }
            }
            canary["steps"] = .array(converted)
        }
        return .object(canary)
    }

    /// An Argo experiment's variants as Sluice runs them, on the stable and canary ReplicaSets:
    /// without `replicas` (the pods follow the canary's weight), and the stable variant's
    /// weight only when it is what the control gets anyway (100 minus the canary's).
    private static func experimentVariants(_ templates: JSONValue?, _ source: inout ConversionSource, at path: SourcePath) -> JSONValue? {
        guard var variants = templates?.arrayValue else { return templates }
        let canaryWeight = variants.first { $0["specRef"]?.stringValue == "canary" }?["weight"]?.integerValue
        for index in variants.indices {
            guard case .object(var variant) = variants[index] else { continue }
            if variant.removeValue(forKey: "replicas") != nil {
                source.note(path[index]["replicas"], "Sluice runs each variant on the stable or canary ReplicaSet, whose pods follow the canary's weight; not carried over")
            }
            if variant["specRef"]?.stringValue == "stable", let weight = variant["weight"]?.integerValue,
               canaryWeight.map({ 100 - $0 }) != weight {
                variant["weight"] = nil
                source.note(path[index]["weight"], "the stable variant is the control and gets the traffic the canary variant does not"
                                + (canaryWeight.map { " (\(100 - $0)%)" } ?? "") + "; not carried over")
            }
            variants[index] = .object(variant)
        }
        return .array(variants)
    }

    /// The router, when Sluice has one of Argo's; nil (with notes) otherwise.
    private static func trafficRouting(_ source: inout ConversionSource, at path: SourcePath) -> JSONValue? {
        var routing: [String: JSONValue] = [:]
        let plugin = path["plugins"][gatewayPlugin]
        if let route = source.string(plugin["httpRoute"]) {
            routing["gatewayAPI"] = ["httpRoute": .string(route)]
            source.use(plugin["httpRoute"])
            if let namespace = source.take(plugin["namespace"]) { routing["gatewayAPI"]?["namespace"] = namespace }
        } else if let routes = source.get(plugin["httpRoutes"])?.arrayValue, routes.count == 1, let name = routes[0]["name"]?.stringValue {
            routing["gatewayAPI"] = ["httpRoute": .string(name)]
            source.use(plugin["httpRoutes"][0]["name"])
            if let namespace = source.take(plugin["namespace"]) { routing["gatewayAPI"]?["namespace"] = namespace }
        }
        if let istio = source.get(path["istio"]) {
            if istio["virtualService"] != nil {
                routing["istio"] = source.takeKnown(path["istio"], IstioTrafficRouting.schema)
            } else if let services = istio["virtualServices"]?.arrayValue, services.count == 1 {
                var converted = source.takeKnown(path["istio"]["virtualServices"][0], IstioVirtualService.schema) ?? [:]
                converted = ["virtualService": converted]
                if let rule = source.takeKnown(path["istio"]["destinationRule"], IstioDestinationRule.schema) { converted["destinationRule"] = rule }
                routing["istio"] = converted
            } else if istio["virtualServices"] != nil {
                source.note(path["istio"]["virtualServices"], "Sluice weights one VirtualService; not converted")
            }
        }
        if let nginx = source.get(path["nginx"]), nginx["stableIngress"] != nil {
            routing["nginx"] = source.takeKnown(path["nginx"], NginxTrafficRouting.schema)
        }
        if source.get(path["smi"]) != nil { routing["smi"] = source.takeKnown(path["smi"], SMITrafficRouting.schema) }
        if let managed = source.takeKnown(path["managedRoutes"], [ManagedRoute].schema) { routing["managedRoutes"] = managed }
        let routers = ["gatewayAPI", "istio", "nginx", "smi"].filter { routing[$0] != nil }
        if routers.count > 1 {
            for router in routers.dropFirst() {
                source.note("Sluice uses one router per Rollout: kept \(routers[0]), left out \(router)")
                routing[router] = nil
            }
        }
        if routers.isEmpty {
            source.note(path, "no router Sluice has (gatewayAPI, istio, nginx, smi); weights become replica ratios")
            routing["managedRoutes"] = nil
            return nil
        }
        if routers.first == "istio" || routers.first == "nginx" || routers.first == "smi" {
            source.note("this controller routes with gatewayAPI only so far: until its \(routers[0]) router lands, the Rollout gets condition InvalidSpec")
        }
        return .object(routing)
    }

    private static func analysis(_ source: inout ConversionSource, at path: SourcePath, _ schema: Schema) -> JSONValue {
        source.takeKnown(path, schema) ?? [:]
    }

    static func analysisTemplate(_ json: JSONValue, clusterScoped: Bool) -> (JSONValue, [ConversionNote]) {
        var source = ConversionSource(json)
        var spec: [String: JSONValue] = [:]
        let args = source.get(["spec", "args"])?.arrayValue ?? []
        if let converted = source.takeKnown(["spec", "args"], [Argument].schema) { spec["args"] = converted }
        var dryRunNames: Set<String> = []
        for (index, entry) in (source.get(["spec", "dryRun"])?.arrayValue ?? []).enumerated() {
            if let name = entry["metricName"]?.stringValue {
                dryRunNames.insert(name)
                let dryRun: SourcePath = ["spec", "dryRun"]
                source.use(dryRun[index]["metricName"])
            }
        }
        var metrics: [JSONValue] = []
        for index in (source.get(["spec", "metrics"])?.arrayValue ?? []).indices {
            let metricsPath: SourcePath = ["spec", "metrics"]
            let here = metricsPath[index]
            let providers = source.get(here["provider"])?.objectValue?.keys.sorted() ?? []
            guard providers.contains(where: { ["prometheus", "web", "job"].contains($0) }) else {
                source.note(here, "metric \"\(source.string(here["name"]) ?? "?")\" left out: its provider (\(providers.joined(separator: ", "))) is not one of Sluice's (prometheus, web, job)")
                continue
            }
            var metric = source.takeKnown(here, Metric.schema)?.objectValue ?? [:]
            let name = metric["name"]?.stringValue ?? ""
            if dryRunNames.contains(name) || dryRunNames.contains("*") { metric["dryRun"] = true }
            let web = here["provider"]["web"]
            if let body = source.get(web["jsonBody"]) {
                source.use(web["jsonBody"])
                let text = (try? KubeJSON.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                metric["provider"]?["web"]?["body"] = .string(text)
                source.note(web["jsonBody"], "carried over as body (JSON text)")
            }
            let oauth = here["provider"]["prometheus"]["authentication"]["oauth2"]
            if let secret = source.string(oauth["clientSecret"]) {
                if let name = argumentReferences(in: secret).first,
                   let argument = args.first(where: { $0["name"]?.stringValue == name }),
                   let reference = argument[path: "valueFrom", "secretKeyRef"], reference["name"] != nil, reference["key"] != nil {
                    source.use(oauth["clientSecret"])
                    metric["provider"]?["prometheus"]?["authentication"]?["oauth2"]?["clientSecret"] = reference
                    source.note(oauth["clientSecret"], "now read straight from the Secret argument \(name) names")
                } else {
                    source.note(oauth["clientSecret"], "Sluice reads the OAuth 2 client secret from a Secret (clientSecret: {name, key}); set it")
                }
            }
            metrics.append(.object(metric))
        }
        spec["metrics"] = .array(metrics)
        let document: JSONValue = [
            "apiVersion": .string(SluiceAPIGroup.apiVersion), "kind": .string(clusterScoped ? "ClusterAnalysisTemplate" : "AnalysisTemplate"),
            "metadata": ConverterSupport.metadata(&source, clusterScoped: clusterScoped), "spec": .object(spec),
        ]
        return (document, source.notes + source.leftovers(explaining: reasons))
    }
}
