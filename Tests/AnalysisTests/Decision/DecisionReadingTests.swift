@testable import Analysis
import SluiceAPI
import Testing

/// An instant vector of one sample per label value (`le`, `class`, …).
func vector(_ label: String, _ values: [(String, Double)]) -> MeasurementValue {
    .vector(values.map { LabeledSample(labels: [label: $0.0], value: $0.1, timestamp: 1_700_000_000) })
}

@Suite("Decision readings")
struct DecisionReadingTests {
    @Test func aHistogramIsReadFromAVectorByLe() throws {
        let value = vector("le", [("0.5", 8), ("+Inf", 10), ("0.1", 3)])
        let raw = try value.counterValues(as: .histogram, metric: "canary-latency")
        #expect(raw == ["0.5": 8, "+Inf": 10, "0.1": 3])
        // Sorted by bound, +Inf parsed.
        #expect(DecisionState.histogram(raw) == CumulativeHistogram(upperBounds: [0.1, 0.5, .infinity], cumulativeCounts: [3, 8, 10]))
        // Without +Inf the last finite bucket is the last.
        #expect(DecisionState.histogram(["0.1": 3, "0.5": 8]) == CumulativeHistogram(upperBounds: [0.1, 0.5], cumulativeCounts: [3, 8]))
        // The same bound written twice (pods of two client versions) is one bucket.
        #expect(DecisionState.histogram(["1": 2, "1.0": 3, "+Inf": 6]) == CumulativeHistogram(upperBounds: [1, .infinity], cumulativeCounts: [5, 6]))
        #expect(DecisionState.histogram([:]) == nil)
    }

    @Test func anArmWithoutBucketsYetGetsTheOthersEmpty() {
        let pair = DecisionState.histogramPair(baseline: ["0.1": 4, "+Inf": 9], canary: [:])
        #expect(pair.canary == CumulativeHistogram(upperBounds: [0.1, .infinity], cumulativeCounts: [0, 0]))
        #expect(pair.baseline == CumulativeHistogram(upperBounds: [0.1, .infinity], cumulativeCounts: [4, 9]))
        let none = DecisionState.histogramPair(baseline: [:], canary: [:])
        #expect(none.baseline == CumulativeHistogram(upperBounds: [.infinity], cumulativeCounts: [0]))
    }

    @Test func countsAreScalarsOrSumsOfVectorsAndNoDataIsNothingYet() throws {
        #expect(try MeasurementValue.scalar(42).counterValues(as: .count, metric: "m") == ["": 42])
        let perCode: MeasurementValue = .vector([LabeledSample(labels: ["code": "500"], value: 2, timestamp: 0),
                                                 LabeledSample(labels: ["code": "503"], value: 3, timestamp: 0)])
        #expect(try perCode.counterValues(as: .count, metric: "m") == ["": 5])
        #expect(try MeasurementValue.noData(reason: "the query returned an empty vector").counterValues(as: .count, metric: "m") == [:])
    }

    @Test func classCountsAreReadByTheirLabel() throws {
        let value: MeasurementValue = .vector([LabeledSample(labels: ["class": "fraud"], value: 4, timestamp: 0),
                                               LabeledSample(labels: ["class": "ok", "pod": "a"], value: 90, timestamp: 0),
                                               LabeledSample(labels: ["class": "ok", "pod": "b"], value: 6, timestamp: 0)])
        #expect(try value.counterValues(as: .classes(label: "class"), metric: "predictions") == ["fraud": 4, "ok": 96])
        #expect(throws: DecisionError("metric predictions: class counts need a vector with a `label` label, got a sample without one ({class=\"fraud\"})")) {
            try value.counterValues(as: .classes(label: "label"), metric: "predictions")
        }
    }

    struct ShapeCase: Sendable, CustomTestStringConvertible {
        var value: MeasurementValue
        var reading: DecisionReading
        var message: String
        var testDescription: String { message }
    }

    static let shapeCases: [ShapeCase] = [
        ShapeCase(value: .scalar(3), reading: .histogram,
                  message: "metric canary-latency: a histogram needs a vector with an `le` label, got a scalar"),
        ShapeCase(value: .vector([LabeledSample(labels: ["code": "500"], value: 1, timestamp: 0)]), reading: .histogram,
                  message: "metric canary-latency: a histogram needs a vector with an `le` label, got a sample without one ({code=\"500\"})"),
        ShapeCase(value: vector("le", [("fast", 1)]), reading: .histogram,
                  message: "metric canary-latency: bucket bound le=\"fast\" is not a number"),
        ShapeCase(value: .matrix([LabeledSeries(labels: [:], points: [.init(timestamp: 0, value: 1)])]), reading: .count,
                  message: "metric canary-latency: a count needs a scalar or a vector, got a matrix"),
        ShapeCase(value: .json(.bool(true)), reading: .classes(label: "class"),
                  message: "metric canary-latency: class counts need a vector with a `class` label, got JSON"),
        ShapeCase(value: .scalar(-1), reading: .count,
                  message: "metric canary-latency: a counter must be a finite number >= 0, got -1.0"),
        ShapeCase(value: .scalar(.nan), reading: .count,
                  message: "metric canary-latency: a counter must be a finite number >= 0, got nan"),
    ]

    @Test(arguments: shapeCases)
    func aValueOfTheWrongShapeIsRefusedNamingTheMetric(_ testCase: ShapeCase) {
        #expect(throws: DecisionError(testCase.message)) {
            try testCase.value.counterValues(as: testCase.reading, metric: "canary-latency")
        }
    }

    @Test func seriesAreAMatrixsValuesSummedAcrossSeries() throws {
        let one: MeasurementValue = .matrix([LabeledSeries(labels: [:], points: [.init(timestamp: 1, value: 0.2), .init(timestamp: 2, value: 0.3)])])
        #expect(try one.seriesValues(metric: "m") == [0.2, 0.3])
        let two: MeasurementValue = .matrix([
            LabeledSeries(labels: ["pod": "a"], points: [.init(timestamp: 2, value: 1), .init(timestamp: 1, value: 2)]),
            LabeledSeries(labels: ["pod": "b"], points: [.init(timestamp: 1, value: 10), .init(timestamp: 2, value: 20)]),
        ])
        #expect(try two.seriesValues(metric: "m") == [12, 21])
        #expect(try vector("pod", [("a", 1), ("b", 2)]).seriesValues(metric: "m") == [1, 2])
        #expect(try MeasurementValue.noData(reason: "empty").seriesValues(metric: "m") == [])
        #expect(throws: DecisionError("metric m: a series needs a matrix (a range query) or a vector, got a string")) {
            try MeasurementValue.string("x").seriesValues(metric: "m")
        }
    }
}

@Suite("Counter accumulator")
struct CounterAccumulatorTests {
    @Test func countsFromTheFirstLookAndReadsADropAsAReset() {
        var counters = CounterAccumulator()
        counters.observe("requests", raw: ["": 100])
        #expect(counters.total("requests") == 0)
        counters.observe("requests", raw: ["": 150])
        #expect(counters.total("requests") == 50)
        // A restarted pod: the counter starts over, and everything it shows is new.
        counters.observe("requests", raw: ["": 20])
        #expect(counters.total("requests") == 70)
        counters.observe("requests", raw: ["": 45])
        #expect(counters.total("requests") == 95)
    }

    @Test func noDataAtTheFirstLookIsZeroAndAMissingLookAddsNothing() {
        var counters = CounterAccumulator()
        // `sum(x{code=~"5.."})` is empty until the first error.
        counters.observe("errors", raw: [:])
        #expect(counters.hasObserved("errors"))
        counters.observe("errors", raw: ["": 3])
        #expect(counters.total("errors") == 3)
        // A look without data (between scrapes) keeps the last value...
        counters.observe("errors", raw: [:])
        #expect(counters.total("errors") == 3)
        // ...so the next value counts from it, not from 0.
        counters.observe("errors", raw: ["": 5])
        #expect(counters.total("errors") == 5)
    }

    @Test func keysAreCountedEachAndANewKeyStartsFromZero() {
        var counters = CounterAccumulator()
        counters.observe("latency", raw: ["0.1": 10, "+Inf": 12])
        counters.observe("latency", raw: ["0.1": 15, "+Inf": 20, "0.5": 4])
        #expect(counters.totals("latency") == ["0.1": 5, "+Inf": 8, "0.5": 4])
        #expect(counters.total("latency") == 17)
        #expect(counters.snapshot == ["latency": ["0.1": 5, "+Inf": 8, "0.5": 4]])
    }

    @Test func aLookThatDoesNotCountMovesTheOriginOnly() {
        var counters = CounterAccumulator()
        counters.observe("requests", raw: ["": 0])
        counters.observe("requests", raw: ["": 500], counting: false)
        counters.observe("requests", raw: ["": 530])
        #expect(counters.total("requests") == 30)
    }
}
