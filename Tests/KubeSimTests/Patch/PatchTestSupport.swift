import KubeClient
@testable import KubeSim

/// Parses JSON text written in a test; a typo fails loudly.
func pjson(_ text: String) -> JSONValue {
    guard let value = PatchJSON.parse(text) else { fatalError("bad JSON in test: \(text)") }
    return value
}

/// Canonical text for comparing and printing values.
func pcanon(_ value: JSONValue) -> String { PatchJSON.canonical(value) }
