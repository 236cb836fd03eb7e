import SluiceAPI

/// What a canary should look like while one step is in progress: the traffic the steps so
/// far ask for (an experiment step in progress: its canary variant's weight) and the pods on
/// each side. Index `steps.count` is full promotion: the canary
/// at full size, still at the last weight until the switch.
struct CanaryTargets: Equatable {
    var weight: Int32
    var canaryReplicas: Int32
    var stableReplicas: Int32
    var headerRoutes: [String: SetHeaderRoute]
    var mirrorRoutes: [String: SetMirrorRoute]

    /// The split the router should carry for these targets.
    var traffic: TrafficState {
        TrafficState(canaryWeight: weight, headerRoutes: headerRoutes, mirrorRoutes: mirrorRoutes)
    }

    /// Targets while `steps[index]` is in progress. With a router the stable side keeps all
    /// `replicas` and the canary has pods for its weight, or for the largest share mirrored to
    /// it when that is more (or what `setCanaryScale` says);
    /// without one the weight is the share of pods.
    init(index: Int, steps: [CanaryStep], replicas: Int32, routed: Bool) {
        let upTo = steps.prefix(min(index + 1, steps.count))
        var weight: Int32 = 0
        var scale: SetCanaryScale?
        var headers: [String: SetHeaderRoute] = [:]
        var mirrors: [String: SetMirrorRoute] = [:]
        for step in upTo {
            switch step.kind {
            case .setWeight(let value): weight = min(max(value, 0), 100)
            case .setCanaryScale(let value): scale = value.matchTrafficWeight == true ? nil : value
            case .setHeaderRoute(let route):
                if let match = route.match, !match.isEmpty {
                    headers[route.routeName] = SetHeaderRoute(name: route.routeName, match: match)
                } else {
                    headers[route.routeName] = nil
                }
            case .setMirrorRoute(let route):
                if route.effectivePercentage > 0 {
                    mirrors[route.routeName] = SetMirrorRoute(
                        name: route.routeName, percentage: route.effectivePercentage,
                        match: (route.match ?? []).isEmpty ? nil : route.match)
                } else {
                    mirrors[route.routeName] = nil
                }
            case .pause, .analysis, .experiment, nil: break
            }
        }
        // An experiment holds the canary at its canary variant's weight while it runs; after
        // it, the weight is what the steps before it set.
        if index < steps.count, let experimentWeight = steps[index].experiment?.canaryVariant?.weight {
            weight = min(max(experimentWeight, 0), 100)
        }
        self.weight = weight
        self.headerRoutes = headers
        self.mirrorRoutes = mirrors
        if index >= steps.count {
            canaryReplicas = replicas
            stableReplicas = routed ? replicas : 0
        } else if routed {
            if let count = scale?.replicas {
                canaryReplicas = max(0, count)
            } else if let percent = scale?.weight {
                canaryReplicas = RolloutCore.replicas(forWeight: percent, of: replicas)
            } else {
                // Mirrored copies need pods as much as live traffic does: a mirror to a canary
                // without pods would be a silent no-op.
                let mirrored = mirrors.values.map(\.effectivePercentage).max() ?? 0
                canaryReplicas = RolloutCore.replicas(forWeight: max(weight, mirrored), of: replicas)
            }
            stableReplicas = replicas
        } else {
            canaryReplicas = RolloutCore.replicas(forWeight: weight, of: replicas)
            stableReplicas = replicas - canaryReplicas
        }
    }
}

extension CanaryStep {
    /// The step for people: `setWeight 20`, `pause 10m`, `pause (until promoted)`.
    var summary: String {
        switch kind {
        case .setWeight(let weight): return "setWeight \(weight)"
        case .pause(let pause): return pause.duration.map { "pause \($0.text)" } ?? "pause (until promoted)"
        case .setCanaryScale(let scale):
            if let replicas = scale.replicas { return "setCanaryScale replicas \(replicas)" }
            if let weight = scale.weight { return "setCanaryScale weight \(weight)" }
            return "setCanaryScale matchTrafficWeight"
        case .setHeaderRoute(let route):
            return (route.match ?? []).isEmpty ? "setHeaderRoute \(route.routeName) (removed)" : "setHeaderRoute \(route.routeName)"
        case .setMirrorRoute(let route):
            return route.effectivePercentage == 0
                ? "setMirrorRoute \(route.routeName) (removed)" : "setMirrorRoute \(route.routeName) \(route.effectivePercentage)%"
        case .analysis(let analysis): return "analysis (\(analysis.templates.map(\.templateName).joined(separator: ", ")))"
        case .experiment(let experiment):
            let variants = experiment.templates.map { "\($0.name) (\($0.specRef.rawValue))" }.joined(separator: " vs ")
            return "experiment \(variants)" + (experiment.canaryVariant?.weight.map { " at canary weight \($0)" } ?? "")
        case nil: return "invalid step"
        }
    }
}

extension DurationString {
    /// The duration as written, without quotes: `10m`, `30s`.
    var text: String {
        switch form {
        case .text(let text): text
        case .seconds(let seconds): "\(seconds)s"
        }
    }
}
