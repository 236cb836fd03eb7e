import KubeClient
import Testing
@testable import KubeSim

@Suite struct LabelSelectorTests {
    static let labels = ["app": "web", "tier": "frontend", "version": "3"]

    @Test(arguments: [
        ("", true),
        ("app=web", true),
        ("app==web", true),
        ("app=api", false),
        ("app!=api", true),
        ("app!=web", false),
        ("missing!=x", true),
        ("app in (web,api)", true),
        ("app in (api)", false),
        ("app notin (api)", true),
        ("app notin (web, api)", false),
        ("missing notin (x)", true),
        ("missing in (x)", false),
        ("app", true),
        ("missing", false),
        ("!missing", true),
        ("!app", false),
        ("app=web,tier=frontend", true),
        ("app=web,tier=backend", false),
        ("  app = web , tier in ( frontend ) ", true),
        ("version>2", true),
        ("version<3", false),
        ("missing in ()", false),
        ("example.com/role", false),
    ])
    func matches(selector: String, expected: Bool) throws {
        let parsed = try LabelSelector(parsing: selector)
        #expect(parsed.matches(Self.labels) == expected, "\(selector)")
    }

    @Test(arguments: [
        "app=",  // empty value is fine: matches app == ""
        "a=b,c",
        "example.com/name in (a,b)",
    ])
    func parsesValid(selector: String) throws {
        _ = try LabelSelector(parsing: selector)
    }

    @Test func emptyValueMatchesEmptyLabel() throws {
        let selector = try LabelSelector(parsing: "app=")
        #expect(selector.matches(["app": ""]))
        #expect(!selector.matches(["app": "x"]))
    }

    @Test(arguments: [
        ("app in x", "found 'x', expected: '('"),
        ("app in (a", "found 'EOS', expected: ',', ')' or identifier"),
        ("=x", "found '=', expected: identifier"),
        ("app=web,", "found 'EOS', expected: identifier after ','"),
        ("app=web extra", "found 'extra', expected: ',' or 'end of string'"),
        ("app (", "found '(', expected: in, notin, =, ==, !=, gt, lt"),
        ("a b=c", "found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("version>x", "the value must be an integer"),
        ("-bad=x", "invalid label key \"-bad\""),
        ("app=bad value!", "found 'value', expected: ',' or 'end of string'"),
        ("app=-x-", "invalid label value: \"-x-\""),
    ])
    func rejects(selector: String, fragment: String) {
        let error = apiError { _ = try LabelSelector(parsing: selector) }
        #expect(error?.code == 400)
        #expect(error?.reason == "BadRequest")
        #expect(error?.message.hasPrefix("unable to parse requirement: ") == true)
        #expect(error?.message.contains(fragment) == true, "\(selector): \(error?.message ?? "no error")")
    }

    @Test func fromLabelSelectorObject() throws {
        let selector = try LabelSelector(json: [
            "matchLabels": ["app": "web"],
            "matchExpressions": [["key": "tier", "operator": "In", "values": ["frontend", "edge"]]],
        ])
        #expect(selector.matches(Self.labels))
        #expect(!selector.matches(["app": "web"]))
    }
}

@Suite struct FieldSelectorTests {
    static let object: JSONValue = ["metadata": ["name": "a", "namespace": "ns1"], "status": ["phase": "Running"]]

    @Test(arguments: [
        ("", true),
        ("metadata.name=a", true),
        ("metadata.name==a", true),
        ("metadata.name!=a", false),
        ("metadata.name=b", false),
        ("metadata.name=a,metadata.namespace=ns1", true),
        ("metadata.name=a,metadata.namespace!=ns1", false),
        ("status.phase=Running", true),
    ])
    func matches(selector: String, expected: Bool) throws {
        #expect(try FieldSelector(parsing: selector).matches(object: Self.object) == expected)
    }

    @Test func escapedValues() throws {
        let selector = try FieldSelector(parsing: #"metadata.name=a\,b\=c"#)
        #expect(selector.requirements == [.init(field: "metadata.name", value: "a,b=c")])
    }

    @Test func syntaxError() {
        let error = apiError { _ = try FieldSelector(parsing: "metadata.name") }
        #expect(error?.code == 400)
        #expect(error?.message == "invalid selector: 'metadata.name'; can't understand 'metadata.name'")
    }

    @Test func unsupportedFieldIsBadRequest() {
        let store = makeStore()
        let error = apiError {
            _ = try store.list(.configMaps, fieldSelector: try FieldSelector(parsing: "spec.foo=bar"))
        }
        #expect(error?.code == 400)
        #expect(error?.reason == "BadRequest")
        #expect(error?.message == "field label not supported: spec.foo")
    }

    @Test func resourceSpecificFields() throws {
        let store = makeStore()
        _ = try store.create(.pods, ["metadata": ["name": "p", "namespace": "default"], "spec": ["nodeName": "n1"]])
        let hits = try store.list(.pods, fieldSelector: try FieldSelector(parsing: "spec.nodeName=n1"))
        #expect(hits.items.count == 1)
        let misses = try store.list(.pods, fieldSelector: try FieldSelector(parsing: "spec.nodeName=n2"))
        #expect(misses.items.isEmpty)
    }
}
