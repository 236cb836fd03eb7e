/// Columns aligned as kubectl aligns them (a tab writer with three spaces of padding); the
/// last column is not padded. Widths count visible characters, so cells may carry colour.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table's lines, each prefixed with `indent`.
    public func lines(indent: String = "") -> [String] {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], TerminalStyle.visibleWidth(cell)) }
        }
        return all.map { row in
            var line = indent
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 {
                    line += String(repeating: " ", count: widths[index] - TerminalStyle.visibleWidth(cell) + 3)
                }
            }
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
    }
}
