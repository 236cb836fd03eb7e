import Foundation
import KubeClient
import SluiceAPI

/// The `rollouts-pod-template-hash` of a pod template, computed as Kubernetes' `ComputeHash`
/// does for Deployments: FNV-1a (32 bit) over the template's canonical JSON (keys sorted),
/// then the decimal digits of the sum mapped onto kube's `SafeEncodeString` alphabet
/// (no vowels, so hashes never spell words). Same template, same hash, on every run and
/// every machine. `collisionCount` (from `status.collisionCount`) is mixed in the way
/// Kubernetes does, to tell apart two templates that hash alike.
public func podTemplateHash(_ template: PodTemplateSpec, collisionCount: Int32? = nil) -> String {
    var hasher = FNV1a32()
    hasher.write(CanonicalJSON.bytes(of: template))
    if let collisionCount {
        let count = UInt32(bitPattern: collisionCount)
        hasher.write([UInt8(count & 0xff), UInt8((count >> 8) & 0xff), UInt8((count >> 16) & 0xff), UInt8(count >> 24)])
    }
    return SafeEncoding.encode(String(hasher.value))
}

/// A hash of a Rollout's canary steps, kept in `status.currentStepHash` to notice steps
/// edited during an update.
public func stepsHash(_ steps: [CanaryStep]) -> String {
    var hasher = FNV1a32()
    hasher.write(CanonicalJSON.bytes(of: steps))
    return SafeEncoding.encode(String(hasher.value))
}

/// 32-bit FNV-1a, as Go's `hash/fnv.New32a`.
struct FNV1a32 {
    private(set) var value: UInt32 = 2_166_136_261

    mutating func write(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt32(byte)
            value = value &* 16_777_619
        }
    }
}

/// kube's `rand.SafeEncodeString`: each byte picks a character of an alphabet without
/// vowels or look-alike digits.
enum SafeEncoding {
    static let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func encode(_ text: String) -> String {
        String(text.utf8.map { alphabet[Int($0) % alphabet.count] })
    }
}

/// JSON with sorted keys and no insignificant whitespace: the same bytes for the same value.
enum CanonicalJSON {
    static func bytes<Value: Encodable>(of value: Value) -> [UInt8] {
        // Encoding a decoded spec cannot fail (it holds no non-finite numbers); the fallback
        // keeps the hash total rather than crashing if it ever did.
        (try? KubeJSON.encode(value)) ?? Array(String(describing: value).utf8)
    }
}
