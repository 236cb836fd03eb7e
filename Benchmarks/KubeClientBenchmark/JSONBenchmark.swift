// Decoding a ConfigMap list the size of a busy namespace: JSONDecoder as before, and
// KubeJSON's parser, for the tree (`JSONValue`) and for `ObjectList<DynamicObject>`.
import Foundation
import KubeClient

/// A `ConfigMapList` of `objects` items of about 460 bytes, as the API server writes it.
func configMapListDocument(objects: Int) -> [UInt8] {
    var text = #"{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"90210"},"items":["#
    for index in 0..<objects {
        if index > 0 { text += "," }
        text += #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"config-\#(index)","namespace":"team-\#(index % 17)","#
        text += #""uid":"6f1c2d3e-\#(index)-4a5b-9c8d-0e1f2a3b4c5d","resourceVersion":"\#(100_000 + index)","generation":\#(index % 5 + 1),"#
        text += #""creationTimestamp":"2024-05-01T12:00:00Z","labels":{"app":"shop","tier":"backend","release":"r\#(index % 9)"},"#
        text += #""annotations":{"note":"line one\nline \"two\" \u00e9"}},"data":{"replicas":"3","enabled":"true","ratio":"0.25","#
        text += #""endpoint":"https://svc-\#(index).example.com:8443/api","config.json":"{\"a\":[1,2,3],\"b\":null}"}}"#
    }
    return Array((text + "]}").utf8)
}

/// Prints the best of a few runs of each way of decoding the list.
func benchmarkJSONDecoding(objects: Int) throws {
    let bytes = configMapListDocument(objects: objects)
    let megabytes = Double(bytes.count) / 1_000_000
    print(String(format: "JSON decoding: %d ConfigMaps, %.2f MB", objects, megabytes))
    func measure(_ label: String, runs: Int, _ body: () throws -> Int) rethrows {
        var best = Duration.seconds(1_000_000)
        var items = 0
        for _ in 0..<runs {
            let started = ContinuousClock.now
            items = try body()
            best = min(best, ContinuousClock.now - started)
        }
        let padded = label.padding(toLength: 54, withPad: " ", startingAt: 0)
        print(padded + String(format: "%9.1f ms %8.1f MB/s  (%d items, best of %d)",
                              best.seconds * 1000, megabytes / best.seconds, items, runs))
    }
    let data = Data(bytes)
    try measure("JSONDecoder, JSONValue (before)", runs: 2) {
        try JSONDecoder().decode(JSONValue.self, from: data)["items"]?.arrayValue?.count ?? 0
    }
    try measure("KubeJSON.decoder(), JSONValue (strings tried first)", runs: 2) {
        try KubeJSON.decoder().decode(JSONValue.self, from: data)["items"]?.arrayValue?.count ?? 0
    }
    try measure("KubeJSON.decode, JSONValue (parser)", runs: 5) {
        try KubeJSON.decode(JSONValue.self, from: bytes)["items"]?.arrayValue?.count ?? 0
    }
    try measure("JSONDecoder, ObjectList<DynamicObject> (before)", runs: 2) {
        try JSONDecoder().decode(ObjectList<DynamicObject>.self, from: data).items.count
    }
    try measure("KubeJSON.decode, ObjectList<DynamicObject> (parser)", runs: 5) {
        try KubeJSON.decode(ObjectList<DynamicObject>.self, from: bytes).items.count
    }
}
