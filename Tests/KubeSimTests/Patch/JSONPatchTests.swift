import KubeClient
import Testing
@testable import KubeSim

struct JSONPatchCase: Sendable, CustomTestStringConvertible {
    let name: String
    let document: String
    let patch: String
    /// `nil`: the patch must fail with 422.
    let result: String?
    var testDescription: String { name }
}

@Suite struct JSONPatchTests {
    /// RFC 6902 Appendix A (A.13, a duplicate "op" member, cannot be represented once parsed).
    static let rfc6902: [JSONPatchCase] = [
        JSONPatchCase(name: "A.1 add object member", document: #"{"foo":"bar"}"#,
                      patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#, result: #"{"baz":"qux","foo":"bar"}"#),
        JSONPatchCase(name: "A.2 add array element", document: #"{"foo":["bar","baz"]}"#,
                      patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, result: #"{"foo":["bar","qux","baz"]}"#),
        JSONPatchCase(name: "A.3 remove object member", document: #"{"baz":"qux","foo":"bar"}"#,
                      patch: #"[{"op":"remove","path":"/baz"}]"#, result: #"{"foo":"bar"}"#),
        JSONPatchCase(name: "A.4 remove array element", document: #"{"foo":["bar","qux","baz"]}"#,
                      patch: #"[{"op":"remove","path":"/foo/1"}]"#, result: #"{"foo":["bar","baz"]}"#),
        JSONPatchCase(name: "A.5 replace value", document: #"{"baz":"qux","foo":"bar"}"#,
                      patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#, result: #"{"baz":"boo","foo":"bar"}"#),
        JSONPatchCase(name: "A.6 move value", document: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
                      patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
                      result: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        JSONPatchCase(name: "A.7 move array element", document: #"{"foo":["all","grass","cows","eat"]}"#,
                      patch: #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
                      result: #"{"foo":["all","cows","eat","grass"]}"#),
        JSONPatchCase(name: "A.8 test success", document: #"{"baz":"qux","foo":["a",2,"c"]}"#,
                      patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
                      result: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        JSONPatchCase(name: "A.9 test error", document: #"{"baz":"qux"}"#,
                      patch: #"[{"op":"test","path":"/baz","value":"bar"}]"#, result: nil),
        JSONPatchCase(name: "A.10 add nested member object", document: #"{"foo":"bar"}"#,
                      patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
                      result: #"{"foo":"bar","child":{"grandchild":{}}}"#),
        JSONPatchCase(name: "A.11 ignore unrecognized elements", document: #"{"foo":"bar"}"#,
                      patch: #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, result: #"{"foo":"bar","baz":"qux"}"#),
        JSONPatchCase(name: "A.12 add to nonexistent target", document: #"{"foo":"bar"}"#,
                      patch: #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, result: nil),
        JSONPatchCase(name: "A.14 ~ escape ordering", document: #"{"/":9,"~1":10}"#,
                      patch: #"[{"op":"test","path":"/~01","value":10}]"#, result: #"{"/":9,"~1":10}"#),
        JSONPatchCase(name: "A.15 strings are not numbers", document: #"{"/":9,"~1":10}"#,
                      patch: #"[{"op":"test","path":"/~01","value":"10"}]"#, result: nil),
        JSONPatchCase(name: "A.16 add an array value", document: #"{"foo":["bar"]}"#,
                      patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
                      result: #"{"foo":["bar",["abc","def"]]}"#),
        // Beyond the appendix.
        JSONPatchCase(name: "copy", document: #"{"a":{"b":1}}"#,
                      patch: #"[{"op":"copy","from":"/a","path":"/c"}]"#, result: #"{"a":{"b":1},"c":{"b":1}}"#),
        JSONPatchCase(name: "replace root", document: #"{"a":1}"#,
                      patch: #"[{"op":"replace","path":"","value":[1]}]"#, result: #"[1]"#),
        JSONPatchCase(name: "add null value", document: #"{}"#,
                      patch: #"[{"op":"add","path":"/a","value":null}]"#, result: #"{"a":null}"#),
        JSONPatchCase(name: "remove missing", document: #"{"a":1}"#,
                      patch: #"[{"op":"remove","path":"/b"}]"#, result: nil),
        JSONPatchCase(name: "replace missing", document: #"{"a":1}"#,
                      patch: #"[{"op":"replace","path":"/b","value":2}]"#, result: nil),
        JSONPatchCase(name: "add past the end", document: #"{"a":[1]}"#,
                      patch: #"[{"op":"add","path":"/a/2","value":2}]"#, result: nil),
        JSONPatchCase(name: "leading zero index", document: #"{"a":[1,2]}"#,
                      patch: #"[{"op":"remove","path":"/a/01"}]"#, result: nil),
        JSONPatchCase(name: "negative index counts from the end", document: #"{"a":[1,2,3]}"#,
                      patch: #"[{"op":"remove","path":"/a/-1"}]"#, result: #"{"a":[1,2]}"#),
        JSONPatchCase(name: "move into own child", document: #"{"a":{"b":{}}}"#,
                      patch: #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#, result: nil),
        JSONPatchCase(name: "test 1 equals 1.0", document: #"{"a":1}"#,
                      patch: #"[{"op":"test","path":"/a","value":1.0}]"#, result: #"{"a":1}"#),
        JSONPatchCase(name: "test object ignores key order", document: #"{"a":{"x":1,"y":[true,null]}}"#,
                      patch: #"[{"op":"test","path":"/a","value":{"y":[true,null],"x":1}}]"#,
                      result: #"{"a":{"x":1,"y":[true,null]}}"#),
        JSONPatchCase(name: "failed test undoes earlier ops", document: #"{"a":1}"#,
                      patch: #"[{"op":"replace","path":"/a","value":2},{"op":"test","path":"/a","value":1}]"#, result: nil),
        JSONPatchCase(name: "unknown op", document: #"{}"#, patch: #"[{"op":"frob","path":"/a"}]"#, result: nil),
        JSONPatchCase(name: "missing value", document: #"{}"#, patch: #"[{"op":"add","path":"/a"}]"#, result: nil),
        JSONPatchCase(name: "pointer without slash", document: #"{"a":1}"#,
                      patch: #"[{"op":"remove","path":"a"}]"#, result: nil),
        JSONPatchCase(name: "kube label with slash", document: #"{"metadata":{"labels":{}}}"#,
                      patch: #"[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]"#,
                      result: #"{"metadata":{"labels":{"app.kubernetes.io/name":"web"}}}"#),
    ]

    @Test(arguments: rfc6902)
    func table(_ c: JSONPatchCase) {
        do throws(PatchError) {
            let result = try JSONPatch.apply(pjson(c.patch), to: pjson(c.document))
            #expect(c.result != nil, "expected failure, got \(pcanon(result))")
            if let expected = c.result { #expect(pcanon(result) == pcanon(pjson(expected))) }
        } catch {
            #expect(c.result == nil, "unexpected \(error)")
            #expect(error.code == 422)
            #expect(error.reason == "Invalid")
            #expect(error.message == "the server rejected our request due to an error in our request")
            #expect(error.causes.isEmpty)
        }
    }

    @Test func failedTestKeepsDetail() {
        #expect(throws: PatchError.self) {
            try JSONPatch.apply(pjson(#"[{"op":"test","path":"/x","value":1}]"#), to: pjson(#"{"x":2}"#))
        }
        do throws(PatchError) {
            _ = try JSONPatch.apply(pjson(#"[{"op":"test","path":"/x","value":1}]"#), to: pjson(#"{"x":2}"#))
        } catch {
            #expect(error.detail == "testing value /x failed")
            #expect(error.status.code == 422)
            #expect(error.status.reason == "Invalid")
        }
    }

    @Test(arguments: [#"{"op":"add"}"#, #""x""#, #"[1]"#, #"[[]]"#])
    func undecodableBodyIsBadRequest(_ body: String) {
        do throws(PatchError) {
            _ = try JSONPatch.apply(pjson(body), to: pjson("{}"))
            Issue.record("expected 400")
        } catch {
            #expect(error.code == 400)
            #expect(error.reason == "BadRequest")
        }
    }

    @Test func typedOperationsFromKubeClient() throws {
        let result = try JSONPatch.apply(
            [.test("/spec/replicas", 1), .replace("/spec/replicas", 3), .add("/metadata/labels/x", "y"),
             .copy(from: "/metadata/labels/x", to: "/metadata/labels/z"), .remove("/metadata/labels/x")],
            to: pjson(#"{"metadata":{"labels":{}},"spec":{"replicas":1}}"#))
        #expect(pcanon(result) == pcanon(pjson(#"{"metadata":{"labels":{"z":"y"}},"spec":{"replicas":3}}"#)))
    }

    /// RFC 6901 §5.
    @Test func rfc6901Pointers() throws {
        let doc = pjson(#"{"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,"k\"l":6," ":7,"m~n":8}"#)
        let cases: [(String, String)] = [
            ("", pcanon(doc)), ("/foo", #"["bar","baz"]"#), ("/foo/0", #""bar""#), ("/", "0"), ("/a~1b", "1"),
            ("/c%d", "2"), ("/e^f", "3"), ("/g|h", "4"), ("/i\\j", "5"), ("/k\"l", "6"), ("/ ", "7"), ("/m~0n", "8"),
        ]
        for (pointer, expected) in cases {
            let value = try JSONPointer(parsing: pointer).resolve(in: doc)
            #expect(value.map(pcanon) == expected, "pointer \(pointer)")
        }
        #expect(try JSONPointer(parsing: "/a~1b/m~0n").tokens == ["a/b", "m~n"])
        #expect(JSONPointer(tokens: ["a/b", "m~n"]).description == "/a~1b/m~0n")
        #expect(try JSONPointer(parsing: "/foo/2").resolve(in: doc) == JSONValue?.none)
    }
}

@Suite struct PatchErrorToAPIErrorTests {
    @Test func failedPatchAnswersWithItsStatusButNotItsDetail() {
        let patchError = PatchError(code: 422, reason: "Invalid",
                                    message: "the server rejected our request due to an error in our request",
                                    detail: "testing value /metadata/resourceVersion failed")
        let apiError = APIError(patchError)
        #expect(apiError.status.code == 422)
        #expect(apiError.status.reason == "Invalid")
        #expect(apiError.status.message == "the server rejected our request due to an error in our request")
    }

    @Test func strategicMergeOnACustomResourceIs415() {
        let status = APIError(PatchError.unsupportedMediaType()).status
        #expect(status.code == 415)
        #expect(status.reason == "UnsupportedMediaType")
        #expect(status.message?.contains("application/merge-patch+json") == true)
    }
}
