import KubeClient
@testable import SluiceAPI
import Testing

@Suite("DurationString")
struct DurationStringTests {
    @Test(arguments: [
        ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("250ms", .milliseconds(250)),
        ("1.5h", .seconds(5400)), ("0", .zero), ("2h45m30.5s", .milliseconds(9_930_500)), ("100us", .microseconds(100)),
        ("100µs", .microseconds(100)), ("10ns", .nanoseconds(10)), ("+5s", .seconds(5)),
    ])
    func parsesGoDurations(_ text: String, _ expected: Duration) throws {
        #expect(try DurationString(text).parsed().get() == expected)
    }

    @Test(arguments: [
        ("5 minutes", #"must be a duration such as 30s, 5m or 1h30m, got "5 minutes""#),
        ("5min", #"must be a duration such as 30s, 5m or 1h30m (unknown unit "min"; use ns, us, ms, s, m or h), got "5min""#),
        ("60", #"must be a duration such as 30s, 5m or 1h30m (a number needs a unit: ns, us, ms, s, m, h), got "60""#),
        ("", #"must be a duration such as 30s, 5m or 1h30m, got """#),
        ("h", #"must be a duration such as 30s, 5m or 1h30m, got "h""#),
        ("1..5s", #"must be a duration such as 30s, 5m or 1h30m, got "1..5s""#),
        ("-5s", "must not be negative, got -5s"),
        ("9999999999h", #"must be under about 292 years, got "9999999999h""#),
    ])
    func rejectsWithAMessageThatSaysWhatWasExpected(_ text: String, _ message: String) {
        guard case .failure(let error) = DurationString(text).parsed() else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(error.description == message)
    }

    @Test func integersAreSecondsAndRoundTripAsWritten() throws {
        let decoded = try KubeJSON.decode([DurationString].self, from: Array(#"[60, "1m"]"#.utf8))
        #expect(decoded.map(\.duration) == [.seconds(60), .seconds(60)])
        #expect(String(decoding: try KubeJSON.encode(decoded), as: UTF8.self) == #"[60,"1m"]"#)
        #expect(DurationString(seconds: -1).duration == nil)
    }
}
