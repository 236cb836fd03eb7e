/// Everything the controller knows about a Rollout's progress. All progress lives here, so
/// a restarted controller resumes at the same step with the same weights.
public struct RolloutStatus: Codable, Sendable, Hashable {
    public var phase: RolloutPhase?
    /// Why the Rollout is in its phase, for people.
    public var message: String?
    /// The `metadata.generation` this status describes.
    public var observedGeneration: Int64?
    /// Index of the canary step in progress; `steps.count` once all are done.
    public var currentStepIndex: Int32?
    /// Hash of `spec.strategy.canary.steps`, to notice steps edited during an update.
    public var currentStepHash: String?
    /// Pod-template hash of the current `spec.template`.
    public var currentPodHash: String?
    /// Pod-template hash of the stable ReplicaSet.
    public var stableRS: String?
    /// Pod-template hash of the canary (or preview) ReplicaSet, while an update runs.
    public var canaryRS: String?
    /// Bumped when two templates hash alike, to tell their ReplicaSets apart.
    public var collisionCount: Int32?
    /// Traffic weights the router was last set to.
    public var weights: TrafficWeights?
    /// When the current pause began.
    public var pauseStartTime: Timestamp?
    /// The controller paused the Rollout (a pause step, or waiting for promotion).
    public var controllerPause: Bool?
    /// When the experiment step in progress began: its `duration` runs from here.
    public var experimentStartTime: Timestamp?
    /// The update was aborted: traffic is back on stable until the spec changes or it is retried.
    public var abort: Bool?
    public var abortedAt: Timestamp?
    /// Skip the remaining steps and analyses and promote.
    public var promoteFull: Bool?
    public var conditions: [RolloutCondition]?
    /// Pods of all the Rollout's ReplicaSets.
    public var replicas: Int32?
    public var readyReplicas: Int32?
    public var availableReplicas: Int32?
    /// Pods of the current template.
    public var updatedReplicas: Int32?
    /// `spec.selector` as a string, for the scale subresource.
    public var selector: String?
    public var blueGreen: BlueGreenStatus?
    /// The analyses of the current update.
    public var analysis: [AnalysisRunSummary]?

    public init() {}
}

/// The Rollout's state in one word, as the controller and `rollout status` both compute it.
public enum RolloutPhase: String, Codable, Sendable, Hashable, CaseIterable {
    case progressing = "Progressing"
    case paused = "Paused"
    case healthy = "Healthy"
    case degraded = "Degraded"
    case aborted = "Aborted"
}

/// Percent of traffic on each side. `stable + canary` is 100; `mirror` copies on top.
public struct TrafficWeights: Codable, Sendable, Hashable {
    public var canary: Int32
    public var stable: Int32
    public var mirror: Int32?

    public init(canary: Int32, stable: Int32, mirror: Int32? = nil) {
        self.canary = canary
        self.stable = stable
        self.mirror = mirror
    }
}

/// A condition of a Rollout, as Kubernetes conditions go.
public struct RolloutCondition: Codable, Sendable, Hashable {
    public var type: RolloutConditionType
    public var status: ConditionStatus
    /// One CamelCase word for programs.
    public var reason: String?
    public var message: String?
    public var lastTransitionTime: Timestamp?
    public var lastUpdateTime: Timestamp?

    public init(type: RolloutConditionType, status: ConditionStatus, reason: String? = nil, message: String? = nil,
                lastTransitionTime: Timestamp? = nil, lastUpdateTime: Timestamp? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.lastUpdateTime = lastUpdateTime
    }
}

/// The name of a condition; open-ended, with the ones Sluice sets as constants.
public struct RolloutConditionType: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// The update is moving (or stuck, with status False and reason ProgressDeadlineExceeded).
    public static let progressing: Self = "Progressing"
    /// At least the minimum of pods are available.
    public static let available: Self = "Available"
    /// The Rollout waits (a pause step, or promotion).
    public static let paused: Self = "Paused"
    /// The update has finished and the stable version is the desired one.
    public static let completed: Self = "Completed"
    /// The Rollout is fully promoted and available.
    public static let healthy: Self = "Healthy"
    /// The spec does not validate; the message lists every problem.
    public static let invalidSpec: Self = "InvalidSpec"
    /// A ReplicaSet could not create pods.
    public static let replicaFailure: Self = "ReplicaFailure"
}

/// `True`, `False` or `Unknown`.
public enum ConditionStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case `true` = "True", `false` = "False", unknown = "Unknown"
}

/// Where the blue-green Services point.
public struct BlueGreenStatus: Codable, Sendable, Hashable {
    /// Pod-template hash the active Service selects.
    public var activeSelector: String?
    /// Pod-template hash the preview Service selects.
    public var previewSelector: String?

    public init(activeSelector: String? = nil, previewSelector: String? = nil) {
        self.activeSelector = activeSelector
        self.previewSelector = previewSelector
    }
}

/// One AnalysisRun of the current update, summarised for `rollout status`.
public struct AnalysisRunSummary: Codable, Sendable, Hashable {
    /// What started the run.
    public enum Trigger: String, Codable, Sendable, Hashable, CaseIterable {
        case step, background, prePromotion, postPromotion, judge, experiment, sloGuard
    }

    /// The AnalysisRun's name.
    public var name: String
    public var trigger: Trigger
    /// Index of the step that started it, for step and experiment analyses.
    public var stepIndex: Int32?
    /// For an experiment step's analysis: its name in the step's `analyses`.
    public var experimentAnalysis: String?
    public var phase: AnalysisPhase
    /// Why the run is where it is: the run's message, or its verdict's reason.
    public var message: String?
    /// Which decision made the run's ``StatisticalVerdict`` (judge, SLO guard, …), for runs that make one.
    public var decider: StatisticalVerdict.Decider?
    /// The verdict at the latest look (``StatisticalVerdict/outcome``; the run's phase follows it).
    public var outcome: StatisticalVerdict.Outcome?
    /// Looks the decision has taken so far.
    public var looks: Int64?
    /// The winning variant of an experiment.
    public var winner: String?
    /// Per metric, at most ``maximumMetrics`` (those that failed first).
    public var metrics: [MetricSummary]?

    /// How many metrics a summary keeps, so that the Rollout's status stays small.
    public static let maximumMetrics = 10

    public init(name: String, trigger: Trigger, stepIndex: Int32? = nil, experimentAnalysis: String? = nil, phase: AnalysisPhase,
                message: String? = nil, decider: StatisticalVerdict.Decider? = nil, outcome: StatisticalVerdict.Outcome? = nil,
                looks: Int64? = nil, winner: String? = nil, metrics: [MetricSummary]? = nil) {
        self.name = name
        self.trigger = trigger
        self.stepIndex = stepIndex
        self.experimentAnalysis = experimentAnalysis
        self.phase = phase
        self.message = message
        self.decider = decider
        self.outcome = outcome
        self.looks = looks
        self.winner = winner
        self.metrics = metrics
    }
}

/// One metric's verdict so far: its phase and, for comparative metrics, the evidence
/// (a ``ComparedMetric`` of the run's verdict).
public struct MetricSummary: Codable, Sendable, Hashable {
    public var name: String
    public var phase: AnalysisPhase
    /// The metric's own outcome in the verdict (Pass, Fail, Inconclusive, …).
    public var outcome: String?
    /// Canary − baseline in the metric's unit (or the lift, ratio or PSI the decision uses).
    public var effect: Double?
    /// Bounds of the confidence sequence (or interval) for the effect.
    public var lower: Double?
    public var upper: Double?
    /// The always-valid p-value of canary against baseline.
    public var pValue: Double?
    /// The p-value corrected for the run's other metrics (Holm).
    public var adjustedPValue: Double?
    public var canarySamples: Int64?
    public var baselineSamples: Int64?

    public init(name: String, phase: AnalysisPhase, outcome: String? = nil, effect: Double? = nil, lower: Double? = nil, upper: Double? = nil,
                pValue: Double? = nil, adjustedPValue: Double? = nil, canarySamples: Int64? = nil, baselineSamples: Int64? = nil) {
        self.name = name
        self.phase = phase
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

extension MetricSummary {
    /// A compared metric of a run's verdict as the Rollout's status shows it. Its phase follows
    /// its outcome: Pass is Successful, Fail is Failed; anything else is still Running, or
    /// Inconclusive once the run has finished.
    public init(_ metric: ComparedMetric, runFinished: Bool) {
        let phase: AnalysisPhase = switch metric.outcome {
        case StatisticalVerdict.Outcome.pass.rawValue?: .successful
        case StatisticalVerdict.Outcome.fail.rawValue?: .failed
        default: runFinished ? .inconclusive : .running
        }
        self.init(name: metric.name, phase: phase, outcome: metric.outcome, effect: metric.effect, lower: metric.lower, upper: metric.upper,
                  pValue: metric.pValue, adjustedPValue: metric.adjustedPValue, canarySamples: metric.canarySamples,
                  baselineSamples: metric.baselineSamples)
    }
}

extension RolloutStatus: SchemaDescribable {
    public static var schema: Schema {
        .object("The Rollout's progress, written by the controller.", [
            "phase": .enumeration(RolloutPhase.self, "Progressing, Paused, Healthy, Degraded or Aborted."),
            "message": String.field("Why the Rollout is in its phase."),
            "observedGeneration": Int64.field("The metadata.generation this status describes."),
            "currentStepIndex": Int32.field("Index of the canary step in progress."),
            "currentStepHash": String.field("Hash of the canary steps."),
            "currentPodHash": String.field("Pod-template hash of the current template."),
            "stableRS": String.field("Pod-template hash of the stable ReplicaSet."),
            "canaryRS": String.field("Pod-template hash of the canary or preview ReplicaSet."),
            "collisionCount": Int32.field("Bumped when two templates hash alike."),
            "weights": TrafficWeights.schema,
            "pauseStartTime": Timestamp.field("When the current pause began."),
            "controllerPause": Bool.field("The controller paused the Rollout."),
            "experimentStartTime": Timestamp.field("When the experiment step in progress began."),
            "abort": Bool.field("The update was aborted."),
            "abortedAt": Timestamp.field("When the update was aborted."),
            "promoteFull": Bool.field("Skip remaining steps and analyses and promote."),
            "conditions": [RolloutCondition].field("Conditions of the Rollout."),
            "replicas": Int32.field("Pods of all the Rollout's ReplicaSets."),
            "readyReplicas": Int32.field("Ready pods."),
            "availableReplicas": Int32.field("Available pods."),
            "updatedReplicas": Int32.field("Pods of the current template."),
            "selector": String.field("spec.selector as a string, for the scale subresource."),
            "blueGreen": BlueGreenStatus.schema,
            "analysis": [AnalysisRunSummary].field("The analyses of the current update."),
        ])
    }
}

extension TrafficWeights: SchemaDescribable {
    public static var schema: Schema {
        .object("Percent of traffic on each side.", required: ["canary", "stable"], [
            "canary": Int32.field("Percent of traffic on the canary."),
            "stable": Int32.field("Percent of traffic on stable."),
            "mirror": Int32.field("Percent of requests copied to the canary."),
        ])
    }
}

extension RolloutCondition: SchemaDescribable {
    public static var schema: Schema {
        .object("A condition of the Rollout.", required: ["type", "status"], [
            "type": RolloutConditionType.field("Progressing, Available, Paused, Completed, Healthy, InvalidSpec, ReplicaFailure."),
            "status": .enumeration(ConditionStatus.self, "True, False or Unknown."),
            "reason": String.field("One CamelCase word for programs."),
            "message": String.field("Details for people."),
            "lastTransitionTime": Timestamp.field("When status last changed."),
            "lastUpdateTime": Timestamp.field("When the condition was last written."),
        ])
    }
}

extension RolloutConditionType: SchemaDescribable {
    public static var schema: Schema { .string() }
}

extension BlueGreenStatus: SchemaDescribable {
    public static var schema: Schema {
        .object("Where the blue-green Services point.", [
            "activeSelector": String.field("Pod-template hash the active Service selects."),
            "previewSelector": String.field("Pod-template hash the preview Service selects."),
        ])
    }
}

extension AnalysisRunSummary: SchemaDescribable {
    public static var schema: Schema {
        .object("One AnalysisRun of the current update.", required: ["name", "trigger", "phase"], [
            "name": String.field("The AnalysisRun's name."),
            "trigger": .enumeration(Trigger.self, "What started the run."),
            "stepIndex": Int32.field("Index of the step that started it."),
            "experimentAnalysis": String.field("For an experiment step's analysis: its name in the step's analyses."),
            "phase": .enumeration(AnalysisPhase.self, "The run's phase."),
            "message": String.field("Why the run is where it is: its message or its verdict's reason."),
            "decider": .enumeration(StatisticalVerdict.Decider.self, "Who made the run's statistical decision: judge, kayenta, sloGuard, experiment or shadow."),
            "outcome": .enumeration(StatisticalVerdict.Outcome.self, "The statistical decision at the latest look: Pass, Fail, Inconclusive or Hold."),
            "looks": Int64.field("Looks the decision has taken so far."),
            "winner": String.field("The winning variant of an experiment."),
            "metrics": [MetricSummary].field("Per-metric verdicts, at most 10 (failed ones first)."),
        ])
    }
}

extension MetricSummary: SchemaDescribable {
    public static var schema: Schema {
        .object("One metric's verdict so far.", required: ["name", "phase"], [
            "name": String.field("The metric's name."),
            "phase": .enumeration(AnalysisPhase.self, "The metric's phase."),
            "outcome": String.field("The metric's own outcome in the verdict: Pass, Fail, Inconclusive, ..."),
            "effect": Double.field("Canary minus baseline in the metric's unit."),
            "lower": Double.field("Lower bound of the confidence sequence for the effect."),
            "upper": Double.field("Upper bound of the confidence sequence for the effect."),
            "pValue": Double.field("Always-valid p-value of canary against baseline."),
            "adjustedPValue": Double.field("p-value corrected across the run's metrics (Holm)."),
            "canarySamples": Int64.field("Samples from the canary."),
            "baselineSamples": Int64.field("Samples from the baseline."),
        ])
    }
}
