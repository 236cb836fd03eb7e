#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Statistics

/// The one-sided Poisson two-arm Bayes factor across changes of the traffic split.
///
/// `PoissonRatioTest` fixes the canary's share ρ₀ of the traffic. When a step changes the weight,
/// the running test is closed and a new one starts at the new share; the evidence is the product
/// of the segments' Bayes factors. Each segment's factor is a test supermartingale started at 1
/// when the previous one stopped, so the product is one too, and min(1, 1 / max product) stays an
/// always-valid p-value for "canary no worse" across every weight of the analysis.
struct SegmentedPoissonEvidence: Sendable, Hashable, Codable {
    /// The test of the current segment.
    private(set) var test: PoissonRatioTest
    /// log BF of the closed segments.
    private(set) var carriedLogBayesFactor = 0.0
    /// Maximum over looks of the total log BF (≥ 0).
    private(set) var maxLogBayesFactor = 0.0

    /// Events the mixture is tuned for (Statistics' default: a 2× regression at 0.1% errors and
    /// 10 requests/s per arm produces about 100 in an hour).
    static let plannedEvents = 100.0

    /// Running evidence for "the first arm passed to `update` has more events than its share".
    init(share: Double, alpha: Double) throws {
        test = try PoissonRatioTest(canaryShare: share, alternative: .canaryHigher, alpha: alpha,
                                    plannedEvents: Self.plannedEvents)
    }

    /// Always-valid p-value.
    var pValue: Double { exp(-maxLogBayesFactor) }

    /// One look: events of the tested arm (share `share`) and of the other since the previous look.
    mutating func update(share: Double, testedEvents: Int, otherEvents: Int) throws {
        if abs(share - test.canaryShare) > 1e-12 {
            carriedLogBayesFactor += test.logBayesFactor
            test = try PoissonRatioTest(canaryShare: share, alternative: .canaryHigher, alpha: test.alpha,
                                        plannedEvents: Self.plannedEvents)
        }
        try test.update(canaryEvents: testedEvents, baselineEvents: otherEvents)
        maxLogBayesFactor = max(maxLogBayesFactor, carriedLogBayesFactor + test.logBayesFactor)
    }
}

/// The sequential sample-ratio-mismatch check across changes of the configured split: one
/// `SampleRatioMismatchCheck` per weight, evidence multiplied across them (see
/// `SegmentedPoissonEvidence` for why that stays valid). A mismatch is sticky: once the split
/// was wrong, the comparisons made on it are suspect.
struct SegmentedSampleRatioEvidence: Sendable, Hashable, Codable {
    /// The check of the current segment.
    private(set) var check: SampleRatioMismatchCheck
    /// The expected shares of the current segment, in the order the counts are given.
    private(set) var expectedShares: [Double]
    private(set) var carriedLogBayesFactor = 0.0
    private(set) var maxLogBayesFactor = 0.0
    let alpha: Double
    let plannedRequests: Double

    init(expectedShares: [Double], alpha: Double, plannedRequests: Double) throws {
        check = try SampleRatioMismatchCheck(expectedWeights: expectedShares, alpha: alpha, plannedRequests: plannedRequests)
        self.expectedShares = check.test.nullWeights
        self.alpha = alpha
        self.plannedRequests = plannedRequests
    }

    /// Always-valid p-value for "requests follow the configured split".
    var pValue: Double { exp(-maxLogBayesFactor) }
    /// Whether a mismatch has been detected at `alpha`.
    var mismatch: Bool { pValue <= alpha }
    /// Requests per arm in the current segment.
    var segmentCounts: [Int] { check.test.counts }

    /// One look: the configured shares now and the requests per arm since the previous look.
    mutating func update(expectedShares shares: [Double], requests: [Int]) throws {
        let total = shares.reduce(0, +)
        let normalised = shares.map { $0 / total }
        if zip(normalised, expectedShares).contains(where: { abs($0 - $1) > 1e-12 }) {
            carriedLogBayesFactor += check.test.logBayesFactor
            check = try SampleRatioMismatchCheck(expectedWeights: normalised, alpha: alpha, plannedRequests: plannedRequests)
            expectedShares = check.test.nullWeights
        }
        try check.update(requests: requests)
        maxLogBayesFactor = max(maxLogBayesFactor, carriedLogBayesFactor + check.test.logBayesFactor)
    }
}

/// The running minimum of a directional always-valid p-value taken from a two-sided mixture SPRT:
/// a look's 1/Λ counts only when the estimate lies on the regression side. Each look's value is
/// ≥ the two-sided 1/Λ, whose running minimum is a valid p-value, so this one is valid too and
/// never fails a canary for being better.
struct DirectionalPValue: Sendable, Hashable, Codable {
    private(set) var value = 1.0

    mutating func record(logLikelihoodRatio: Double, regressionSide: Bool) {
        guard regressionSide else { return }
        value = min(value, min(1, exp(-logLikelihoodRatio)))
    }
}
