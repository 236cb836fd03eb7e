/// The evidence behind a statistical decision — the canary judge, its Kayenta-compatible mode,
/// the SLO guard, an A/B experiment or a shadow comparison — as the controller records it in an
/// AnalysisRun's status (the Analysis module builds it from its reports).
public struct StatisticalVerdict: Codable, Sendable, Hashable {
    /// Which decision produced the verdict.
    public enum Decider: String, Codable, Sendable, Hashable, CaseIterable {
        case judge, kayenta, sloGuard, experiment, shadow
    }

    /// The decision at the latest look.
    public enum Outcome: String, Codable, Sendable, Hashable, CaseIterable {
        /// No regression (judge, Kayenta, shadow), within SLO (guard), a winner (experiment).
        case pass = "Pass"
        /// A regression, an SLO breach, a failed shadow.
        case fail = "Fail"
        /// Enough data, no decision yet (or an experiment that ended without a winner).
        case inconclusive = "Inconclusive"
        /// No decision on purpose: the traffic split is wrong or there are too few samples.
        case hold = "Hold"
    }

    public var decider: Decider
    public var outcome: Outcome
    /// The decision in words, naming the metric and the figures.
    public var reason: String?
    /// Looks taken so far.
    public var looks: Int64?
    /// Kayenta's canary score, 0–100.
    public var score: Double?
    /// The winning variant of an experiment.
    public var winner: String?
    /// Per metric (or objective, variant, check).
    public var metrics: [ComparedMetric]?
    /// The decision's running evidence between looks, as JSON text (owned by the controller;
    /// its shape may change between Sluice versions). Text rather than an embedded object, so
    /// the schema stays structural.
    public var state: String?

    public init(decider: Decider, outcome: Outcome, reason: String? = nil, looks: Int64? = nil, score: Double? = nil,
                winner: String? = nil, metrics: [ComparedMetric]? = nil, state: String? = nil) {
        self.decider = decider
        self.outcome = outcome
        self.reason = reason
        self.looks = looks
        self.score = score
        self.winner = winner
        self.metrics = metrics
        self.state = state
    }
}

/// One metric compared between canary and baseline: effect, confidence sequence, p-values and
/// samples per arm.
public struct ComparedMetric: Codable, Sendable, Hashable {
    public var name: String
    /// The metric's own outcome (Pass, Fail, Inconclusive, InsufficientSamples; Kayenta's High,
    /// Low, Nodata…).
    public var outcome: String?
    /// Canary − baseline in the metric's unit (or the lift, ratio or PSI the decision uses).
    public var effect: Double?
    /// Bounds of the confidence sequence (or interval) for the effect.
    public var lower: Double?
    public var upper: Double?
    /// Always-valid p-value, and corrected for the other metrics (Holm).
    public var pValue: Double?
    public var adjustedPValue: Double?
    public var canarySamples: Int64?
    public var baselineSamples: Int64?

    public init(name: String, outcome: String? = nil, effect: Double? = nil, lower: Double? = nil, upper: Double? = nil,
                pValue: Double? = nil, adjustedPValue: Double? = nil, canarySamples: Int64? = nil, baselineSamples: Int64? = nil) {
        self.name = name
        self.outcome = outcome
        self.effect = effect
        self.lower = lower
        self.upper = upper
        self.pValue = pValue
        self.adjustedPValue = adjustedPValue
        self.canarySamples = canarySamples
        self.baselineSamples = baselineSamples
    }
}

extension StatisticalVerdict: SchemaDescribable {
    public static var schema: Schema {
        .object("The evidence behind a statistical decision.", required: ["decider", "outcome"], [
            "decider": .enumeration(Decider.self, "judge, kayenta, sloGuard, experiment or shadow."),
            "outcome": .enumeration(Outcome.self, "Pass, Fail, Inconclusive or Hold."),
            "reason": String.field("The decision in words, with the figures."),
            "looks": Int64.field("Looks taken so far."),
            "score": Double.field("Kayenta's canary score, 0 to 100."),
            "winner": String.field("The winning variant of an experiment."),
            "metrics": [ComparedMetric].field("Per metric: effect, confidence sequence, p-values, samples per arm."),
            "state": String.field("The running evidence between looks as JSON, owned by the controller."),
        ])
    }
}

extension ComparedMetric: SchemaDescribable {
    public static var schema: Schema {
        .object("One metric compared between canary and baseline.", required: ["name"], [
            "name": String.field("The metric's name."),
            "outcome": String.field("The metric's own outcome."),
            "effect": Double.field("Canary minus baseline in the metric's unit."),
            "lower": Double.field("Lower bound of the confidence sequence."),
            "upper": Double.field("Upper bound of the confidence sequence."),
            "pValue": Double.field("Always-valid p-value."),
            "adjustedPValue": Double.field("p-value corrected across the metrics (Holm)."),
            "canarySamples": Int64.field("Samples from the canary."),
            "baselineSamples": Int64.field("Samples from the baseline."),
        ])
    }
}
