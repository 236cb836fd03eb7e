#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Anytime-valid test that counts over k cells (arms, classes) follow fixed shares ρ₀.
///
/// For cumulative counts n = (n₁, …, n_k), H₀: each event falls in cell i with probability ρ₀ᵢ,
/// and a Dirichlet(α) mixture over the cell probabilities, the Bayes factor is
///
///     BF = [B_k(α + n) / B_k(α)] / Πᵢ ρ₀ᵢ^nᵢ,   B_k(α) = Πᵢ Γ(αᵢ) / Γ(Σᵢ αᵢ)
///
/// (the multivariate beta function; Lindon & Malek, "Anytime-valid inference for multinomial
/// count data", NeurIPS 2022). It is a nonnegative martingale with mean 1 under H₀ in
/// the order events arrive, so by Ville's inequality p = min(1, 1 / max BF over looks) is an
/// always-valid p-value. Computed in log space.
///
/// The default prior is Dirichlet(c·ρ₀) with c = `MixtureTuning.betaConcentration` for
/// `plannedEvents` and k − 1 dimensions. Every ρ₀ᵢ must be > 0 (a single event in a cell of
/// null share 0 would be infinite evidence). `update` takes increments; the state holds k totals.
public struct DirichletMultinomialTest: Sendable, Hashable, Codable {
    /// Null shares ρ₀, normalised to sum to 1.
    public let nullWeights: [Double]
    /// Dirichlet prior α.
    public let prior: [Double]
    /// Significance level α.
    public let alpha: Double
    /// Cumulative counts per cell.
    public private(set) var counts: [Int]
    /// Number of looks so far.
    public private(set) var looks = 0
    /// log BF at the latest look (0 before the first).
    public private(set) var logBayesFactor = 0.0
    /// Maximum of log BF over looks and the start: ≥ 0.
    public private(set) var maxLogBayesFactor = 0.0

    /// min(1, 1 / max BF).
    public var pValue: Double { exp(-maxLogBayesFactor) }
    /// Whether H₀ is rejected at α.
    public var rejected: Bool { pValue <= alpha }

    /// A test with prior Dirichlet(c·ρ₀) tuned for `plannedEvents` total events.
    public init(nullWeights: [Double], alpha: Double = 0.05, plannedEvents: Double = 10_000) throws {
        let weights = try Self.normalised(nullWeights)
        let c = try MixtureTuning.betaConcentration(plannedEvents: plannedEvents, alpha: alpha,
                                                    dimensions: weights.count - 1)
        try self.init(nullWeights: weights, prior: weights.map { c * $0 }, alpha: alpha)
    }

    /// A test with an explicit Dirichlet(`prior`) mixture.
    public init(nullWeights: [Double], prior: [Double], alpha: Double = 0.05) throws {
        let weights = try Self.normalised(nullWeights)
        try StatisticsError.check(prior.count == weights.count,
                                       "prior has \(prior.count) entries, nullWeights \(weights.count)")
        for (i, a) in prior.enumerated() { try StatisticsError.positive(a, "prior[\(i)]") }
        try StatisticsError.openUnit(alpha, "alpha")
        self.nullWeights = weights
        self.prior = prior
        self.alpha = alpha
        counts = Array(repeating: 0, count: weights.count)
    }

    /// One look: counts per cell since the previous look.
    public mutating func update(counts increments: [Int]) throws {
        try StatisticsError.check(increments.count == counts.count,
                                       "counts has \(increments.count) entries, expected \(counts.count)")
        try StatisticsError.check(prior.count == counts.count && nullWeights.count == counts.count,
                                       "inconsistent state: \(counts.count) counts, \(prior.count) prior, \(nullWeights.count) weights")
        var totals = counts
        for i in totals.indices {
            try StatisticsError.count(increments[i], "counts[\(i)]")
            totals[i] = try StatisticsError.add(totals[i], increments[i], "counts[\(i)]")
        }
        counts = totals
        looks += 1
        // BF depends on the totals only: a look without events leaves it unchanged.
        if !increments.contains(where: { $0 != 0 }) { return }
        logBayesFactor = Self.uncheckedLogBayesFactor(counts: totals, nullWeights: nullWeights, prior: prior)
        maxLogBayesFactor = max(maxLogBayesFactor, logBayesFactor)
    }

    /// log BF for cumulative `counts` (one look, no maximum); `nullWeights` are normalised.
    public static func logBayesFactor(counts: [Int], nullWeights: [Double], prior: [Double]) throws -> Double {
        let weights = try normalised(nullWeights)
        try StatisticsError.check(counts.count == weights.count && prior.count == weights.count,
                                       "counts (\(counts.count)), nullWeights (\(weights.count)) and prior (\(prior.count)) differ in length")
        for (i, n) in counts.enumerated() { try StatisticsError.count(n, "counts[\(i)]") }
        for (i, a) in prior.enumerated() { try StatisticsError.positive(a, "prior[\(i)]") }
        return uncheckedLogBayesFactor(counts: counts, nullWeights: weights, prior: prior)
    }

    /// ln B_k(α) = Σ ln Γ(αᵢ) − ln Γ(Σ αᵢ).
    static func logMultivariateBeta(_ alpha: [Double]) -> Double {
        var sum = 0.0, logGammas = 0.0
        for a in alpha {
            sum += a
            logGammas += SpecialFunctions.logGamma(a)
        }
        return logGammas - SpecialFunctions.logGamma(sum)
    }

    static func uncheckedLogBayesFactor(counts: [Int], nullWeights: [Double], prior: [Double]) -> Double {
        var posterior = prior
        var logNull = 0.0
        for i in counts.indices where counts[i] > 0 {
            posterior[i] += Double(counts[i])
            logNull += Double(counts[i]) * log(nullWeights[i])
        }
        return logMultivariateBeta(posterior) - logMultivariateBeta(prior) - logNull
    }

    /// Weights divided by their sum; at least two, each finite and > 0.
    static func normalised(_ weights: [Double]) throws -> [Double] {
        try StatisticsError.check(weights.count >= 2, "need at least 2 cells, got \(weights.count)")
        for (i, w) in weights.enumerated() { try StatisticsError.positive(w, "nullWeights[\(i)]") }
        let total = weights.reduce(0, +)
        try StatisticsError.finite(total, "sum of nullWeights")
        return weights.map { $0 / total }
    }
}
