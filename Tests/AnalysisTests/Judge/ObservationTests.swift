import Foundation
@testable import Analysis
import Testing

/// Histogram arithmetic the judge and the guards rely on.
@Suite struct ObservationTests {
    static let bounds = [0.1, 0.2, 0.5, 1.0, .infinity]

    @Test func quantileInterpolatesLikePromQL() throws {
        let histogram = CumulativeHistogram(upperBounds: Self.bounds, bucketCounts: [50, 30, 10, 5, 5])
        #expect(histogram.count == 100)
        #expect(histogram.bucketCounts == [50, 30, 10, 5, 5])
        // Rank 50 is the end of the first bucket; rank 65 half-way through the second.
        #expect(try #require(histogram.quantile(0.5)) == 0.1)
        #expect(abs(try #require(histogram.quantile(0.65)) - 0.15) < 1e-12)
        // Rank 99 falls in +Inf: the largest finite bound.
        #expect(try #require(histogram.quantile(0.99)) == 1.0)
        #expect(CumulativeHistogram(upperBounds: [1, .infinity], cumulativeCounts: [0, 0]).quantile(0.5) == nil)
    }

    @Test func countAboveUsesTheBoundAtOrAboveTheThreshold() throws {
        let histogram = CumulativeHistogram(upperBounds: Self.bounds, bucketCounts: [50, 30, 10, 5, 5])
        let exact = try #require(histogram.count(above: 0.2))
        #expect(exact.count == 20 && exact.bound == 0.2)
        let between = try #require(histogram.count(above: 0.3))
        #expect(between.count == 10 && between.bound == 0.5)
        #expect(histogram.count(above: 5) == nil)
    }

    @Test func infiniteBoundRoundTripsAsPrometheusText() throws {
        let histogram = CumulativeHistogram(upperBounds: [0.5, .infinity], cumulativeCounts: [3, 4])
        let data = try JSONEncoder().encode(histogram)
        #expect(String(decoding: data, as: UTF8.self).contains("\"+Inf\""))
        #expect(try JSONDecoder().decode(CumulativeHistogram.self, from: data) == histogram)
    }

    @Test func momentsGiveTheSampleVariance() {
        let values = [1.0, 2, 3, 4]
        let moments = Moments(count: 4, sum: values.reduce(0, +), sumOfSquares: values.map { $0 * $0 }.reduce(0, +))
        #expect(moments.mean == 2.5)
        #expect(abs(moments.variance - 5.0 / 3) < 1e-12)
    }
}

@Suite struct FormattingTests {
    @Test(arguments: [
        (0.00364, 3, "0.00364"), (1.4814, 4, "1.481"), (-0.008561, 3, "-0.00856"), (20, 3, "20"), (9.9999, 3, "10"),
        (1.2345e-9, 3, "1.23e-09"), (9.999e-10, 3, "1e-09"), (2.5e12, 3, "2.5e+12"), (0, 3, "0"), (0.5, 3, "0.5"),
    ] as [(Double, Int, String)])
    func significantDigits(value: Double, digits: Int, expected: String) {
        #expect(value.formatted(significantDigits: digits) == expected)
    }
}
