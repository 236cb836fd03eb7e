import Analysis
import Foundation
import KubeClient
import SluiceAPI
import Testing

/// A Prometheus metric with the given conditions and limits.
func metric(
    _ name: String = "errors", success: String? = nil, failure: String? = nil, interval: DurationString? = nil, count: Int32? = nil,
    failureLimit: Int32? = nil, inconclusiveLimit: Int32? = nil, consecutiveErrorLimit: Int32? = nil, dryRun: Bool? = nil,
    initialDelay: DurationString? = nil, noData: Metric.NoDataPhase? = nil
) -> Metric {
    Metric(name: name, interval: interval, initialDelay: initialDelay, count: count, successCondition: success, failureCondition: failure,
           failureLimit: failureLimit, inconclusiveLimit: inconclusiveLimit, consecutiveErrorLimit: consecutiveErrorLimit, dryRun: dryRun,
           provider: MetricProviderSpec(prometheus: PrometheusMetric(address: "http://prometheus:9090", query: "up")), noDataPhase: noData)
}

let t0 = Date(timeIntervalSince1970: 1_700_000_000)

@Suite("Measurement assessment")
struct MeasurementAssessmentTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var success: String?
        var failure: String?
        var value: MeasurementValue
        var noData: Metric.NoDataPhase?
        var expected: AnalysisPhase
        var message: String?
        var testDescription: String { "success \(success ?? "-") failure \(failure ?? "-") on \(value)" }
    }

    static let one = MeasurementValue.vector([LabeledSample(labels: ["version": "v2"], value: 0.004, timestamp: 1)])

    static let cases: [Case] = [
        Case(success: "result[0] < 0.01", value: one, expected: .successful),
        Case(success: "result[0] < 0.001", value: one, expected: .failed,
             message: "successCondition \"result[0] < 0.001\" did not hold for result [0.004]"),
        Case(failure: "result[0] > 0.01", value: one, expected: .successful),
        Case(failure: "result[0] > 0.001", value: one, expected: .failed, message: "failureCondition \"result[0] > 0.001\" held for result [0.004]"),
        Case(success: "result[0] < 0.001", failure: "result[0] > 0.01", value: one, expected: .inconclusive,
             message: "neither successCondition nor failureCondition held for result [0.004]"),
        Case(success: "result[0] < 0.01", failure: "result[0] > 0.001", value: one, expected: .failed,
             message: "failureCondition \"result[0] > 0.001\" held for result [0.004]"),
        Case(value: one, expected: .successful),
        Case(success: "result < 1", value: .scalar(0.5), expected: .successful),
        Case(success: "result[0] < 0.01", value: .noData(reason: "the query returned an empty vector"), expected: .error,
             message: "no data: the query returned an empty vector"),
        Case(success: "result[0] < 0.01", value: .noData(reason: "empty"), noData: .inconclusive, expected: .inconclusive, message: "no data: empty"),
        Case(success: "result[0] < 0.01", value: .noData(reason: "empty"), noData: .successful, expected: .successful, message: "no data: empty"),
        Case(success: "result[0] < 0.01", value: .scalar(0.5), expected: .error,
             message: "successCondition \"result[0] < 0.01\" could not be evaluated on result 0.5: at character 7: cannot index a number with a number"),
        Case(success: "result[0] <", value: one, expected: .error,
             message: "successCondition \"result[0] <\" does not parse: at character 12: expected an operand (a number, a string, true, false, result, a function call or \"(\"), got the end of the condition"),
        Case(value: .verdict(passed: true, detail: "Job j completed"), expected: .successful),
        Case(value: .verdict(passed: false, detail: "Job j failed: BackoffLimitExceeded"), expected: .failed, message: "Job j failed: BackoffLimitExceeded"),
        Case(success: "result == false", value: .verdict(passed: false, detail: "x"), expected: .successful),
        Case(success: "result.ok && result.latency.p99 < 300", value: .json(["ok": true, "latency": ["p99": 120]]), expected: .successful),
        Case(success: "isNaN(result)", value: .scalar(.nan), expected: .successful),
        Case(success: "len(result) == 2 && result[1][0] == 3",
             value: .matrix([LabeledSeries(labels: [:], points: [.init(timestamp: 1, value: 1)]),
                             LabeledSeries(labels: [:], points: [.init(timestamp: 1, value: 3)])]), expected: .successful),
    ]

    @Test(arguments: cases)
    func judges(_ testCase: Case) {
        let judged = MeasurementAssessment.phase(of: testCase.value, for: metric(success: testCase.success, failure: testCase.failure, noData: testCase.noData))
        #expect(judged.phase == testCase.expected)
        #expect(judged.message == testCase.message)
    }

    @Test func measurementsKeepValueAndTimes() {
        let measurement = MeasurementAssessment.measurement(of: Self.one, for: metric(success: "result[0] < 0.01"), startedAt: t0, finishedAt: t0 + 1)
        #expect(measurement == Measurement(phase: .successful, value: "[0.004]", startedAt: Timestamp(t0), finishedAt: Timestamp(t0 + 1)))
        let long = MeasurementValue.vector((0..<500).map { LabeledSample(labels: [:], value: Double($0), timestamp: 0) })
        #expect(long.summary.count == MeasurementValue.summaryLimit)
    }
}

@Suite("Metric and run assessment")
struct MetricAssessmentTests {
    /// Records `phases` in order and returns the result and its assessment.
    static func run(_ metric: Metric, _ phases: [AnalysisPhase], terminating: Bool = false, historyLimit: Int = 10)
        -> (result: MetricResult, phase: AnalysisPhase, message: String?) {
        var result = MetricResult(name: metric.name, phase: .pending)
        for (index, phase) in phases.enumerated() {
            let at = t0 + Double(index)
            result = MetricAssessment.recording(Measurement(phase: phase, startedAt: Timestamp(at), finishedAt: Timestamp(at), message: phase == .successful ? nil : "m\(index)"),
                                                in: result, historyLimit: historyLimit)
        }
        let (phase, message) = MetricAssessment.assess(metric, result, terminating: terminating)
        return (result, phase, message)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var metric: Metric
        var phases: [AnalysisPhase]
        var terminating = false
        var expected: AnalysisPhase
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no measurement yet", metric: metric(), phases: [], expected: .pending),
        Case(name: "no measurement, terminated", metric: metric(), phases: [], terminating: true, expected: .successful),
        Case(name: "one measurement by default", metric: metric(), phases: [.successful], expected: .successful),
        Case(name: "count not reached", metric: metric(interval: "1m", count: 3), phases: [.successful, .successful], expected: .running),
        Case(name: "count reached", metric: metric(interval: "1m", count: 3), phases: [.successful, .successful, .successful], expected: .successful),
        Case(name: "one failure fails by default", metric: metric(interval: "1m", count: 3), phases: [.successful, .failed], expected: .failed),
        Case(name: "failure within the limit", metric: metric(interval: "1m", count: 3, failureLimit: 1),
             phases: [.failed, .successful, .successful], expected: .successful),
        Case(name: "failures over the limit", metric: metric(interval: "1m", count: 5, failureLimit: 1), phases: [.failed, .successful, .failed], expected: .failed),
        Case(name: "no failure limit", metric: metric(interval: "1m", count: 3, failureLimit: -1), phases: [.failed, .failed, .failed], expected: .successful),
        Case(name: "one inconclusive by default", metric: metric(interval: "1m", count: 3), phases: [.inconclusive], expected: .inconclusive),
        Case(name: "inconclusive within the limit", metric: metric(interval: "1m", count: 2, inconclusiveLimit: 1),
             phases: [.inconclusive, .successful], expected: .successful),
        Case(name: "errors do not count", metric: metric(interval: "1m", count: 2), phases: [.successful, .error, .error], expected: .running),
        Case(name: "four errors in a row are tolerated", metric: metric(interval: "1m", count: 2), phases: [.error, .error, .error, .error], expected: .running),
        Case(name: "the fifth error in a row errs", metric: metric(interval: "1m", count: 2), phases: [.error, .error, .error, .error, .error], expected: .error),
        Case(name: "a success resets the error streak", metric: metric(interval: "1m", count: 9),
             phases: [.error, .error, .error, .error, .successful, .error, .error, .error, .error], expected: .running),
        Case(name: "error limit 0", metric: metric(interval: "1m", count: 2, consecutiveErrorLimit: 0), phases: [.error], expected: .error),
        Case(name: "error wins over failure", metric: metric(interval: "1m", count: 9, consecutiveErrorLimit: 0), phases: [.failed, .error], expected: .error),
        Case(name: "indefinite metric runs", metric: metric(interval: "1m"), phases: [.successful, .successful], expected: .running),
        Case(name: "indefinite metric, terminated", metric: metric(interval: "1m"), phases: [.successful], terminating: true, expected: .successful),
        Case(name: "in flight", metric: metric(), phases: [.running], expected: .running),
    ]

    @Test(arguments: cases)
    func assesses(_ testCase: Case) {
        #expect(Self.run(testCase.metric, testCase.phases, terminating: testCase.terminating).phase == testCase.expected)
    }

    @Test func messagesNameTheLimitAndTheLastMeasurement() {
        let failed = Self.run(metric(interval: "1m", count: 5, failureLimit: 1), [.failed, .successful, .failed])
        #expect(failed.message == "failed (2) > failureLimit (1): m2")
        let errored = Self.run(metric(interval: "1m"), [.error, .error, .error, .error, .error])
        #expect(errored.message == "consecutiveErrors (5) > consecutiveErrorLimit (4): m4")
    }

    @Test func historyIsBoundedButTalliesAreExact() {
        let phases: [AnalysisPhase] = Array(repeating: .successful, count: 20) + [.error, .failed, .inconclusive] + Array(repeating: .successful, count: 7)
        let (result, _, _) = Self.run(metric(interval: "1m", failureLimit: -1, inconclusiveLimit: 5), phases, historyLimit: 10)
        #expect(result.measurements?.count == 10)
        #expect(result.measurements?.first?.startedAt == Timestamp(t0 + 20))
        #expect(result.count == 29)
        #expect(result.successful == 27)
        #expect(result.failed == 1)
        #expect(result.inconclusive == 1)
        #expect(result.error == 1)
        #expect(result.consecutiveError == 0)
    }

    @Test func aFinishedMeasurementReplacesTheOneInFlight() {
        let (result, phase, _) = Self.run(metric(), [.running, .successful])
        #expect(result.measurements?.map(\.phase) == [.successful])
        #expect(result.count == 1)
        #expect(phase == .successful)
    }

    static func status(_ results: [(String, [AnalysisPhase])]) -> AnalysisRunStatus {
        var status = AnalysisRunStatus(phase: .running, metricResults: [], startedAt: Timestamp(t0))
        for (name, phases) in results {
            var result = MetricResult(name: name, phase: .running)
            for phase in phases { result = MetricAssessment.recording(Measurement(phase: phase, finishedAt: Timestamp(t0), message: "\(name) \(phase.rawValue)"), in: result) }
            status.metricResults?.append(result)
        }
        return status
    }

    @Test func runTakesTheWorstCountingMetric() {
        let spec = AnalysisRunSpec(metrics: [metric("a"), metric("b"), metric("c", dryRun: true)])
        let allGood = RunAssessment.assess(spec, Self.status([("a", [.successful]), ("b", [.successful]), ("c", [.failed])]))
        #expect(allGood.phase == .successful)
        #expect(allGood.message == "dry-run metric \"c\" Failed (not counted)")
        #expect(allGood.metricResults?.map(\.phase) == [.successful, .successful, .failed])

        let inconclusive = RunAssessment.assess(spec, Self.status([("a", [.inconclusive]), ("b", [.successful]), ("c", [.successful])]))
        #expect(inconclusive.phase == .inconclusive)
        #expect(inconclusive.message == "metric \"a\" Inconclusive: inconclusive (1) > inconclusiveLimit (0): a Inconclusive")

        let failedAndError = RunAssessment.assess(
            AnalysisRunSpec(metrics: [metric("a", consecutiveErrorLimit: 0), metric("b")]),
            Self.status([("a", [.error]), ("b", [.failed])]))
        #expect(failedAndError.phase == .failed)
        #expect(failedAndError.message?.hasPrefix("metric \"b\" Failed: failed (1) > failureLimit (0)") == true)
    }

    @Test func aFailedMetricEndsTheRunAndCompletesTheOthers() {
        let spec = AnalysisRunSpec(metrics: [metric("a"), metric("b", interval: "1m"), metric("c", initialDelay: "5m")])
        let status = Self.status([("a", [.failed]), ("b", [.successful])])
        #expect(RunAssessment.isTerminating(spec, status))
        let assessed = RunAssessment.assess(spec, status)
        #expect(assessed.phase == .failed)
        #expect(assessed.metricResults?.map(\.phase) == [.failed, .successful, .successful])
        #expect(MeasurementSchedule.metricsDue(spec, assessed, now: t0 + 3600).isEmpty)
    }

    @Test func aRunStaysRunningWhileAMetricIsIncomplete() {
        let spec = AnalysisRunSpec(metrics: [metric("a"), metric("b", interval: "1m", count: 2)])
        let assessed = RunAssessment.assess(spec, Self.status([("a", [.successful]), ("b", [.successful])]))
        #expect(assessed.phase == .running)
        #expect(assessed.message == nil)
        let terminated = RunAssessment.assess(AnalysisRunSpec(metrics: spec.metrics, terminate: true), assessed)
        #expect(terminated.phase == .successful)
    }

    @Test func dryRunFailuresDoNotEndTheRun() {
        let spec = AnalysisRunSpec(metrics: [metric("a", dryRun: true), metric("b", interval: "1m", count: 2)])
        let status = Self.status([("a", [.failed]), ("b", [.successful])])
        #expect(!RunAssessment.isTerminating(spec, status))
        #expect(RunAssessment.assess(spec, status).phase == .running)
    }

    @Test func precedence() {
        #expect(RunAssessment.isWorse(.failed, than: .error))
        #expect(RunAssessment.isWorse(.error, than: .inconclusive))
        #expect(RunAssessment.isWorse(.inconclusive, than: .successful))
        #expect(!RunAssessment.isWorse(.successful, than: .inconclusive))
    }
}

@Suite("Measurement schedule")
struct MeasurementScheduleTests {
    static func result(_ measurements: [Measurement], count: Int32 = 0, phase: AnalysisPhase = .running) -> MetricResult {
        MetricResult(name: "errors", phase: phase, measurements: measurements, count: count)
    }

    @Test func firstMeasurementWaitsForTheInitialDelay() {
        #expect(MeasurementSchedule.nextMeasurementDue(metric(), result: nil, runStartedAt: t0, now: t0) == t0)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(initialDelay: "90s"), result: nil, runStartedAt: t0, now: t0) == t0 + 90)
    }

    @Test func laterMeasurementsFollowTheInterval() {
        let done = Measurement(phase: .successful, startedAt: Timestamp(t0 + 10), finishedAt: Timestamp(t0 + 12))
        #expect(MeasurementSchedule.nextMeasurementDue(metric(interval: "1m", count: 3), result: Self.result([done], count: 1), runStartedAt: t0, now: t0 + 13) == t0 + 72)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(interval: "1m", count: 3), result: Self.result([done], count: 3), runStartedAt: t0, now: t0 + 13) == nil)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(), result: Self.result([done], count: 1), runStartedAt: t0, now: t0 + 13) == nil)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(interval: "1m"), result: Self.result([done], count: 1, phase: .successful), runStartedAt: t0, now: t0 + 13) == nil)
    }

    @Test func errorsAreRetriedSooner() {
        let error = Measurement(phase: .error, finishedAt: Timestamp(t0 + 12))
        #expect(MeasurementSchedule.nextMeasurementDue(metric(interval: "5m"), result: Self.result([error]), runStartedAt: t0, now: t0) == t0 + 22)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(interval: "2s"), result: Self.result([error]), runStartedAt: t0, now: t0) == t0 + 14)
        #expect(MeasurementSchedule.nextMeasurementDue(metric(), result: Self.result([error]), runStartedAt: t0, now: t0) == t0 + 22)
    }

    @Test func aMeasurementInFlightIsResumedAndPolled() {
        let running = Measurement(phase: .running, startedAt: Timestamp(t0))
        let spec = AnalysisRunSpec(metrics: [metric()])
        let status = AnalysisRunStatus(phase: .running, metricResults: [Self.result([running])], startedAt: Timestamp(t0))
        #expect(MeasurementSchedule.nextMeasurementDue(metric(), result: Self.result([running]), runStartedAt: t0, now: t0 + 30) == t0 + 30)
        #expect(MeasurementSchedule.metricsDue(spec, status, now: t0 + 30).map(\.name) == ["errors"])
        #expect(MeasurementSchedule.nextCheck(spec, status, now: t0 + 30) == t0 + 35)
    }

    @Test func nextCheckIsTheEarliestDue() {
        let spec = AnalysisRunSpec(metrics: [metric("a", initialDelay: "30s"), metric("b", initialDelay: "10s")])
        let status = AnalysisRunStatus(phase: .running, startedAt: Timestamp(t0))
        #expect(MeasurementSchedule.nextCheck(spec, status, now: t0) == t0 + 10)
        #expect(MeasurementSchedule.metricsDue(spec, status, now: t0 + 10).map(\.name) == ["b"])
        #expect(MeasurementSchedule.nextCheck(spec, AnalysisRunStatus(phase: .successful), now: t0) == nil)
    }
}

/// SluiceAPI's measurement, not Foundation's.
typealias Measurement = SluiceAPI.Measurement
