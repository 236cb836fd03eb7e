import Foundation
import KubeClient
import SluiceAPI
import Testing
@testable import RolloutCore

@Suite("Pod template hash")
struct PodTemplateHashTests {
    @Test(arguments: [("", UInt32(0x811c_9dc5)), ("a", 0xe40c_292c), ("foobar", 0xbf9c_f968)])
    func fnv1aMatchesTheReferenceVectors(text: String, expected: UInt32) {
        var hasher = FNV1a32()
        hasher.write(Array(text.utf8))
        #expect(hasher.value == expected)
    }

    @Test func safeEncodingMapsEachByteOntoTheAlphabetWithoutVowels() {
        // '0' is byte 48: 48 % 27 = 21 -> '4'; '9' is 57: 57 % 27 = 3 -> 'f'.
        #expect(SafeEncoding.encode("09") == "4f")
        let encoded = SafeEncoding.encode(String(UInt32.max))
        #expect(encoded.count == 10)
        #expect(encoded.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }

    @Test func theHashIsTheSafeEncodingOfTheFNVSumOfTheSortedKeyJSON() throws {
        let template = podTemplate(image: "web:v1")
        let json = String(decoding: try KubeJSON.encode(template), as: UTF8.self)
        #expect(json == #"{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"web:v1","name":"web"}]}}"#)
        var hasher = FNV1a32()
        hasher.write(Array(json.utf8))
        #expect(podTemplateHash(template) == SafeEncoding.encode(String(hasher.value)))
    }

    @Test func sameTemplateSameHashWhateverTheKeyOrderItWasWrittenIn() throws {
        let one = try JSONDecoder().decode(PodTemplateSpec.self, from: Data(
            #"{"spec":{"containers":[{"name":"web","image":"web:v1","ports":[{"containerPort":80}]}]},"metadata":{"labels":{"tier":"a","app":"web"}}}"#.utf8))
        let two = try JSONDecoder().decode(PodTemplateSpec.self, from: Data(
            #"{"metadata":{"labels":{"app":"web","tier":"a"}},"spec":{"containers":[{"ports":[{"containerPort":80}],"image":"web:v1","name":"web"}]}}"#.utf8))
        #expect(podTemplateHash(one) == podTemplateHash(two))
        #expect(podTemplateHash(one) == podTemplateHash(one))
    }

    @Test func anyChangeToTheTemplateChangesTheHash() {
        let base = podTemplate(image: "web:v1")
        var labelled = base
        labelled.metadata?.labels?["tier"] = "a"
        let hashes = [base, podTemplate(image: "web:v2"), labelled].map { podTemplateHash($0) }
        #expect(Set(hashes).count == 3)
    }

    @Test func theCollisionCountTellsApartTemplatesThatHashAlike() {
        let template = podTemplate(image: "web:v1")
        #expect(podTemplateHash(template, collisionCount: 1) != podTemplateHash(template))
        #expect(podTemplateHash(template, collisionCount: 1) != podTemplateHash(template, collisionCount: 2))
        #expect(podTemplateHash(template, collisionCount: 1) == podTemplateHash(template, collisionCount: 1))
    }

    @Test func aPinnedTemplateKeepsItsHashAcrossReleases() {
        // If this changes, every running Rollout would see a "new" template after an upgrade.
        #expect(podTemplateHash(podTemplate(image: "web:v1")) == "65fb57dd7d")
    }
}

@Suite("Phase for controller and CLI")
struct PhaseTests {
    @Test func aRolloutTheControllerHasNotSeenIsProgressing() {
        var rollout = canaryRollout(steps: [])
        #expect(phase(of: rollout).phase == .progressing)
        var status = RolloutStatus()
        status.phase = .healthy
        status.message = "ok"
        status.observedGeneration = 1
        rollout.status = status
        #expect(phase(of: rollout) == RolloutPhaseSummary(phase: .healthy, message: "ok"))
        rollout.metadata.generation = 2
        #expect(phase(of: rollout) == RolloutPhaseSummary(phase: .progressing, message: "waiting for the controller to observe generation 2"))
        #expect(!phase(of: rollout).isFinal)
    }

    @Test func thePhaseTheControllerWritesIsThePhaseTheCLIShows() {
        var cluster = FakeCluster(canaryRollout(steps: [.weight(10), .pause()]))
        cluster.settle()
        #expect(phase(of: cluster.rollout).phase == .healthy)
        cluster.deploy(image: "web:v2")
        #expect(phase(of: cluster.rollout).phase == .progressing)
        cluster.settle()
        #expect(phase(of: cluster.rollout).phase == .paused)
        cluster.rollout.status?.abort = true
        cluster.settle()
        #expect(phase(of: cluster.rollout).phase == .aborted)
        #expect(phase(of: cluster.rollout).isFinal)
    }
}
