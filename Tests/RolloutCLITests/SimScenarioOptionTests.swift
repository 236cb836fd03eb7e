import Foundation
@testable import RolloutCLI
import Testing
import TestSupport

/// `rollout sim --scenario`: a bad scenario stops it before anything listens, naming the
/// file, the line and the field.
@Suite("rollout sim --scenario")
struct SimScenarioOptionTests {
    @Test func invalidScenarioNamesFileLineAndField() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("scenario.yaml", """
            images:
              "web:1": {errorRatio: 0.01}
            entryPoints:
              - name: users
                host: shop.example.com
                ratePerSecond: fast
            """)
        let result = await runRollout(["sim", "--scenario", path])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("\(path):6: entryPoints[0].ratePerSecond: expected a number ≥ 0, got \"fast\""), "\(result.err)")
        #expect(result.out.isEmpty, "nothing started")
    }

    @Test func unreadableScenarioFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.filePath("missing.yaml")
        let result = await runRollout(["sim", "--scenario", path])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("cannot read the scenario file \(path): no such file"), "\(result.err)")
        let asDirectory = await runRollout(["sim", "--scenario", directory.path])
        #expect(asDirectory.exitCode == 1)
        #expect(asDirectory.err.contains("cannot read the scenario file \(directory.path): it is a directory"), "\(asDirectory.err)")
    }

    @Test func metricsPortAndSeedNeedAScenario() async {
        let port = await runRollout(["sim", "--metrics-port", "9100"])
        #expect(port.exitCode != 0)
        #expect(port.err.contains("--metrics-port needs --scenario"), "\(port.err)")
        let seed = await runRollout(["sim", "--seed", "3"])
        #expect(seed.exitCode != 0)
        #expect(seed.err.contains("--seed needs --scenario"), "\(seed.err)")
    }
}
