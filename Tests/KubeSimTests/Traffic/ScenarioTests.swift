import Statistics
import Foundation
import Testing

@testable import KubeSim

@Suite struct ScenarioTests {
    static let sample = """
        images:
          "web:1":
            errorRatio: 0.01
            latency: {p50: 20ms, p99: 120ms}
            conversionProbability: 0.05
            predictions: {classA: 0.7, classB: 0.3}
            readyAfter: 2s
          "web:2":
            errorRatio: 0.01
            latency:
              buckets:
                - {le: 10ms, weight: 0.5}
                - {le: 100ms, weight: 0.5}
            neverReady: true
            crashLoop: true
            phases:
              - after: 30s
                errorRatio: 0.5
              - afterRequests: 1000
                conversionProbability: 0.2
        entryPoints:
          - name: public
            namespace: shop
            host: shop.example.com
            ratePerSecond: 50
            headers: {X-Canary: "1"}
            share: 0.1
          - name: internal
            service: web
            ratePerSecond: 5
        """

    @Test func parsesSample() throws {
        let scenario = try Scenario.parse(yaml: Self.sample)
        let web1 = try #require(scenario.images["web:1"])
        #expect(web1.base.errorRatio == 0.01)
        #expect(web1.base.conversionProbability == 0.05)
        #expect(web1.base.predictions == ["classA": 0.7, "classB": 0.3])
        #expect(web1.readiness == PodReadinessBehaviour(readyAfter: 2))
        #expect(abs(web1.base.latency.quantile(0.5) - 0.020) < 1e-9)
        #expect(abs(web1.base.latency.quantile(0.99) - 0.120) < 1e-9)
        let web2 = try #require(scenario.images["web:2"])
        #expect(web2.readiness.neverReady && web2.readiness.crashLoop)
        #expect(web2.phases.map(\.trigger) == [.after(seconds: 30), .afterRequests(1000)])
        #expect(scenario.entryPoints.count == 2)
        #expect(scenario.entryPoints[0] == EntryPoint(
            name: "public", namespace: "shop", host: "shop.example.com", ratePerSecond: 50,
            headers: ["x-canary": "1"], share: 0.1))
        #expect(scenario.entryPoints[1].namespace == "default" && scenario.entryPoints[1].service == "web")
        // Registry-qualified references fall back to the short name.
        #expect(scenario.readiness(image: "registry.example/team/web:2").neverReady)
        #expect(scenario.image("other:1") == scenario.defaults)
    }

    static let errorCases: [(yaml: String, expected: String)] = [
        ("""
         images:
           "web:1":
             errorRatio: 0.1
           "web:2":
             latency: 10ms

             errorRatio: high
         """, #"scenario.yaml:7: images["web:2"].errorRatio: expected a number between 0 and 1, got "high""#),
        ("images:\n  \"web:1\":\n    errorRate: 0.1\n",
         #"scenario.yaml:3: images["web:1"].errorRate: unknown key; expected one of conversionProbability, crashLoop, errorRatio, latency, neverReady, phases, predictions, readyAfter"#),
        ("images:\n  a:\n    errorRatio: 1.5\n", #"scenario.yaml:3: images["a"].errorRatio: expected a number between 0 and 1, got "1.5""#),
        ("images:\n  a:\n    readyAfter: soon\n", #"scenario.yaml:3: images["a"].readyAfter: expected a duration such as 250ms or 30s, got "soon""#),
        ("images:\n  a:\n    neverReady: maybe\n", #"scenario.yaml:3: images["a"].neverReady: expected true or false, got "maybe""#),
        ("images:\n  a:\n    latency: {p50: 20ms}\n", #"scenario.yaml:3: images["a"].latency: expected exactly two quantiles (p50, p75, p90, p95, p99, p999), got 1"#),
        ("images:\n  a:\n    latency: {p50: 200ms, p99: 20ms}\n", #"scenario.yaml:3: images["a"].latency.p99: expected a duration greater than p50 (200ms), got 20ms"#),
        ("images:\n  a:\n    predictions: {x: 0.5, y: 0.4}\n", #"scenario.yaml:3: images["a"].predictions: expected probabilities summing to 1, got 0.9"#),
        ("images:\n  a:\n    phases:\n      - errorRatio: 0.2\n", #"scenario.yaml:4: images["a"].phases[0]: expected a trigger: after (a duration) or afterRequests (a count)"#),
        ("images:\n  a:\n    phases:\n      - afterRequests: -3\n", #"scenario.yaml:4: images["a"].phases[0].afterRequests: expected a non-negative integer, got "-3""#),
        ("entryPoints:\n  - name: x\n    host: h\n", #"scenario.yaml:2: entryPoints[0].ratePerSecond: missing required key"#),
        ("entryPoints:\n  - name: x\n    ratePerSecond: 1\n", #"scenario.yaml:2: entryPoints[0]: expected one of host, route or service"#),
        ("entryPoints:\n  - name: x\n    host: h\n    ratePerSecond: fast\n", #"scenario.yaml:4: entryPoints[0].ratePerSecond: expected a number ≥ 0, got "fast""#),
        ("entryPoints: {}\n", #"scenario.yaml:1: entryPoints: expected a sequence, got a mapping"#),
        ("bogus: 1\n", #"scenario.yaml:1: bogus: unknown key; expected one of defaults, entryPoints, images"#),
        ("images:\n  a: {}\n  a: {}\n", #"scenario.yaml:2: duplicate key "a" in this mapping"#),
        ("images: [\n", "scenario.yaml:2: invalid YAML"),
    ]

    @Test(arguments: errorCases)
    func errorsNameLineAndField(yaml: String, expected: String) {
        do {
            _ = try Scenario.parse(yaml: yaml)
            Issue.record("expected an error for \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func phasesSwitchAtTimeAndCount() {
        let scenario = try! Scenario.parse(yaml: Self.sample)
        #expect(scenario.behaviour(image: "web:2", elapsed: 29.9, requests: 0).errorRatio == 0.01)
        #expect(scenario.behaviour(image: "web:2", elapsed: 30, requests: 0).errorRatio == 0.5)
        #expect(scenario.behaviour(image: "web:2", elapsed: 0, requests: 999).conversionProbability == 0)
        #expect(scenario.behaviour(image: "web:2", elapsed: 0, requests: 1000).conversionProbability == 0.2)
        let both = scenario.behaviour(image: "web:2", elapsed: 31, requests: 1000)
        #expect(both.errorRatio == 0.5 && both.conversionProbability == 0.2)
    }

    @Test func simulatorPhasesByRequestCount() {
        let yaml = """
            images:
              "web:2":
                errorRatio: 0
                phases:
                  - afterRequests: 100
                    errorRatio: 1
            """
        var simulator = TrafficSimulator(scenario: try! Scenario.parse(yaml: yaml), seed: 7)
        let labels = SeriesLabels(namespace: "ns", pod: "p", service: "web", podTemplateHash: "h", version: "2")
        let codes = (0..<200).map { _ in simulator.simulate(request: SimulatedRequest(labels: labels, image: "web:2", time: 0)).code }
        #expect(codes[..<100].allSatisfy { $0 == 200 })
        #expect(codes[100...].allSatisfy { $0 == 500 })
    }

    @Test func simulatorPhasesByTime() {
        let yaml = "images:\n  w:\n    errorRatio: 0\n    phases:\n      - after: 1m30s\n        errorRatio: 1\n"
        var simulator = TrafficSimulator(scenario: try! Scenario.parse(yaml: yaml), seed: 7)
        let labels = SeriesLabels(namespace: "ns", pod: "p", service: "web", podTemplateHash: "h", version: "w")
        #expect(simulator.simulate(request: SimulatedRequest(labels: labels, image: "w", time: 89)).code == 200)
        #expect(simulator.simulate(request: SimulatedRequest(labels: labels, image: "w", time: 90)).code == 500)
    }

    @Test func fittedLatencyQuantilesMatchConfiguration() {
        let distribution = LatencyDistribution.fitted((0.5, 0.020), (0.99, 0.120))
        var rng = SeededRandom(seed: 42)
        let samples = (0..<50_000).map { _ in distribution.sample(using: &rng) }.sorted()
        let p50 = samples[samples.count / 2]
        let p99 = samples[Int(Double(samples.count) * 0.99)]
        #expect(abs(p50 - 0.020) / 0.020 < 0.03, "p50 \(p50)")
        #expect(abs(p99 - 0.120) / 0.120 < 0.06, "p99 \(p99)")
    }

    @Test func bucketLatencyStaysInBuckets() {
        let distribution = LatencyDistribution.buckets([(0.01, 0.5), (0.1, 0.5)])
        var rng = SeededRandom(seed: 1)
        let samples = (0..<10_000).map { _ in distribution.sample(using: &rng) }
        #expect(samples.allSatisfy { $0 >= 0 && $0 <= 0.1 })
        let low = samples.filter { $0 <= 0.01 }.count
        #expect(abs(low - 5000) < 165)  // 99.9% binomial bound
        #expect(abs(distribution.quantile(0.75) - 0.055) < 1e-12)
    }

    @Test func durations() {
        #expect(parseDuration("250ms") == 0.25)
        #expect(parseDuration("1m30s") == 90)
        #expect(parseDuration("2") == 2)
        #expect(parseDuration("100us")! - 0.0001 < 1e-15)
        #expect(parseDuration("abc") == nil)
        #expect(parseDuration("") == nil)
    }
}
