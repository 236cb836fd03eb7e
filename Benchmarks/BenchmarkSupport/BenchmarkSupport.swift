import Foundation

/// What the benchmark executables share: flag parsing, process figures, percentiles.

/// A benchmark's bad flag or failed run.
public struct BenchmarkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `--name N` flags with positive integer values, over `defaults` (which also name the
/// flags known): `["--objects": 10_000]` accepts `--objects 500`.
public func integerFlags(_ arguments: [String], defaults: [String: Int]) throws -> [String: Int] {
    var values = defaults
    var iterator = arguments.dropFirst().makeIterator()
    while let flag = iterator.next() {
        guard defaults[flag] != nil else {
            throw BenchmarkError("unknown flag \(flag); known: \(defaults.keys.sorted().joined(separator: " "))")
        }
        guard let value = iterator.next().flatMap(Int.init), value > 0 else {
            throw BenchmarkError("\(flag) needs a positive integer")
        }
        values[flag] = value
    }
    return values
}

/// Resident memory (current and peak) and thread count, from /proc/self/status.
public struct ProcessFigures: Sendable {
    public var peakRSSKiB = 0
    public var rssKiB = 0
    public var threads = 0

    public static func now() -> ProcessFigures {
        var figures = ProcessFigures()
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            switch parts[0] {
            case "VmHWM:": figures.peakRSSKiB = value
            case "VmRSS:": figures.rssKiB = value
            case "Threads:": figures.threads = value
            default: break
            }
        }
        return figures
    }

    public var rssMiB: Double { Double(rssKiB) / 1024 }
    public var peakRSSMiB: Double { Double(peakRSSKiB) / 1024 }
}

/// The `p` quantile of sorted samples (nearest rank).
public func percentile<T>(_ sorted: [T], _ p: Double) -> T {
    sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// `12.34 ms`.
public func milliseconds(_ duration: Duration) -> String {
    String(format: "%.2f ms", duration.seconds * 1000)
}
