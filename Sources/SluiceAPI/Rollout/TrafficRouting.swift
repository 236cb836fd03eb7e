/// Which router splits traffic between stable and canary: exactly one of its members.
public struct TrafficRouting: Codable, Sendable, Hashable {
    public var gatewayAPI: GatewayAPITrafficRouting?
    public var istio: IstioTrafficRouting?
    public var nginx: NginxTrafficRouting?
    public var smi: SMITrafficRouting?
    /// Routes Sluice adds and removes (`setHeaderRoute`, `setMirrorRoute` names), in
    /// precedence order. When listed, every named route step must use one of them.
    public var managedRoutes: [ManagedRoute]?

    public init(
        gatewayAPI: GatewayAPITrafficRouting? = nil, istio: IstioTrafficRouting? = nil, nginx: NginxTrafficRouting? = nil,
        smi: SMITrafficRouting? = nil, managedRoutes: [ManagedRoute]? = nil
    ) {
        self.gatewayAPI = gatewayAPI
        self.istio = istio
        self.nginx = nginx
        self.smi = smi
        self.managedRoutes = managedRoutes
    }
}

/// A Gateway API HTTPRoute whose backendRefs Sluice weights.
public struct GatewayAPITrafficRouting: Codable, Sendable, Hashable {
    public var httpRoute: String
    /// The HTTPRoute's namespace; the Rollout's when absent.
    public var namespace: String?

    public init(httpRoute: String, namespace: String? = nil) {
        self.httpRoute = httpRoute
        self.namespace = namespace
    }
}

/// An Istio VirtualService (and optionally a DestinationRule for subset-level routing).
public struct IstioTrafficRouting: Codable, Sendable, Hashable {
    public var virtualService: IstioVirtualService
    /// With a DestinationRule, traffic is split by subsets instead of by Services.
    public var destinationRule: IstioDestinationRule?

    public init(virtualService: IstioVirtualService, destinationRule: IstioDestinationRule? = nil) {
        self.virtualService = virtualService
        self.destinationRule = destinationRule
    }
}

/// The VirtualService and which of its HTTP routes carry the split.
public struct IstioVirtualService: Codable, Sendable, Hashable {
    public var name: String
    /// Names of the HTTP routes to weight; all when absent (then there must be only one).
    public var routes: [String]?

    public init(name: String, routes: [String]? = nil) {
        self.name = name
        self.routes = routes
    }
}

/// The DestinationRule whose subsets select stable and canary pods.
public struct IstioDestinationRule: Codable, Sendable, Hashable {
    public var name: String
    public var canarySubsetName: String
    public var stableSubsetName: String

    public init(name: String, canarySubsetName: String, stableSubsetName: String) {
        self.name = name
        self.canarySubsetName = canarySubsetName
        self.stableSubsetName = stableSubsetName
    }
}

/// ingress-nginx: Sluice makes a canary Ingress beside the stable one.
public struct NginxTrafficRouting: Codable, Sendable, Hashable {
    public var stableIngress: String
    /// Annotation prefix of the controller; `nginx.ingress.kubernetes.io` when absent.
    public var annotationPrefix: String?

    public init(stableIngress: String, annotationPrefix: String? = nil) {
        self.stableIngress = stableIngress
        self.annotationPrefix = annotationPrefix
    }
}

/// An SMI TrafficSplit.
public struct SMITrafficRouting: Codable, Sendable, Hashable {
    /// The TrafficSplit's name; the Rollout's when absent.
    public var trafficSplitName: String?
    /// The Service clients call; the stable Service when absent.
    public var rootService: String?

    public init(trafficSplitName: String? = nil, rootService: String? = nil) {
        self.trafficSplitName = trafficSplitName
        self.rootService = rootService
    }
}

/// A route Sluice owns on the router, named by `setHeaderRoute` and `setMirrorRoute` steps.
public struct ManagedRoute: Codable, Sendable, Hashable {
    public var name: String

    public init(name: String) { self.name = name }
}

extension TrafficRouting: SchemaDescribable {
    public static var schema: Schema {
        .object("The router that splits traffic; exactly one of gatewayAPI, istio, nginx and smi.", [
            "gatewayAPI": GatewayAPITrafficRouting.schema,
            "istio": IstioTrafficRouting.schema,
            "nginx": NginxTrafficRouting.schema,
            "smi": SMITrafficRouting.schema,
            "managedRoutes": [ManagedRoute].field("Routes Sluice adds and removes, in precedence order."),
        ])
    }
}

extension GatewayAPITrafficRouting: SchemaDescribable {
    public static var schema: Schema {
        .object("A Gateway API HTTPRoute whose backendRefs Sluice weights.", required: ["httpRoute"], [
            "httpRoute": String.field("Name of the HTTPRoute."),
            "namespace": String.field("Namespace of the HTTPRoute; the Rollout's when absent."),
        ])
    }
}

extension IstioTrafficRouting: SchemaDescribable {
    public static var schema: Schema {
        .object("An Istio VirtualService, and a DestinationRule for subset-level routing.", required: ["virtualService"], [
            "virtualService": IstioVirtualService.schema,
            "destinationRule": IstioDestinationRule.schema,
        ])
    }
}

extension IstioVirtualService: SchemaDescribable {
    public static var schema: Schema {
        .object("The VirtualService that carries the split.", required: ["name"], [
            "name": String.field("Name of the VirtualService."),
            "routes": [String].field("Names of its HTTP routes to weight; all when absent."),
        ])
    }
}

extension IstioDestinationRule: SchemaDescribable {
    public static var schema: Schema {
        .object("The DestinationRule whose subsets select stable and canary pods.",
                required: ["name", "canarySubsetName", "stableSubsetName"], [
            "name": String.field("Name of the DestinationRule."),
            "canarySubsetName": String.field("Subset that selects canary pods."),
            "stableSubsetName": String.field("Subset that selects stable pods."),
        ])
    }
}

extension NginxTrafficRouting: SchemaDescribable {
    public static var schema: Schema {
        .object("ingress-nginx canary Ingress beside the stable Ingress.", required: ["stableIngress"], [
            "stableIngress": String.field("Name of the stable Ingress."),
            "annotationPrefix": String.field("Annotation prefix; nginx.ingress.kubernetes.io when absent."),
        ])
    }
}

extension SMITrafficRouting: SchemaDescribable {
    public static var schema: Schema {
        .object("An SMI TrafficSplit.", [
            "trafficSplitName": String.field("Name of the TrafficSplit; the Rollout's when absent."),
            "rootService": String.field("The Service clients call; the stable Service when absent."),
        ])
    }
}

extension ManagedRoute: SchemaDescribable {
    public static var schema: Schema {
        .object("A route Sluice owns on the router.", required: ["name"], [
            "name": String.field("Route name used by setHeaderRoute and setMirrorRoute steps."),
        ])
    }
}
