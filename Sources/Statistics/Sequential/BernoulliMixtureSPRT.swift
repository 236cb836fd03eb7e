/// Mixture SPRT for the difference of two Bernoulli rates (conversion or error ratios),
/// canary − baseline, with its confidence sequence.
///
/// Following Johari, Koomen, Pekelis & Walsh ("Always valid inference", Operations Research
/// 70(3), 2022; KDD 2017 "Peeking at A/B tests"), binary data go through the normal
/// mSPRT (`NormalMixtureSPRT`) on Δ̂ = p̂_canary − p̂_baseline with the variance estimated from
/// the observed rates, unpooled:
///
///     V = p̂_b (1 − p̂_b) / n_b + p̂_c (1 − p̂_c) / n_c.
///
/// Unpooled, because the same V also serves the confidence sequence for Δ ≠ 0; under H₀: Δ = 0
/// it estimates the same quantity as the pooled form. Validity rests on the central limit
/// theorem, so a look only counts once every arm has at least `minimumCount` successes and
/// `minimumCount` failures (default 5: the usual n·p ≥ 5 rule for the normal approximation; with
/// none, V = 0 and Λ is undefined). Until then the look is recorded but adds no evidence: the
/// p-value stays 1 and the sequence [−1, 1]. The sequence is always clipped to [−1, 1], the
/// range of a difference of rates. For small error counts prefer `PoissonRatioTest`, which is
/// exact.
///
/// `update` takes increments (successes and trials since the previous look); the state keeps
/// the four totals, O(1).
public struct BernoulliMixtureSPRT: Sendable, Hashable, Codable {
    /// The normal mSPRT fed with the meaningful looks.
    public private(set) var normal: NormalMixtureSPRT
    /// Minimum successes and failures per arm before a look counts.
    public let minimumCount: Int
    /// Cumulative successes and trials of each arm.
    public private(set) var baselineSuccesses = 0
    public private(set) var baselineTrials = 0
    public private(set) var canarySuccesses = 0
    public private(set) var canaryTrials = 0
    /// Looks so far, including those before `isMeaningful`.
    public private(set) var looks = 0

    /// Mixture variance τ² on the difference of rates.
    public var tau2: Double { normal.tau2 }
    /// Significance level α.
    public var alpha: Double { normal.alpha }
    /// Whether every arm has reached `minimumCount` successes and failures.
    public var isMeaningful: Bool {
        baselineSuccesses >= minimumCount && baselineTrials - baselineSuccesses >= minimumCount
            && canarySuccesses >= minimumCount && canaryTrials - canarySuccesses >= minimumCount
    }
    /// log Λ at the latest meaningful look (0 before).
    public var logLikelihoodRatio: Double { normal.logLikelihoodRatio }
    /// Always-valid p-value for H₀: p_canary = p_baseline.
    public var pValue: Double { normal.pValue }
    /// Whether H₀ is rejected at α.
    public var rejected: Bool { normal.rejected }
    /// (1 − α) confidence sequence for p_canary − p_baseline, clipped to [−1, 1].
    public var confidenceSequence: NormalMixtureSPRT.Interval {
        guard let interval = normal.confidenceSequence else { return .init(lower: -1, upper: 1) }
        return .init(lower: max(-1, interval.lower), upper: min(1, interval.upper))
    }

    /// A test with mixture variance `tau2` (see `MixtureTuning.bernoulliMixtureVariance`), level
    /// `alpha`, counting looks once each arm has `minimumCount` successes and failures.
    public init(tau2: Double, alpha: Double = 0.05, minimumCount: Int = 5) throws {
        try StatisticsError.check(minimumCount >= 1, "minimumCount must be ≥ 1, got \(minimumCount)")
        normal = try NormalMixtureSPRT(tau2: tau2, alpha: alpha)
        self.minimumCount = minimumCount
    }

    /// One look: successes and trials of each arm since the previous look.
    public mutating func update(baselineSuccesses bs: Int, baselineTrials bt: Int,
                                canarySuccesses cs: Int, canaryTrials ct: Int) throws {
        try StatisticsError.count(bs, "baselineSuccesses")
        try StatisticsError.count(cs, "canarySuccesses")
        try StatisticsError.check(bt >= bs, "baselineTrials (\(bt)) must be ≥ baselineSuccesses (\(bs))")
        try StatisticsError.check(ct >= cs, "canaryTrials (\(ct)) must be ≥ canarySuccesses (\(cs))")
        var next = self
        next.baselineSuccesses = try StatisticsError.add(baselineSuccesses, bs, "baselineSuccesses")
        next.baselineTrials = try StatisticsError.add(baselineTrials, bt, "baselineTrials")
        next.canarySuccesses = try StatisticsError.add(canarySuccesses, cs, "canarySuccesses")
        next.canaryTrials = try StatisticsError.add(canaryTrials, ct, "canaryTrials")
        next.looks += 1
        if next.isMeaningful {
            let nb = Double(next.baselineTrials), nc = Double(next.canaryTrials)
            let pb = Double(next.baselineSuccesses) / nb, pc = Double(next.canarySuccesses) / nc
            try next.normal.update(difference: pc - pb, variance: pb * (1 - pb) / nb + pc * (1 - pc) / nc)
        }
        self = next
    }
}
