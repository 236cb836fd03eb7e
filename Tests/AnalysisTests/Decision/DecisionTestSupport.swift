@testable import Analysis
import SluiceAPI
import TestSupport

/// The raw cumulative counters of one arm's pods, as Prometheus shows them: requests, errors and
/// a latency histogram by `le`, and predictions by class.
struct SimulatedArm {
    static let bounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, .infinity]

    var requests = 0
    var errors = 0
    var conversions = 0
    /// Non-cumulative counts per bucket of `bounds`.
    var buckets = Array(repeating: 0, count: SimulatedArm.bounds.count)
    var predictions: [String: Int] = [:]

    /// Serves `count` requests: each fails with `errorRatio`, converts with `conversionRatio`, falls
    /// in a latency bucket by `latency` (weights per bucket) and predicts a class by `classes`.
    mutating func serve(_ count: Int, errorRatio: Double, latency: [Double] = [0.3, 0.4, 0.2, 0.1, 0, 0],
                        conversionRatio: Double = 0, classes: [String: Double] = [:], random: inout SimulationRandom) {
        requests += count
        errors += random.binomialFast(count, errorRatio)
        conversions += random.binomialFast(count, conversionRatio)
        for (index, n) in random.multinomialFast(count, latency).enumerated() { buckets[index] += n }
        let names = classes.keys.sorted()
        if !names.isEmpty {
            for (name, n) in zip(names, random.multinomialFast(count, names.map { classes[$0]! })) { predictions[name, default: 0] += n }
        }
    }

    /// A counter's measurement: no data until it is first incremented.
    static func counter(_ value: Int) -> MeasurementValue {
        value == 0 ? .noData(reason: "the query returned an empty vector") : .scalar(Double(value))
    }

    var latencyVector: MeasurementValue {
        guard requests > 0 else { return .noData(reason: "the query returned an empty vector") }
        var running = 0
        return vector("le", zip(Self.bounds, buckets).map { bound, count in
            running += count
            return (bound.isInfinite ? "+Inf" : "\(bound)", Double(running))
        })
    }

    var predictionVector: MeasurementValue {
        predictions.isEmpty ? .noData(reason: "the query returned an empty vector")
            : vector("class", predictions.sorted { $0.key < $1.key }.map { ($0.key, Double($0.value)) })
    }

    /// This arm's measurements, named `prefix-requests`, `prefix-errors`, `prefix-latency`,
    /// `prefix-predictions`, `prefix-conversions`.
    func measurements(_ prefix: String) -> [String: MeasurementValue] {
        ["\(prefix)-requests": Self.counter(requests), "\(prefix)-errors": Self.counter(errors), "\(prefix)-latency": latencyVector,
         "\(prefix)-predictions": predictionVector, "\(prefix)-conversions": Self.counter(conversions)]
    }
}

/// Looks of a decision every `every` seconds, the state going through the verdict's JSON as
/// the run's status keeps it.
struct DecisionLooks {
    var decision: AnalysisDecision
    var state: DecisionState?
    var history: [DecisionLook] = []

    init(_ decision: AnalysisDecision) { self.decision = decision }

    /// One look at `elapsedSeconds`.
    @discardableResult
    mutating func look(_ values: [String: MeasurementValue], at elapsedSeconds: Double, canaryWeight: Double? = nil,
                       roundTrip: Bool = true) throws -> DecisionLook {
        let look = try decision.look(previous: state, values: values, elapsedSeconds: elapsedSeconds, canaryWeight: canaryWeight)
        state = roundTrip ? try look.verdict.decodedState(as: DecisionState.self) : look.state
        history.append(look)
        return look
    }
}

extension AnalysisDecision {
    /// Judge on the 5xx ratio and the latency histogram of arms `canary` and `baseline`.
    static func judgeOnErrorsAndLatency(plannedSamplesPerArm: Int64? = nil) -> AnalysisDecision {
        AnalysisDecision(judge: CanaryJudgeDecision(metrics: [
            JudgedMetricSpec(name: "error-rate", kind: .counts, plannedSamplesPerArm: plannedSamplesPerArm,
                             canary: JudgeArmMetrics(events: "canary-errors", total: "canary-requests"),
                             baseline: JudgeArmMetrics(events: "baseline-errors", total: "baseline-requests")),
            JudgedMetricSpec(name: "latency", kind: .histogram, plannedSamplesPerArm: plannedSamplesPerArm,
                             canary: JudgeArmMetrics(histogram: "canary-latency"), baseline: JudgeArmMetrics(histogram: "baseline-latency")),
        ]))
    }
}
