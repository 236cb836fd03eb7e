import Analysis
import Foundation
import KubeClient
import Logging
import RolloutCore
import SluiceAPI

/// How a Rollout's router is read and written: its object's kind, where the Rollout names
/// it, how the split it carries is read, and how it is edited to carry another.
public struct RouterBinding: Sendable {
    public let resource: ResourceType
    public let locate: @Sendable (Rollout) -> (namespace: String, name: String)?
    public let observe: @Sendable (JSONValue, Rollout) -> TrafficState?
    public let edit: @Sendable (TrafficState, JSONValue, Rollout) throws -> JSONValue

    public init(resource: ResourceType,
                locate: @escaping @Sendable (Rollout) -> (namespace: String, name: String)?,
                observe: @escaping @Sendable (JSONValue, Rollout) -> TrafficState?,
                edit: @escaping @Sendable (TrafficState, JSONValue, Rollout) throws -> JSONValue) {
        self.resource = resource
        self.locate = locate
        self.observe = observe
        self.edit = edit
    }

    var writer: RouteWriter { RouteWriter(resource: resource, locate: locate, edit: edit) }
}

/// The controller: informers for Rollouts, ReplicaSets, Services, router objects,
/// AnalysisRuns and analysis templates feed a work queue of Rollout keys; workers observe
/// (from the caches), plan (a pure function) and execute. A Rollout whose spec does not
/// decode or validate (its analysis templates included) gets condition `InvalidSpec` and
/// nothing else is touched; the others carry on. The AnalysisRuns the plans start are
/// measured by an ``AnalysisRunController`` with its own queue and workers, sharing the
/// AnalysisRun cache; a run's status changing enqueues the Rollout that owns it.
public final class RolloutController: Sendable {
    /// What the controller needs to know beyond its client.
    public struct Configuration: Sendable {
        /// Watch one namespace, or all when nil.
        public var namespace: String?
        public var workers: Int
        public var resyncPeriod: Duration
        /// The router object kinds to watch (e.g. Gateway API HTTPRoutes).
        public var routerResources: [ResourceType]

        public init(namespace: String? = nil, workers: Int = 4, resyncPeriod: Duration = .seconds(300),
                    routerResources: [ResourceType] = []) {
            self.namespace = namespace
            self.workers = max(1, workers)
            self.resyncPeriod = resyncPeriod
            self.routerResources = routerResources
        }
    }

    /// The planning function: what to write for a Rollout given what is observed.
    public typealias Planner = @Sendable (_ rollout: Rollout, _ observed: ObservedState, _ hasRouter: Bool) -> Plan
    /// The router a Rollout uses, or nil when it has none (replica ratios).
    public typealias RouterResolver = @Sendable (Rollout) -> RouterBinding?

    public let configuration: Configuration
    public let client: KubernetesClient
    public let metrics: ControllerMetrics
    let queue = WorkQueue<ObjectKey>()
    let rollouts: Informer
    let replicaSets: Informer
    let services: Informer
    let routes: [String: Informer]
    let analysisRuns: Informer
    let analysisTemplates: Informer
    /// Nil for a controller limited to one namespace: it reads no cluster-scoped objects.
    let clusterAnalysisTemplates: Informer?
    public let analysis: AnalysisRunController
    let planner: Planner
    let routerFor: RouterResolver
    private let logger: Logger

    /// `stepper` measures AnalysisRuns; by default every provider Sluice has
    /// (``AnalysisRunController/standardStepper(client:)``).
    public init(client: KubernetesClient, configuration: Configuration, metrics: ControllerMetrics = ControllerMetrics(),
                planner: @escaping Planner, router: @escaping RouterResolver, stepper: AnalysisRunStepper? = nil,
                logger: Logger = Logger(label: "sluice.controller")) {
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        self.planner = planner
        self.routerFor = router
        self.logger = logger
        let namespace = configuration.namespace
        let period = configuration.resyncPeriod
        let rollouts = Informer(client.resources(DynamicObject.self, .rollouts, namespace: namespace), resyncPeriod: period,
                                indexers: [Self.referencedNameIndex: Self.referencedNames],
                                logger: logger)
        self.rollouts = rollouts
        replicaSets = Informer(client.resources(DynamicObject.self, .replicaSets, namespace: namespace),
                               labelSelector: RolloutLabels.podTemplateHash, resyncPeriod: nil, logger: logger)
        services = Informer(client.resources(DynamicObject.self, .services, namespace: namespace), resyncPeriod: nil,
                            logger: logger)
        var routes: [String: Informer] = [:]
        for resource in configuration.routerResources {
            routes["\(resource.group)/\(resource.plural)"] = Informer(
                client.resources(DynamicObject.self, resource, namespace: namespace), resyncPeriod: nil,
                missingResourceIsEmpty: true, logger: logger)
        }
        self.routes = routes
        analysisRuns = Informer(client.resources(DynamicObject.self, .analysisRuns, namespace: namespace), resyncPeriod: period,
                                missingResourceIsEmpty: true, logger: logger)
        analysisTemplates = Informer(client.resources(DynamicObject.self, .analysisTemplates, namespace: namespace), resyncPeriod: nil,
                                     missingResourceIsEmpty: true, logger: logger)
        clusterAnalysisTemplates = namespace != nil ? nil : Informer(
            client.resources(DynamicObject.self, .clusterAnalysisTemplates), resyncPeriod: nil, missingResourceIsEmpty: true, logger: logger)
        analysis = AnalysisRunController(runs: analysisRuns, stepper: stepper ?? AnalysisRunController.standardStepper(client: client),
                                         client: client, metrics: metrics, workers: configuration.workers,
                                         decisionContext: { Self.decisionContext(for: $0, rollout: rollouts.get) }, logger: logger)
    }

    /// Every cache has listed once: the controller's view is complete (`/readyz`).
    public var isSynced: Bool {
        rollouts.hasSynced && replicaSets.hasSynced && services.hasSynced && routes.values.allSatisfy(\.hasSynced)
            && analysisRuns.hasSynced && analysisTemplates.hasSynced && (clusterAnalysisTemplates?.hasSynced ?? true)
    }

    /// Runs informers, the queue's timers and the workers until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.rollouts.run { await self.enqueue(rolloutEvent: $0) } }
            group.addTask { await self.replicaSets.run { await self.enqueueOwner(of: $0.object) } }
            group.addTask { await self.services.run { await self.enqueueReferrers(of: $0.object) } }
            for informer in routes.values {
                group.addTask { await informer.run { await self.enqueueReferrers(of: $0.object) } }
            }
            group.addTask {
                await self.analysisRuns.run { event in
                    await self.enqueueOwner(of: event.object)
                    await self.analysis.enqueue(event)
                }
            }
            group.addTask { await self.analysisTemplates.run { await self.enqueueReferrers(of: $0.object) } }
            if let clusterTemplates = clusterAnalysisTemplates {
                group.addTask { await clusterTemplates.run { await self.enqueueClusterTemplateReferrers(of: $0.object) } }
            }
            group.addTask { await self.queue.runDelayedAdds() }
            group.addTask { await self.reportPhases() }
            group.addTask {
                // Workers start once the caches are complete, so a plan never sees half a cluster.
                while !self.isSynced {
                    do { try await Task.sleep(for: .milliseconds(50)) } catch { return }
                }
                self.logger.info("caches synced; starting \(self.configuration.workers) workers")
                await withTaskGroup(of: Void.self) { workers in
                    for _ in 0..<self.configuration.workers {
                        workers.addTask { await self.work() }
                    }
                    workers.addTask { await self.analysis.run() }
                }
            }
            // Every child runs until cancelled (workers' waits end with it too).
            await group.next()
            await queue.shutDown()
            group.cancelAll()
        }
    }

    private func work() async {
        while let key = await queue.next() {
            let started = ContinuousClock.now
            let outcome = await reconcile(key)
            metrics.reconciled(result: outcome.label, duration: ContinuousClock.now - started)
            await outcome.settle(key, in: queue)
            metrics.setQueueDepth(await queue.depth)
        }
    }

    // MARK: Enqueueing

    private func enqueue(rolloutEvent event: InformerEvent) async {
        guard let key = ObjectKey(event.object) else { return }
        await queue.add(key)
    }

    private func enqueueOwner(of object: DynamicObject) async {
        guard let owners = object.json[path: "metadata", "ownerReferences"]?.arrayValue else { return }
        for owner in owners where owner["kind"]?.stringValue == "Rollout" {
            guard let name = owner["name"]?.stringValue else { continue }
            await queue.add(ObjectKey(namespace: object.namespace, name: name))
        }
    }

    /// Services and router objects: the Rollouts in their namespace that name them (from
    /// the Rollout cache's index, not a scan).
    private func enqueueReferrers(of object: DynamicObject) async {
        guard let name = object.name else { return }
        for rollout in rollouts.list(index: Self.referencedNameIndex, value: Self.namespaced(object.namespace, name)) {
            guard let key = ObjectKey(rollout) else { continue }
            await queue.add(key)
        }
    }

    /// A ClusterAnalysisTemplate: the Rollouts in any namespace that name it.
    private func enqueueClusterTemplateReferrers(of object: DynamicObject) async {
        guard let name = object.name else { return }
        for rollout in rollouts.list() where Self.referencedNames(rollout).contains(Self.namespaced(rollout.namespace, name)) {
            guard let key = ObjectKey(rollout) else { continue }
            await queue.add(key)
        }
    }

    /// The Rollout cache's index of the names a Rollout's strategy mentions.
    static let referencedNameIndex = "referenced-name"

    /// Every string in a Rollout's strategy (Service and router object names among them),
    /// qualified by the Rollout's namespace.
    static func referencedNames(_ rollout: DynamicObject) -> [String] {
        var names = Set<String>()
        func collect(_ value: JSONValue?) {
            switch value {
            case .string(let text)?: names.insert(text)
            case .object(let members)?: members.values.forEach(collect)
            case .array(let items)?: items.forEach(collect)
            default: break
            }
        }
        collect(rollout.json[path: "spec", "strategy"])
        return names.map { namespaced(rollout.namespace, $0) }
    }

    static func namespaced(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

    // MARK: Reconcile

    enum Outcome {
        case done
        case requeue(after: Duration)
        case failed

        /// Tells the queue how the reconcile of `key` went: forget its failures (and come back
        /// later when asked to), or retry it with back-off; then mark it done.
        func settle(_ key: ObjectKey, in queue: WorkQueue<ObjectKey>) async {
            switch self {
            case .done:
                await queue.forget(key)
            case .requeue(let after):
                await queue.forget(key)
                await queue.add(key, after: after)
            case .failed:
                await queue.addRateLimited(key)
            }
            await queue.done(key)
        }

        var label: String {
            switch self {
            case .done: "success"
            case .requeue: "requeue"
            case .failed: "error"
            }
        }
    }

    func reconcile(_ key: ObjectKey) async -> Outcome {
        guard let object = rollouts.get(key) else { return .done }  // deleted: its ReplicaSets are collected
        let checked = Rollout.decodeAndValidate(from: object.json)
        guard let rollout = checked.value, checked.problems.isEmpty else {
            return await reportInvalidSpec(object, problems: checked.problems.map(\.description))
        }
        let unsupported = SluiceRouting.unsupportedRouters(rollout) + clusterTemplatesOutOfReach(rollout)
        guard unsupported.isEmpty else { return await reportInvalidSpec(object, problems: unsupported) }
        guard rollout.metadata.deletionTimestamp == nil else { return .done }
        let binding = routerFor(rollout)
        let observed = observe(rollout, router: binding)
        let plan = planner(rollout, observed, binding != nil)
        do {
            try await ActionExecutor(client: client, routeWriter: binding?.writer, templates: observed.analysisTemplates, logger: logger)
                .apply(plan.actions, to: rollout)
        } catch let error as KubeClientError where error.status?.code == 409 {
            logger.debug("rollout \(key): conflict, planning again: \(error)")
            return .failed
        } catch {
            logger.warning("rollout \(key): \(error)")
            await recordWarning(rollout, reason: "ReconcileError", message: "\(error)")
            return .failed
        }
        return plan.requeueAfter.map { .requeue(after: $0) } ?? .done
    }

    /// What the caches show of the Rollout's ReplicaSets, Services and router object.
    func observe(_ rollout: Rollout, router: RouterBinding?) -> ObservedState {
        let namespace = rollout.metadata.namespace
        let uid = rollout.metadata.uid
        let owned = uid.map { uid in
            replicaSets.list(ownedBy: uid).filter { replicaSet in
                replicaSet.namespace == namespace
                    && replicaSet.json[path: "metadata", "ownerReferences"]?.arrayValue?.contains {
                        $0["uid"]?.stringValue == uid && $0["kind"]?.stringValue == "Rollout"
                    } ?? false
            }
        } ?? []
        var selectors: [String: String?] = [:]
        for name in Self.serviceNames(rollout) {
            if let service = services.get(ObjectKey(namespace: namespace, name: name)) {
                selectors[name] = service.json[path: "spec", "selector", RolloutLabels.podTemplateHash]?.stringValue
            }
        }
        var traffic: TrafficState?
        if let router, let (routeNamespace, routeName) = router.locate(rollout),
           let informer = routes["\(router.resource.group)/\(router.resource.plural)"],
           let route = informer.get(ObjectKey(namespace: routeNamespace, name: routeName)) {
            traffic = router.observe(route.json, rollout)
        }
        let runs = uid.map { uid in
            analysisRuns.list(ownedBy: uid).filter { $0.namespace == namespace }.compactMap(Self.observedAnalysisRun)
        } ?? []
        return ObservedState(replicaSets: owned.compactMap(Self.observedReplicaSet), traffic: traffic,
                             serviceSelectors: selectors, analysisRuns: runs, analysisTemplates: observeTemplates(rollout), now: Date())
    }

    /// The analysis templates the Rollout's analyses name that the caches hold, decoded and
    /// validated (a template that does not is passed on with its problems).
    func observeTemplates(_ rollout: Rollout) -> [ObservedAnalysisTemplate] {
        var seen: Set<AnalysisTemplateReference> = []
        var templates: [ObservedAnalysisTemplate] = []
        for reference in RolloutCore.Planner.analysisTemplateReferences(of: rollout) {
            let clusterScope = reference.clusterScope == true
            guard seen.insert(AnalysisTemplateReference(templateName: reference.templateName, clusterScope: clusterScope)).inserted else { continue }
            if clusterScope {
                guard let object = clusterAnalysisTemplates?.get(ObjectKey(namespace: nil, name: reference.templateName)) else { continue }
                let checked = ClusterAnalysisTemplate.decodeAndValidate(from: object.json)
                templates.append(ObservedAnalysisTemplate(name: reference.templateName, clusterScope: true, spec: checked.value?.spec,
                                                          problems: checked.problems.map(\.description)))
            } else {
                guard let object = analysisTemplates.get(ObjectKey(namespace: rollout.metadata.namespace, name: reference.templateName)) else { continue }
                let checked = AnalysisTemplate.decodeAndValidate(from: object.json)
                templates.append(ObservedAnalysisTemplate(name: reference.templateName, spec: checked.value?.spec,
                                                          problems: checked.problems.map(\.description)))
            }
        }
        return templates
    }

    /// A controller limited to one namespace reads no ClusterAnalysisTemplates: a Rollout
    /// naming one is told so, rather than that the template does not exist.
    func clusterTemplatesOutOfReach(_ rollout: Rollout) -> [String] {
        guard let namespace = configuration.namespace else { return [] }
        return RolloutCore.Planner.analysisTemplateReferences(of: rollout).filter { $0.clusterScope == true }.map {
            "ClusterAnalysisTemplate \"\($0.templateName)\": this controller watches namespace \(namespace) only (rolloutd --namespace) "
                + "and reads no cluster-scoped templates; use an AnalysisTemplate"
        }
    }

    /// An owned AnalysisRun as the planner sees it: labels, phase, message, terminating, and
    /// its verdict without the running state (a verdict that does not decode is left out).
    static func observedAnalysisRun(_ object: DynamicObject) -> ObservedAnalysisRun? {
        guard let name = object.name else { return nil }
        let json = object.json
        let labels = json[path: "metadata", "labels"]
        var verdict = json[path: "status", "verdict"].flatMap { StatisticalVerdict.decodeChecked(from: $0).value }
        verdict?.state = nil
        return ObservedAnalysisRun(
            name: name,
            podTemplateHash: labels?[RolloutLabels.podTemplateHash]?.stringValue,
            trigger: labels?[RolloutLabels.analysisTrigger]?.stringValue.flatMap(AnalysisRunSummary.Trigger.init(rawValue:)),
            stepIndex: labels?[RolloutLabels.stepIndex]?.stringValue.flatMap { Int32($0) },
            phase: json[path: "status", "phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)) ?? .pending,
            message: json[path: "status", "message"]?.stringValue,
            terminating: json[path: "spec", "terminate"] == .bool(true),
            verdict: verdict)
    }

    /// What a run's decision needs from the Rollout that owns it (the owner reference that is
    /// the controller, a Rollout of that uid as `rollout` finds it in the cache): the canary's
    /// share of traffic as its status last recorded it (`status.weights.canary`); nothing when
    /// it is unknown.
    static func decisionContext(for run: AnalysisRun, rollout: (ObjectKey) -> DynamicObject?) -> DecisionContext {
        guard let owner = run.metadata.ownerReferences?.first(where: { $0.kind == "Rollout" && $0.controller == true }),
              let rollout = rollout(ObjectKey(namespace: run.metadata.namespace, name: owner.name)),
              rollout.json[path: "metadata", "uid"]?.stringValue == owner.uid,
              let weight = rollout.json[path: "status", "weights", "canary"]?.integerValue else { return DecisionContext() }
        return DecisionContext(canaryWeight: Double(weight))
    }

    static func serviceNames(_ rollout: Rollout) -> [String] {
        let canary = rollout.spec.strategy.canary
        let blueGreen = rollout.spec.strategy.blueGreen
        return [canary?.stableService, canary?.canaryService, blueGreen?.activeService, blueGreen?.previewService]
            .compactMap { $0 }
    }

    static func observedReplicaSet(_ object: DynamicObject) -> ObservedReplicaSet? {
        let json = object.json
        guard let name = object.name,
              let hash = json[path: "metadata", "labels", RolloutLabels.podTemplateHash]?.stringValue else { return nil }
        func int(_ value: JSONValue?) -> Int32 { Int32(value?.integerValue ?? 0) }
        let annotations = json[path: "metadata", "annotations"]
        return ObservedReplicaSet(
            name: name, podTemplateHash: hash,
            replicas: int(json[path: "spec", "replicas"]),
            readyReplicas: int(json[path: "status", "readyReplicas"]),
            availableReplicas: int(json[path: "status", "availableReplicas"]),
            revision: annotations?[RolloutLabels.revision]?.stringValue.flatMap { Int($0) } ?? 0,
            scaleDownDeadline: annotations?[RolloutLabels.scaleDownDeadline]?.stringValue.flatMap(KubeTime.parse),
            createdAt: json[path: "metadata", "creationTimestamp"]?.stringValue.flatMap(KubeTime.parse))
    }

    // MARK: Invalid specs and events

    /// Condition `InvalidSpec` with every problem; written only when it changes. Nothing else
    /// about the Rollout is touched.
    func reportInvalidSpec(_ object: DynamicObject, problems: [String]) async -> Outcome {
        guard let name = object.name else { return .done }
        let message = problems.joined(separator: "; ")
        let conditions = object.json[path: "status", "conditions"]?.arrayValue ?? []
        if conditions.contains(where: { $0["type"] == "InvalidSpec" && $0["status"] == "True" && $0["message"]?.stringValue == message }) {
            return .done
        }
        var kept = conditions.filter { $0["type"] != "InvalidSpec" }
        kept.append([
            "type": "InvalidSpec", "status": "True", "reason": "InvalidSpec", "message": .string(message),
            "lastTransitionTime": .string(KubeTime.format(Date())), "lastUpdateTime": .string(KubeTime.format(Date())),
        ])
        let status: JSONValue = [
            "conditions": .array(kept),
            "message": .string("invalid spec: \(message)"),
            "observedGeneration": object.json[path: "metadata", "generation"] ?? .null,
        ]
        let resource = client.resources(DynamicObject.self, .rollouts, namespace: object.namespace)
        do {
            _ = try await resource.patch(name, .merge(["status": status]), subresource: "status",
                                         fieldManager: ActionExecutor.fieldManager)
            logger.warning("rollout \(object.namespace ?? "")/\(name) has an invalid spec: \(message)")
            if let rollout = try? KubeJSON.decode(Rollout.self, from: KubeJSON.encode(Self.identity(of: object))) {
                await recordWarning(rollout, reason: "InvalidSpec", message: message)
            }
            return .done
        } catch {
            logger.warning("rollout \(object.namespace ?? "")/\(name): cannot report its invalid spec: \(error)")
            return .failed
        }
    }

    /// Just enough of an object (kind, name, namespace, uid) to address an Event to it.
    static func identity(of object: DynamicObject) -> JSONValue {
        [
            "apiVersion": .string("\(SluiceAPIGroup.name)/\(SluiceAPIGroup.version)"), "kind": "Rollout",
            "metadata": [
                "name": object.json[path: "metadata", "name"] ?? .null,
                "namespace": object.json[path: "metadata", "namespace"] ?? .null,
                "uid": object.json[path: "metadata", "uid"] ?? .null,
            ],
            "spec": ["strategy": [:]],
        ]
    }

    private func recordWarning(_ rollout: Rollout, reason: String, message: String) async {
        do {
            try await EventRecorder(client: client).record(type: "Warning", reason: reason, message: message, about: rollout)
        } catch {
            logger.debug("cannot record event \(reason): \(error)")
        }
    }

    /// Keeps the rollouts-by-phase and canary-weight gauges current.
    private func reportPhases() async {
        while !Task.isCancelled {
            var counts: [String: Int] = [:]
            var weights: [ControllerMetrics.RolloutName: Int] = [:]
            for rollout in rollouts.list() {
                if let name = rollout.name {
                    let weight = rollout.json[path: "status", "weights", "canary"]?.integerValue ?? 0
                    weights[ControllerMetrics.RolloutName(namespace: rollout.namespace ?? "", name: name)] = Int(weight)
                }
                let invalid = rollout.json[path: "status", "conditions"]?.arrayValue?.contains {
                    $0["type"] == "InvalidSpec" && $0["status"] == "True"
                } ?? false
                let phase = invalid ? "InvalidSpec" : rollout.json[path: "status", "phase"]?.stringValue ?? "Progressing"
                counts[phase, default: 0] += 1
            }
            metrics.setRolloutsByPhase(counts)
            metrics.setCanaryWeights(weights)
            metrics.setQueueDepth(await queue.depth)
            do { try await Task.sleep(for: .seconds(2)) } catch { return }
        }
    }
}
