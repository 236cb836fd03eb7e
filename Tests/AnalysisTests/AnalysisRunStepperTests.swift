import Analysis
import Foundation
import KubeClient
import SluiceAPI
import Synchronization
import Testing

/// A provider that answers from a script, one entry per call, and records what it was asked.
final class ScriptedProvider: MetricProvider {
    let script: Mutex<[Result<MeasurementValue, MeasurementError>]>
    let asked = Mutex<[Metric]>([])

    init(_ script: [Result<MeasurementValue, MeasurementError>]) { self.script = Mutex(script) }

    func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        asked.withLock { $0.append(metric) }
        let next = script.withLock { $0.isEmpty ? .failure(MeasurementError(.configuration, "script exhausted")) : $0.removeFirst() }
        return .finished(try next.get())
    }
}

@Suite("AnalysisRun stepper")
struct AnalysisRunStepperTests {
    static func run(_ metrics: [Metric], args: [Argument]? = nil, status: AnalysisRunStatus? = nil) -> AnalysisRun {
        var metadata = ObjectMeta(name: "web-1", namespace: "shop")
        metadata.uid = "uid-1"
        return AnalysisRun(metadata: metadata, spec: AnalysisRunSpec(metrics: metrics, args: args), status: status)
    }

    @Test func measuresOnScheduleAndCompletes() async throws {
        let provider = ScriptedProvider([.success(.scalar(0.004)), .failure(MeasurementError(.unreachable, "Prometheus at http://p: connection refused")),
                                         .success(.scalar(0.005))])
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run([metric(success: "result < 0.01", interval: "1m", count: 2)])

        var step = await stepper.step(run, now: t0)
        #expect(step.status.phase == .running)
        #expect(step.status.startedAt == Timestamp(t0))
        #expect(step.status.metricResults?.first?.count == 1)
        #expect(step.nextCheck == t0 + 60)
        run.status = step.status

        // Nothing is due before the interval.
        step = await stepper.step(run, now: t0 + 30)
        #expect(step.status == run.status)
        #expect(provider.asked.withLock { $0.count } == 1)

        step = await stepper.step(run, now: t0 + 60)
        #expect(step.status.metricResults?.first?.measurements?.last?.phase == .error)
        #expect(step.status.metricResults?.first?.measurements?.last?.message == "Prometheus at http://p: connection refused")
        #expect(step.nextCheck == t0 + 70)
        run.status = step.status

        step = await stepper.step(run, now: t0 + 70)
        #expect(step.status.phase == .successful)
        let result = try #require(step.status.metricResults?.first)
        #expect(result.count == 2 && result.error == 1 && result.phase == .successful)
        #expect(step.nextCheck == nil)
    }

    @Test func substitutesArgumentsAndKeepsSecretsOutOfTheStatus() async throws {
        let provider = ScriptedProvider([.failure(MeasurementError(.httpStatus, "Prometheus answered HTTP 401 for token sekr1t-value"))])
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider),
                                         secrets: InMemorySecretReader(["shop/prom": ["token": "sekr1t-value"]]))
        var metric = metric(success: "result <= {{args.limit}}")
        metric.provider.prometheus?.query = "errors{service=\"{{args.service}}\"}"
        metric.provider.prometheus?.headers = [WebMetricHeader(key: "X-Token", value: "{{args.token}}")]
        let run = Self.run([metric], args: [
            Argument(name: "service", value: "web"), Argument(name: "limit", value: "0.01"),
            Argument(name: "token", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "token"))),
        ])
        let step = await stepper.step(run, now: t0)
        let asked = try #require(provider.asked.withLock { $0.first })
        #expect(asked.provider.prometheus?.query == "errors{service=\"web\"}")
        #expect(asked.successCondition == "result <= 0.01")
        #expect(asked.provider.prometheus?.headers?.first?.value == "sekr1t-value")
        #expect(step.status.metricResults?.first?.measurements?.first?.message == "Prometheus answered HTTP 401 for token ***")
    }

    @Test func errorsEndTheRunAfterTheLimit() async throws {
        let provider = ScriptedProvider(Array(repeating: .failure(MeasurementError(.unreachable, "down")), count: 5))
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run([metric(success: "result < 1", interval: "5s")])
        var now = t0
        for _ in 0..<5 {
            let step = await stepper.step(run, now: now)
            run.status = step.status
            now = step.nextCheck ?? now
        }
        #expect(run.status?.phase == .error)
        #expect(run.status?.message == "metric \"errors\" Error: consecutiveErrors (5) > consecutiveErrorLimit (4): down")
    }

    @Test func aMissingSecretIsAnErrorMeasurement() async {
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: ScriptedProvider([])), secrets: InMemorySecretReader())
        let run = Self.run([metric(success: "true")], args: [Argument(name: "t", valueFrom: TemplateArgumentValueFrom(secretKeyRef: SecretKeySelector(name: "prom", key: "t")))])
        let step = await stepper.step(run, now: t0)
        #expect(step.status.metricResults?.first?.measurements?.first == Measurement(phase: .error, startedAt: Timestamp(t0), finishedAt: Timestamp(t0), message: "Secret shop/prom not found"))
    }

    @Test func jobsRunAcrossStepsAndAreStoppedWhenTheRunEnds() async throws {
        let jobs = FakeJobClient()
        let failing = ScriptedProvider([.success(.scalar(1))])
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: failing, job: JobProvider(jobs: jobs)), secrets: InMemorySecretReader())
        var run = Self.run([jobMetric(), metric("errors", success: "result < 0.5", initialDelay: "20s")])

        var step = await stepper.step(run, now: t0)
        #expect(step.status.metricResults?.first?.measurements?.first?.phase == .running)
        #expect(step.status.metricResults?.first?.measurements?.first?.metadata == ["job-name": "web-1-smoke-0"])
        #expect(step.nextCheck == t0 + 5)
        run.status = step.status

        step = await stepper.step(run, now: t0 + 5)
        #expect(step.status.metricResults?.first?.phase == .running)
        run.status = step.status

        // The Prometheus metric fails at 20s: the run ends, and the Job still running is deleted.
        step = await stepper.step(run, now: t0 + 20)
        #expect(step.status.phase == .failed)
        #expect(step.status.metricResults?.map(\.phase) == [.successful, .failed])
        #expect(step.status.metricResults?.first?.measurements?.last?.message == "stopped: the run ended")
        #expect(jobs.deleted.withLock { $0 } == ["shop/web-1-smoke-0"])
        #expect(step.nextCheck == nil)
    }

    @Test func aCompletedJobIsAPassingMeasurement() async throws {
        let jobs = FakeJobClient()
        let stepper = AnalysisRunStepper(providers: MetricProviders(job: JobProvider(jobs: jobs)), secrets: InMemorySecretReader())
        var run = Self.run([jobMetric()])
        run.status = await stepper.step(run, now: t0).status
        jobs.finish("shop/web-1-smoke-0", "Complete")
        let step = await stepper.step(run, now: t0 + 5)
        #expect(step.status.phase == .successful)
        #expect(step.status.metricResults?.first?.measurements?.map(\.phase) == [.successful])
    }

    @Test func terminateEndsTheRun() async {
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: ScriptedProvider([.success(.scalar(0))])), secrets: InMemorySecretReader())
        var run = Self.run([metric(success: "result < 1", interval: "1m")])
        run.status = await stepper.step(run, now: t0).status
        run.spec.terminate = true
        let step = await stepper.step(run, now: t0 + 10)
        #expect(step.status.phase == .successful)
        #expect(step.nextCheck == nil)
    }
}
