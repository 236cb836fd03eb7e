import KubeClient
import Testing
@testable import KubeSim

struct MergeCase: Sendable, CustomTestStringConvertible {
    let original: String
    let patch: String
    let result: String
    var testDescription: String { "\(original) + \(patch)" }
}

@Suite struct JSONMergePatchTests {
    /// RFC 7386 Appendix A, every example.
    static let rfc7386: [MergeCase] = [
        MergeCase(original: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        MergeCase(original: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
        MergeCase(original: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
        MergeCase(original: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
        MergeCase(original: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        MergeCase(original: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
        MergeCase(original: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#, result: #"{"a":{"b":"d"}}"#),
        MergeCase(original: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
        MergeCase(original: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
        MergeCase(original: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
        MergeCase(original: #"{"a":"foo"}"#, patch: #"null"#, result: #"null"#),
        MergeCase(original: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
        MergeCase(original: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"a":1,"e":null}"#),
        MergeCase(original: #"[1,2]"#, patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
        MergeCase(original: #"{}"#, patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
    ]

    @Test(arguments: rfc7386)
    func rfc7386AppendixA(_ c: MergeCase) {
        #expect(pcanon(JSONMergePatch.apply(pjson(c.patch), to: pjson(c.original))) == pcanon(pjson(c.result)))
    }

    @Test func kubeStyleLabelPatch() {
        let object = pjson(#"{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":1,"args":["x","y"]}}"#)
        let patch = pjson(#"{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"args":["z"]}}"#)
        #expect(pcanon(JSONMergePatch.apply(patch, to: object))
            == pcanon(pjson(#"{"metadata":{"labels":{"b":"2","c":"3"}},"spec":{"replicas":1,"args":["z"]}}"#)))
    }
}
