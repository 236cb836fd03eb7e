import Foundation
import Testing

/// Reads `Tests/StatisticsTests/ReferenceVectors/NAME.json`, written by the scripts in
/// `scripts/reference-vectors/` from scipy, and decodes it as `T`.
func referenceVectors<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("ReferenceVectors").appendingPathComponent(name + ".json")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// Whether `actual` is within `relative` of `expected` (absolute `absolute` near zero);
/// infinities and NaN must match exactly.
func isClose(_ actual: Double, _ expected: Double, relative: Double = 1e-9, absolute: Double = 1e-300) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    return abs(actual - expected) <= max(relative * abs(expected), absolute)
}

/// Records an issue naming `what` when `actual` is not close to `expected`.
func expectClose(_ actual: Double, _ expected: Double, relative: Double = 1e-9, absolute: Double = 1e-300,
                 _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(isClose(actual, expected, relative: relative, absolute: absolute),
            "\(what()): \(actual) differs from \(expected) by more than \(relative) relative",
            sourceLocation: sourceLocation)
}
