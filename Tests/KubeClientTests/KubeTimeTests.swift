import Foundation
import Testing
@testable import KubeClient

/// The direct RFC 3339 path of ``KubeTime`` must agree with Foundation's ISO 8601 parser and
/// formatter, which it replaces on the hot path.
@Suite struct KubeTimeTests {
    /// Deterministic spread of instants over years 1600–9999, including leap days. (Before
    /// the Gregorian reform Foundation switches to the Julian calendar; Kubernetes, like Go,
    /// stays proleptic Gregorian, as ``KubeTime`` does.)
    static let instants: [Int64] = {
        var generator = SplitMix(seed: 20_261_123)
        var values: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_399, -11_676_096_000, 253_402_300_799]
        for _ in 0..<3000 { values.append(Int64(generator.next() % 265_078_396_800) - 11_676_096_000) }
        return values
    }()

    @Test func formatMatchesFoundation() {
        for seconds in Self.instants {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(KubeTime.format(date) == date.formatted(Date.ISO8601FormatStyle()), "\(seconds)")
        }
        #expect(KubeTime.format(Date(timeIntervalSince1970: 1_795_000_000.9)) == "2026-11-18T11:06:40Z")
    }

    @Test func parseMatchesFoundation() throws {
        let foundation = Date.ISO8601FormatStyle()
        for seconds in Self.instants {
            let text = Date(timeIntervalSince1970: Double(seconds)).formatted(foundation)
            #expect(KubeTime.parseRFC3339(text) == (try foundation.parse(text)), "\(text)")
        }
    }

    @Test func fractionsAndOffsets() throws {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for text in ["2026-11-23T13:00:00.123456Z", "2026-11-23T13:00:00.5Z", "2026-11-23T14:30:00+01:30",
                     "2026-11-23T08:00:00-05:00", "2024-02-29T23:59:59.999Z"] {
            let expected = try (try? fractional.parse(text)) ?? Date.ISO8601FormatStyle().parse(text)
            let parsed = try #require(KubeTime.parseRFC3339(text), "\(text)")
            #expect(abs(parsed.timeIntervalSince(expected)) < 1e-6, "\(text)")
        }
    }

    @Test func rejectsWhatIsNotRFC3339() {
        for text in ["yesterday", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
                     "2026-11-23T13:00:00", "2026-11-23T13:00:00.Z", "2026-11-23T13:00:00Zjunk", "2026-11-23 13:00:00Z"] {
            #expect(KubeTime.parseRFC3339(text) == nil, "\(text)")
        }
        #expect(KubeTime.parse("yesterday") == nil)
    }
}

/// A small seeded generator for deterministic test inputs.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
