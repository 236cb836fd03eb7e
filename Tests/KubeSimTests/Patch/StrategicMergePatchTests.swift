import KubeClient
import Testing
@testable import KubeSim

struct SMPCase: Sendable, CustomTestStringConvertible {
    let name: String
    let original: String
    let patch: String
    let result: String
    var testDescription: String { name }
}

/// A Deployment with `spec.template.spec` set to `podSpec` (JSON text).
func smpDeployment(_ podSpec: String, extra: String = "") -> String {
    #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"\#(extra)},"spec":{"template":{"spec":\#(podSpec)}}}"#
}

func smpDeploymentPatch(_ podSpec: String) -> String { #"{"spec":{"template":{"spec":\#(podSpec)}}}"# }

@Suite struct StrategicMergePatchTests {
    static let cases: [SMPCase] = [
        SMPCase(name: "containers merge by name",
                original: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"b","image":"b:2"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}"#)),
        // kube's mergeSortedSlice puts patch-only elements ahead of server-only ones that do
        // not precede a patched element in the live list (kubectl patch docs show the same).
        SMPCase(name: "new container goes first",
                original: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"sidecar","image":"s:1"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"sidecar","image":"s:1"},{"name":"a","image":"a:1"}]}"#)),
        SMPCase(name: "new container after a patched existing one",
                original: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"},{"name":"b"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","image":"a:2"},{"name":"sidecar"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","image":"a:2"},{"name":"sidecar"},{"name":"b"}]}"#)),
        SMPCase(name: "patch order wins over server order",
                original: smpDeployment(#"{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"d"},{"name":"a","image":"x"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"d"},{"name":"a","image":"x"},{"name":"b"},{"name":"c"}]}"#)),
        SMPCase(name: "initContainers merge by name",
                original: smpDeployment(#"{"initContainers":[{"name":"i","image":"i:1"}]}"#),
                patch: smpDeploymentPatch(#"{"initContainers":[{"name":"i","image":"i:2"}]}"#),
                result: smpDeployment(#"{"initContainers":[{"name":"i","image":"i:2"}]}"#)),
        SMPCase(name: "$patch delete removes a container",
                original: smpDeployment(#"{"containers":[{"name":"a"},{"name":"b"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","$patch":"delete"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"b"}]}"#)),
        SMPCase(name: "$patch replace replaces the list",
                original: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"},{"name":"b"}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","image":"a:2"},{"$patch":"replace"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","image":"a:2"}]}"#)),
        SMPCase(name: "$patch replace in a map",
                original: smpDeployment(#"{"containers":[{"name":"a","resources":{"limits":{"cpu":"1"},"requests":{"cpu":"1"}}}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","resources":{"$patch":"replace","limits":{"memory":"1Gi"}}}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","resources":{"limits":{"memory":"1Gi"}}}]}"#)),
        SMPCase(name: "$patch delete in a map empties it",
                original: smpDeployment(#"{"nodeSelector":{"a":"1"}}"#),
                patch: smpDeploymentPatch(#"{"nodeSelector":{"$patch":"delete"}}"#),
                result: smpDeployment(#"{"nodeSelector":{}}"#)),
        SMPCase(name: "env, ports and volumeMounts merge by key",
                original: smpDeployment(#"{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}],"ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"mountPath":"/data","name":"d"}]}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","env":[{"name":"Y","value":"3"},{"name":"Z","value":"4"}],"ports":[{"containerPort":80,"name":"web"},{"containerPort":9090}],"volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"3"},{"name":"Z","value":"4"}],"ports":[{"containerPort":80,"name":"web"},{"containerPort":9090}],"volumeMounts":[{"mountPath":"/data","name":"d","readOnly":true}]}]}"#)),
        SMPCase(name: "null deletes inside a keyed element",
                original: smpDeployment(#"{"containers":[{"name":"a","image":"a:1","command":["x"]}]}"#),
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","command":null}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"a","image":"a:1"}]}"#)),
        SMPCase(name: "volumes merge by name",
                original: smpDeployment(#"{"volumes":[{"name":"v1","emptyDir":{}},{"name":"v2","emptyDir":{}}]}"#),
                patch: smpDeploymentPatch(#"{"volumes":[{"name":"v2","configMap":{"name":"cm"}}]}"#),
                result: smpDeployment(#"{"volumes":[{"name":"v1","emptyDir":{}},{"name":"v2","emptyDir":{},"configMap":{"name":"cm"}}]}"#)),
        SMPCase(name: "tolerations and args replace",
                original: smpDeployment(#"{"tolerations":[{"key":"a"}],"containers":[{"name":"a","args":["1","2"]}]}"#),
                patch: smpDeploymentPatch(#"{"tolerations":[{"key":"b"}],"containers":[{"name":"a","args":["3"]}]}"#),
                result: smpDeployment(#"{"tolerations":[{"key":"b"}],"containers":[{"name":"a","args":["3"]}]}"#)),
        SMPCase(name: "$setElementOrder orders containers",
                original: smpDeployment(#"{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}"#),
                patch: smpDeploymentPatch(#"{"$setElementOrder/containers":[{"name":"c"},{"name":"b"},{"name":"a"}],"containers":[{"name":"b","image":"x"}]}"#),
                result: smpDeployment(#"{"containers":[{"name":"c"},{"name":"b","image":"x"},{"name":"a"}]}"#)),
        SMPCase(name: "finalizers merge as a set",
                original: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"finalizers":["a","b"]}}"#,
                patch: #"{"metadata":{"finalizers":["b","c"]}}"#,
                result: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"finalizers":["a","b","c"]}}"#),
        SMPCase(name: "$deleteFromPrimitiveList removes finalizers",
                original: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"finalizers":["a","b","c"]}}"#,
                patch: #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a","c"]}}"#,
                result: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"finalizers":["b"]}}"#),
        SMPCase(name: "$deleteFromPrimitiveList of the last finalizer drops the list",
                original: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"finalizers":["a"]}}"#,
                patch: #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
                result: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#),
        SMPCase(name: "ownerReferences merge by uid",
                original: #"{"apiVersion":"v1","kind":"Pod","metadata":{"ownerReferences":[{"uid":"1","name":"a"}]}}"#,
                patch: #"{"metadata":{"ownerReferences":[{"uid":"2","name":"b"},{"uid":"1","controller":true}]}}"#,
                result: #"{"apiVersion":"v1","kind":"Pod","metadata":{"ownerReferences":[{"uid":"2","name":"b"},{"uid":"1","name":"a","controller":true}]}}"#),
        SMPCase(name: "Service ports merge by port",
                original: #"{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}"#,
                patch: #"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#,
                result: #"{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":80,"targetPort":9090},{"port":443}]}}"#),
        SMPCase(name: "Pod containers merge at spec.containers",
                original: #"{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","image":"1"},{"name":"b"}]}}"#,
                patch: #"{"spec":{"containers":[{"name":"a","image":"2"}]}}"#,
                result: #"{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","image":"2"},{"name":"b"}]}}"#),
        SMPCase(name: "CronJob pod template",
                original: #"{"apiVersion":"batch/v1","kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}}}}"#,
                patch: #"{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"x"}]}}}}}}"#,
                result: #"{"apiVersion":"batch/v1","kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b","image":"x"}]}}}}}}"#),
        SMPCase(name: "maps merge, null deletes, scalars replace",
                original: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"a":"1","b":"2"}},"spec":{"replicas":1}}"#,
                patch: #"{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"replicas":5,"paused":true}}"#,
                result: #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"b":"2","c":"3"}},"spec":{"replicas":5,"paused":true}}"#),
        SMPCase(name: "$retainKeys drops unlisted keys",
                original: #"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
                patch: #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
                result: #"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"type":"Recreate"}}}"#),
        SMPCase(name: "directives in new subtrees are resolved",
                original: #"{"apiVersion":"apps/v1","kind":"Deployment","spec":{}}"#,
                patch: smpDeploymentPatch(#"{"containers":[{"name":"a","env":[{"name":"X","value":"1"}],"command":null}]}"#),
                result: #"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"}]}]}}}}"#),
    ]

    @Test(arguments: cases)
    func table(_ c: SMPCase) throws {
        let result = try StrategicMergePatch().apply(pjson(c.patch), to: pjson(c.original))
        #expect(pcanon(result) == pcanon(pjson(c.result)))
    }

    @Test func customResourcesAre415() {
        #expect(!StrategicMergePatch.supports(apiVersion: "sluice.dev/v1alpha1", kind: "Rollout"))
        #expect(StrategicMergePatch.supports(apiVersion: "apps/v1", kind: "Deployment"))
        #expect(StrategicMergePatch.supports(apiVersion: "v1", kind: "Service"))
        do throws(PatchError) {
            _ = try StrategicMergePatch().apply(pjson(#"{"spec":{}}"#),
                                                to: pjson(#"{"apiVersion":"sluice.dev/v1alpha1","kind":"Rollout"}"#))
            Issue.record("expected 415")
        } catch {
            #expect(error.code == 415)
            #expect(error.reason == "UnsupportedMediaType")
            #expect(error.message.hasPrefix("the body of the request was in an unknown format - accepted media types include: "))
        }
    }

    @Test func errors() {
        func code(_ patch: String) -> Int? {
            do throws(PatchError) {
                _ = try StrategicMergePatch().apply(pjson(patch), to: pjson(smpDeployment(#"{"containers":[{"name":"a"}]}"#)))
                return nil
            } catch { return error.code }
        }
        #expect(code("[1]") == 400)
        #expect(code(smpDeploymentPatch(#"{"containers":[{"image":"x"}]}"#)) == 500)  // no merge key
        #expect(code(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}"#) == 400)
        #expect(code(smpDeploymentPatch(#"{"$setElementOrder/containers":{}}"#)) == 400)
        #expect(code(#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}}"#) == 422)
    }

    @Test func tableIsExtensible() throws {
        let table = MergeStrategyTable.builtin.adding(kind: "Deployment", ["spec.template.spec.tolerations": .keyed("key")])
        let result = try StrategicMergePatch(table: table).apply(
            pjson(smpDeploymentPatch(#"{"tolerations":[{"key":"b"}]}"#)),
            to: pjson(smpDeployment(#"{"tolerations":[{"key":"a"}]}"#)))
        #expect(pcanon(result) == pcanon(pjson(smpDeployment(#"{"tolerations":[{"key":"b"},{"key":"a"}]}"#))))
        #expect(MergeStrategyTable.builtin.strategy(kind: "Deployment", path: "spec.template.spec.containers[].env") == .keyed("name"))
        #expect(MergeStrategyTable.builtin.strategy(kind: "Rollout", path: "metadata.finalizers", builtinKind: false) == .set)
    }
}
