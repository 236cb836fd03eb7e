import Foundation
import KubeClient
@testable import KubeSim

/// A CRD for `widgets.example.com` (kind Widget); `versions` are served, the first stored.
func widgetCRD(scope: String = "Namespaced", versions: [String] = ["v1"], status: Bool = false,
               scale: Bool = false, shortNames: [String] = ["wd"]) -> JSONValue {
    var subresources: [String: JSONValue] = [:]
    if status { subresources["status"] = [:] }
    if scale {
        subresources["scale"] = ["specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size",
                                 "labelSelectorPath": ".status.selector"]
    }
    return [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "widgets.example.com"],
        "spec": [
            "group": "example.com",
            "names": ["plural": "widgets", "kind": "Widget", "shortNames": .array(shortNames.map { .string($0) })],
            "scope": .string(scope),
            "versions": .array(versions.enumerated().map { index, version in
                [
                    "name": .string(version), "served": true, "storage": .bool(index == 0),
                    "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                    "subresources": .object(subresources),
                    "additionalPrinterColumns": [["name": "Size", "type": "integer", "jsonPath": ".spec.size"]],
                ]
            }),
        ],
    ]
}

let widgetsV1 = ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget")

func widget(_ name: String, namespace: String? = "default", size: Int64 = 1) -> JSONValue {
    var metadata: [String: JSONValue] = ["name": .string(name)]
    if let namespace { metadata["namespace"] = .string(namespace) }
    return ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": .object(metadata), "spec": ["size": .integer(size)]]
}

/// The condition `type` of a CRD's status.
func crdCondition(_ crd: JSONValue, _ type: String) -> JSONValue? {
    crd["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
}

/// The upstream Gateway API HTTPRoute CRD fixture, as YAML bytes.
func httpRouteCRDFixture() throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "Fixtures/gateway-api-v1.4.1-httproutes", withExtension: "yaml") else {
        throw CocoaError(.fileNoSuchFile)
    }
    return Array(try Data(contentsOf: url))
}
