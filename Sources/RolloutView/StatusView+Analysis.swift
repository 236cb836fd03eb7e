import SluiceAPI

extension StatusView {
    /// Lines of reason shown under a run before it is cut with `…`.
    static let reasonLines = 3

    /// One run of the current update: a head line (name, what started it, phase, verdict; the
    /// verdict goes on a line of its own when the head would be wider than ``width``), the
    /// reason wrapped to ``width``, and the evidence per metric:
    ///
    ///     checkout-7b9c5d6f8-judge  judge  Failed  judge: Fail after 14 looks
    ///       error-rate is higher on the canary: …
    ///       METRIC       OUTCOME   EFFECT                    P       CANARY   BASELINE
    ///       error-rate   Fail      +0.041 [+0.018, +0.064]   0.003   12048    11873
    func analysisLines(_ run: AnalysisRunSummary) -> [String] {
        let head = ["  " + run.name, Self.trigger(run), style.analysis(run.phase)].joined(separator: "  ")
        var lines = [head]
        if let verdict = verdict(run) {
            // On the head line when it fits, else on a line of its own.
            let line = head + "  " + verdict
            if TerminalStyle.visibleWidth(line) <= width { lines = [line] } else { lines.append("    " + verdict) }
        }
        if let message = run.message, !message.isEmpty {
            lines += Figures.wrap(message, width: width - 4, maximumLines: Self.reasonLines).map { "    " + $0 }
        }
        if let metrics = run.metrics, !metrics.isEmpty {
            let table = TextTable(header: ["METRIC", "OUTCOME", "EFFECT", "P", "CANARY", "BASELINE"], rows: metrics.map { metric in
                [metric.name, metric.outcome.map(style.outcome) ?? style.analysis(metric.phase),
                 Figures.effect(metric.effect, lower: metric.lower, upper: metric.upper),
                 (metric.adjustedPValue ?? metric.pValue).map(Figures.pValue) ?? "-",
                 metric.canarySamples.map(String.init) ?? "-", metric.baselineSamples.map(String.init) ?? "-"]
            })
            lines += table.lines(indent: "    ")
        }
        return lines
    }

    /// What started the run: `step 3`, `background`, `judge`, `SLO guard`, `experiment (step 2)`,
    /// `pre-promotion`, `post-promotion`.
    static func trigger(_ run: AnalysisRunSummary) -> String {
        let step = run.stepIndex.map { "step \($0 + 1)" }
        switch run.trigger {
        case .step: return step ?? "step"
        case .background: return "background"
        case .judge: return "judge"
        case .sloGuard: return "SLO guard"
        case .experiment: return "experiment" + (step.map { " (\($0))" } ?? "")
        case .prePromotion: return "pre-promotion"
        case .postPromotion: return "post-promotion"
        }
    }

    /// `judge: Fail after 14 looks`, `experiment: Pass, winner b after 31 looks`; nil for a run
    /// that makes no statistical decision.
    func verdict(_ run: AnalysisRunSummary) -> String? {
        run.outcome.map { Self.verdict(decider: run.decider, outcome: $0, winner: run.winner, looks: run.looks, style: style) }
    }

    static func verdict(decider: StatisticalVerdict.Decider?, outcome: StatisticalVerdict.Outcome, winner: String?, looks: Int64?,
                        style: TerminalStyle) -> String {
        var text = (decider.map { Self.decider($0) + ": " } ?? "verdict ") + style.outcome(outcome.rawValue)
        if let winner { text += ", winner \(winner)" }
        if let looks { text += " after \(looks) look" + (looks == 1 ? "" : "s") }
        return text
    }

    /// The decision's name for people.
    static func decider(_ decider: StatisticalVerdict.Decider) -> String {
        switch decider {
        case .judge: "judge"
        case .kayenta: "Kayenta"
        case .sloGuard: "SLO guard"
        case .experiment: "experiment"
        case .shadow: "shadow"
        }
    }
}
