import SluiceAPI

/// An experiment step's variants as its analyses see them: each variant's share of live
/// traffic while the step runs (the canary variant's weight, the rest for the stable
/// variant) and the step's duration.
public struct ExperimentVariants: Sendable, Hashable {
    /// Percent of live traffic per variant, by the step's variant names.
    public var weights: [String: Int32]
    /// The step's `duration`.
    public var duration: DurationString?

    public init(weights: [String: Int32], duration: DurationString? = nil) {
        self.weights = weights
        self.duration = duration
    }

    /// The variants of `step`.
    public init(_ step: ExperimentStep) {
        self.init(weights: step.variantWeights, duration: step.duration)
    }

    /// `spec` with an `experiment` decision completed from the step: each variant's `weight`
    /// from the step's variant of the same name and `maxDuration` from the step's `duration`,
    /// where the template leaves them out. Any other spec is returned as it is.
    public func completing(_ spec: AnalysisRunSpec) -> AnalysisRunSpec {
        guard var experiment = spec.decision?.experiment else { return spec }
        for index in experiment.variants.indices where experiment.variants[index].weight == nil {
            experiment.variants[index].weight = weights[experiment.variants[index].name]
        }
        if experiment.maxDuration == nil { experiment.maxDuration = duration }
        var completed = spec
        completed.decision?.experiment = experiment
        return completed
    }
}
