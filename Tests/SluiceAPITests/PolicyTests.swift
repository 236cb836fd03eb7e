import Foundation
import KubeClient
@testable import SluiceAPI
import Testing

/// The ready-made policies in policies/: every analysis template passes the validation the
/// controller applies, and the admission policy's table of Rollouts is judged by the
/// controller's validation as the table says (test_admission_policy.py checks the CEL side).
@Suite("Policies")
struct PolicyTests {
    static let policies = repositoryRoot.appendingPathComponent("policies")

    static func yamlFiles(under directory: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    @Test func everyAnalysisTemplateValidatesClean() throws {
        let files = try Self.yamlFiles(under: Self.policies.appendingPathComponent("analysis"))
        var names: [String] = []
        for file in files {
            let documents = try Manifest.load(yaml: String(contentsOf: file, encoding: .utf8))
            #expect(documents.count == 1, "\(file.lastPathComponent)")
            for document in documents {
                #expect(document.problems.map(\.description) == [], "\(file.lastPathComponent) \(document.label)")
                switch document.object {
                case .analysisTemplate, .clusterAnalysisTemplate: names.append(document.label)
                default: Issue.record("\(file.lastPathComponent): \(document.label) is not an analysis template")
                }
            }
        }
        #expect(names == [
            "AnalysisTemplate/ab-conversion", "ClusterAnalysisTemplate/canary-vs-baseline",
            "ClusterAnalysisTemplate/http-slo-guard", "AnalysisTemplate/job-smoke-test",
            "ClusterAnalysisTemplate/shadow-model-agreement",
        ])
    }

    @Test func everyTemplateSaysWhenToUseItAndWhatItNeeds() throws {
        for file in try Self.yamlFiles(under: Self.policies.appendingPathComponent("analysis")) {
            let header = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .prefix { $0.hasPrefix("#") }.joined(separator: "\n")
            #expect(header.contains("When to use:"), "\(file.lastPathComponent)")
            #expect(header.contains("What it needs from the app:"), "\(file.lastPathComponent)")
        }
    }

    /// A Rollout using each template as its header comment shows resolves every argument the
    /// template requires.
    @Test func theHeaderExamplesPassEveryRequiredArgument() throws {
        var templates = AnalysisTemplateSet()
        for file in try Self.yamlFiles(under: Self.policies.appendingPathComponent("analysis")) {
            for document in try Manifest.load(yaml: String(contentsOf: file, encoding: .utf8)) {
                switch document.object {
                case .analysisTemplate(let template)?: templates.namespaced[template.metadata.name ?? ""] = template.spec
                case .clusterAnalysisTemplate(let template)?: templates.cluster[template.metadata.name ?? ""] = template.spec
                default: break
                }
            }
        }
        let rollout = try json("""
            apiVersion: sluice.dev/v1alpha1
            kind: Rollout
            metadata: {name: web, namespace: shop}
            spec:
              selector: {matchLabels: {app: web}}
              template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: "web:1"}]}}
              strategy:
                canary:
                  stableService: web-stable
                  canaryService: web-canary
                  trafficRouting: {gatewayAPI: {httpRoute: web}}
                  analysis:
                    templates: [{templateName: http-slo-guard, clusterScope: true}]
                    args:
                    - {name: namespace, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                    - {name: canary-hash, valueFrom: {podTemplateHashValue: Latest}}
                  judge:
                    templateName: canary-vs-baseline
                    clusterScope: true
                    args:
                    - {name: namespace, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                    - {name: canary-hash, valueFrom: {podTemplateHashValue: Latest}}
                    - {name: baseline-hash, valueFrom: {podTemplateHashValue: Stable}}
                  steps:
                  - analysis:
                      templates: [{templateName: job-smoke-test}]
                      args: [{name: url, value: "http://web-canary.shop/healthz"}]
                  - setMirrorRoute: {name: shadow, percentage: 100}
                  - analysis:
                      templates: [{templateName: shadow-model-agreement, clusterScope: true}]
                      args:
                      - {name: namespace, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                      - {name: primary-hash, valueFrom: {podTemplateHashValue: Stable}}
                      - {name: shadow-hash, valueFrom: {podTemplateHashValue: Latest}}
                  - setMirrorRoute: {name: shadow, percentage: 0}
                  - experiment:
                      duration: 1h
                      templates: [{name: control, specRef: stable, weight: 50}, {name: treatment, specRef: canary, weight: 50}]
                      analyses:
                      - name: conversion
                        templateName: ab-conversion
                        args:
                        - {name: namespace, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                        - {name: control-hash, valueFrom: {podTemplateHashValue: Stable}}
                        - {name: treatment-hash, valueFrom: {podTemplateHashValue: Latest}}
                  - setWeight: 50
            """)
        let checked = Rollout.decodeAndValidate(from: rollout)
        #expect(checked.problems.map(\.description) == [])
        let typed = try #require(checked.value)
        #expect(typed.analysisReferenceProblems(templates).map(\.description) == [])
    }

    /// Tests/InstallTests/admission_cases.yaml through the controller's validation.
    @Test func theAdmissionTableAgreesWithTheControllersValidation() throws {
        let url = repositoryRoot.appendingPathComponent("Tests/InstallTests/admission_cases.yaml")
        let table = try json(String(contentsOf: url, encoding: .utf8))
        let base = try #require(table["base"])
        let cases = try #require(table["cases"]?.arrayValue)
        #expect(cases.count >= 15)
        for entry in cases {
            let name = entry["name"]?.stringValue ?? "?"
            #expect(entry["admit"] != nil, "\(name): admit is missing")
            let admit = entry["admit"] == .bool(true)
            guard case .object(var rollout) = base, case .object(var spec)? = rollout["spec"] else {
                Issue.record("base is not a Rollout")
                return
            }
            spec["strategy"] = entry["strategy"]
            rollout["spec"] = .object(spec)
            let problems = Rollout.decodeAndValidate(from: .object(rollout)).problems.map(\.description)
            if admit {
                #expect(problems == [], "\(name)")
            } else {
                #expect(!problems.isEmpty, "\(name): the controller's validation accepts it")
            }
        }
    }
}
