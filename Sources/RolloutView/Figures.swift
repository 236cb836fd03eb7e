import Foundation

/// Numbers of statistical evidence as people read them: an effect with its interval to the
/// precision the interval supports, p-values to three decimals.
enum Figures {
    /// `+0.041 [+0.018, +0.064]`: signed, all three to the same number of decimals: two
    /// significant digits of the interval's width (digits finer than the interval are noise),
    /// or of the effect when there is no interval. Past six decimals the figures switch to
    /// exponents (`+4.0e-08`). `-` when there is neither.
    static func effect(_ effect: Double?, lower: Double?, upper: Double?) -> String {
        let interval: (Double, Double)? = if let lower, let upper { (lower, upper) } else { nil }
        let width = interval.map { $0.1 - $0.0 }
        let decimals = Self.decimals(of: [width, effect.map(abs), interval.map { max(abs($0.0), abs($0.1)) }])
        var parts: [String] = []
        if let effect { parts.append(signed(effect, decimals)) }
        if let interval { parts.append("[\(signed(interval.0, decimals)), \(signed(interval.1, decimals))]") }
        return parts.isEmpty ? "-" : parts.joined(separator: " ")
    }

    /// Decimals giving two significant digits to the first positive, finite scale; nil (use
    /// exponents) when that needs more than six.
    static func decimals(of scales: [Double?]) -> Int? {
        guard let scale = scales.lazy.compactMap({ $0 }).first(where: { $0.isFinite && $0 > 0 }) else { return 0 }
        let decimals = max(0, 1 - Int(log10(scale).rounded(.down)))
        return decimals > 6 ? nil : decimals
    }

    /// `value` with its sign (none on zero), to `decimals` places or as an exponent.
    static func signed(_ value: Double, _ decimals: Int?) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value > 0 ? "+inf" : "-inf" }
        let text = decimals.map { String(format: "%+.\($0)f", value) } ?? String(format: "%+.1e", value)
        // Rounded to zero: no sign.
        if text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text
    }

    /// `0.003`, `0.41`, `1`; `<0.001` below a thousandth.
    static func pValue(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        if value < 0.001 { return "<0.001" }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `text` broken at spaces into lines of at most `width` characters; a word longer than a
    /// line is cut. Past `maximumLines` the last line ends with `…`.
    static func wrap(_ text: String, width: Int, maximumLines: Int) -> [String] {
        let width = max(width, 10)
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            var word = Substring(word)
            if !line.isEmpty, line.count + 1 + word.count <= width {
                line += " " + word
                continue
            }
            if !line.isEmpty { lines.append(line) }
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            line = String(word)
        }
        if !line.isEmpty { lines.append(line) }
        guard lines.count > maximumLines else { return lines }
        var kept = Array(lines.prefix(maximumLines))
        var last = kept[maximumLines - 1]
        if last.count >= width { last = String(last.prefix(width - 1)) }
        kept[maximumLines - 1] = last + "…"
        return kept
    }
}
