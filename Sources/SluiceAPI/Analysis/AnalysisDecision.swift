/// A statistical decision over an analysis's measurements — Sluice's own, with no Argo
/// Rollouts equivalent. The metrics of the template (or run) are the data, queried as
/// cumulative counters; the decision names which metric is which and turns every look into
/// one verdict that is valid however often it looks. The run's phase then follows the verdict:
/// Fail ends it Failed, Pass ends it Successful, and until then it keeps measuring. A
/// measurement that errors still counts against `consecutiveErrorLimit`, so a decision whose
/// data source is down fails safe.
///
/// Exactly one kind is set:
/// ```yaml
/// decision:
///   judge:
///     metrics:
///     - name: error-rate
///       kind: counts
///       canary: {events: canary-errors, total: canary-requests}
///       baseline: {events: baseline-errors, total: baseline-requests}
/// ```
public struct AnalysisDecision: Codable, Sendable, Hashable {
    /// Canary against baseline, sequentially: fails on a significant regression.
    public var judge: CanaryJudgeDecision?
    /// Spinnaker Kayenta's judgement, once, over time series of both arms.
    public var kayenta: KayentaDecision?
    /// The canary's own error and latency objectives (what `canary.slo` runs).
    public var sloGuard: SLOGuardDecision?
    /// An A/B experiment on a business ratio: stops at a significant winner.
    public var experiment: ExperimentDecisionSpec?
    /// Mirrored traffic: the candidate against the primary, once, at the end of the phase.
    public var shadow: ShadowDecision?

    public init(judge: CanaryJudgeDecision? = nil, kayenta: KayentaDecision? = nil, sloGuard: SLOGuardDecision? = nil,
                experiment: ExperimentDecisionSpec? = nil, shadow: ShadowDecision? = nil) {
        self.judge = judge
        self.kayenta = kayenta
        self.sloGuard = sloGuard
        self.experiment = experiment
        self.shadow = shadow
    }

    /// The names of the kinds set, in field order.
    public var kindsSet: [String] {
        [("judge", judge != nil), ("kayenta", kayenta != nil), ("sloGuard", sloGuard != nil),
         ("experiment", experiment != nil), ("shadow", shadow != nil)].filter(\.1).map(\.0)
    }

    /// Every metric name the decision reads, each once, in the order the kinds list them
    /// (for a judge without `requests`, the first counts metric's totals are among them).
    public var metricNames: [String] {
        var names: [String] = []
        if let judge {
            if let requests = judge.requests { names += [requests.canary, requests.baseline] }
            for metric in judge.metrics {
                names += metric.canary.fields(for: metric.kind).compactMap(\.metric)
                names += metric.baseline.fields(for: metric.kind).compactMap(\.metric)
            }
        }
        if let kayenta { names += kayenta.metrics.flatMap { [$0.canary, $0.baseline] } }
        if let sloGuard { names += [sloGuard.requests, sloGuard.errors, sloGuard.latency].compactMap { $0 } }
        if let experiment { names += experiment.variants.flatMap { [$0.events, $0.total] } }
        if let shadow { names += shadow.primary.metricNames + shadow.candidate.metricNames }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

// MARK: Canary judge

/// The canary judge: each metric compared arm against arm with an anytime-valid test, Holm
/// across the metrics, and a sample-ratio check of the requests before any verdict.
public struct CanaryJudgeDecision: Codable, Sendable, Hashable {
    /// Family-wise chance of failing a canary that is no worse, over all looks; 0.05 when absent.
    public var alpha: Double?
    /// No verdict before every metric has this many samples in each arm; 100 when absent.
    public var minimumSamplesPerArm: Int64?
    /// The request counters of each arm, for the sample-ratio check; the first `counts`
    /// metric's totals when absent.
    public var requests: ArmMetricNames?
    public var metrics: [JudgedMetricSpec]

    public init(alpha: Double? = nil, minimumSamplesPerArm: Int64? = nil, requests: ArmMetricNames? = nil, metrics: [JudgedMetricSpec]) {
        self.alpha = alpha
        self.minimumSamplesPerArm = minimumSamplesPerArm
        self.requests = requests
        self.metrics = metrics
    }
}

/// One metric name per arm.
public struct ArmMetricNames: Codable, Sendable, Hashable {
    public var canary: String
    public var baseline: String

    public init(canary: String, baseline: String) {
        self.canary = canary
        self.baseline = baseline
    }
}

/// One judged metric and the measurements that give it in each arm.
public struct JudgedMetricSpec: Codable, Sendable, Hashable {
    /// What each arm gives, and so which test judges it.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// `events` out of `total` (errors of requests): Bernoulli mixture SPRT on the
        /// difference of ratios and the one-sided Poisson two-arm Bayes factor.
        case counts
        /// A histogram by `le` (`sum by (le) (..._bucket)`): Mann-Whitney on the buckets at
        /// geometrically spaced looks, plus the shift of `quantile`.
        case histogram
        /// `count`, `sum` and `sumOfSquares`: normal mixture SPRT on the difference of means.
        case moments
    }

    /// Which direction of change is a regression.
    public enum Worse: String, Codable, Sendable, Hashable, CaseIterable {
        /// Higher is worse: error ratios, latencies.
        case higher
        /// Lower is worse: success ratios, conversions, throughput.
        case lower
    }

    public var name: String
    public var kind: Kind
    /// higher (errors, latency) when absent.
    public var worse: Worse?
    /// The largest regression still accepted, in the effect's unit (difference of ratios,
    /// of means, or of the quantile in seconds); with it the metric can pass early.
    public var tolerance: Double?
    /// Histograms: the quantile whose shift is reported; 0.99 when absent.
    public var quantile: Double?
    /// Samples per arm at which the metric passes if nothing regressed; 10000 when absent.
    public var plannedSamplesPerArm: Int64?
    public var canary: JudgeArmMetrics
    public var baseline: JudgeArmMetrics

    public init(name: String, kind: Kind, worse: Worse? = nil, tolerance: Double? = nil, quantile: Double? = nil,
                plannedSamplesPerArm: Int64? = nil, canary: JudgeArmMetrics, baseline: JudgeArmMetrics) {
        self.name = name
        self.kind = kind
        self.worse = worse
        self.tolerance = tolerance
        self.quantile = quantile
        self.plannedSamplesPerArm = plannedSamplesPerArm
        self.canary = canary
        self.baseline = baseline
    }
}

/// The metrics (by name) that give one arm of a judged metric: `events` and `total` for
/// counts, `histogram` for a histogram, `count`, `sum` and `sumOfSquares` for moments.
public struct JudgeArmMetrics: Codable, Sendable, Hashable {
    public var events: String?
    public var total: String?
    public var histogram: String?
    public var count: String?
    public var sum: String?
    public var sumOfSquares: String?

    public init(events: String? = nil, total: String? = nil, histogram: String? = nil, count: String? = nil, sum: String? = nil,
                sumOfSquares: String? = nil) {
        self.events = events
        self.total = total
        self.histogram = histogram
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
    }

    /// The fields a kind needs, with the names set.
    public func fields(for kind: JudgedMetricSpec.Kind) -> [(field: String, metric: String?)] {
        switch kind {
        case .counts: [("events", events), ("total", total)]
        case .histogram: [("histogram", histogram)]
        case .moments: [("count", count), ("sum", sum), ("sumOfSquares", sumOfSquares)]
        }
    }

    /// Every metric name set, in field order.
    public var metricNames: [String] { [events, total, histogram, count, sum, sumOfSquares].compactMap { $0 } }
}

// MARK: Kayenta

/// Kayenta's judgement (NetflixACAJudge: Mann-Whitney at 98%, effect sizes, weighted group
/// scores), taken once, `after` the run starts, over each arm's time series (a range query).
public struct KayentaDecision: Codable, Sendable, Hashable {
    /// When the one judgement is taken, from the run's start.
    public var after: DurationString
    /// Summary score for Pass; 95 when absent.
    public var passThreshold: Double?
    /// Summary score for Marginal (Sluice: Inconclusive); 75 when absent.
    public var marginalThreshold: Double?
    /// Percent weight per group; groups not listed share the rest.
    public var groupWeights: [String: Double]?
    public var metrics: [KayentaMetricSpec]

    public init(after: DurationString, passThreshold: Double? = nil, marginalThreshold: Double? = nil,
                groupWeights: [String: Double]? = nil, metrics: [KayentaMetricSpec]) {
        self.after = after
        self.passThreshold = passThreshold
        self.marginalThreshold = marginalThreshold
        self.groupWeights = groupWeights
        self.metrics = metrics
    }
}

/// One Kayenta metric: its classifier settings and the series of each arm.
public struct KayentaMetricSpec: Codable, Sendable, Hashable {
    /// Which change counts against the canary (Kayenta `direction`).
    public enum Direction: String, Codable, Sendable, Hashable, CaseIterable {
        case increase, decrease, either
    }

    /// What happens to NaN values (Kayenta `nanStrategy`).
    public enum NaNStrategy: String, Codable, Sendable, Hashable, CaseIterable {
        case remove, replace
    }

    public var name: String
    public var groups: [String]?
    /// either when absent.
    public var direction: Direction?
    /// remove when absent.
    public var nanStrategy: NaNStrategy?
    public var critical: Bool?
    public var mustHaveData: Bool?
    public var effectSize: KayentaEffectSize?
    /// The metrics (by name) whose results are each arm's series.
    public var canary: String
    public var baseline: String

    public init(name: String, groups: [String]? = nil, direction: Direction? = nil, nanStrategy: NaNStrategy? = nil,
                critical: Bool? = nil, mustHaveData: Bool? = nil, effectSize: KayentaEffectSize? = nil, canary: String, baseline: String) {
        self.name = name
        self.groups = groups
        self.direction = direction
        self.nanStrategy = nanStrategy
        self.critical = critical
        self.mustHaveData = mustHaveData
        self.effectSize = effectSize
        self.canary = canary
        self.baseline = baseline
    }
}

/// Kayenta's `effectSize`: ratios of canary mean to baseline mean (1 when absent).
public struct KayentaEffectSize: Codable, Sendable, Hashable {
    public var allowedIncrease: Double?
    public var allowedDecrease: Double?
    public var criticalIncrease: Double?
    public var criticalDecrease: Double?

    public init(allowedIncrease: Double? = nil, allowedDecrease: Double? = nil, criticalIncrease: Double? = nil, criticalDecrease: Double? = nil) {
        self.allowedIncrease = allowedIncrease
        self.allowedDecrease = allowedDecrease
        self.criticalIncrease = criticalIncrease
        self.criticalDecrease = criticalDecrease
    }
}

// MARK: SLO guard

/// The SLO guard over the canary's own request counters: multi-window burn rate with a
/// small-count sequential test. It never passes; it runs until the update ends, and a breach
/// fails the run.
public struct SLOGuardDecision: Codable, Sendable, Hashable {
    /// Highest tolerated fraction of failed requests, in (0, 1).
    public var errorRate: Double?
    /// Highest tolerated 95th- and 99th-percentile latency.
    public var latencyP95: DurationString?
    public var latencyP99: DurationString?
    /// Requests before the guard decides; 100 when absent.
    public var minRequests: Int64?
    /// The metrics (by name) of the canary's requests, failed requests, and latency histogram
    /// by `le`.
    public var requests: String
    public var errors: String?
    public var latency: String?

    public init(errorRate: Double? = nil, latencyP95: DurationString? = nil, latencyP99: DurationString? = nil, minRequests: Int64? = nil,
                requests: String, errors: String? = nil, latency: String? = nil) {
        self.errorRate = errorRate
        self.latencyP95 = latencyP95
        self.latencyP99 = latencyP99
        self.minRequests = minRequests
        self.requests = requests
        self.errors = errors
        self.latency = latency
    }

    /// The objectives as a Rollout's `canary.slo` states them.
    public var objectives: SLOGuard {
        SLOGuard(errorRate: errorRate, latencyP95: latencyP95, latencyP99: latencyP99, minRequests: minRequests)
    }
}

// MARK: Experiment

/// An A/B experiment on a business ratio (conversions per request): looks until one variant is
/// significantly better or `maxDuration` passes. The first variant is the control.
public struct ExperimentDecisionSpec: Codable, Sendable, Hashable {
    /// What ends the experiment without a winner.
    public enum InconclusiveAction: String, Codable, Sendable, Hashable, CaseIterable {
        /// Keep the control: the update is aborted (the safe default).
        case abort
        /// Promote the candidate anyway.
        case promote
        /// Pause for a human (`rollout promote` or `rollout abort`).
        case pause
    }

    /// true (conversions) when absent; false for ratios where lower is better (churn).
    public var higherIsBetter: Bool?
    /// Family-wise chance of declaring a winner that is not better; 0.05 when absent.
    public var alpha: Double?
    /// No winner before every variant has this many requests; 100 when absent.
    public var minimumSamplesPerVariant: Int64?
    /// The longest the experiment runs; the experiment step's `duration` when absent.
    public var maxDuration: DurationString?
    /// abort when absent.
    public var onInconclusive: InconclusiveAction?
    /// The variants, control first; names match the experiment step's templates.
    public var variants: [ExperimentVariantMetrics]

    public init(higherIsBetter: Bool? = nil, alpha: Double? = nil, minimumSamplesPerVariant: Int64? = nil, maxDuration: DurationString? = nil,
                onInconclusive: InconclusiveAction? = nil, variants: [ExperimentVariantMetrics]) {
        self.higherIsBetter = higherIsBetter
        self.alpha = alpha
        self.minimumSamplesPerVariant = minimumSamplesPerVariant
        self.maxDuration = maxDuration
        self.onInconclusive = onInconclusive
        self.variants = variants
    }
}

/// One variant of an experiment: the metrics (by name) of its events and requests, and its
/// share of the traffic (the experiment step's weight when absent).
public struct ExperimentVariantMetrics: Codable, Sendable, Hashable {
    public var name: String
    public var events: String
    public var total: String
    public var weight: Int32?

    public init(name: String, events: String, total: String, weight: Int32? = nil) {
        self.name = name
        self.events = events
        self.total = total
        self.weight = weight
    }
}

// MARK: Shadow

/// A shadow comparison: the candidate, receiving mirrored copies, against the primary — errors,
/// latency and the distribution of prediction classes (PSI and chi-square) — decided once,
/// `after` the run starts (a fixed horizon, so the tests are valid).
public struct ShadowDecision: Codable, Sendable, Hashable {
    /// When the comparison is made, from the run's start.
    public var after: DurationString
    /// Family-wise level across the checks; 0.05 when absent.
    public var alpha: Double?
    /// Requests each side must have handled; 500 when absent.
    public var minimumRequests: Int64?
    /// PSI at or above which a shifted prediction distribution fails; 0.25 when absent.
    public var psiThreshold: Double?
    /// The latency quantile compared; 0.99 when absent.
    public var latencyQuantile: Double?
    /// The slowdown of that quantile accepted; 0s when absent.
    public var latencyTolerance: DurationString?
    /// The label of the predictions metric that names the class; `class` when absent.
    public var classLabel: String?
    public var primary: ShadowArmMetrics
    public var candidate: ShadowArmMetrics

    public init(after: DurationString, alpha: Double? = nil, minimumRequests: Int64? = nil, psiThreshold: Double? = nil,
                latencyQuantile: Double? = nil, latencyTolerance: DurationString? = nil, classLabel: String? = nil,
                primary: ShadowArmMetrics, candidate: ShadowArmMetrics) {
        self.after = after
        self.alpha = alpha
        self.minimumRequests = minimumRequests
        self.psiThreshold = psiThreshold
        self.latencyQuantile = latencyQuantile
        self.latencyTolerance = latencyTolerance
        self.classLabel = classLabel
        self.primary = primary
        self.candidate = candidate
    }
}

/// The metrics (by name) of one side of a shadow comparison: requests and failed requests;
/// optionally a latency histogram by `le` and prediction counts by class.
public struct ShadowArmMetrics: Codable, Sendable, Hashable {
    public var requests: String
    public var errors: String
    public var latency: String?
    public var predictions: String?

    public init(requests: String, errors: String, latency: String? = nil, predictions: String? = nil) {
        self.requests = requests
        self.errors = errors
        self.latency = latency
        self.predictions = predictions
    }

    public var metricNames: [String] { [requests, errors, latency, predictions].compactMap { $0 } }
}

// MARK: Schemas

extension AnalysisDecision: SchemaDescribable {
    public static var schema: Schema {
        .object("A statistical decision over the metrics (Sluice's own); exactly one kind.", [
            "judge": CanaryJudgeDecision.schema,
            "kayenta": KayentaDecision.schema,
            "sloGuard": SLOGuardDecision.schema,
            "experiment": ExperimentDecisionSpec.schema,
            "shadow": ShadowDecision.schema,
        ])
    }
}

extension CanaryJudgeDecision: SchemaDescribable {
    public static var schema: Schema {
        .object("Canary against baseline with anytime-valid tests, Holm across metrics and a sample-ratio check.", required: ["metrics"], [
            "alpha": Double.field("Family-wise chance of a false Fail over all looks; 0.05 when absent."),
            "minimumSamplesPerArm": Int64.field("Samples each arm needs before a verdict; 100 when absent."),
            "requests": ArmMetricNames.field("Request counters per arm for the sample-ratio check."),
            "metrics": [JudgedMetricSpec].field("The judged metrics."),
        ])
    }
}

extension ArmMetricNames: SchemaDescribable {
    public static var schema: Schema {
        .object("A metric name per arm.", required: ["canary", "baseline"], [
            "canary": String.field("Metric of the canary arm."),
            "baseline": String.field("Metric of the baseline arm."),
        ])
    }
}

extension JudgedMetricSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("A judged metric and its measurements per arm.", required: ["name", "kind", "canary", "baseline"], [
            "name": String.field("The judged metric's name."),
            "kind": .enumeration(Kind.self, "counts, histogram or moments."),
            "worse": .enumeration(Worse.self, "Which direction is a regression: higher (default) or lower."),
            "tolerance": Double.field("Largest regression accepted, in the effect's unit."),
            "quantile": Double.field("Histograms: the quantile whose shift is reported; 0.99 when absent."),
            "plannedSamplesPerArm": Int64.field("Samples per arm at which the metric passes; 10000 when absent."),
            "canary": JudgeArmMetrics.field("The canary arm's metrics."),
            "baseline": JudgeArmMetrics.field("The baseline arm's metrics."),
        ])
    }
}

extension JudgeArmMetrics: SchemaDescribable {
    public static var schema: Schema {
        .object("The metrics (by name) that give one arm.", [
            "events": String.field("Counts: the events (e.g. errors)."),
            "total": String.field("Counts: all requests."),
            "histogram": String.field("Histogram: bucket counts by le."),
            "count": String.field("Moments: observations."),
            "sum": String.field("Moments: their sum."),
            "sumOfSquares": String.field("Moments: the sum of their squares."),
        ])
    }
}

extension KayentaDecision: SchemaDescribable {
    public static var schema: Schema {
        .object("Kayenta's judgement, once, over each arm's time series.", required: ["after", "metrics"], [
            "after": DurationString.field("When the judgement is taken, from the run's start."),
            "passThreshold": Double.field("Summary score for Pass; 95 when absent."),
            "marginalThreshold": Double.field("Summary score for Marginal; 75 when absent."),
            "groupWeights": [String: Double].field("Percent weight per group."),
            "metrics": [KayentaMetricSpec].field("The metrics."),
        ])
    }
}

extension KayentaMetricSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("A Kayenta metric.", required: ["name", "canary", "baseline"], [
            "name": String.field("The metric's name."),
            "groups": [String].field("The groups it scores in."),
            "direction": .enumeration(Direction.self, "increase, decrease or either (default)."),
            "nanStrategy": .enumeration(NaNStrategy.self, "remove (default) or replace."),
            "critical": Bool.field("A critical failure scores 0."),
            "mustHaveData": Bool.field("No data fails the metric."),
            "effectSize": KayentaEffectSize.field("Deviation bounds."),
            "canary": String.field("The metric whose result is the canary's series."),
            "baseline": String.field("The metric whose result is the baseline's series."),
        ])
    }
}

extension KayentaEffectSize: SchemaDescribable {
    public static var schema: Schema {
        .object("Ratios of canary mean to baseline mean.", [
            "allowedIncrease": Double.field("Deviation at which an increase is High."),
            "allowedDecrease": Double.field("Deviation at which a decrease is Low."),
            "criticalIncrease": Double.field("Deviation at which a critical metric's increase is critical."),
            "criticalDecrease": Double.field("Deviation at which a critical metric's decrease is critical."),
        ])
    }
}

extension SLOGuardDecision: SchemaDescribable {
    public static var schema: Schema {
        .object("The SLO guard over the canary's own counters.", required: ["requests"], [
            "errorRate": Double.field("Highest tolerated fraction of failed requests."),
            "latencyP95": DurationString.field("Highest tolerated 95th-percentile latency."),
            "latencyP99": DurationString.field("Highest tolerated 99th-percentile latency."),
            "minRequests": Int64.field("Requests before the guard decides; 100 when absent."),
            "requests": String.field("Metric of the canary's requests."),
            "errors": String.field("Metric of the canary's failed requests."),
            "latency": String.field("Metric of the canary's latency histogram by le."),
        ])
    }
}

extension ExperimentDecisionSpec: SchemaDescribable {
    public static var schema: Schema {
        .object("An A/B experiment on a business ratio.", required: ["variants"], [
            "higherIsBetter": Bool.field("Whether a higher ratio is better; true when absent."),
            "alpha": Double.field("Family-wise chance of a false winner; 0.05 when absent."),
            "minimumSamplesPerVariant": Int64.field("Requests per variant before a winner; 100 when absent."),
            "maxDuration": DurationString.field("The longest the experiment runs; the step's duration when absent."),
            "onInconclusive": .enumeration(InconclusiveAction.self, "abort (default), promote or pause."),
            "variants": [ExperimentVariantMetrics].field("The variants, control first."),
        ])
    }
}

extension ExperimentVariantMetrics: SchemaDescribable {
    public static var schema: Schema {
        .object("A variant's metrics.", required: ["name", "events", "total"], [
            "name": String.field("The variant, as the experiment step names it."),
            "events": String.field("Metric of its events (e.g. conversions)."),
            "total": String.field("Metric of its requests."),
            "weight": Int32.field("Its percent of traffic; the step's weight when absent."),
        ])
    }
}

extension ShadowDecision: SchemaDescribable {
    public static var schema: Schema {
        .object("Mirrored traffic: candidate against primary, once, at the end.", required: ["after", "primary", "candidate"], [
            "after": DurationString.field("When the comparison is made, from the run's start."),
            "alpha": Double.field("Family-wise level across the checks; 0.05 when absent."),
            "minimumRequests": Int64.field("Requests each side needs; 500 when absent."),
            "psiThreshold": Double.field("PSI at which shifted predictions fail; 0.25 when absent."),
            "latencyQuantile": Double.field("The latency quantile compared; 0.99 when absent."),
            "latencyTolerance": DurationString.field("Slowdown of that quantile accepted; 0s when absent."),
            "classLabel": String.field("Label naming the prediction class; class when absent."),
            "primary": ShadowArmMetrics.field("The primary's metrics."),
            "candidate": ShadowArmMetrics.field("The candidate's metrics."),
        ])
    }
}

extension ShadowArmMetrics: SchemaDescribable {
    public static var schema: Schema {
        .object("The metrics of one side of a shadow comparison.", required: ["requests", "errors"], [
            "requests": String.field("Metric of its requests."),
            "errors": String.field("Metric of its failed requests."),
            "latency": String.field("Metric of its latency histogram by le."),
            "predictions": String.field("Metric of its predictions by class."),
        ])
    }
}
