import KubeClient
import SluiceAPI

/// The decisions' reports as the AnalysisRun status records them, and their states as JSON text.
extension StatisticalVerdict {
    /// `state` (a decision's running evidence) as the JSON text `StatisticalVerdict.state` holds.
    public static func encodedState<State: Encodable>(_ state: State) throws -> String {
        String(decoding: try KubeJSON.encode(state), as: UTF8.self)
    }

    /// The stored state decoded as `type`; nil when none is stored.
    public func decodedState<State: Decodable>(as type: State.Type) throws -> State? {
        guard let state else { return nil }
        return try KubeJSON.decode(type, from: Array(state.utf8))
    }
}

extension JudgeReport {
    /// The status record of this look, with the judge's `state` to resume from.
    public func statisticalVerdict(state: JudgeState) throws -> StatisticalVerdict {
        let outcome: StatisticalVerdict.Outcome = switch verdict {
        case .pass: .pass
        case .fail: .fail
        case .inconclusive: .inconclusive
        case .hold: .hold
        }
        return StatisticalVerdict(
            decider: .judge, outcome: outcome, reason: reason, looks: Int64(look),
            metrics: metrics.map {
                ComparedMetric(name: $0.name, outcome: $0.outcome.rawValue, effect: $0.effect, lower: $0.confidenceSequence?.lower,
                               upper: $0.confidenceSequence?.upper, pValue: $0.pValue, adjustedPValue: $0.adjustedPValue,
                               canarySamples: Int64($0.samples.canary), baselineSamples: Int64($0.samples.baseline))
            },
            state: try StatisticalVerdict.encodedState(state))
    }
}

extension KayentaJudge.Result {
    /// The status record of the judgement (Kayenta's deviation as the effect, the
    /// Hodges-Lehmann interval as the bounds).
    public var statisticalVerdict: StatisticalVerdict {
        StatisticalVerdict(
            decider: .kayenta, outcome: verdict == .pass ? .pass : verdict == .fail ? .fail : .inconclusive,
            reason: reason, looks: 1, score: score,
            metrics: metrics.map {
                ComparedMetric(name: $0.name, outcome: $0.classification.rawValue, effect: $0.deviation, lower: $0.lower, upper: $0.upper,
                               canarySamples: Int64($0.samples.canary), baselineSamples: Int64($0.samples.baseline))
            })
    }
}

extension SLOGuardReport {
    /// The status record: Breach → Fail, OK → Pass, Insufficient → Hold; per objective the
    /// long-window bad ratio as the effect.
    public func statisticalVerdict(state: SLOGuardState) throws -> StatisticalVerdict {
        StatisticalVerdict(
            decider: .sloGuard, outcome: decision == .breach ? .fail : decision == .ok ? .pass : .hold, reason: reason,
            looks: Int64(state.looks),
            metrics: objectives.map {
                ComparedMetric(name: $0.name, outcome: $0.breached ? "Breach" : "OK", effect: $0.longWindow.ratio, pValue: $0.pValue,
                               canarySamples: Int64($0.longWindow.total))
            },
            state: try StatisticalVerdict.encodedState(state))
    }
}

extension ExperimentReport {
    /// The status record: a winner → Pass with `winner`; running or ended without a winner →
    /// Inconclusive; a wrong split → Hold. Per treatment: the lift as the effect, the confidence
    /// sequence of the difference as the bounds.
    public func statisticalVerdict(state: ExperimentState) throws -> StatisticalVerdict {
        var outcome = StatisticalVerdict.Outcome.inconclusive
        var winner: String?
        switch decision {
        case .winner(let name):
            outcome = .pass
            winner = name
        case .hold: outcome = .hold
        case .running, .inconclusive: break
        }
        return StatisticalVerdict(
            decider: .experiment, outcome: outcome, reason: reason, looks: Int64(state.looks), winner: winner,
            metrics: comparisons.map {
                ComparedMetric(name: $0.variant, effect: $0.lift, lower: $0.confidenceSequence?.lower, upper: $0.confidenceSequence?.upper,
                               pValue: $0.pValue, adjustedPValue: $0.adjustedPValue, canarySamples: Int64($0.counts.total),
                               baselineSamples: Int64(controlCounts.total))
            },
            state: try StatisticalVerdict.encodedState(state))
    }
}

extension ShadowReport {
    /// The status record: Pass, Fail, or Hold when there were too few requests.
    public var statisticalVerdict: StatisticalVerdict {
        StatisticalVerdict(
            decider: .shadow, outcome: verdict == .pass ? .pass : verdict == .fail ? .fail : .hold, reason: reason, looks: 1,
            metrics: checks.map {
                ComparedMetric(name: $0.name, outcome: $0.failed ? "Fail" : "Pass", effect: $0.effect, pValue: $0.pValue,
                               adjustedPValue: $0.adjustedPValue)
            })
    }
}
