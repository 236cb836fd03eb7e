import Analysis
import CurlHTTP
import Foundation
import KubeClient
import Logging
import SluiceAPI

/// Measures AnalysisRuns: a work queue of run keys fed by the AnalysisRun informer (which
/// ``RolloutController`` runs and shares), and workers that take one step of a run that is
/// not complete (``AnalysisRunStepper/step(_:now:context:)``: the measurements due, assessed,
/// with the owning Rollout's canary weight for a statistical decision), write
/// its status through the status subresource (a PUT carrying the resourceVersion read, so a
/// concurrent writer makes it conflict and the run is stepped again from what is there), and
/// requeue it for its next measurement. The Rollout that owns the run is enqueued by the
/// informer event the write causes, and reads the verdict from the run's phase.
///
/// Provider failures are Error measurements; after a metric's `consecutiveErrorLimit` the
/// run is Error and the Rollout aborts to stable. A run that does not validate, or whose
/// arguments could not be resolved when it was created, is marked Error at once with why.
public final class AnalysisRunController: Sendable {
    let runs: Informer
    let queue = WorkQueue<ObjectKey>()
    let stepper: AnalysisRunStepper
    let client: KubernetesClient
    let metrics: ControllerMetrics
    let workers: Int
    /// What a run's decision needs from outside the run (the owning Rollout's canary weight).
    private let decisionContext: @Sendable (AnalysisRun) -> DecisionContext
    private let clock: @Sendable () -> Date
    private let logger: Logger

    init(runs: Informer, stepper: AnalysisRunStepper, client: KubernetesClient, metrics: ControllerMetrics, workers: Int,
         decisionContext: @escaping @Sendable (AnalysisRun) -> DecisionContext = { _ in DecisionContext() },
         clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.runs = runs
        self.stepper = stepper
        self.client = client
        self.metrics = metrics
        self.workers = max(1, workers)
        self.decisionContext = decisionContext
        self.clock = clock
        self.logger = logger
    }

    /// The stepper with every provider Sluice has: Prometheus and web over one libcurl
    /// engine, Jobs and Secrets through `client`.
    public static func standardStepper(client: KubernetesClient) -> AnalysisRunStepper {
        let engine = CurlEngine(userAgent: "sluice-analysis")
        let providers = MetricProviders(
            prometheus: PrometheusProvider(engine: engine), web: WebProvider(engine: engine),
            job: JobProvider(jobs: KubernetesJobClient(client: client, fieldManager: ActionExecutor.fieldManager)))
        return AnalysisRunStepper(providers: providers, secrets: KubernetesSecretReader(client: client))
    }

    /// An informer event: runs that may need a step are queued (finished ones never are).
    func enqueue(_ event: InformerEvent) async {
        if case .deleted = event { return }
        guard let key = ObjectKey(event.object) else { return }
        if let phase = event.object.json[path: "status", "phase"]?.stringValue.flatMap(AnalysisPhase.init(rawValue:)), phase.isCompleted {
            return
        }
        await queue.add(key)
    }

    /// Workers and the queue's timers until cancelled (the caller starts this once the caches
    /// have synced).
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.queue.runDelayedAdds() }
            group.addTask { await self.reportPhases() }
            for _ in 0..<workers {
                group.addTask { await self.work() }
            }
            await group.next()
            await queue.shutDown()
            group.cancelAll()
        }
    }

    private func work() async {
        while let key = await queue.next() {
            await reconcile(key).settle(key, in: queue)
        }
    }

    /// One step of the run at `key`.
    func reconcile(_ key: ObjectKey) async -> RolloutController.Outcome {
        guard let object = runs.get(key) else { return .done }
        if object.json[path: "metadata", "deletionTimestamp"]?.stringValue != nil { return .done }
        let checked = AnalysisRun.decodeAndValidate(from: object.json)
        guard let run = checked.value else {
            let problems = checked.problems.map(\.description).joined(separator: "; ")
            return await markError(object, message: "invalid AnalysisRun: \(problems)")
        }
        if run.status?.phase?.isCompleted == true { return .done }
        if let startError = run.metadata.annotations?[AnalysisRunFactory.startErrorAnnotation] {
            return await write(run, status: AnalysisRunStatus(phase: .error, message: startError, startedAt: Timestamp(clock())))
        }
        if !checked.problems.isEmpty {
            return await write(run, status: AnalysisRunStatus(
                phase: .error, message: "invalid AnalysisRun: \(checked.problems.map(\.description).joined(separator: "; "))",
                startedAt: Timestamp(clock())))
        }
        let now = clock()
        let step = await stepper.step(run, now: now, context: decisionContext(run))
        let outcome = step.status == run.status ? RolloutController.Outcome.done : await write(run, status: step.status)
        if case .failed = outcome { return outcome }
        countMeasurements(run, step.status)
        guard let next = step.nextCheck else { return .done }
        let delay = max(0, next.timeIntervalSince(now))
        return .requeue(after: .milliseconds(Int64((delay * 1000).rounded(.up))))
    }

    /// Writes `status` with the resourceVersion the run was read at.
    private func write(_ run: AnalysisRun, status: AnalysisRunStatus) async -> RolloutController.Outcome {
        var updated = run
        updated.status = status
        let namespace = run.metadata.namespace ?? "default"
        do {
            _ = try await client.resources(AnalysisRun.self, namespace: namespace).updateStatus(updated, fieldManager: ActionExecutor.fieldManager)
            if status.phase?.isCompleted == true, run.status?.phase != status.phase {
                logger.info("analysis run \(namespace)/\(run.metadata.name ?? "?") \(status.phase?.rawValue ?? "?")",
                            metadata: ["message": "\(status.message ?? "")"])
                metrics.analysisRunCompleted(phase: status.phase?.rawValue ?? "Unknown")
            }
            return .done
        } catch let error as KubeClientError where error.status?.code == 409 {
            logger.debug("analysis run \(namespace)/\(run.metadata.name ?? "?"): conflict, stepping again")
            return .failed
        } catch let error as KubeClientError where error.status?.code == 404 {
            return .done
        } catch {
            logger.warning("analysis run \(namespace)/\(run.metadata.name ?? "?"): cannot write its status: \(error)")
            return .failed
        }
    }

    /// A run that does not decode: its status says why (a PUT of the object as read, with
    /// the resourceVersion it was read at, as there is no typed value).
    private func markError(_ object: DynamicObject, message: String) async -> RolloutController.Outcome {
        guard let name = object.name, case .object(var members) = object.json else { return .done }
        if object.json[path: "status", "phase"]?.stringValue == AnalysisPhase.error.rawValue { return .done }
        members["status"] = ["phase": .string(AnalysisPhase.error.rawValue), "message": .string(message)]
        do {
            _ = try await client.resources(DynamicObject.self, .analysisRuns, namespace: object.namespace)
                .update(DynamicObject(.object(members)), subresource: "status", fieldManager: ActionExecutor.fieldManager)
            metrics.analysisRunCompleted(phase: AnalysisPhase.error.rawValue)
            return .done
        } catch {
            logger.warning("analysis run \(object.namespace ?? "")/\(name): cannot mark it Error: \(error)")
            return .failed
        }
    }

    /// Counts the measurements `status` finished beyond what `run` had, by provider and phase.
    private func countMeasurements(_ run: AnalysisRun, _ status: AnalysisRunStatus) {
        let before = Dictionary((run.status?.metricResults ?? []).map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        for result in status.metricResults ?? [] {
            guard let metric = run.spec.metrics.first(where: { $0.name == result.name }) else { continue }
            let provider = metric.provider.presentKinds.first ?? "unknown"
            let old = before[result.name]
            let tallies: [(AnalysisPhase, Int32?, Int32?)] = [
                (.successful, result.successful, old?.successful), (.failed, result.failed, old?.failed),
                (.inconclusive, result.inconclusive, old?.inconclusive), (.error, result.error, old?.error),
            ]
            for (phase, now, then) in tallies {
                let added = Int(now ?? 0) - Int(then ?? 0)
                if added > 0 { metrics.measured(provider: provider, phase: phase.rawValue, count: added) }
            }
        }
    }

    /// Keeps the analysis-runs-by-phase gauge current.
    private func reportPhases() async {
        while !Task.isCancelled {
            var counts: [String: Int] = [:]
            for run in runs.list() {
                counts[run.json[path: "status", "phase"]?.stringValue ?? AnalysisPhase.pending.rawValue, default: 0] += 1
            }
            metrics.setAnalysisRunsByPhase(counts)
            do { try await Task.sleep(for: .seconds(2)) } catch { return }
        }
    }
}
