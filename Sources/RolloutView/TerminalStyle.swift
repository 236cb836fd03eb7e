import SluiceAPI

/// How output is dressed: plain text for pipes and files, or colour and symbols for a
/// terminal (never when `NO_COLOR` is set).
public struct TerminalStyle: Sendable, Hashable {
    /// ANSI colours and status symbols.
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public static let plain = TerminalStyle(colour: false)
    public static let terminal = TerminalStyle(colour: true)

    /// The style for an output stream: colour only on a terminal and without `NO_COLOR`
    /// (any non-empty value, per no-color.org) or `TERM=dumb`.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        return TerminalStyle(colour: isTerminal && !noColour)
    }

    enum Colour: String {
        case red = "31", green = "32", yellow = "33", blue = "34", grey = "90", bold = "1"
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        guard self.colour, !text.isEmpty else { return text }
        return "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m"
    }

    func bold(_ text: String) -> String { paint(text, .bold) }

    /// A phase with its symbol and colour on a terminal, the bare word otherwise.
    func phase(_ phase: RolloutPhase) -> String {
        guard colour else { return phase.rawValue }
        switch phase {
        case .healthy: return paint("✔ Healthy", .green)
        case .progressing: return paint("◌ Progressing", .blue)
        case .paused: return paint("॥ Paused", .yellow)
        case .degraded: return paint("✖ Degraded", .red)
        case .aborted: return paint("✖ Aborted", .red)
        }
    }

    /// An analysis phase, coloured by outcome on a terminal.
    func analysis(_ phase: AnalysisPhase) -> String {
        switch phase {
        case .successful: paint(phase.rawValue, .green)
        case .failed, .error: paint(phase.rawValue, .red)
        case .inconclusive: paint(phase.rawValue, .yellow)
        case .running, .pending: paint(phase.rawValue, .blue)
        }
    }

    /// A verdict's or a compared metric's outcome (`Pass`, `Fail`, `Inconclusive`, `Hold`, or
    /// a provider's own word), coloured on a terminal: Pass green, Fail red, Inconclusive yellow.
    func outcome(_ word: String) -> String {
        switch word {
        case StatisticalVerdict.Outcome.pass.rawValue: paint(word, .green)
        case StatisticalVerdict.Outcome.fail.rawValue: paint(word, .red)
        case StatisticalVerdict.Outcome.inconclusive.rawValue: paint(word, .yellow)
        default: word
        }
    }

    /// A workload state word (`Healthy`, `Running`, `CrashLoopBackOff`), coloured on a terminal.
    func state(_ word: String, good: Bool?) -> String {
        switch good {
        case true?: paint(word, .green)
        case false?: paint(word, .red)
        case nil: paint(word, .yellow)
        }
    }

    func eventType(_ type: String) -> String { type == "Warning" ? paint(type, .red) : type }

    /// Characters a terminal shows: ANSI escape sequences take no room.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                width += 1
            }
        }
        return width
    }
}
