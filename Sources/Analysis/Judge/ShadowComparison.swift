import Statistics

/// How a shadow (mirrored-traffic) phase is judged.
public struct ShadowPolicy: Sendable, Hashable, Codable {
    /// Family-wise level across the statistical checks (Holm).
    public var alpha: Double
    /// Requests each side must have handled; fewer gives `insufficient`.
    public var minimumRequests: Int
    /// A prediction distribution fails at a population stability index ≥ this (0.25 is the
    /// conventional "significant shift"; 0.1 "moderate").
    public var psiThreshold: Double
    /// The latency quantile whose shift is reported and held to `latencyTolerance`.
    public var latencyQuantile: Double
    /// A significant slowdown fails only if the quantile shift exceeds this many seconds.
    public var latencyTolerance: Double

    public init(alpha: Double = 0.05, minimumRequests: Int = 500, psiThreshold: Double = 0.25,
                latencyQuantile: Double = 0.99, latencyTolerance: Double = 0) {
        self.alpha = alpha
        self.minimumRequests = minimumRequests
        self.psiThreshold = psiThreshold
        self.latencyQuantile = latencyQuantile
        self.latencyTolerance = latencyTolerance
    }

    /// Throws `JudgeError.invalidConfiguration` naming the first bad field.
    public func validate() throws {
        try JudgeError.requireOpenUnit(alpha, "alpha")
        try JudgeError.require(minimumRequests >= 1, "minimumRequests", "must be ≥ 1, got \(minimumRequests)")
        try JudgeError.require(psiThreshold.isFinite && psiThreshold > 0, "psiThreshold", "must be > 0, got \(psiThreshold)")
        try JudgeError.requireOpenUnit(latencyQuantile, "latencyQuantile")
        try JudgeError.require(latencyTolerance.isFinite && latencyTolerance >= 0, "latencyTolerance",
                               "must be ≥ 0 seconds, got \(latencyTolerance)")
    }
}

/// What the shadow phase observed: the primary as baseline, the candidate (receiving mirrored
/// copies) as canary, cumulative over the phase.
public struct ShadowObservation: Sendable, Hashable, Codable {
    public var errors: ArmPair<EventCounts>
    public var latency: ArmPair<CumulativeHistogram>?
    /// Predictions per class, the same classes in the same order on both sides.
    public var predictions: ArmPair<[Int]>?
    /// Class names for the reasons; indices when absent.
    public var predictionClasses: [String]?

    public init(errors: ArmPair<EventCounts>, latency: ArmPair<CumulativeHistogram>? = nil, predictions: ArmPair<[Int]>? = nil,
                predictionClasses: [String]? = nil) {
        self.errors = errors
        self.latency = latency
        self.predictions = predictions
        self.predictionClasses = predictionClasses
    }
}

/// The shadow verdict.
public enum ShadowVerdict: String, Sendable, Hashable, Codable {
    case pass = "Pass", fail = "Fail", insufficient = "Insufficient"
}

/// One check of the comparison.
public struct ShadowCheck: Sendable, Hashable, Codable {
    /// `errors`, `latency` or `predictions`.
    public var name: String
    public var failed: Bool
    /// The test's p-value and its Holm-adjusted value.
    public var pValue: Double
    public var adjustedPValue: Double
    /// Candidate − primary error ratio, the latency quantile shift (s), or the PSI.
    public var effect: Double?
    public var detail: String
}

/// The shadow comparison's answer.
public struct ShadowReport: Sendable, Hashable, Codable {
    public var verdict: ShadowVerdict
    public var reason: String
    public var checks: [ShadowCheck]
}

/// Judges a candidate on mirrored traffic against the primary, once, when the shadow phase ends
/// (a fixed horizon: the phase's duration is set in advance, so the fixed-sample tests are
/// valid; calling this repeatedly and stopping at the first Fail would not be).
///
/// Checks, Holm-corrected together at `alpha`:
/// - **errors**: one-sided pooled two-proportion z test, candidate error ratio higher;
/// - **latency** (if given): one-sided Mann-Whitney on the histogram buckets, candidate slower;
///   fails only if also the `latencyQuantile` shift exceeds `latencyTolerance`;
/// - **predictions** (if given): chi-square homogeneity of the class counts (is the candidate's
///   class distribution the primary's?) and the population stability index with the primary as
///   expected; fails only when both the shift is large (PSI ≥ `psiThreshold`) and it is not
///   noise (chi-square significant) — PSI alone flaps on small samples, chi-square alone flags
///   negligible shifts on large ones.
/// Any failed check fails the candidate; too few requests on either side is `insufficient`.
public enum ShadowComparison {
    public static func decide(_ policy: ShadowPolicy, _ observation: ShadowObservation) throws -> ShadowReport {
        try policy.validate()
        let errors = observation.errors
        try errors.baseline.validate("errors, primary")
        try errors.canary.validate("errors, candidate")
        let f = { (value: Double) in value.formatted(significantDigits: 3) }
        if min(errors.baseline.total, errors.canary.total) < policy.minimumRequests {
            return ShadowReport(verdict: .insufficient,
                                reason: "shadow comparison needs \(policy.minimumRequests) requests on each side; the primary has "
                                    + "\(errors.baseline.total), the candidate \(errors.canary.total)",
                                checks: [])
        }

        var names: [String] = [], pValues: [Double] = [], effects: [Double?] = [], details: [String] = []
        var gates: [Bool] = [] // the effect-size condition each check needs besides significance

        // Errors.
        let pooledErrors = errors.baseline.events + errors.canary.events
        let errorP = pooledErrors == 0 || pooledErrors == errors.baseline.total + errors.canary.total ? 1
            : try JudgeError.naming("errors") {
                try TwoProportionZTest.test(successes1: errors.canary.events, trials1: errors.canary.total,
                                            successes2: errors.baseline.events, trials2: errors.baseline.total,
                                            alternative: .greater).pValue
            }
        names.append("errors")
        pValues.append(errorP)
        effects.append(errors.canary.ratio - errors.baseline.ratio)
        details.append("candidate \(errors.canary.events)/\(errors.canary.total) (\(f(100 * errors.canary.ratio))%) vs primary "
                       + "\(errors.baseline.events)/\(errors.baseline.total) (\(f(100 * errors.baseline.ratio))%)")
        gates.append(true)

        // Latency.
        if let latency = observation.latency {
            try latency.baseline.validate("latency, primary")
            try latency.canary.validate("latency, candidate")
            guard latency.baseline.upperBounds == latency.canary.upperBounds else {
                throw JudgeError.invalidObservation("latency: primary and candidate histograms have different buckets")
            }
            let candidate = latency.canary.bucketCounts, primary = latency.baseline.bucketCounts
            let occupied = zip(candidate, primary).filter { $0 + $1 > 0 }.count
            let p = latency.canary.count == 0 || latency.baseline.count == 0 || occupied <= 1 ? 1
                : try JudgeError.naming("latency") {
                    try MannWhitney.test(histogramCounts: candidate, primary, alternative: .greater).pValue
                }
            let q = policy.latencyQuantile
            let shift = latency.canary.quantile(q).flatMap { c in latency.baseline.quantile(q).map { c - $0 } }
            names.append("latency")
            pValues.append(p)
            effects.append(shift)
            details.append("p\(f(100 * q)) shift \(shift.map { "\(f($0)) s" } ?? "unknown") (tolerance \(f(policy.latencyTolerance)) s)")
            gates.append((shift ?? 0) > policy.latencyTolerance)
        }

        // Prediction classes.
        if let predictions = observation.predictions {
            if let classes = observation.predictionClasses, classes.count != predictions.baseline.count {
                throw JudgeError.invalidObservation(
                    "predictions: \(classes.count) class names for \(predictions.baseline.count) classes")
            }
            let (chi, psi) = try JudgeError.naming("predictions") {
                (try ChiSquareHomogeneity.test(baseline: predictions.baseline, canary: predictions.canary),
                 try PopulationStabilityIndex.index(expected: predictions.baseline, actual: predictions.canary))
            }
            let classNames = observation.predictionClasses ?? predictions.baseline.indices.map { "class \($0)" }
            let primaryTotal = max(1, predictions.baseline.reduce(0, +)), candidateTotal = max(1, predictions.canary.reduce(0, +))
            // The class whose share moved most, to say what changed.
            let moved = predictions.baseline.indices.max { a, b in
                abs(Double(predictions.canary[a]) / Double(candidateTotal) - Double(predictions.baseline[a]) / Double(primaryTotal))
                    < abs(Double(predictions.canary[b]) / Double(candidateTotal) - Double(predictions.baseline[b]) / Double(primaryTotal))
            }
            var detail = "PSI \(f(psi)) (threshold \(f(policy.psiThreshold)), \(PopulationStabilityIndex.level(psi).rawValue)), "
                + "chi-square \(f(chi.statistic)) on \(chi.degreesOfFreedom) dof"
            if let moved {
                detail += "; \(classNames[moved]) \(f(100 * Double(predictions.baseline[moved]) / Double(primaryTotal)))% → "
                    + "\(f(100 * Double(predictions.canary[moved]) / Double(candidateTotal)))%"
            }
            names.append("predictions")
            pValues.append(chi.pValue)
            effects.append(psi)
            details.append(detail)
            gates.append(psi >= policy.psiThreshold)
        }

        let adjusted = try JudgeError.naming("Holm") { try PValueAdjustment.holm(pValues) }
        let checks = names.indices.map { i in
            ShadowCheck(name: names[i], failed: adjusted[i] <= policy.alpha && gates[i], pValue: pValues[i],
                        adjustedPValue: adjusted[i], effect: effects[i],
                        detail: "\(details[i]); p = \(f(pValues[i])), Holm \(f(adjusted[i]))")
        }
        let failed = checks.filter(\.failed)
        if !failed.isEmpty {
            return ShadowReport(verdict: .fail, reason: "candidate differs from primary on mirrored traffic: "
                                    + failed.map { "\($0.name) (\($0.detail))" }.joined(separator: "; "),
                                checks: checks)
        }
        return ShadowReport(verdict: .pass, reason: "candidate matches primary on mirrored traffic: "
                                + checks.map { "\($0.name) (\($0.detail))" }.joined(separator: "; "),
                            checks: checks)
    }
}
