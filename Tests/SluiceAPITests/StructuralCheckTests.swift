import KubeClient
@testable import SluiceAPI
import Testing

@Suite("Structural check")
struct StructuralCheckTests {
    @Test func findsEveryProblemNotJustTheFirst() throws {
        let document: JSONValue = [
            "metadata": ["name": "web", "labels": ["app": 3], "creationTimestamp": "yesterday"],
            "spec": [
                "replicas": 2.5,
                "paused": "no",
                "selector": ["matchLabels": ["app": "web"], "matchExpression": []],
                "strategy": ["canary": ["steps": [["setWeight": "10%"], 5]]],
            ],
            "status": ["phase": "Done"],
            "extra": nil,
        ]
        let findings = StructuralCheck.findings(in: document, against: Rollout.schema)
        #expect(findings.map(\.problem.description) == [
            "metadata.creationTimestamp: expected an RFC 3339 time such as 2025-03-01T12:00:00Z, got \"yesterday\"",
            "metadata.labels.app: expected string, got integer 3",
            #"spec.paused: expected boolean, got string "no""#,
            "spec.replicas: expected integer, got number 2.5",
            #"spec.selector.matchExpression: unknown field (did you mean "matchExpressions"?)"#,
            #"spec.strategy.canary.steps[0].setWeight: expected integer, got string "10%""#,
            "spec.strategy.canary.steps[1]: expected object, got integer 5",
            #"status.phase: must be one of Progressing, Paused, Healthy, Degraded, Aborted, got "Done""#,
        ])
        #expect(findings.filter(\.isUnknownField).count == 1)
    }

    @Test func nullIsAbsent() {
        let findings = StructuralCheck.findings(in: ["spec": ["strategy": ["canary": nil, "blueGreen": ["activeService": nil]]]], against: Rollout.schema)
        #expect(findings.map(\.problem.description) == ["spec.strategy.blueGreen.activeService: required"])
    }

    @Test func preservedFieldsAreKeptNotReported() throws {
        let checked = Rollout.decodeChecked(from: try json(baseRolloutYAML).applying([
            .set("spec.template.spec.nodeSelector", ["disk": "ssd"]),
            .set("spec.template.metadata.name", "ignored-but-allowed"),
        ]))
        #expect(checked.problems.isEmpty)
        #expect(checked.value?.spec.template?.spec?["nodeSelector"] == ["disk": "ssd"])
    }

    @Test func oddKeysArePathedReadably() {
        #expect(FieldPath.root["metadata"]["labels"]["app.kubernetes.io/name"].description == #"metadata.labels["app.kubernetes.io/name"]"#)
        #expect(FieldPath.root["spec"]["steps"][3]["setWeight"].description == "spec.steps[3].setWeight")
    }
}
