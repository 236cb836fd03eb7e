/// Error-budget burn rate: how many times faster than sustainable an SLO's budget is spent.
///
///     burn rate = error ratio / (1 − SLO target)
///
/// A burn rate of 1 spends exactly the budget over the SLO period; 14.4 spends 2% of a 30-day
/// budget in one hour (Beyer et al., "The Site Reliability Workbook", O'Reilly 2018, ch. 5
/// "Alerting on SLOs").
public enum BurnRate {
    /// `errorRatio` / (1 − `sloTarget`), for an error ratio in [0, 1] and a target in (0, 1).
    public static func rate(errorRatio: Double, sloTarget: Double) throws -> Double {
        try StatisticsError.check(errorRatio >= 0 && errorRatio <= 1, "errorRatio must be in [0, 1], got \(errorRatio)")
        try StatisticsError.openUnit(sloTarget, "sloTarget")
        return errorRatio / (1 - sloTarget)
    }

    /// Burn rate of `errors` out of `requests`; no requests is no burn (0).
    public static func rate(errors: Int, requests: Int, sloTarget: Double) throws -> Double {
        try StatisticsError.count(errors, "errors")
        try StatisticsError.check(requests >= errors, "requests (\(requests)) must be ≥ errors (\(errors))")
        try StatisticsError.openUnit(sloTarget, "sloTarget")
        if requests == 0 { return 0 }
        return try rate(errorRatio: Double(errors) / Double(requests), sloTarget: sloTarget)
    }
}
