import Foundation
import KubeClient
import SluiceAPI
@testable import TrafficRouting

/// The one document of `yaml` as JSON.
func yaml(_ text: String) -> JSONValue {
    do {
        let documents = try YAMLText.documents(text)
        precondition(documents.count == 1)
        return documents[0]
    } catch {
        fatalError("bad test YAML: \(error)")
    }
}

/// A Rollout `web` in `default` split by the HTTPRoute `web` between `web-stable` and `web-canary`.
func rollout(managedRoutes: [String]? = nil) -> Rollout {
    let canary = CanaryStrategy(
        stableService: "web-stable", canaryService: "web-canary",
        trafficRouting: TrafficRouting(gatewayAPI: GatewayAPITrafficRouting(httpRoute: "web"), managedRoutes: managedRoutes?.map(ManagedRoute.init)),
        steps: [])
    return Rollout(metadata: ObjectMeta(name: "web", namespace: "default"),
                   spec: RolloutSpec(replicas: 4, selector: LabelSelector(matchLabels: ["app": "web"]), strategy: RolloutStrategy(canary: canary)))
}

/// An HTTPRoute as a user writes it: an admin rule Sluice must not touch, the rule split
/// between stable and canary (with a filter and timeouts that header and mirror rules must
/// keep), and a static rule on stable only.
let userRoute = yaml("""
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: default
  annotations:
    team: payments
spec:
  parentRefs:
  - name: public
  hostnames: [web.example.com]
  rules:
  - name: admin
    matches:
    - path: {type: PathPrefix, value: /admin}
      headers:
      - {name: x-admin, value: "yes"}
    backendRefs:
    - {name: web-admin, port: 8080}
  - matches:
    - path: {type: PathPrefix, value: /api}
    - path: {type: Exact, value: /health}
      method: GET
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        add:
        - {name: x-via, value: gateway}
    timeouts: {request: 10s}
    backendRefs:
    - {name: web-stable, port: 80}
    - {name: web-canary, port: 80}
  - matches:
    - path: {type: PathPrefix, value: /static}
    backendRefs:
    - {name: web-stable, port: 80}
""")

/// Defaults the API server writes into a stored HTTPRoute's backendRefs and header
/// matches (as the v1 CRD declares them), done by hand for the tests.
func storedByAPIServer(_ route: JSONValue) -> JSONValue {
    var route = route
    let rules = route[path: "spec", "rules"]?.arrayValue ?? []
    route["spec"]?["rules"] = .array(rules.map { rule in
        var rule = rule
        if let refs = rule["backendRefs"]?.arrayValue {
            rule["backendRefs"] = .array(refs.map { ref in
                var ref = ref
                if ref["group"] == nil { ref["group"] = "" }
                if ref["kind"] == nil { ref["kind"] = "Service" }
                if ref["weight"] == nil { ref["weight"] = 1 }
                return ref
            })
        }
        if let matches = rule["matches"]?.arrayValue {
            rule["matches"] = .array(matches.map { match in
                var match = match
                if let headers = match["headers"]?.arrayValue {
                    match["headers"] = .array(headers.map { header in
                        var header = header
                        if header["type"] == nil { header["type"] = "Exact" }
                        return header
                    })
                }
                return match
            })
        }
        return rule
    })
    return route
}

extension JSONValue {
    var rules: [JSONValue] { self[path: "spec", "rules"]?.arrayValue ?? [] }

    func rule(named name: String) -> JSONValue? { rules.first { $0["name"]?.stringValue == name } }

    /// The weight of the backendRef named `service` in rule `index`.
    func weight(rule index: Int, service: String) -> Int64? {
        rules[index]["backendRefs"]?.arrayValue?.first { $0["name"]?.stringValue == service }?["weight"]?.integerValue
    }
}
