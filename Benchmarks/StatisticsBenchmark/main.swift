// Statistics benchmark: the Mann-Whitney U test on raw samples and on histogram buckets, timed
// against scipy.stats.mannwhitneyu on the same data in the same run; and the canary judge's cost
// per look (Analysis module): alone with 5 metrics, and as a run's decision takes it
// (Prometheus results in, state through JSON).
//
//   swift run -c release StatisticsBenchmark                           # 2 × 100,000 samples, 7 repeats
//   swift run -c release StatisticsBenchmark --samples 5000 --repeats 3  # what CI runs
//
// Data: seeded log-normal latencies in milliseconds, rounded to 0.01 ms so that ties occur as
// they do in real latency data; the histograms are the same samples in 50 log-spaced buckets
// (Prometheus style). scipy has no histogram form, so it gets the expanded samples (bucket index
// repeated count times): that is what a Python judge would have to do. Each figure is the
// median of --repeats runs; scipy is timed inside Python around the call alone (perf_counter).
import Foundation
import Analysis
import BenchmarkSupport
import SluiceAPI
import Statistics

struct Options {
    var samples, repeats: Int
    var buckets = 50

    init(_ arguments: [String]) throws {
        let flags = try integerFlags(arguments, defaults: ["--samples": 100_000, "--repeats": 7])
        (samples, repeats) = (flags["--samples"]!, flags["--repeats"]!)
    }
}

/// Benchmark data drawn from Statistics' seeded SplitMix64 generator.
extension SeededRandom {
    /// Uniform in (0, 1].
    mutating func unit() -> Double { (Double(next() >> 11) + 1) / 9_007_199_254_740_992 }

    /// Standard normal, Box-Muller.
    mutating func normal() -> Double { (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit()) }

    /// A latency in ms: log-normal around `median`, rounded to 0.01 ms.
    mutating func latency(median: Double, spread: Double) -> Double {
        (median * exp(spread * normal()) * 100).rounded() / 100
    }
}

/// Median wall time of `repeats` runs of `body`, each run timing `iterations` calls.
func medianSeconds(repeats: Int, iterations: Int = 1, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<repeats {
        let elapsed = try clock.measure {
            for _ in 0..<iterations { try body() }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        times.append(seconds / Double(iterations))
    }
    times.sort()
    return times[times.count / 2]
}

/// Opaque to the optimizer, so timed calls are neither hoisted out of loops nor discarded.
@_optimize(none) func identity<T>(_ value: T) -> T { value }
@_optimize(none) func blackHole<T>(_ value: T) {}

func format(_ seconds: Double) -> String {
    if seconds >= 1 { return String(format: "%.3f s", seconds) }
    if seconds >= 1e-3 { return String(format: "%.3f ms", seconds * 1e3) }
    return String(format: "%.3f µs", seconds * 1e6)
}

func writeDoubles(_ values: [Double], to url: URL) throws {
    try values.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: url)
}

/// What the Python side reports for one pair of samples.
struct ScipyFigures {
    let seconds: Double
    let u: Double
    let p: Double
}

/// Runs scipy's mannwhitneyu on each pair of files (raw little-endian float64) in one python3
/// process; nil, with the reason printed, when python3 or scipy is missing.
func timeScipy(pairs: [(URL, URL)], repeats: Int) -> [ScipyFigures]? {
    let script = """
        import json, statistics, sys, time
        import numpy as np
        from scipy.stats import mannwhitneyu
        repeats = int(sys.argv[1])
        results = []
        for i in range(2, len(sys.argv), 2):
            x = np.fromfile(sys.argv[i], dtype='<f8')
            y = np.fromfile(sys.argv[i + 1], dtype='<f8')
            result = mannwhitneyu(x, y, use_continuity=True, alternative='two-sided', method='asymptotic')
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                mannwhitneyu(x, y, use_continuity=True, alternative='two-sided', method='asymptotic')
                times.append(time.perf_counter() - start)
            results.append({"seconds": statistics.median(times), "u": float(result.statistic),
                            "p": float(result.pvalue)})
        print(json.dumps(results))
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, String(repeats)] + pairs.flatMap { [$0.0.path, $0.1.path] }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do {
        try process.run()
    } catch {
        print("scipy: cannot start python3 (\(error)); skipping the comparison")
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Double]] else {
        print("scipy: python3 failed (status \(process.terminationStatus)); skipping the comparison")
        if !errorText.isEmpty { print(errorText.split(separator: "\n").suffix(3).joined(separator: "\n")) }
        return nil
    }
    return rows.map { ScipyFigures(seconds: $0["seconds"] ?? .nan, u: $0["u"] ?? .nan, p: $0["p"] ?? .nan) }
}

func run() throws {
    let options = try Options(CommandLine.arguments)
    var generator = SeededRandom(seed: 0x51_1CE5)
    // Control around 120 ms; the canary 2 % slower, with a slightly wider spread.
    let control = (0..<options.samples).map { _ in generator.latency(median: 120, spread: 0.45) }
    let canary = (0..<options.samples).map { _ in generator.latency(median: 122.4, spread: 0.47) }

    // 50 log-spaced buckets from 1 ms to 10 s; the last one is open-ended (+Inf).
    let bounds = (0..<(options.buckets - 1)).map { 1.0 * pow(10_000.0, Double($0) / Double(options.buckets - 2)) }
    func histogram(_ values: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: options.buckets)
        for value in values {
            var lo = 0
            var hi = bounds.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if value <= bounds[mid] { hi = mid } else { lo = mid + 1 }
            }
            counts[lo] += 1
        }
        return counts
    }
    let canaryCounts = histogram(canary)
    let controlCounts = histogram(control)
    func expand(_ counts: [Int]) -> [Double] {
        counts.enumerated().flatMap { Array(repeating: Double($0.offset), count: $0.element) }
    }

    print("Statistics benchmark: Mann-Whitney U, two-sided, continuity-corrected, asymptotic")
    print("samples: 2 × \(options.samples); histograms: 2 × \(options.buckets) buckets; repeats: \(options.repeats)")

    let sampleResult = try MannWhitney.test(canary, control)
    let sampleSeconds = try medianSeconds(repeats: options.repeats) {
        blackHole(try MannWhitney.test(identity(canary), identity(control)))
    }
    let histogramResult = try MannWhitney.test(histogramCounts: canaryCounts, controlCounts)
    let histogramSeconds = try medianSeconds(repeats: options.repeats, iterations: 1000) {
        blackHole(try MannWhitney.test(histogramCounts: identity(canaryCounts), identity(controlCounts)))
    }

    // One look of a sequential test: what the controller pays per metric per check.
    var normalTest = try NormalMixtureSPRT(tau2: 0.01)
    var look = 0.0
    let normalUpdateSeconds = try medianSeconds(repeats: options.repeats, iterations: 100_000) {
        look += 1
        try normalTest.update(difference: identity(0.01), variance: 2 / look)
    }
    var poissonTest = try PoissonRatioTest(canaryShare: 0.5)
    let poissonUpdateSeconds = try medianSeconds(repeats: options.repeats, iterations: 100_000) {
        try poissonTest.update(canaryEvents: identity(1), baselineEvents: identity(1))
    }

    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("sluice-statistics-benchmark-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = ["canary", "control", "canary-buckets", "control-buckets"].map {
        directory.appendingPathComponent($0 + ".f64")
    }
    try writeDoubles(canary, to: files[0])
    try writeDoubles(control, to: files[1])
    try writeDoubles(expand(canaryCounts), to: files[2])
    try writeDoubles(expand(controlCounts), to: files[3])
    let scipy = timeScipy(pairs: [(files[0], files[1]), (files[2], files[3])], repeats: options.repeats)

    print("")
    print("case".padding(toLength: 26, withPad: " ", startingAt: 0)
        + "Sluice".padding(toLength: 14, withPad: " ", startingAt: 0)
        + "scipy".padding(toLength: 14, withPad: " ", startingAt: 0)
        + "scipy/Sluice  agreement (U, p)")
    let rows: [(String, Double, MannWhitney.Result)] = [
        ("raw samples", sampleSeconds, sampleResult),
        ("histogram buckets", histogramSeconds, histogramResult),
    ]
    for (index, (name, seconds, result)) in rows.enumerated() {
        var line = name.padding(toLength: 26, withPad: " ", startingAt: 0)
            + format(seconds).padding(toLength: 14, withPad: " ", startingAt: 0)
        if let figures = scipy?[index] {
            let uError = abs(result.u - figures.u) / max(abs(figures.u), 1)
            let pError = figures.p == 0 ? abs(result.pValue) : abs(result.pValue - figures.p) / figures.p
            line += format(figures.seconds).padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%9.1f×     ", figures.seconds / seconds)
                + String(format: "%.1e, %.1e", uError, pError)
        } else {
            line += "—"
        }
        print(line)
    }
    print("")
    print(String(format: "raw samples: U = %.1f, z = %.4f, p = %.6g, effect size %.4f",
                 sampleResult.u, sampleResult.z, sampleResult.pValue, sampleResult.effectSize))
    print(String(format: "histograms:  U = %.1f, z = %.4f, p = %.6g, effect size %.4f",
                 histogramResult.u, histogramResult.z, histogramResult.pValue, histogramResult.effectSize))
    print("sequential update (one look): normal mixture SPRT \(format(normalUpdateSeconds)), "
          + "Poisson two-arm Bayes factor \(format(poissonUpdateSeconds)); state \(MemoryLayout<NormalMixtureSPRT>.size) "
          + "and \(MemoryLayout<PoissonRatioTest>.size) bytes")
}

/// The canary judge (Analysis): median cost of one look with 5 metrics — 2 counts, 2 latency
/// histograms of `buckets` buckets, 1 mean — over `looks` looks of 500 simulated requests each
/// (20% canary), and the size of its state as JSON. The observations are built before timing.
func runJudge(repeats: Int, buckets: Int, looks: Int = 400) throws {
    var generator = SeededRandom(seed: 0x10D6E)
    let bounds = (0..<(buckets - 1)).map { 0.001 * pow(10_000.0, Double($0) / Double(buckets - 2)) } + [.infinity]
    func bucket(_ seconds: Double) -> Int { bounds.firstIndex { seconds <= $0 }! }
    let configuration = JudgeConfiguration(metrics: [
        JudgedMetric(name: "errors", kind: .counts, tolerance: 0.005),
        JudgedMetric(name: "timeouts", kind: .counts, tolerance: 0.005),
        JudgedMetric(name: "latency", kind: .histogram),
        JudgedMetric(name: "upstream-latency", kind: .histogram),
        JudgedMetric(name: "cpu", kind: .moments, tolerance: 0.5),
    ])
    var errors = [0, 0], timeouts = [0, 0], requests = [0, 0], cpu = [(0.0, 0.0), (0.0, 0.0)]
    var latency = [[Int]](repeating: [Int](repeating: 0, count: buckets), count: 2)
    var upstream = latency
    var observations: [JudgeObservations] = []
    for _ in 0..<looks {
        for _ in 0..<500 {
            let arm = generator.unit() < 0.2 ? 1 : 0
            requests[arm] += 1
            if generator.unit() < 0.01 { errors[arm] += 1 }
            if generator.unit() < 0.002 { timeouts[arm] += 1 }
            latency[arm][bucket(generator.latency(median: 120, spread: 0.45) / 1000)] += 1
            upstream[arm][bucket(generator.latency(median: 40, spread: 0.6) / 1000)] += 1
            let value = 10 + 2 * generator.normal()
            cpu[arm].0 += value
            cpu[arm].1 += value * value
        }
        func pair<T>(_ make: (Int) -> T) -> ArmPair<T> { ArmPair(baseline: make(0), canary: make(1)) }
        observations.append(JudgeObservations(canaryWeight: 20, requests: pair { requests[$0] }, metrics: [
            "errors": .counts(pair { EventCounts(events: errors[$0], total: requests[$0]) }),
            "timeouts": .counts(pair { EventCounts(events: timeouts[$0], total: requests[$0]) }),
            "latency": .histogram(pair { CumulativeHistogram(upperBounds: bounds, bucketCounts: latency[$0]) }),
            "upstream-latency": .histogram(pair { CumulativeHistogram(upperBounds: bounds, bucketCounts: upstream[$0]) }),
            "cpu": .moments(pair { Moments(count: requests[$0], sum: cpu[$0].0, sumOfSquares: cpu[$0].1) }),
        ]))
    }
    var last: JudgeReport?
    var state: JudgeState?
    let perLook = try medianSeconds(repeats: repeats) {
        var judge = try CanaryJudge(configuration: configuration)
        for observation in observations { last = try judge.look(identity(observation)) }
        state = judge.state
    } / Double(looks)
    let stateBytes = try JSONEncoder().encode(state!).count
    print("canary judge, 5 metrics (2 counts, 2 histograms of \(buckets) buckets, 1 mean), \(looks) looks: "
          + "\(format(perLook)) per look (median of \(repeats)); state \(stateBytes) bytes as JSON; "
          + "last verdict \(last.map { "\($0.verdict)" } ?? "none")")
}

/// A judge decision as the analysis controller runs it, per look: Prometheus results (2 count
/// queries per arm, a latency histogram of 12 buckets by `le` per arm) read into counters, the
/// judge's look, and the state decoded from and encoded to the run's `status.verdict.state`.
func runDecisionLook(repeats: Int, looks: Int = 400) throws {
    let arms = ["canary", "baseline"]
    let bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
    let decision = AnalysisDecision(judge: CanaryJudgeDecision(metrics: [
        JudgedMetricSpec(name: "error-rate", kind: .counts, tolerance: 0.005,
                         canary: JudgeArmMetrics(events: "canary-errors", total: "canary-requests"),
                         baseline: JudgeArmMetrics(events: "baseline-errors", total: "baseline-requests")),
        JudgedMetricSpec(name: "latency-p99", kind: .histogram, canary: JudgeArmMetrics(histogram: "canary-latency"),
                         baseline: JudgeArmMetrics(histogram: "baseline-latency")),
    ]))
    var generator = SeededRandom(seed: 0xDEC1)
    var requests = [0.0, 0.0], errors = [0.0, 0.0]
    var buckets = [[Double]](repeating: [Double](repeating: 0, count: bounds.count), count: 2)
    var rounds: [[String: MeasurementValue]] = []
    for _ in 0..<looks {
        for _ in 0..<200 {
            let arm = generator.unit() < 0.5 ? 0 : 1
            requests[arm] += 1
            if generator.unit() < 0.01 { errors[arm] += 1 }
            let seconds = generator.latency(median: 40, spread: 0.5) / 1000
            for (index, bound) in bounds.enumerated() where bound == "+Inf" || seconds <= Double(bound)! { buckets[arm][index] += 1 }
        }
        var values: [String: MeasurementValue] = [:]
        for (arm, name) in arms.enumerated() {
            values["\(name)-requests"] = .scalar(requests[arm])
            values["\(name)-errors"] = .scalar(errors[arm])
            values["\(name)-latency"] = .vector(bounds.enumerated().map {
                LabeledSample(labels: ["le": $0.element], value: buckets[arm][$0.offset], timestamp: 0)
            })
        }
        rounds.append(values)
    }
    var verdict: StatisticalVerdict?
    let perLook = try medianSeconds(repeats: repeats) {
        verdict = nil
        for (index, values) in rounds.enumerated() {
            let previous = try verdict?.decodedState(as: DecisionState.self)
            verdict = try decision.look(previous: previous, values: values, elapsedSeconds: Double(index), canaryWeight: 50).verdict
        }
    } / Double(looks)
    print("judge decision per look as the controller takes it (2 metrics from 6 Prometheus results, state through JSON), "
          + "\(looks) looks: \(format(perLook)) per look (median of \(repeats)); state \(verdict?.state?.utf8.count ?? 0) bytes; "
          + "last outcome \(verdict?.outcome.rawValue ?? "none")")
}

do {
    try run()
    let options = try Options(CommandLine.arguments)
    try runJudge(repeats: options.repeats, buckets: options.buckets)
    try runDecisionLook(repeats: options.repeats)
} catch {
    FileHandle.standardError.write(Data("StatisticsBenchmark: \(error)\n".utf8))
    exit(1)
}
