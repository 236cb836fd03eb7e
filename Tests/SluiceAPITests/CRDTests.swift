import Foundation
import KubeClient
@testable import SluiceAPI
import Testing

@Suite("CustomResourceDefinitions")
struct CRDTests {
    static let crdDirectory = repositoryRoot.appendingPathComponent("manifests/crds")

    /// The golden check: `make crds` rewrites the files; this fails until it has been run
    /// after a change to the types.
    @Test func committedManifestsMatchTheTypes() throws {
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.crdDirectory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(committed == SluiceCRDs.all.map(\.fileName).sorted(), "manifests/crds holds other files; run make crds")
        for crd in SluiceCRDs.all {
            let file = Self.crdDirectory.appendingPathComponent(crd.fileName)
            let text = try? String(contentsOf: file, encoding: .utf8)
            #expect(text == (try SluiceCRDs.yaml(for: crd)), "\(crd.fileName) differs from what the types generate; run make crds")
        }
    }

    @Test func namesScopesAndSubresources() throws {
        let rollouts = SluiceCRDs.rollouts.definition
        #expect(rollouts[path: "metadata", "name"] == "rollouts.sluice.dev")
        #expect(rollouts[path: "spec", "names"] == [
            "kind": "Rollout", "listKind": "RolloutList", "plural": "rollouts", "singular": "rollout",
            "shortNames": ["ro"], "categories": ["sluice"],
        ])
        #expect(rollouts[path: "spec", "scope"] == "Namespaced")
        let version = try #require(rollouts[path: "spec", "versions"]?.arrayValue?.first)
        #expect(version["name"] == "v1alpha1")
        #expect(version["served"] == true && version["storage"] == true)
        #expect(version["subresources"] == [
            "status": [:],
            "scale": ["specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"],
        ])
        #expect(version["additionalPrinterColumns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Phase", "Step", "Weight", "Desired", "Available", "Age"])
        let cluster = SluiceCRDs.clusterAnalysisTemplates.definition
        #expect(cluster[path: "spec", "scope"] == "Cluster")
        for crd in SluiceCRDs.all {
            let subresources = crd.definition[path: "spec", "versions"]?.arrayValue?.first?["subresources"]
            #expect(subresources?["status"] == [:], "\(crd.name)")
        }
        let runs = SluiceCRDs.analysisRuns.definition[path: "spec", "versions"]?.arrayValue?.first
        #expect(runs?["additionalPrinterColumns"]?.arrayValue?.compactMap { $0["jsonPath"]?.stringValue } == [".status.phase", ".metadata.creationTimestamp"])
        #expect(Set(SluiceCRDs.all.flatMap(\.shortNames)).count == 4)
    }

    /// Printer-column and scale paths must point at fields the schema has.
    @Test func columnAndScalePathsExistInTheSchema() {
        for crd in SluiceCRDs.all {
            let paths = crd.printerColumns.map(\.jsonPath) + (crd.scale.map { [$0.specReplicasPath, $0.statusReplicasPath, $0.labelSelectorPath] } ?? [])
            for path in paths where !path.hasPrefix(".metadata.") {
                var schema: Schema? = crd.schema
                for name in path.split(separator: ".") { schema = schema?.properties[String(name)] }
                #expect(schema != nil, "\(crd.name): \(path)")
            }
        }
    }

    /// The rules of a structural schema (Kubernetes "Specifying a structural schema"), and
    /// preserve-unknown-fields only where a foreign object is embedded.
    @Test(arguments: SluiceCRDs.all.map(\.name))
    func schemaIsStructural(_ name: String) throws {
        let crd = try #require(SluiceCRDs.all.first { $0.name == name })
        let root = try #require(crd.definition[path: "spec", "versions"]?.arrayValue?.first?[path: "schema", "openAPIV3Schema"])
        var violations: [String] = []
        var preserved: [String] = []
        Self.check(root, path: "", violations: &violations, preserved: &preserved)
        #expect(violations == [])
        #expect(root[path: "properties", "metadata"] == ["type": "object"])
        let allowed = Set(["spec.template.metadata", "spec.template.spec", "provider.job.metadata", "provider.job.spec"])
        for path in preserved {
            #expect(allowed.contains { path.hasSuffix($0) }, "x-kubernetes-preserve-unknown-fields at \(path)")
        }
    }

    static func check(_ node: JSONValue, path: String, violations: inout [String], preserved: inout [String]) {
        let intOrString = node["x-kubernetes-int-or-string"] == true
        let preserves = node["x-kubernetes-preserve-unknown-fields"] == true
        if preserves { preserved.append(path) }
        if node["type"] == nil, !intOrString, !preserves { violations.append("\(path): no type") }
        if intOrString, node["anyOf"] != [["type": "integer"], ["type": "string"]] { violations.append("\(path): int-or-string without its anyOf pattern") }
        for junctor in ["allOf", "oneOf", "not"] where node[junctor] != nil { violations.append("\(path): \(junctor)") }
        if node["properties"] != nil, node["additionalProperties"] != nil { violations.append("\(path): properties and additionalProperties") }
        if let type = node["type"]?.stringValue, !["object", "array", "string", "integer", "number", "boolean"].contains(type) {
            violations.append("\(path): type \(type)")
        }
        if node["type"] == "array", node["items"] == nil { violations.append("\(path): array without items") }
        for (name, child) in node["properties"]?.objectValue ?? [:] {
            check(child, path: path.isEmpty ? name : "\(path).\(name)", violations: &violations, preserved: &preserved)
        }
        if let items = node["items"] { check(items, path: "\(path)[]", violations: &violations, preserved: &preserved) }
        if let values = node["additionalProperties"] { check(values, path: "\(path){}", violations: &violations, preserved: &preserved) }
        for name in node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where node[path: "properties", name] == nil {
            violations.append("\(path): required \(name) is not a property")
        }
    }

    @Test func yamlStreamParsesBackToTheDefinitions() throws {
        let documents = try YAMLText.documents(try SluiceCRDs.yaml())
        #expect(documents == SluiceCRDs.all.map(\.definition))
    }
}
