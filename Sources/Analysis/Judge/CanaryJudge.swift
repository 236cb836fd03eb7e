import Statistics

/// What the judge is given at a look: the configured split and every metric per arm, all
/// cumulative since the canary started.
public struct JudgeObservations: Sendable, Hashable, Codable {
    /// Percent of the traffic the canary is configured to receive, in (0, 100) (the current
    /// `setWeight`).
    public var canaryWeight: Double
    /// Requests per arm since the canary started, for the sample-ratio check.
    public var requests: ArmPair<Int>
    /// Each configured metric's observation, by name.
    public var metrics: [String: MetricObservation]

    public init(canaryWeight: Double, requests: ArmPair<Int>, metrics: [String: MetricObservation]) {
        self.canaryWeight = canaryWeight
        self.requests = requests
        self.metrics = metrics
    }
}

/// The judge's running evidence between looks: O(1) per metric (totals at the previous look,
/// the mixture tests' states, running minima of p-values and intersections of confidence
/// sequences). `Codable`, so the controller keeps it in the AnalysisRun status (see
/// `JudgeState.jsonValue`) and restores it with `CanaryJudge(configuration:state:)`.
public struct JudgeState: Sendable, Hashable, Codable {
    /// Looks taken.
    public internal(set) var looks = 0
    /// Requests per arm at the previous look.
    var previousRequests: ArmPair<Int>?
    var sampleRatio: SegmentedSampleRatioEvidence?
    /// Per metric, in configuration order.
    var metrics: [NamedEvidence]

    struct NamedEvidence: Sendable, Hashable, Codable {
        var name: String
        var evidence: MetricEvidence
    }

    init(configuration: JudgeConfiguration) {
        metrics = configuration.metrics.map { NamedEvidence(name: $0.name, evidence: MetricEvidence(kind: $0.kind)) }
    }
}

/// Why the judge gives no verdict yet.
public enum JudgeHoldReason: String, Sendable, Hashable, Codable {
    /// Requests do not reach the arms in the configured split: comparisons would be biased.
    case sampleRatioMismatch
    /// Some metric has fewer than the minimum samples in an arm.
    case insufficientSamples
}

/// The judge's verdict at a look.
public enum JudgeVerdict: Sendable, Hashable, Codable {
    /// No metric regressed, and every metric met its pass rule.
    case pass
    /// Some metric regressed, family-wise significant at α.
    case fail
    /// Enough data to judge, no regression, not yet enough to pass.
    case inconclusive
    /// No verdict: the reason says why.
    case hold(JudgeHoldReason)
}

/// One metric's outcome at a look.
public enum MetricOutcome: String, Sendable, Hashable, Codable {
    case pass = "Pass", fail = "Fail", inconclusive = "Inconclusive", insufficientSamples = "InsufficientSamples"
}

/// One metric's evidence at a look.
public struct MetricJudgement: Sendable, Hashable, Codable {
    public var name: String
    public var kind: JudgedMetric.Kind
    public var outcome: MetricOutcome
    /// Canary − baseline: difference of ratios (counts), of means (moments), of the configured
    /// quantile (histograms). Nil before both arms have data.
    public var effect: Double?
    /// The (1 − α/m) confidence sequence for the effect (m metrics, so all hold together with
    /// probability 1 − α); nil for histograms and before the test has enough data.
    public var confidenceSequence: NormalMixtureSPRT.Interval?
    /// Always-valid p-value for "the canary is no worse".
    public var pValue: Double
    /// Holm-adjusted across the judged metrics.
    public var adjustedPValue: Double
    /// Samples per arm so far.
    public var samples: ArmPair<Int>
    /// The figures in words.
    public var detail: String
}

/// The traffic split as observed by the sample-ratio check in the current weight's segment.
public struct SampleRatioReport: Sendable, Hashable, Codable {
    /// The configured canary share, in (0, 1).
    public var expectedCanaryShare: Double
    /// The canary's share of the requests counted since the weight was set; nil without requests.
    public var observedCanaryShare: Double?
    /// Requests per arm since the weight was set.
    public var requests: ArmPair<Int>
    /// Always-valid p-value for "requests follow the configured split" (across all weights).
    public var pValue: Double
    public var mismatch: Bool
}

/// The judge's answer at a look.
public struct JudgeReport: Sendable, Hashable, Codable {
    public var verdict: JudgeVerdict
    /// One or two sentences for the AnalysisRun status and `rollout status`.
    public var reason: String
    /// The look's number, from 1.
    public var look: Int
    public var sampleRatio: SampleRatioReport
    /// Per metric, in configuration order.
    public var metrics: [MetricJudgement]
}

/// Sluice's canary judge: canary against baseline on several metrics, valid however often it
/// looks.
///
/// At each look, with every observation cumulative since the canary started:
///
/// 1. **Traffic split.** Requests per arm go through the sequential sample-ratio-mismatch check
///    against the configured weight (`SampleRatioMismatchCheck`, Dirichlet-multinomial Bayes
///    factor, α = `sampleRatioAlpha`, restarted with evidence carried over when the weight
///    changes). A mismatch holds the judge (`.hold(.sampleRatioMismatch)`, sticky) with the
///    observed and expected split in the reason: a biased split biases every comparison.
/// 2. **Evidence per metric** (the tests update at every look, whatever the verdict):
///    - counts: Bernoulli mixture SPRT on p_c − p_b, and the one-sided Poisson two-arm Bayes
///      factor (carried across weight changes); p = min(1, 2 min(p_B, p_P)), where p_B counts a
///      look only when the estimate is on the regression side;
///    - moments: normal mixture SPRT on the difference of means, variances from the sums of
///      squares, p counted on the regression side only;
///    - histograms: one-sided Mann-Whitney on the buckets at geometrically spaced looks with
///      weighted Bonferroni spending (see `HistogramEvidence`), and the shift of a quantile.
///    Every p-value is always valid (a running minimum), and only a regression — the direction
///    `worse` of each metric — lowers it.
/// 3. **Minimum sample.** Until every metric has `minimumSamplesPerArm` in each arm:
///    `.hold(.insufficientSamples)`.
/// 4. **Fail** when some metric's Holm-adjusted p-value (across the m metrics) is ≤ α. Holm on
///    always-valid p-values bounds the chance of ever failing a canary that is no worse on every
///    metric by α, however many looks.
/// 5. **Pass** when no metric fails and every metric meets its pass rule:
///    - counts and moments: the (1 − α/m) confidence sequence rules out a regression larger
///      than the metric's `tolerance` (upper bound ≤ tolerance when higher is worse, lower
///      bound ≥ −tolerance when lower is worse), or the smaller arm reached
///      `plannedSamplesPerArm` without a regression;
///    - histograms: the smaller arm reached `plannedSamplesPerArm` without a regression (the
///      last counted look is the horizon), and the quantile shift is within `tolerance` when
///      one is set.
///    A pass by tolerance is wrong for at most α of canaries that are worse than the tolerance;
///    a pass at the horizon has the power of the tests at that sample (plan it with
///    `SampleSizePlanning`).
/// 6. Otherwise **Inconclusive**: keep looking; what an analysis that ends inconclusive does is
///    the template's choice.
public struct CanaryJudge: Sendable {
    public let configuration: JudgeConfiguration
    /// The running evidence; store it after each look.
    public private(set) var state: JudgeState

    /// A judge with no evidence yet.
    public init(configuration: JudgeConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        state = JudgeState(configuration: configuration)
    }

    /// A judge resuming from a stored `state` of the same configuration.
    public init(configuration: JudgeConfiguration, state: JudgeState) throws {
        try configuration.validate()
        let expected = configuration.metrics.map { "\($0.name) (\($0.kind.rawValue))" }
        let stored = state.metrics.map { "\($0.name) (\($0.evidence.kind.rawValue))" }
        guard expected == stored else {
            throw JudgeError.stateMismatch("configured metrics \(expected), stored \(stored)")
        }
        self.configuration = configuration
        self.state = state
    }

    /// Takes one look. On error, the state is unchanged.
    public mutating func look(_ observations: JudgeObservations) throws -> JudgeReport {
        let weight = observations.canaryWeight
        guard weight > 0, weight < 100 else {
            throw JudgeError.invalidObservation("canaryWeight must be a percentage between 0 and 100 (exclusive), got \(weight)")
        }
        let share = weight / 100
        let m = configuration.metrics.count
        let context = LookContext(canaryShare: share, perMetricAlpha: configuration.alpha / Double(m),
                                  minimumSamplesPerArm: configuration.minimumSamplesPerArm)
        var next = state
        next.looks += 1

        // 1. The split.
        let requests = observations.requests
        let before = next.previousRequests ?? ArmPair(baseline: 0, canary: 0)
        guard requests.baseline >= before.baseline, requests.canary >= before.canary else {
            throw JudgeError.invalidObservation(
                "requests went down from \(before.canary) canary / \(before.baseline) baseline to \(requests.canary) / \(requests.baseline); they must be totals since the canary started")
        }
        let shares = [1 - share, share]
        if next.sampleRatio == nil {
            next.sampleRatio = try JudgeError.naming("sample ratio") {
                try SegmentedSampleRatioEvidence(expectedShares: shares, alpha: configuration.sampleRatioAlpha,
                                                 plannedRequests: Double(configuration.plannedRequests))
            }
        }
        try JudgeError.naming("sample ratio") {
            try next.sampleRatio!.update(expectedShares: shares,
                                         requests: [requests.baseline - before.baseline, requests.canary - before.canary])
        }
        next.previousRequests = requests
        let srm = next.sampleRatio!
        let segment = srm.segmentCounts
        let segmentTotal = segment[0] + segment[1]
        let sampleRatio = SampleRatioReport(
            expectedCanaryShare: share,
            observedCanaryShare: segmentTotal > 0 ? Double(segment[1]) / Double(segmentTotal) : nil,
            requests: ArmPair(baseline: segment[0], canary: segment[1]), pValue: srm.pValue, mismatch: srm.mismatch)

        // 2. Evidence per metric.
        var looks: [MetricLook] = []
        for (index, metric) in configuration.metrics.enumerated() {
            guard let observation = observations.metrics[metric.name] else { throw JudgeError.missingObservation(metric: metric.name) }
            looks.append(try next.metrics[index].evidence.update(observation, metric: metric, context: context))
        }
        let unknown = Set(observations.metrics.keys).subtracting(configuration.metrics.map(\.name))
        if let name = unknown.sorted().first {
            throw JudgeError.invalidObservation("metric \(name) is observed but not configured for the judge")
        }
        let adjusted = try JudgeError.naming("Holm") { try PValueAdjustment.holm(looks.map(\.pValue)) }

        // 3–6. The verdict.
        let alpha = configuration.alpha
        let minimum = configuration.minimumSamplesPerArm
        var judgements: [MetricJudgement] = []
        for (index, metric) in configuration.metrics.enumerated() {
            let look = looks[index]
            let outcome: MetricOutcome =
                min(look.samples.baseline, look.samples.canary) < minimum ? .insufficientSamples
                : adjusted[index] <= alpha ? .fail
                : look.meetsPassRule ? .pass : .inconclusive
            judgements.append(MetricJudgement(
                name: metric.name, kind: metric.kind, outcome: outcome, effect: look.effect,
                confidenceSequence: look.confidenceSequence, pValue: look.pValue, adjustedPValue: adjusted[index],
                samples: look.samples, detail: look.detail))
        }
        let (verdict, reason) = Self.verdict(judgements, sampleRatio: sampleRatio, configuration: configuration)
        state = next
        return JudgeReport(verdict: verdict, reason: reason, look: next.looks, sampleRatio: sampleRatio, metrics: judgements)
    }

    private static func verdict(_ judgements: [MetricJudgement], sampleRatio: SampleRatioReport,
                                configuration: JudgeConfiguration) -> (JudgeVerdict, String) {
        let p = { (value: Double) in value.formatted(significantDigits: 3) }
        if sampleRatio.mismatch {
            let observed = sampleRatio.observedCanaryShare.map { "\(p(100 * $0))%" } ?? "none"
            let total = sampleRatio.requests.baseline + sampleRatio.requests.canary
            return (.hold(.sampleRatioMismatch),
                    "traffic split does not match the configured weight: the canary received \(observed) of \(total) requests, "
                        + "expected \(p(100 * sampleRatio.expectedCanaryShare))% (sample-ratio p = \(p(sampleRatio.pValue)) ≤ "
                        + "\(p(configuration.sampleRatioAlpha))); judging is held")
        }
        let short = judgements.filter { $0.outcome == .insufficientSamples }
        if !short.isEmpty {
            let list = short.map { "\($0.name) has \($0.samples.canary) canary and \($0.samples.baseline) baseline samples" }
            return (.hold(.insufficientSamples),
                    "not enough samples yet: \(list.joined(separator: "; ")); needs \(configuration.minimumSamplesPerArm) per arm")
        }
        let failed = judgements.filter { $0.outcome == .fail }
        if !failed.isEmpty {
            let list = failed.map {
                "\($0.name) (\($0.detail); p = \(p($0.pValue)), Holm-adjusted \(p($0.adjustedPValue)) ≤ α = \(p(configuration.alpha)))"
            }
            return (.fail, "canary is worse than baseline on \(list.joined(separator: "; "))")
        }
        if judgements.allSatisfy({ $0.outcome == .pass }) {
            return (.pass, "no regression on \(judgements.count) metric\(judgements.count == 1 ? "" : "s"): "
                        + judgements.map { "\($0.name) (\($0.detail))" }.joined(separator: "; "))
        }
        let open = judgements.filter { $0.outcome == .inconclusive }
        return (.inconclusive, "no regression so far; not yet enough evidence to pass "
                    + open.map { "\($0.name) (\($0.detail), smallest arm \(min($0.samples.baseline, $0.samples.canary)))" }
                        .joined(separator: "; "))
    }
}
