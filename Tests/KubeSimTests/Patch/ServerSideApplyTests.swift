import Foundation
import KubeClient
import Testing
@testable import KubeSim

@Suite struct ServerSideApplyTests {
    let ssa = ServerSideApply()
    let t0 = Date(timeIntervalSince1970: 1_714_557_600)  // 2024-05-01T10:00:00Z
    let t1 = Date(timeIntervalSince1970: 1_714_557_660)

    func config(replicas: Int? = 3, image: String = "nginx:1.25", extra: String = "") -> JSONValue {
        let replicasField = replicas.map { #""replicas":\#($0),"# } ?? ""
        return pjson(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
         "spec":{\#(replicasField)"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"\#(image)","ports":[{"containerPort":80}]}]}}\#(extra)}}
        """#)
    }

    func entries(_ object: JSONValue) throws -> [ManagedFieldsEntry] { try ServerSideApply.managedFields(of: object) }

    func entry(_ object: JSONValue, _ manager: String) throws -> ManagedFieldsEntry? {
        try entries(object).first { $0.manager == manager }
    }

    func conflict(_ body: () throws(PatchError) -> Void) -> PatchError? {
        do throws(PatchError) {
            try body()
            return nil
        } catch { return error }
    }

    /// What `kubectl apply --server-side` records for this Deployment.
    @Test func createsAndEncodesManagedFieldsLikeKube() throws {
        let result = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0)
        #expect(result.created)
        let object = result.object
        #expect(object["spec"]?["replicas"] == 3)
        #expect(object["metadata"]?["name"] == "web")
        let managed = try #require(object["metadata"]?["managedFields"]?.arrayValue)
        #expect(managed.count == 1)
        let expected = pjson(#"""
        {"apiVersion":"apps/v1","fieldsType":"FieldsV1","manager":"kubectl","operation":"Apply","time":"2024-05-01T10:00:00Z",
         "fieldsV1":{
          "f:metadata":{"f:labels":{"f:app":{}}},
          "f:spec":{
           "f:replicas":{},
           "f:selector":{},
           "f:template":{
            "f:metadata":{"f:labels":{"f:app":{}}},
            "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{
              ".":{},"f:image":{},"f:name":{},
              "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}}
        """#)
        #expect(pcanon(managed[0]) == pcanon(expected))
    }

    @Test func reapplyingIsStable() throws {
        let first = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        let second = try ssa.apply(current: first, config: config(), manager: "kubectl", now: t0)
        #expect(!second.created)
        #expect(pcanon(second.object) == pcanon(first))
    }

    @Test func conflictThenForce() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        let error = conflict { () throws(PatchError) in
            _ = try ssa.apply(current: live, config: config(replicas: 5), manager: "sluice", now: t1)
        }
        let e = try #require(error)
        #expect(e.code == 409)
        #expect(e.reason == "Conflict")
        #expect(e.message == #"Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas"#)
        #expect(e.causes == [Status.Cause(reason: "FieldManagerConflict", message: #"conflict with "kubectl""#,
                                          field: ".spec.replicas")])
        #expect(e.status.details?.causes?.count == 1)

        // Force: sluice takes .spec.replicas over; kubectl keeps the rest.
        let forced = try ssa.apply(current: live, config: config(replicas: 5), manager: "sluice", force: true, now: t1).object
        #expect(forced["spec"]?["replicas"] == 5)
        #expect(try entry(forced, "kubectl")?.fields.contains([.field("spec"), .field("replicas")]) == false)
        #expect(try entry(forced, "kubectl")?.fields.contains([.field("spec"), .field("selector")]) == true)
        #expect(try entry(forced, "sluice")?.fields.contains([.field("spec"), .field("replicas")]) == true)
        #expect(try entries(forced).map(\.manager) == ["kubectl", "sluice"])

        // Now kubectl is the one in conflict.
        let back = conflict { () throws(PatchError) in
            _ = try ssa.apply(current: forced, config: config(replicas: 3), manager: "kubectl", now: t1)
        }
        #expect(back?.message == #"Apply failed with 1 conflict: conflict with "sluice": .spec.replicas"#)
    }

    @Test func sameValueIsSharedNotConflicting() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        let shared = try ssa.apply(current: live, config: config(), manager: "sluice", now: t1).object
        let replicas: FieldPath = [.field("spec"), .field("replicas")]
        #expect(try entry(shared, "kubectl")?.fields.contains(replicas) == true)
        #expect(try entry(shared, "sluice")?.fields.contains(replicas) == true)
        // kubectl drops replicas: sluice still owns it, so it stays.
        let dropped = try ssa.apply(current: shared, config: config(replicas: nil), manager: "kubectl", now: t1).object
        #expect(dropped["spec"]?["replicas"] == 3)
        #expect(try entry(dropped, "kubectl")?.fields.contains(replicas) == false)
    }

    @Test func omittingAFieldRemovesIt() throws {
        let live = try ssa.apply(current: nil, config: config(extra: #","paused":true"#), manager: "kubectl", now: t0).object
        #expect(live["spec"]?["paused"] == true)
        let next = try ssa.apply(current: live, config: config(), manager: "kubectl", now: t1).object
        #expect(next["spec"]?["paused"] == JSONValue?.none)
        #expect(next["spec"]?["replicas"] == 3)
        #expect(try entry(next, "kubectl")?.time == "2024-05-01T10:01:00Z")
    }

    @Test func containersMergeByKeyAcrossManagers() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        let sidecar = pjson(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1"}]}}}}
        """#)
        let both = try ssa.apply(current: live, config: sidecar, manager: "injector", now: t1).object
        let names = both["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["web", "proxy"])
        // The injector changing the web container's image conflicts with kubectl.
        let clash = pjson(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1"},{"name":"web","image":"nginx:2"}]}}}}
        """#)
        let error = conflict { () throws(PatchError) in
            _ = try ssa.apply(current: both, config: clash, manager: "injector", now: t1)
        }
        #expect(error?.causes.first?.field == #".spec.template.spec.containers[name="web"].image"#)
        // Removing its container: only the injector's container goes.
        let withoutSidecar = pjson(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"}}
        """#)
        let after = try ssa.apply(current: both, config: withoutSidecar, manager: "injector", now: t1).object
        let remaining = after["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(remaining == ["web"])
        #expect(try entry(after, "injector") == nil)
    }

    @Test func updateThenApplyConflicts() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        // A controller scales with an ordinary update (PUT or patch).
        var scaled = live
        scaled["spec"]?["replicas"] = 10
        let updated = try ssa.update(old: live, new: scaled, manager: "kube-controller-manager", now: t1)
        let controller = try #require(try entry(updated, "kube-controller-manager"))
        #expect(controller.operation == .update)
        #expect(controller.fields == FieldSet([[.field("spec"), .field("replicas")]]))
        #expect(try entry(updated, "kubectl")?.fields.contains([.field("spec"), .field("replicas")]) == false)
        #expect(pcanon(controller.json) == pcanon(pjson(#"""
            {"apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},
             "manager":"kube-controller-manager","operation":"Update","time":"2024-05-01T10:01:00Z"}
            """#)))
        // Apply entries sort before Update entries.
        #expect(try entries(updated).map(\.operation) == [.apply, .update])

        let error = conflict { () throws(PatchError) in
            _ = try ssa.apply(current: updated, config: config(replicas: 3), manager: "kubectl", now: t1)
        }
        #expect(error?.message == #"Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas"#)
        #expect(error?.causes.first?.message == #"conflict with "kube-controller-manager" using apps/v1"#)

        // Applying without replicas leaves the controller's value alone.
        let calm = try ssa.apply(current: updated, config: config(replicas: nil), manager: "kubectl", now: t1).object
        #expect(calm["spec"]?["replicas"] == 10)
    }

    @Test func updateOnCreateOwnsWhatItSet() throws {
        let created = try ssa.update(old: nil, new: pjson(#"""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}}
            """#), manager: "kubectl-create", now: t0)
        let fields = try #require(try entry(created, "kubectl-create")).fields
        // kube: f:data and f:labels did not exist before, so they carry ".".
        #expect(pcanon(fields.fieldsV1) == pcanon(pjson(#"{"f:data":{".":{},"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:a":{}}}}"#)))
        // A later update removing the label takes it out of the set.
        var edited = created
        edited["metadata"]?["labels"] = nil
        let after = try ssa.update(old: created, new: edited, manager: "kubectl-create", now: t1)
        #expect(try entry(after, "kubectl-create")?.fields.containsPrefix([.field("metadata")]) == false)
    }

    @Test func multipleConflictsMessage() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        let error = conflict { () throws(PatchError) in
            _ = try ssa.apply(current: live, config: config(replicas: 4, image: "nginx:2"), manager: "sluice", now: t1)
        }
        #expect(error?.message == """
            Apply failed with 2 conflicts: conflicts with "kubectl"
            - .spec.replicas
            - .spec.template.spec.containers[name="web"].image
            """)
        #expect(error?.causes.count == 2)
    }

    @Test func finalizersAreASet() throws {
        let a = pjson(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a.io/x"]}}"#)
        let b = pjson(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["b.io/y"]}}"#)
        let first = try ssa.apply(current: nil, config: a, manager: "one", now: t0).object
        let second = try ssa.apply(current: first, config: b, manager: "two", now: t0).object
        #expect(second["metadata"]?["finalizers"] == ["a.io/x", "b.io/y"])
        #expect(pcanon(try #require(try entry(second, "two")).fields.fieldsV1)
            == pcanon(pjson(#"{"f:metadata":{"f:finalizers":{"v:\"b.io/y\"":{}}}}"#)))
        let released = try ssa.apply(current: second, config: pjson(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#),
                                     manager: "one", now: t0).object
        #expect(released["metadata"]?["finalizers"] == ["b.io/y"])
    }

    @Test func customResourceListsAreAtomic() throws {
        let cr = pjson(#"{"apiVersion":"sluice.dev/v1","kind":"Rollout","metadata":{"name":"r"},"spec":{"steps":[{"weight":10}]}}"#)
        let set = try ssa.fieldSet(of: cr)
        #expect(set == FieldSet([[.field("spec"), .field("steps")]]))
    }

    @Test func badConfigurations() {
        func code(_ text: String) -> Int? {
            do throws(PatchError) {
                _ = try ssa.apply(current: nil, config: pjson(text), manager: "m", now: t0)
                return nil
            } catch { return error.code }
        }
        #expect(code(#"{"metadata":{"name":"x"}}"#) == 400)
        #expect(code(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","managedFields":[]}}"#) == 400)
        #expect(code(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"image":"x"}]}}"#) == 422)
    }

    @Test func resetFieldsAreNeitherAppliedNorOwned() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        var withStatus = live
        withStatus["status"] = ["replicas": 1]
        let applied = try ssa.apply(current: withStatus, config: config(extra: "").withTestStatus(["replicas": 9]),
                                    manager: "kubectl", resetFields: ["status"], now: t1).object
        #expect(applied["status"]?["replicas"] == 1)
        #expect(try entry(applied, "kubectl")?.fields.containsPrefix([.field("status")]) == false)
    }

    @Test func updateEntriesAreKeyedBySubresource() throws {
        let live = try ssa.apply(current: nil, config: config(), manager: "kubectl", now: t0).object
        var next = live
        next["status"] = ["readyReplicas": 3]
        let updated = try ssa.update(old: live, new: next, manager: "kube-controller-manager", subresource: "status", now: t1)
        let status = try #require(try entry(updated, "kube-controller-manager"))
        #expect(status.subresource == "status")
        #expect(status.json["subresource"] == "status")
        #expect(status.fields.contains([.field("status"), .field("readyReplicas")]))
    }

    @Test func fieldSetRoundTrip() throws {
        let text = #"{"f:metadata":{"f:labels":{".":{},"f:a":{}}},"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}}}"#
        let set = try FieldSet(fieldsV1: pjson(text))
        #expect(pcanon(set.fieldsV1) == pcanon(pjson(text)))
        #expect(set.paths.map(\.pathString) == [
            ".metadata.labels", ".metadata.labels.a",
            #".spec.ports[port=80,protocol="TCP"]"#, #".spec.ports[port=80,protocol="TCP"].port"#,
        ])
        #expect(FieldPathElement(parsing: #"k:{"protocol":"TCP","port":80}"#) == .key(["port": 80, "protocol": "TCP"]))
    }
}

extension JSONValue {
    func withTestStatus(_ status: JSONValue) -> JSONValue {
        var copy = self
        copy["status"] = status
        return copy
    }
}
