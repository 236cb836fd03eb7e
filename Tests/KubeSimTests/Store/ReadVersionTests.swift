import KubeClient
import Testing
@testable import KubeSim

@Suite struct ReadVersionTests {
    @Test func parsing() throws {
        #expect(try ReadVersion.parse(resourceVersion: nil, match: nil) == .mostRecent)
        #expect(try ReadVersion.parse(resourceVersion: "0", match: nil) == .any)
        #expect(try ReadVersion.parse(resourceVersion: "12", match: nil) == .notOlderThan(12))
        #expect(try ReadVersion.parse(resourceVersion: "12", match: "NotOlderThan") == .notOlderThan(12))
        #expect(try ReadVersion.parse(resourceVersion: "12", match: "Exact") == .exact(12))

        func error(_ version: String?, _ match: String?, continue: Bool = false, watch: Bool = false) -> APIError? {
            apiError { _ = try ReadVersion.parse(resourceVersion: version, match: match, hasContinue: `continue`, isWatch: watch) }
        }
        #expect(error("abc", nil)?.code == 400)
        #expect(error("5", nil, continue: true)?.message == "specifying resource version is not allowed when using continue")
        let noVersion = error(nil, "Exact")
        #expect(noVersion?.code == 422)
        #expect(noVersion?.message == #"ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"#)
        #expect(error("0", "Exact")?.status.details?.causes?.first?.message?.contains(#"resourceVersionMatch "exact" is forbidden for resourceVersion "0""#) == true)
        #expect(error("3", "Newest")?.status.details?.causes?.first?.reason == "FieldValueNotSupported")
        #expect(error("3", "Exact", watch: true)?.code == 422)
    }

    @Test func exactListsReadThePast() throws {
        let store = makeStore()
        let a = try store.create(.configMaps, configMap("a"))
        _ = try store.create(.configMaps, configMap("b"))
        _ = try store.delete(.configMaps, namespace: "default", name: "a")
        let atA = try store.list(.configMaps, read: .exact(Int64(a.rv)!))
        #expect(atA.items.map(\.name) == ["a"])
        #expect(atA.resourceVersion == a.rv)
        let now = try store.list(.configMaps, read: .notOlderThan(Int64(a.rv)!))
        #expect(now.items.map(\.name) == ["b"])
        #expect(now.resourceVersion == store.currentResourceVersion)
        // Paging an exact list stays at that version.
        _ = try store.create(.configMaps, configMap("c"))
        let page = try store.list(.configMaps, limit: 1, read: .exact(Int64(a.rv)! + 1))
        #expect(page.items.map(\.name) == ["a"])
        let rest = try store.list(.configMaps, limit: 1, continue: page.continueToken)
        #expect(rest.items.map(\.name) == ["b"])
        #expect(rest.continueToken == nil)
    }

    @Test func versionsOutOfReach() throws {
        let store = makeStore(historyCapacity: 2)
        for index in 0..<5 { _ = try store.create(.configMaps, configMap("c\(index)")) }
        let current = Int64(store.currentResourceVersion)!
        let tooNew = try #require(apiError { _ = try store.list(.configMaps, read: .notOlderThan(current + 10)) })
        #expect(tooNew.code == 504)
        #expect(tooNew.reason == "Timeout")
        #expect(tooNew.message == "Timeout: Too large resource version: \(current + 10), current: \(current)")
        #expect(tooNew.status.details?.causes?.first?.reason == "ResourceVersionTooLarge")
        #expect(tooNew.status.details?.retryAfterSeconds == 1)
        #expect(apiError { _ = try store.list(.configMaps, read: .exact(current + 1)) }?.code == 504)
        #expect(apiError { _ = try store.get(.configMaps, namespace: "default", name: "c0", read: .notOlderThan(current + 1)) }?.code == 504)
        let expired = try #require(apiError { _ = try store.list(.configMaps, read: .exact(2)) })
        #expect(expired.code == 410)
        #expect(expired.reason == "Expired")
        #expect(expired.message == "The resourceVersion for the provided list is too old.")
        #expect(try store.list(.configMaps, read: .any).items.count == 5)
        #expect(try store.get(.configMaps, namespace: "default", name: "c0", read: .notOlderThan(current)).name == "c0")
    }
}
