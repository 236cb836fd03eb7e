import Statistics

/// An A/B (or A/B/n) experiment on a business ratio such as conversions per request.
public struct ExperimentPolicy: Sendable, Hashable, Codable {
    /// One variant and its configured share of the traffic.
    public struct Variant: Sendable, Hashable, Codable {
        public var name: String
        /// Percent of the experiment's traffic (any positive scale; normalised).
        public var weight: Double

        public init(name: String, weight: Double) {
            self.name = name
            self.weight = weight
        }
    }

    /// What to do when `maxDurationSeconds` passes without a winner.
    public enum InconclusiveAction: String, Sendable, Hashable, Codable, CaseIterable {
        /// Keep the control (stable): the safe default.
        case abort
        /// Promote the candidate anyway.
        case promote
        /// Pause for a human.
        case pause
    }

    /// The variants; the first is the control every other is compared with.
    public var variants: [Variant]
    /// Whether a higher ratio is better (conversions) or worse (errors, churn).
    public var higherIsBetter: Bool
    /// Family-wise error rate of declaring a winner that is not better (Holm across the
    /// comparisons), however often the experiment looks.
    public var alpha: Double
    /// No winner before every variant has this many requests.
    public var minimumSamplesPerVariant: Int
    /// Tunes the mixtures: requests per variant at which the test is sharpest.
    public var plannedSamplesPerVariant: Int
    /// The experiment ends inconclusive at this age without a winner.
    public var maxDurationSeconds: Double
    public var inconclusiveAction: InconclusiveAction
    /// Level of the sequential sample-ratio-mismatch check.
    public var sampleRatioAlpha: Double

    public init(variants: [Variant], higherIsBetter: Bool = true, alpha: Double = 0.05, minimumSamplesPerVariant: Int = 100,
                plannedSamplesPerVariant: Int = 10_000, maxDurationSeconds: Double, inconclusiveAction: InconclusiveAction = .abort,
                sampleRatioAlpha: Double = 0.001) {
        self.variants = variants
        self.higherIsBetter = higherIsBetter
        self.alpha = alpha
        self.minimumSamplesPerVariant = minimumSamplesPerVariant
        self.plannedSamplesPerVariant = plannedSamplesPerVariant
        self.maxDurationSeconds = maxDurationSeconds
        self.inconclusiveAction = inconclusiveAction
        self.sampleRatioAlpha = sampleRatioAlpha
    }

    /// Throws `JudgeError.invalidConfiguration` naming the first bad field.
    public func validate() throws {
        try JudgeError.require(variants.count >= 2, "variants", "must list at least two variants, got \(variants.count)")
        var seen = Set<String>()
        for (index, variant) in variants.enumerated() {
            try JudgeError.require(!variant.name.isEmpty, "variants[\(index)].name", "must not be empty")
            try JudgeError.require(seen.insert(variant.name).inserted, "variants[\(index)].name", "duplicates variant \(variant.name)")
            try JudgeError.require(variant.weight.isFinite && variant.weight > 0, "variants[\(index)].weight",
                                   "must be > 0, got \(variant.weight)")
        }
        try JudgeError.requireOpenUnit(alpha, "alpha")
        try JudgeError.requireOpenUnit(sampleRatioAlpha, "sampleRatioAlpha")
        try JudgeError.require(minimumSamplesPerVariant >= 1, "minimumSamplesPerVariant", "must be ≥ 1, got \(minimumSamplesPerVariant)")
        try JudgeError.require(plannedSamplesPerVariant >= max(20, minimumSamplesPerVariant), "plannedSamplesPerVariant",
                               "must be ≥ 20 and ≥ minimumSamplesPerVariant, got \(plannedSamplesPerVariant)")
        try JudgeError.require(maxDurationSeconds.isFinite && maxDurationSeconds > 0, "maxDurationSeconds",
                               "must be > 0, got \(maxDurationSeconds)")
    }
}

/// Where the experiment stands.
public enum ExperimentDecision: Sendable, Hashable, Codable {
    /// Keep the split and keep looking.
    case running
    /// This variant is significantly better than every other compared (the control, or a
    /// treatment better than the control).
    case winner(String)
    /// `maxDurationSeconds` passed without a winner: do the configured action.
    case inconclusive(ExperimentPolicy.InconclusiveAction)
    /// The split does not match the configured weights: no winner can be trusted.
    case hold(JudgeHoldReason)
}

/// A treatment against the control.
public struct VariantComparison: Sendable, Hashable, Codable {
    public var variant: String
    public var counts: EventCounts
    /// The treatment's ratio.
    public var rate: Double
    /// Relative lift (rate − control rate) / control rate; nil while the control rate is 0.
    public var lift: Double?
    /// rate − control rate.
    public var difference: Double
    /// The (1 − α/(k − 1)) confidence sequence for the difference (k variants); nil until the
    /// test has 5 successes and 5 failures in each arm.
    public var confidenceSequence: NormalMixtureSPRT.Interval?
    /// Always-valid two-sided p-value, and Holm-adjusted across the comparisons.
    public var pValue: Double
    public var adjustedPValue: Double
}

/// The experiment at a look.
public struct ExperimentReport: Sendable, Hashable, Codable {
    public var decision: ExperimentDecision
    public var reason: String
    public var control: String
    public var controlCounts: EventCounts
    /// Each treatment against the control, in policy order.
    public var comparisons: [VariantComparison]
    /// Always-valid p-value of the sample-ratio check.
    public var sampleRatioPValue: Double
}

/// The experiment's running state: per treatment, its mixture SPRT; the sample-ratio check.
public struct ExperimentState: Sendable, Hashable, Codable {
    public internal(set) var looks = 0
    var previous: [EventCounts]?
    var tests: [BernoulliMixtureSPRT?]
    var sampleRatio: SegmentedSampleRatioEvidence?
}

/// An A/B experiment judged with always-valid inference: stop as soon as a variant is
/// significantly better, or at the maximum duration.
///
/// Each treatment is compared with the control by the Bernoulli mixture SPRT on the difference
/// of ratios (two-sided; τ² tuned to the pooled ratio when the test starts and the planned
/// sample), at every look; Holm across the k − 1 comparisons bounds the chance of ever declaring a
/// false winner by α. The winner is the best treatment among those significantly better than the
/// control; if every treatment is significantly worse, the control wins. Requests per variant
/// go through the sequential sample-ratio check against the configured weights first; a
/// mismatch holds the experiment.
public struct ExperimentMonitor: Sendable {
    public let policy: ExperimentPolicy
    public private(set) var state: ExperimentState

    public init(policy: ExperimentPolicy) throws {
        try policy.validate()
        self.policy = policy
        state = ExperimentState(tests: Array(repeating: nil, count: policy.variants.count - 1))
    }

    /// Resumes from a stored state of the same policy.
    public init(policy: ExperimentPolicy, state: ExperimentState) throws {
        try policy.validate()
        guard state.tests.count == policy.variants.count - 1 else {
            throw JudgeError.stateMismatch("policy has \(policy.variants.count) variants, state \(state.tests.count + 1)")
        }
        self.policy = policy
        self.state = state
    }

    /// One look: successes (conversions) out of requests per variant, cumulative since the
    /// experiment started, and its age. On error, the state is unchanged.
    public mutating func look(elapsedSeconds: Double, counts: [String: EventCounts]) throws -> ExperimentReport {
        let current = try policy.variants.map { variant -> EventCounts in
            guard let value = counts[variant.name] else { throw JudgeError.missingObservation(metric: variant.name) }
            try value.validate("variant \(variant.name)")
            return value
        }
        if let name = Set(counts.keys).subtracting(policy.variants.map(\.name)).sorted().first {
            throw JudgeError.invalidObservation("variant \(name) is observed but not part of the experiment")
        }
        let before = state.previous ?? current.map { _ in EventCounts(events: 0, total: 0) }
        let increments = zip(current, before).map { EventCounts(events: $0.events - $1.events, total: $0.total - $1.total) }
        if let index = increments.firstIndex(where: { $0.events < 0 || $0.total < 0 }) {
            throw JudgeError.invalidObservation(
                "variant \(policy.variants[index].name): counts went down from \(before[index].events)/\(before[index].total) to \(current[index].events)/\(current[index].total)")
        }
        var next = state
        next.looks += 1
        next.previous = current
        let perComparisonAlpha = policy.alpha / Double(policy.variants.count - 1)
        let weights = policy.variants.map(\.weight)
        try JudgeError.naming("sample ratio") {
            if next.sampleRatio == nil {
                next.sampleRatio = try SegmentedSampleRatioEvidence(expectedShares: weights, alpha: policy.sampleRatioAlpha,
                                                                    plannedRequests: Double(policy.plannedSamplesPerVariant * weights.count))
            }
            try next.sampleRatio!.update(expectedShares: weights, requests: increments.map(\.total))
        }
        let control = current[0]
        for i in 1..<current.count {
            let name = policy.variants[i].name
            try JudgeError.naming(name) {
                if var test = next.tests[i - 1] {
                    try test.update(baselineSuccesses: increments[0].events, baselineTrials: increments[0].total,
                                    canarySuccesses: increments[i].events, canaryTrials: increments[i].total)
                    next.tests[i - 1] = test
                } else if [control, current[i]].allSatisfy({ $0.events >= 5 && $0.total - $0.events >= 5 }) {
                    let pooled = Double(control.events + current[i].events) / Double(control.total + current[i].total)
                    let tau2 = try MixtureTuning.bernoulliMixtureVariance(
                        rate: pooled, plannedSamplesPerArm: Double(policy.plannedSamplesPerVariant), alpha: perComparisonAlpha)
                    var test = try BernoulliMixtureSPRT(tau2: tau2, alpha: perComparisonAlpha)
                    try test.update(baselineSuccesses: control.events, baselineTrials: control.total,
                                    canarySuccesses: current[i].events, canaryTrials: current[i].total)
                    next.tests[i - 1] = test
                }
            }
        }
        let pValues = next.tests.map { $0?.pValue ?? 1 }
        let adjusted = try JudgeError.naming("Holm") { try PValueAdjustment.holm(pValues) }
        let comparisons = (1..<current.count).map { i in
            let test = next.tests[i - 1]
            return VariantComparison(
                variant: policy.variants[i].name, counts: current[i], rate: current[i].ratio,
                lift: control.ratio > 0 ? (current[i].ratio - control.ratio) / control.ratio : nil,
                difference: current[i].ratio - control.ratio,
                confidenceSequence: test.flatMap { $0.isMeaningful ? $0.confidenceSequence : nil },
                pValue: pValues[i - 1], adjustedPValue: adjusted[i - 1])
        }
        state = next
        let (decision, reason) = decide(comparisons, control: control, elapsedSeconds: elapsedSeconds,
                                        srm: next.sampleRatio!, samples: current.map(\.total))
        return ExperimentReport(decision: decision, reason: reason, control: policy.variants[0].name, controlCounts: control,
                                comparisons: comparisons, sampleRatioPValue: next.sampleRatio!.pValue)
    }

    private func decide(_ comparisons: [VariantComparison], control: EventCounts, elapsedSeconds: Double,
                        srm: SegmentedSampleRatioEvidence, samples: [Int]) -> (ExperimentDecision, String) {
        let f = { (value: Double) in value.formatted(significantDigits: 3) }
        func describe(_ c: VariantComparison) -> String {
            var text = "\(c.variant) \(f(100 * c.rate))% vs \(policy.variants[0].name) \(f(100 * control.ratio))%"
            if let lift = c.lift { text += ", lift \(lift >= 0 ? "+" : "")\(f(100 * lift))%" }
            if let cs = c.confidenceSequence { text += ", difference in [\(f(cs.lower)), \(f(cs.upper))]" }
            return text + ", p = \(f(c.pValue)) (Holm \(f(c.adjustedPValue)))"
        }
        if srm.mismatch {
            let total = max(1, srm.segmentCounts.reduce(0, +))
            let observed = zip(policy.variants, srm.segmentCounts).map { "\($0.name) \(f(100 * Double($1) / Double(total)))%" }
            let expected = zip(policy.variants, srm.expectedShares).map { "\($0.name) \(f(100 * $1))%" }
            return (.hold(.sampleRatioMismatch), "traffic split does not match the configured weights: observed "
                        + "\(observed.joined(separator: ", ")), expected \(expected.joined(separator: ", ")) "
                        + "(sample-ratio p = \(f(srm.pValue)))")
        }
        let better = { (c: VariantComparison) in self.policy.higherIsBetter ? c.difference > 0 : c.difference < 0 }
        let enough = samples.allSatisfy { $0 >= policy.minimumSamplesPerVariant }
        let significant = comparisons.filter { $0.adjustedPValue <= policy.alpha }
        if enough {
            let winners = significant.filter(better)
            if let best = winners.max(by: { policy.higherIsBetter ? $0.rate < $1.rate : $0.rate > $1.rate }) {
                return (.winner(best.variant), "\(best.variant) wins: \(describe(best))")
            }
            if significant.count == comparisons.count, !comparisons.contains(where: better) {
                return (.winner(policy.variants[0].name), "\(policy.variants[0].name) wins: "
                            + comparisons.map(describe).joined(separator: "; "))
            }
        }
        if elapsedSeconds >= policy.maxDurationSeconds {
            return (.inconclusive(policy.inconclusiveAction), "no significant difference after \(f(elapsedSeconds)) s "
                        + "(maximum \(f(policy.maxDurationSeconds)) s); \(policy.inconclusiveAction.rawValue): "
                        + comparisons.map(describe).joined(separator: "; "))
        }
        let prefix = enough ? "no significant difference yet" : "waiting for \(policy.minimumSamplesPerVariant) requests per variant"
        return (.running, "\(prefix): " + comparisons.map(describe).joined(separator: "; "))
    }
}
