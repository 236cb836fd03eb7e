import TestSupport
import Analysis
import Testing

/// Simulated traffic through the canary judge: cumulative counts per arm, a look after every
/// batch, as the controller would query Prometheus.
struct SimulatedService {
    var errorRatio: Double
    /// Probability of each latency bucket.
    var latencyBuckets: [Double]
    var cpuMean: Double
    var cpuStandardDeviation: Double

    static let bounds: [Double] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, .infinity]
    static let healthy = SimulatedService(errorRatio: 0.01, latencyBuckets: [0.1, 0.25, 0.3, 0.2, 0.1, 0.03, 0.015, 0.005],
                                          cpuMean: 10, cpuStandardDeviation: 2)
}

/// One arm's running totals.
struct ArmTotals {
    var requests = 0
    var errors = 0
    var buckets = [Int](repeating: 0, count: SimulatedService.bounds.count)
    var cpuSum = 0.0
    var cpuSumOfSquares = 0.0

    mutating func serve(_ n: Int, _ service: SimulatedService, _ random: inout SimulationRandom) {
        guard n > 0 else { return }
        requests += n
        errors += random.binomialFast(n, service.errorRatio)
        for (i, count) in random.multinomialFast(n, service.latencyBuckets).enumerated() { buckets[i] += count }
        // Σx and Σx² of n draws of N(μ, σ²): Σz ~ N(0, n), Σz² ≈ n + √(2n)·N(0, 1) (independent for normal data).
        let (mu, sigma, count) = (service.cpuMean, service.cpuStandardDeviation, Double(n))
        let sumZ = count.squareRoot() * random.normal()
        let sumZ2 = max(0, count + (2 * count).squareRoot() * random.normal())
        cpuSum += count * mu + sigma * sumZ
        cpuSumOfSquares += count * mu * mu + 2 * mu * sigma * sumZ + sigma * sigma * sumZ2
    }
}

struct SimulatedCanary {
    var baseline = ArmTotals()
    var canary = ArmTotals()

    /// `batch` requests split at random with the canary receiving `canaryShare` of them.
    mutating func serve(batch: Int, canaryShare: Double, baseline baselineService: SimulatedService,
                        canary canaryService: SimulatedService, random: inout SimulationRandom) {
        let toCanary = random.binomialFast(batch, canaryShare)
        baseline.serve(batch - toCanary, baselineService, &random)
        canary.serve(toCanary, canaryService, &random)
    }

    func observations(canaryWeight: Double) -> JudgeObservations {
        JudgeObservations(
            canaryWeight: canaryWeight,
            requests: ArmPair(baseline: baseline.requests, canary: canary.requests),
            metrics: [
                "errors": .counts(ArmPair(baseline: EventCounts(events: baseline.errors, total: baseline.requests),
                                          canary: EventCounts(events: canary.errors, total: canary.requests))),
                "latency": .histogram(ArmPair(
                    baseline: CumulativeHistogram(upperBounds: SimulatedService.bounds, bucketCounts: baseline.buckets),
                    canary: CumulativeHistogram(upperBounds: SimulatedService.bounds, bucketCounts: canary.buckets))),
                "cpu": .moments(ArmPair(
                    baseline: Moments(count: baseline.requests, sum: baseline.cpuSum, sumOfSquares: baseline.cpuSumOfSquares),
                    canary: Moments(count: canary.requests, sum: canary.cpuSum, sumOfSquares: canary.cpuSumOfSquares))),
            ])
    }
}

/// The judge on seeded simulated traffic: A/A false fails, a real regression, a broken split.
@Suite struct JudgeSimulationTests {
    static let configuration = JudgeConfiguration(metrics: [
        JudgedMetric(name: "errors", kind: .counts, tolerance: 0.005, plannedSamplesPerArm: 10_000),
        JudgedMetric(name: "latency", kind: .histogram, plannedSamplesPerArm: 10_000, quantile: 0.99),
        JudgedMetric(name: "cpu", kind: .moments, tolerance: 0.5, plannedSamplesPerArm: 10_000),
    ], alpha: 0.05, minimumSamplesPerArm: 100)

    /// A/A: identical versions, 20% canary, 500 requests between looks, 120 looks in every one
    /// of 500 runs (looking on after a Pass). The judge may fail at most α + 3 standard errors
    /// of the runs (the bound for a procedure whose false-fail rate is ≤ α).
    @Test func identicalVersionsAreRarelyFailed() throws {
        let runs = 500, looks = 120, alpha = Self.configuration.alpha
        let bound = alpha + 3 * (alpha * (1 - alpha) / Double(runs)).squareRoot()
        var random = SimulationRandom(seed: 20_240_601)
        var fails = 0, passes = 0, holds = 0, totalLooks = 0
        for _ in 0..<runs {
            var judge = try CanaryJudge(configuration: Self.configuration)
            var traffic = SimulatedCanary()
            var failed = false, passed = false, held = false
            for _ in 0..<looks {
                traffic.serve(batch: 500, canaryShare: 0.2, baseline: .healthy, canary: .healthy, random: &random)
                let report = try judge.look(traffic.observations(canaryWeight: 20))
                totalLooks += 1
                switch report.verdict {
                case .fail: failed = true
                case .pass: passed = true
                case .hold(.sampleRatioMismatch): held = true
                case .hold(.insufficientSamples), .inconclusive: break
                }
            }
            if failed { fails += 1 }
            if passed { passes += 1 }
            if held { holds += 1 }
        }
        #expect(totalLooks == runs * looks)
        let rate = Double(fails) / Double(runs)
        print("A/A judge: false-fail rate \(rate) over \(runs) runs × \(looks) looks (bound \(bound)); "
              + "runs that passed at some look \(passes), SRM holds \(holds)")
        #expect(rate <= bound)
        // The judge is not merely silent: most identical canaries pass within the looks.
        #expect(passes > runs / 2)
    }

    /// A 5× error ratio (0.2% → 1%) fails the canary on the errors metric, with the figures in
    /// the reason.
    @Test func fiveTimesTheErrorRatioFails() throws {
        var baselineService = SimulatedService.healthy
        baselineService.errorRatio = 0.002
        var canaryService = baselineService
        canaryService.errorRatio = 0.01
        var random = SimulationRandom(seed: 7)
        var judge = try CanaryJudge(configuration: Self.configuration)
        var traffic = SimulatedCanary()
        var failing: JudgeReport?
        for _ in 0..<200 {
            traffic.serve(batch: 500, canaryShare: 0.2, baseline: baselineService, canary: canaryService, random: &random)
            let report = try judge.look(traffic.observations(canaryWeight: 20))
            #expect(report.verdict != .pass, "\(report.reason)")
            if report.metrics.contains(where: { $0.name == "errors" && $0.outcome == .fail }) {
                failing = report
                break
            }
        }
        let report = try #require(failing, "the errors metric never failed")
        #expect(report.verdict == .fail)
        let errors = try #require(report.metrics.first { $0.name == "errors" })
        #expect(errors.adjustedPValue <= 0.05)
        // Early, the exact Poisson test carries the evidence while the Bernoulli sequence is
        // still wide; the effect is a higher canary error ratio either way.
        #expect(try #require(errors.effect) > 0)
        #expect(errors.detail.contains("Poisson p = "))
        #expect(report.reason.hasPrefix("canary is worse than baseline on "), "\(report.reason)")
        #expect(report.reason.contains("errors (canary "), "\(report.reason)")
        print("5× error ratio: errors failed at look \(report.look) with \(errors.samples.canary) canary requests: \(report.reason)")
    }

    /// A canary that is better never fails, however strong the evidence.
    @Test func anImprovementNeverFails() throws {
        var canaryService = SimulatedService.healthy
        canaryService.errorRatio = 0.001
        canaryService.cpuMean = 8
        var random = SimulationRandom(seed: 11)
        var judge = try CanaryJudge(configuration: Self.configuration)
        var traffic = SimulatedCanary()
        for _ in 0..<100 {
            traffic.serve(batch: 500, canaryShare: 0.2, baseline: .healthy, canary: canaryService, random: &random)
            let report = try judge.look(traffic.observations(canaryWeight: 20))
            #expect(report.verdict != .fail, "\(report.reason)")
        }
    }

    /// 60/40 traffic while the Rollout says 50/50: the judge holds and says what it saw, even
    /// though the canary is 5× worse.
    @Test func sampleRatioMismatchHolds() throws {
        var canaryService = SimulatedService.healthy
        canaryService.errorRatio = 0.05
        var random = SimulationRandom(seed: 3)
        var judge = try CanaryJudge(configuration: Self.configuration)
        var traffic = SimulatedCanary()
        var report: JudgeReport?
        for _ in 0..<40 {
            traffic.serve(batch: 500, canaryShare: 0.4, baseline: .healthy, canary: canaryService, random: &random)
            report = try judge.look(traffic.observations(canaryWeight: 50))
            if report?.verdict == .hold(.sampleRatioMismatch) { break }
        }
        let final = try #require(report)
        #expect(final.verdict == .hold(.sampleRatioMismatch))
        #expect(final.sampleRatio.mismatch && final.sampleRatio.pValue <= 0.001)
        let observed = try #require(final.sampleRatio.observedCanaryShare)
        #expect(abs(observed - 0.4) < 0.03)
        #expect(final.reason.contains("expected 50%"), "\(final.reason)")
        #expect(final.reason.hasPrefix("traffic split does not match the configured weight: the canary received "), "\(final.reason)")
    }

    /// The state survives JSON (as the controller stores it) and the restored judge continues
    /// exactly where the original would have.
    @Test func stateRoundTripsThroughJSON() throws {
        var random = SimulationRandom(seed: 5)
        var judge = try CanaryJudge(configuration: Self.configuration)
        var traffic = SimulatedCanary()
        for _ in 0..<10 {
            traffic.serve(batch: 500, canaryShare: 0.2, baseline: .healthy, canary: .healthy, random: &random)
            _ = try judge.look(traffic.observations(canaryWeight: 20))
        }
        let data = try JSONEncoder().encode(judge.state)
        var restored = try CanaryJudge(configuration: Self.configuration, state: JSONDecoder().decode(JudgeState.self, from: data))
        #expect(restored.state == judge.state)
        traffic.serve(batch: 500, canaryShare: 0.2, baseline: .healthy, canary: .healthy, random: &random)
        let original = try judge.look(traffic.observations(canaryWeight: 20))
        #expect(try restored.look(traffic.observations(canaryWeight: 20)) == original)
        #expect(original.look == 11)
    }
}

import Foundation
