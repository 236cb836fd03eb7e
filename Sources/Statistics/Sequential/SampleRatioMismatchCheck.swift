/// Sequential sample-ratio-mismatch (SRM) check: are requests reaching the arms in the
/// configured traffic split?
///
/// A mismatch (a mesh or ingress not honouring the weights, pods failing readiness, clients
/// retrying into one arm) invalidates every comparison of the arms, so it is checked on every
/// look. The test is `DirichletMultinomialTest` on per-arm request counts against the expected
/// weights: BF = [B_k(α + n) / B_k(α)] / Πᵢ wᵢ^nᵢ with a Dirichlet(c·w) mixture, p-value
/// min(1, 1 / max BF), valid under continuous monitoring (Lindon & Malek, "Anytime-valid
/// inference for multinomial count data", NeurIPS 2022, who propose exactly this use).
///
/// Default α = 0.001: SRM checks conventionally use a strict threshold (Fabijan et al., "Diagnosing
/// sample ratio mismatch in online controlled experiments", KDD 2019), and a prior tuned for
/// 10,000 planned requests.
public struct SampleRatioMismatchCheck: Sendable, Hashable, Codable {
    /// The outcome at a look.
    public struct Verdict: Sendable, Hashable, Codable {
        /// Whether the split differs from the expected weights at α.
        public var mismatch: Bool
        /// Always-valid p-value for "requests follow the expected weights".
        public var pValue: Double
    }

    /// The underlying test; its `nullWeights` are the normalised expected weights.
    public private(set) var test: DirichletMultinomialTest

    /// Whether a mismatch has been detected (sticky: the p-value never increases).
    public var mismatch: Bool { test.rejected }
    /// Always-valid p-value.
    public var pValue: Double { test.pValue }
    /// The current verdict.
    public var verdict: Verdict { Verdict(mismatch: mismatch, pValue: pValue) }

    /// A check of `expectedWeights` (any positive scale, e.g. [90, 10]) at level `alpha`.
    public init(expectedWeights: [Double], alpha: Double = 0.001, plannedRequests: Double = 10_000) throws {
        test = try DirichletMultinomialTest(nullWeights: expectedWeights, alpha: alpha, plannedEvents: plannedRequests)
    }

    /// A check with an explicit Dirichlet prior.
    public init(expectedWeights: [Double], prior: [Double], alpha: Double = 0.001) throws {
        test = try DirichletMultinomialTest(nullWeights: expectedWeights, prior: prior, alpha: alpha)
    }

    /// One look: requests per arm since the previous look, in the order of the weights.
    @discardableResult
    public mutating func update(requests: [Int]) throws -> Verdict {
        try test.update(counts: requests)
        return verdict
    }
}
