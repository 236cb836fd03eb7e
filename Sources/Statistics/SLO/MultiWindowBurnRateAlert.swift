/// A multiwindow, multi-burn-rate alert condition: fire only when both a long and a short window
/// burn the error budget faster than `threshold`.
///
///     firing = burn(long window) > threshold  ∧  burn(short window) > threshold,
///     burn = error ratio / (1 − SLO target)
///
/// The long window gives significance (enough budget spent to matter), the short one makes the
/// alert reset soon after the problem stops (Beyer et al., "The Site Reliability Workbook",
/// O'Reilly 2018, ch. 5 "Alerting on SLOs", approach 6, table 5-8: e.g. 1 h and 5 min at 14.4 and
/// 6 h and 30 min at 6 to page, 3 days and 6 h at 1 for a ticket). The comparison is strict, as
/// in the workbook's `>` rules. Window lengths are carried for reporting; the caller supplies
/// the counts over each window.
public struct MultiWindowBurnRateAlert: Sendable, Hashable, Codable {
    /// The burn rates at one evaluation and the decision.
    public struct Evaluation: Sendable, Hashable, Codable {
        /// Burn rate over the long window.
        public var longBurnRate: Double
        /// Burn rate over the short window.
        public var shortBurnRate: Double
        /// Both burn rates exceed the threshold.
        public var firing: Bool
    }

    /// SLO target, e.g. 0.999.
    public let sloTarget: Double
    /// Burn-rate threshold, e.g. 14.4.
    public let threshold: Double
    /// Long and short window lengths in seconds.
    public let longWindowSeconds: Double
    public let shortWindowSeconds: Double

    /// An alert for `sloTarget` at `threshold` over windows of the given lengths (short < long).
    public init(sloTarget: Double, threshold: Double, longWindowSeconds: Double, shortWindowSeconds: Double) throws {
        try StatisticsError.openUnit(sloTarget, "sloTarget")
        try StatisticsError.positive(threshold, "threshold")
        try StatisticsError.positive(longWindowSeconds, "longWindowSeconds")
        try StatisticsError.positive(shortWindowSeconds, "shortWindowSeconds")
        try StatisticsError.check(shortWindowSeconds < longWindowSeconds,
                                       "shortWindowSeconds (\(shortWindowSeconds)) must be < longWindowSeconds (\(longWindowSeconds))")
        self.sloTarget = sloTarget
        self.threshold = threshold
        self.longWindowSeconds = longWindowSeconds
        self.shortWindowSeconds = shortWindowSeconds
    }

    /// The workbook's page (1 h/5 min at 14.4, 6 h/30 min at 6) and ticket (3 d/6 h at 1) alerts.
    public static func workbookPolicies(sloTarget: Double) throws -> [MultiWindowBurnRateAlert] {
        [
            try MultiWindowBurnRateAlert(sloTarget: sloTarget, threshold: 14.4, longWindowSeconds: 3_600, shortWindowSeconds: 300),
            try MultiWindowBurnRateAlert(sloTarget: sloTarget, threshold: 6, longWindowSeconds: 21_600, shortWindowSeconds: 1_800),
            try MultiWindowBurnRateAlert(sloTarget: sloTarget, threshold: 1, longWindowSeconds: 259_200, shortWindowSeconds: 21_600),
        ]
    }

    /// Evaluates the condition from errors and requests counted over each window.
    public func evaluate(longErrors: Int, longRequests: Int, shortErrors: Int, shortRequests: Int) throws -> Evaluation {
        let long = try BurnRate.rate(errors: longErrors, requests: longRequests, sloTarget: sloTarget)
        let short = try BurnRate.rate(errors: shortErrors, requests: shortRequests, sloTarget: sloTarget)
        return Evaluation(longBurnRate: long, shortBurnRate: short, firing: long > threshold && short > threshold)
    }

    /// Evaluates the condition from the error ratio over each window.
    public func evaluate(longErrorRatio: Double, shortErrorRatio: Double) throws -> Evaluation {
        let long = try BurnRate.rate(errorRatio: longErrorRatio, sloTarget: sloTarget)
        let short = try BurnRate.rate(errorRatio: shortErrorRatio, sloTarget: sloTarget)
        return Evaluation(longBurnRate: long, shortBurnRate: short, firing: long > threshold && short > threshold)
    }
}
