import Analysis
import Foundation
import KubeClient
import SluiceAPI
import Synchronization
import Testing

/// A provider answering each metric by name from a function of the metric and how many times
/// it was asked before.
final class MetricsByName: MetricProvider {
    let answer: @Sendable (String, Int) -> Result<MeasurementValue, MeasurementError>
    let asked = Mutex<[String: Int]>([:])

    init(_ answer: @escaping @Sendable (String, Int) -> Result<MeasurementValue, MeasurementError>) { self.answer = answer }

    func begin(_ metric: Metric, context: MeasurementContext) async throws(MeasurementError) -> MeasurementProgress {
        let index = asked.withLock { asked in
            defer { asked[metric.name, default: 0] += 1 }
            return asked[metric.name] ?? 0
        }
        return .finished(try answer(metric.name, index).get())
    }
}

@Suite("AnalysisRun stepper with a decision")
struct DecisionStepperTests {
    static let counters = ["canary-requests", "canary-errors", "baseline-requests", "baseline-errors"]

    static func run(interval: DurationString = "10s", consecutiveErrorLimit: Int32? = nil) -> AnalysisRun {
        var metadata = ObjectMeta(name: "web-judge", namespace: "shop")
        metadata.uid = "uid-2"
        let metrics = counters.map { metric($0, interval: interval, consecutiveErrorLimit: consecutiveErrorLimit) }
        let decision = AnalysisDecision(judge: CanaryJudgeDecision(metrics: [
            JudgedMetricSpec(name: "error-rate", kind: .counts,
                             canary: JudgeArmMetrics(events: "canary-errors", total: "canary-requests"),
                             baseline: JudgeArmMetrics(events: "baseline-errors", total: "baseline-requests")),
        ]))
        return AnalysisRun(metadata: metadata, spec: AnalysisRunSpec(metrics: metrics, decision: decision))
    }

    /// Cumulative counters after `look` looks: per look 200 canary requests with `canaryErrors`
    /// errors (10%) and 800 baseline requests with 1%; no errors at all (an empty query) before
    /// the first look's.
    static func counter(_ name: String, _ look: Int, canaryErrors: Int = 20) -> MeasurementValue {
        let value = switch name {
        case "canary-requests": 200 * look
        case "canary-errors": canaryErrors * look
        case "baseline-requests": 800 * look
        default: 8 * look
        }
        return value == 0 ? .noData(reason: "the query returned an empty vector") : .scalar(Double(value))
    }

    @Test func aJudgedRunGoesFromRunningToFailed() async throws {
        let provider = MetricsByName { name, look in .success(Self.counter(name, look)) }
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run()
        var phases: [AnalysisPhase] = []
        var now = t0
        for _ in 0..<30 {
            let step = await stepper.step(run, now: now, context: DecisionContext(canaryWeight: 20))
            run.status = step.status
            phases.append(step.status.phase ?? .pending)
            guard let next = step.nextCheck else { break }
            #expect(next == now + 10)
            now = next
        }
        let status = try #require(run.status)
        #expect(status.phase == .failed)
        #expect(phases.dropLast().allSatisfy { $0 == .running } && phases.count >= 2)
        #expect(status.message?.hasPrefix("canary is worse than baseline on error-rate (") == true, "\(status.message ?? "")")
        #expect(status.verdict?.decider == .judge && status.verdict?.outcome == .fail)
        #expect(status.verdict?.looks == Int64(phases.count))
        // The metrics end with the run; the empty error query at the first look was Successful (0).
        #expect(status.metricResults?.map(\.phase) == [.successful, .successful, .successful, .successful])
        #expect(status.metricResults?.first { $0.name == "canary-errors" }?.measurements?.allSatisfy { $0.phase == .successful } == true)
        #expect(status.metricResults?.first?.error == nil)
    }

    @Test func anUnreachableSourceEndsTheRunInErrorDespiteTheDecision() async throws {
        let provider = MetricsByName { name, look in
            name == "canary-errors" ? .failure(MeasurementError(.unreachable, "Prometheus at http://p: connection refused"))
                : .success(Self.counter(name, look))
        }
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run()
        var now = t0
        var steps = 0
        for _ in 0..<20 {
            let step = await stepper.step(run, now: now, context: DecisionContext(canaryWeight: 20))
            run.status = step.status
            steps += 1
            guard let next = step.nextCheck else { break }
            now = next
        }
        let status = try #require(run.status)
        #expect(status.phase == .error)
        #expect(status.message == "metric \"canary-errors\" Error: consecutiveErrors (5) > consecutiveErrorLimit (4): Prometheus at http://p: connection refused")
        // No look was taken without the errors.
        #expect(status.verdict == nil)
        #expect(steps == 5)
    }

    @Test func aMeasurementTheDecisionCannotReadIsAnErrorUntilTheLimit() async throws {
        let provider = MetricsByName { name, look in
            name == "canary-requests" ? .success(.matrix([LabeledSeries(labels: [:], points: [.init(timestamp: 0, value: 1)])]))
                : .success(Self.counter(name, look))
        }
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run(consecutiveErrorLimit: 2)
        var now = t0
        var messages: [String?] = []
        for _ in 0..<10 {
            let step = await stepper.step(run, now: now, context: DecisionContext(canaryWeight: 20))
            run.status = step.status
            messages.append(step.status.message)
            guard let next = step.nextCheck else { break }
            now = next
        }
        let problem = "decision could not look: metric canary-requests: a count needs a scalar or a vector, got a matrix"
        #expect(messages == [problem, problem,
                             "decision Error: consecutive errors (3) > consecutiveErrorLimit (2): metric canary-requests: a count needs a scalar or a vector, got a matrix"])
        #expect(run.status?.phase == .error)
        #expect(run.status?.verdict?.outcome == .hold && run.status?.verdict?.reason == problem)
    }

    @Test func aDecisionReadingAMetricTheRunDoesNotMeasureEndsInError() async throws {
        let provider = MetricsByName { name, look in .success(Self.counter(name, look)) }
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run()
        run.spec.decision?.judge?.metrics[0].canary.events = "canary-5xx"
        let step = await stepper.step(run, now: t0, context: DecisionContext(canaryWeight: 20))
        #expect(step.status.phase == .error)
        #expect(step.status.message == "decision Error: it reads \"canary-5xx\", which spec.metrics does not list")
        #expect(step.nextCheck == nil)
    }

    /// An error's retry puts one metric off the others' interval; the others are measured with
    /// it, so the next look sees them all.
    @Test func theMetricsADecisionReadsAreMeasuredTogether() async throws {
        let provider = MetricsByName { name, look in
            name == "canary-errors" && look == 1 ? .failure(MeasurementError(.timedOut, "Prometheus at http://p: timed out"))
                : .success(Self.counter(name, look, canaryErrors: 2))
        }
        let stepper = AnalysisRunStepper(providers: MetricProviders(prometheus: provider), secrets: InMemorySecretReader())
        var run = Self.run(interval: "30s")
        var step = await stepper.step(run, now: t0, context: DecisionContext(canaryWeight: 20))
        run.status = step.status
        #expect(step.status.verdict?.looks == 1)
        let firstVerdict = step.status.verdict
        step = await stepper.step(run, now: t0 + 30, context: DecisionContext(canaryWeight: 20))
        run.status = step.status
        // A look that cannot be taken changes no verdict.
        #expect(step.status.verdict == firstVerdict)
        #expect(step.status.phase == .running)
        #expect(step.nextCheck == t0 + 40)
        step = await stepper.step(run, now: t0 + 40, context: DecisionContext(canaryWeight: 20))
        #expect(provider.asked.withLock { $0 } == ["canary-requests": 3, "canary-errors": 3, "baseline-requests": 3, "baseline-errors": 3])
        #expect(step.status.verdict?.looks == 2)
        #expect(step.nextCheck == t0 + 70)
    }
}
