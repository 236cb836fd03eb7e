import Foundation
@testable import RolloutCLI
import SluiceAPI
import Testing
import TestSupport

@Suite("rollout crds")
struct CRDsCommandTests {
    @Test func printsEveryCRDAsOneYAMLStream() async throws {
        let result = await runRollout(["crds"])
        #expect(result.exitCode == 0)
        #expect(result.err == "")
        #expect(result.out == (try SluiceCRDs.yaml()))
        #expect(result.out.components(separatedBy: "\n---\n").count == 4)
        #expect(result.out.hasPrefix("---\n\(SluiceCRDs.header)\napiVersion: apiextensions.k8s.io/v1\n"))
    }

    @Test func writesOneFilePerCRD() async throws {
        let directory = try TemporaryDirectory(prefix: "sluice-crds")
        defer { directory.remove() }
        let target = URL(fileURLWithPath: directory.filePath("nested/crds"))
        let result = await runRollout(["crds", "--output-dir", target.path])
        #expect(result.exitCode == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(files == [
            "sluice.dev_analysisruns.yaml", "sluice.dev_analysistemplates.yaml",
            "sluice.dev_clusteranalysistemplates.yaml", "sluice.dev_rollouts.yaml",
        ])
        for crd in SluiceCRDs.all {
            let text = try String(contentsOf: target.appendingPathComponent(crd.fileName), encoding: .utf8)
            #expect(text == (try SluiceCRDs.yaml(for: crd)))
        }
        #expect(result.out.split(separator: "\n").count == 4)
    }

    @Test func unwritableDirectoryIsAnError() async throws {
        let directory = try TemporaryDirectory(prefix: "sluice-crds")
        defer { directory.remove() }
        let blocker = try directory.write("file", "not a directory")
        let result = await runRollout(["crds", "--output-dir", blocker + "/crds"])
        #expect(result.exitCode == 1)
        #expect(result.err.hasPrefix("error: cannot create directory \(blocker)/crds"))
    }
}
