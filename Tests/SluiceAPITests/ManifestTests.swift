import Foundation
import KubeClient
@testable import SluiceAPI
import Testing

@Suite("Manifests")
struct ManifestTests {
    static let examples = repositoryRoot.appendingPathComponent("manifests/examples")

    static func exampleFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    @Test func everyExampleValidatesClean() throws {
        let files = try Self.exampleFiles()
        #expect(files.count >= 2)
        var templates = AnalysisTemplateSet()
        var rollouts: [Rollout] = []
        for file in files {
            for document in try Manifest.load(yaml: String(contentsOf: file, encoding: .utf8)) {
                #expect(document.problems.map(\.description) == [], "\(file.lastPathComponent) \(document.label)")
                switch document.object {
                case .rollout(let rollout)?: rollouts.append(rollout)
                case .analysisTemplate(let template)?: templates.namespaced[template.metadata.name ?? ""] = template.spec
                default: break
                }
            }
        }
        #expect(!rollouts.isEmpty)
        for rollout in rollouts { #expect(rollout.analysisReferenceProblems(templates).isEmpty) }
    }

    @Test func canaryExampleIsGatewayAPIWithSteps() throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent("canary-gateway-api.yaml"), encoding: .utf8)
        let documents = try Manifest.load(yaml: text)
        #expect(documents.map(\.label) == ["Service/checkout-stable", "Service/checkout-canary", "HTTPRoute/checkout", "Rollout/checkout"])
        guard case .rollout(let rollout)? = documents.last?.object else {
            Issue.record("no Rollout")
            return
        }
        let canary = try #require(rollout.spec.strategy.canary)
        #expect(canary.trafficRouting?.gatewayAPI?.httpRoute == "checkout")
        #expect((canary.steps ?? []).compactMap(\.setWeight) == [10, 30, 60])
        // The HTTPRoute's backendRefs name the Rollout's Services.
        guard case .other(let route)? = documents[2].object else {
            Issue.record("no HTTPRoute")
            return
        }
        let backends = route.json[path: "spec", "rules"]?.arrayValue?.first?["backendRefs"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(backends == [canary.stableService, canary.canaryService].compactMap { $0 })
    }

    @Test func documentsOfOtherKindsPassThroughAndUnknownSluiceKindsDoNot() throws {
        let documents = try Manifest.load(yaml: """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            ---
            ---
            apiVersion: sluice.dev/v1alpha1
            kind: Experiment
            metadata: {name: e}
            """)
        #expect(documents.count == 2)
        #expect(documents[0].problems.isEmpty)
        #expect(documents[1].problems.map(\.description) == [
            #"kind: must be one of AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Rollout, got "Experiment""#,
        ])
    }

    @Test func brokenYAMLSaysWhereWithoutEchoingTheDocument() throws {
        #expect(throws: ManifestError.self) { try Manifest.load(yaml: "a: [1, 2\nsecret: hunter2-value") }
        do {
            _ = try Manifest.load(yaml: "a: [1, 2\nsecret: hunter2-value")
        } catch {
            #expect(error.description.hasPrefix("invalid YAML at line"))
            #expect(!error.description.contains("hunter2"))
        }
        #expect(try YAMLText.documents("a: &x [1, 2]\nb: *x") == [["a": [1, 2], "b": [1, 2]]])
        // Nine levels of ten aliases each would be a billion values.
        var laughs = "l0: &l0 [lol]\n"
        for level in 1...9 {
            laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: ManifestError.self) { try YAMLText.documents(laughs) }
        do {
            _ = try YAMLText.documents(laughs)
        } catch {
            #expect(error.description.hasPrefix("document 1, l"))
            #expect(error.description.hasSuffix(": the document expands to too many values (nested YAML aliases?)"))
        }
    }
}
