import Foundation
import Hummingbird
import KubeClient
import NIOCore
import Statistics
import Synchronization
import Testing
@testable import KubeSim

/// Mutational fuzzing of request decoding: bodies (JSON, YAML, every patch type), query
/// strings and paths, mutated from a seed corpus by a seeded generator, straight into the
/// API handler. Every answer must be a success or a 4xx `Status` whose code matches; never
/// a 5xx, never a crash or a hang.
/// Serialized, and yielding between cases: the cooperative pool has as many threads as
/// cores, and CPU-bound shards running side by side would starve other suites' servers.
@Suite("Request decoding under fuzzing", .serialized)
struct RequestFuzzTests {
    struct Case: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var contentType: String?
        var body: [UInt8]
    }

    static let seeds: [Case] = [
        Case(method: .post, path: "/api/v1/namespaces/default/configmaps", contentType: "application/json",
             body: Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"y"}},"data":{"k":"v"}}"#.utf8)),
        Case(method: .post, path: "/apis/apps/v1/namespaces/default/deployments", contentType: "application/yaml",
             body: Array("""
             apiVersion: apps/v1
             kind: Deployment
             metadata: {name: web, labels: {app: web}}
             spec:
               replicas: 2
               selector: {matchLabels: {app: web}}
               template:
                 metadata: {labels: {app: web}}
                 spec: {containers: [{name: web, image: "web:1"}]}
             """.utf8)),
        Case(method: .patch, path: "/api/v1/namespaces/default/configmaps/seed", contentType: APIHandler.mergePatch,
             body: Array(#"{"data":{"k":null,"n":"1"},"metadata":{"annotations":{"a":"b"}}}"#.utf8)),
        Case(method: .patch, path: "/api/v1/namespaces/default/configmaps/seed", contentType: APIHandler.jsonPatch,
             body: Array(#"[{"op":"test","path":"/data/k","value":"v"},{"op":"add","path":"/data/z","value":"1"},{"op":"remove","path":"/data/k"}]"#.utf8)),
        Case(method: .patch, path: "/apis/apps/v1/namespaces/default/deployments/seed", contentType: APIHandler.strategicMergePatch,
             body: Array(#"{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"web:2"}],"$setElementOrder/containers":[{"name":"web"}]}}}}"#.utf8)),
        Case(method: .patch, path: "/api/v1/namespaces/default/configmaps/applied?fieldManager=fuzz&force=true",
             contentType: APIHandler.applyPatch,
             body: Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n".utf8)),
        Case(method: .put, path: "/api/v1/namespaces/default/configmaps/seed", contentType: "application/json",
             body: Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seed","resourceVersion":"1"},"data":{}}"#.utf8)),
        Case(method: .get, path: "/api/v1/namespaces/default/configmaps?labelSelector=a%3Db,c+in+(d,e),!f&fieldSelector=metadata.name%3Dseed&limit=2",
             contentType: nil, body: []),
        Case(method: .delete, path: "/apis/apps/v1/namespaces/default/deployments/seed", contentType: "application/json",
             body: Array(#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground","preconditions":{"uid":"x"}}"#.utf8)),
        Case(method: .put, path: "/apis/apps/v1/namespaces/default/deployments/seed/scale", contentType: "application/json",
             body: Array(#"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"seed"},"spec":{"replicas":3}}"#.utf8)),
    ]

    /// Fragments that tend to matter to parsers: structure, escapes, numbers at the edges,
    /// YAML's anchors, tags and directives, selector and patch syntax.
    static let tokens: [String] = [
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "\u{0}", "1e999", "-0", "9223372036854775808",
        "0.0000000000000000001", "null", "true", "NaN", "&a", "*a", "!!binary", "!!python/object", "%YAML 1.1\n",
        "---\n", "...\n", "? ", "- ", "|\n", ">\n", "\t", "\r\n", "$patch", "$retainKeys", "$setElementOrder/containers",
        "$deleteFromPrimitiveList/finalizers", "/~1", "/~2", "/-", "op", "move", "copy", "from", "in (", "notin", "!=", "==",
        "%", "%zz", "&labelSelector=", "&continue=", "&resourceVersion=", "&watch=", "&dryRun=", "&fieldManager=",
        "..", "/status", "/scale", "//", "\u{FFFF}", "\u{1F600}",
    ]

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
    static let contentTypes: [String?] = [
        nil, "application/json", "application/yaml", APIHandler.mergePatch, APIHandler.jsonPatch,
        APIHandler.strategicMergePatch, APIHandler.applyPatch, "text/plain", "application/json; charset=utf-8",
        "application/vnd.kubernetes.protobuf",
    ]

    static func mutate(_ bytes: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty:  // flip a byte
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[index] ^= UInt8.random(in: 1...255, using: &rng)
            case 1:  // insert a token
                let index = Int.random(in: 0...bytes.count, using: &rng)
                bytes.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: index)
            case 2 where !bytes.isEmpty:  // delete a range
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 1...16, using: &rng))
                bytes.removeSubrange(start..<end)
            case 3 where !bytes.isEmpty:  // duplicate a range
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 1...32, using: &rng))
                bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &rng))
            case 4:  // truncate
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            default:  // splice another seed's tail
                let other = seeds.randomElement(using: &rng)!.body
                let cut = Int.random(in: 0...bytes.count, using: &rng)
                bytes = Array(bytes.prefix(cut)) + other.suffix(Int.random(in: 0...other.count, using: &rng))
            }
        }
        return bytes
    }

    static func mutatedCase(_ rng: inout SeededRandom) -> Case {
        var fuzzed = seeds.randomElement(using: &rng)!
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: fuzzed.method = methods.randomElement(using: &rng)!
        case 1: fuzzed.contentType = contentTypes.randomElement(using: &rng)!
        case 2, 3: fuzzed.path = String(decoding: mutate(Array(fuzzed.path.utf8), &rng), as: UTF8.self)
        default: break
        }
        fuzzed.body = mutate(fuzzed.body, &rng)
        return fuzzed
    }

    /// A store with the objects the seeds patch, so mutations reach the patch code.
    static func seededHandler() throws -> APIHandler {
        let store = ObjectStore(historyCapacity: 100, garbageCollection: .synchronous)
        let handler = APIHandler(store: store, configuration: .init())
        _ = try store.create(.configMaps, namespace: "default", [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "seed"], "data": ["k": "v"],
        ])
        _ = try store.create(.deployments, namespace: "default", [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "seed"],
            "spec": [
                "replicas": 1, "selector": ["matchLabels": ["app": "seed"]],
                "template": ["metadata": ["labels": ["app": "seed"]],
                             "spec": ["containers": [["name": "web", "image": "web:1"]]]],
            ],
        ])
        return handler
    }

    static func request(_ fuzzed: Case) -> Request {
        var fields = HTTPFields()
        if let contentType = fuzzed.contentType { fields[.contentType] = contentType }
        let head = HTTPRequest(method: fuzzed.method, scheme: "https", authority: "127.0.0.1", path: fuzzed.path,
                               headerFields: fields)
        return Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: fuzzed.body)))
    }

    /// Checks one answer: success, or a 4xx whose body is a `Status` with the same code.
    static func problem(in response: Response, for fuzzed: Case) async -> String? {
        let code = Int(response.status.code)
        if (200..<300).contains(code) { return nil }
        let describe = "\(fuzzed.method) \(fuzzed.path) [\(fuzzed.contentType ?? "-")] \(String(decoding: fuzzed.body.prefix(200), as: UTF8.self).debugDescription)"
        guard (400..<500).contains(code) else { return "\(code) for \(describe)" }
        let sink = ByteSink()
        try? await response.body.write(CollectingWriter(sink: sink))
        let collected = sink.bytes.withLock { $0 }
        guard let status = try? KubeJSON.decode(JSONValue.self, from: collected),
              status["kind"] == "Status", status["code"]?.integerValue == Int64(code) else {
            return "\(code) without a matching Status body for \(describe)"
        }
        return nil
    }

    @Test(arguments: 0..<4)
    func mutatedRequestsGetStatusAnswers(shard: Int) async throws {
        var rng = SeededRandom(seed: 0x5EED_F022 &+ UInt64(shard))
        let handler = try Self.seededHandler()
        var problems: [String] = []
        var outcomes: [Int: Int] = [:]
        for _ in 0..<1500 {
            let fuzzed = Self.mutatedCase(&rng)
            let response = await handler.respond(to: Self.request(fuzzed))
            outcomes[Int(response.status.code) / 100, default: 0] += 1
            if let problem = await Self.problem(in: response, for: fuzzed) { problems.append(problem) }
            await Task.yield()
        }
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n"))")
        // The corpus keeps reaching both the decoders' error paths and the store.
        #expect(outcomes[4, default: 0] > 300)
        #expect(outcomes[2, default: 0] > 50)
    }

    @Test(arguments: [
        ("application/json", String(repeating: "[", count: 100_000)),
        ("application/yaml", String(repeating: "[", count: 100_000)),
        ("application/yaml", String(repeating: "- ", count: 20_000)),
        (APIHandler.mergePatch, "{\"data\":" + String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_001)),
        (APIHandler.applyPatch, String(repeating: "{a: ", count: 50_000)),
        ("application/yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"),
    ])
    func pathologicalBodiesAreRejectedNotFatal(contentType: String, body: String) async throws {
        let handler = try Self.seededHandler()
        let method: HTTPRequest.Method = contentType.contains("patch") ? .patch : .post
        let path = method == .patch ? "/api/v1/namespaces/default/configmaps/seed?fieldManager=f" : "/api/v1/namespaces/default/configmaps"
        let fuzzed = Case(method: method, path: path, contentType: contentType, body: Array(body.utf8))
        let response = await handler.respond(to: Self.request(fuzzed))
        #expect((400..<500).contains(Int(response.status.code)), "\(contentType): \(response.status.code)")
        #expect(await Self.problem(in: response, for: fuzzed) == nil)
    }
}

/// Where ``CollectingWriter`` puts a response body.
final class ByteSink: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

/// Collects a response body in memory.
struct CollectingWriter: ResponseBodyWriter {
    let sink: ByteSink
    func write(_ buffer: ByteBuffer) async throws { sink.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) } }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
