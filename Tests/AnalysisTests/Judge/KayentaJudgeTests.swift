@testable import Analysis
import Testing

/// Kayenta's NetflixACAJudge semantics on cases worked out by hand.
@Suite struct KayentaJudgeTests {
    static let control = (1...10).map(Double.init)
    /// Every canary value 20 above the baseline: a clear increase (mean ratio 25.5 / 5.5).
    static let shifted = control.map { $0 + 20 }
    /// One value nudged: no shift the 98% interval can see.
    static let nudged = Array(control.dropLast()) + [10.5]

    static func configuration(allowedIncrease: Double = 1, critical: Bool = false) -> KayentaJudge.Configuration {
        KayentaJudge.Configuration(metrics: [
            .init(name: "error-count", groups: ["errors"], critical: critical, allowedIncrease: allowedIncrease),
            .init(name: "error-ratio", groups: ["errors"]),
            .init(name: "p99", groups: ["latency"]),
        ], groupWeights: ["errors": 60], passThreshold: 95, marginalThreshold: 75)
    }

    static let values: [String: ArmPair<[Double]>] = [
        "error-count": ArmPair(baseline: control, canary: shifted),
        "error-ratio": ArmPair(baseline: control, canary: Array(control.reversed())),
        "p99": ArmPair(baseline: control, canary: nudged),
    ]

    /// errors: High + Pass → 50; latency: Pass → 100 with the remaining weight 40;
    /// 50 × 0.6 + 100 × 0.4 = 70 < 75: Fail.
    @Test func weightedGroupScoreOfAHighMetric() throws {
        let result = try KayentaJudge.judge(Self.configuration(), values: Self.values)
        #expect(result.metrics.map(\.classification) == [.high, .pass, .pass])
        #expect(result.groups == [.init(name: "errors", score: 50, noData: false), .init(name: "latency", score: 100, noData: false)])
        #expect(result.score == 70)
        #expect(result.classification == .fail && result.verdict == .fail)
        let high = result.metrics[0]
        #expect(abs(high.deviation - 25.5 / 5.5) < 1e-12)
        let estimate = try #require(high.estimate), lower = try #require(high.lower)
        #expect(abs(estimate - 20) < 0.5 && lower > KayentaJudge.tolerance * abs(estimate))
        #expect(result.metrics[1].reason == "The Canary and Baseline data are identical")
        #expect(result.reason?.contains("error-count High") == true)
    }

    /// The same data with `allowedIncrease: 5`: the deviation 4.64 is allowed, everything
    /// passes, 100 ≥ 95.
    @Test func effectSizeThresholdAllowsTheIncrease() throws {
        let result = try KayentaJudge.judge(Self.configuration(allowedIncrease: 5), values: Self.values)
        #expect(result.metrics.map(\.classification) == [.pass, .pass, .pass])
        #expect(result.score == 100 && result.classification == .pass && result.verdict == .pass)
    }

    /// A critical metric classified High scores the canary 0 whatever the groups say.
    @Test func criticalFailureScoresZero() throws {
        let result = try KayentaJudge.judge(Self.configuration(critical: true), values: Self.values)
        #expect(result.score == 0 && result.classification == .fail)
        #expect(result.reason == "Canary Failed: error-count was classified as High (Critical)")
    }

    /// Two of three metrics without data (≥ 50%): score 0.
    @Test func tooManyNodataScoresZero() throws {
        var values = Self.values
        values["error-count"] = ArmPair(baseline: [], canary: [1, 2])
        values["p99"] = ArmPair(baseline: [.nan, .nan], canary: [3])
        let result = try KayentaJudge.judge(Self.configuration(), values: values)
        #expect(result.metrics.map(\.classification) == [.nodata, .pass, .nodata])
        #expect(result.score == 0 && result.reason == "Canary Failed: 50% or more metrics returned NODATA")
        // One Nodata of three: its group (latency) has nothing counted, so counts as 100.
        values["error-count"] = Self.values["error-count"]
        let one = try KayentaJudge.judge(Self.configuration(), values: values)
        #expect(one.groups.last == .init(name: "latency", score: 0, noData: true))
        #expect(one.score == 70)
    }

    @Test func directionAndDataRules() {
        let increaseOnly = KayentaJudge.MetricConfiguration(name: "m", groups: [], direction: .increase)
        #expect(KayentaJudge.classify(increaseOnly, control: Self.shifted, experiment: Self.control).classification == .pass)
        let either = KayentaJudge.MetricConfiguration(name: "m", groups: [])
        #expect(KayentaJudge.classify(either, control: Self.shifted, experiment: Self.control).classification == .low)
        let required = KayentaJudge.MetricConfiguration(name: "m", groups: [], mustHaveData: true)
        #expect(KayentaJudge.classify(required, control: [], experiment: [1]).classification == .nodataFailMetric)
        let replace = KayentaJudge.MetricConfiguration(name: "m", groups: [], nanStrategy: .replace)
        #expect(KayentaJudge.classify(replace, control: [], experiment: [1]).classification == .pass)
        // Constant arms get Kayenta's tiny noise and are still compared: 5 against 3 is High.
        let constant = KayentaJudge.classify(either, control: Array(repeating: 3, count: 10), experiment: Array(repeating: 5, count: 10))
        #expect(constant.classification == .high)
    }

    /// IQR fences with Kayenta's reduced sensitivity: 1…199 and 10,000. Q1 = 50.25,
    /// Q3 = 150.75, IQR = 100.5, upper fence max(P99 = 198.99, 150.75 + 301.5) = 452.25.
    @Test func outliersBeyondTheFencesAreRemoved() {
        let values = (1...199).map(Double.init) + [10_000]
        let sorted = values.sorted()
        #expect(abs(KayentaJudge.percentile(sorted, 25) - 50.25) < 1e-9)
        #expect(abs(KayentaJudge.percentile(sorted, 75) - 150.75) < 1e-9)
        #expect(abs(KayentaJudge.percentile(sorted, 99) - 198.99) < 1e-9)
        #expect(KayentaJudge.transform(values, .remove) == (1...199).map(Double.init))
        // Few values: P99 is the maximum, so nothing is an outlier.
        #expect(KayentaJudge.transform([1, 2, 3, 1_000], .remove).count == 4)
    }

    @Test func badConfigurationNamesTheField() {
        var configuration = Self.configuration()
        configuration.groupWeights = ["errors": 80, "latency": 30]
        #expect(throws: JudgeError.invalidConfiguration(field: "groupWeights", reason: "must sum to at most 100, got 110.0")) {
            try KayentaJudge.judge(configuration, values: Self.values)
        }
        #expect(throws: JudgeError.missingObservation(metric: "p99")) {
            try KayentaJudge.judge(Self.configuration(), values: Self.values.filter { $0.key != "p99" })
        }
    }
}
