import Foundation
import KubeClient
import SluiceAPI

/// The steering commands' one way to write a Rollout: read it, decide, and send a merge
/// patch (field manager `rollout-cli`) pinned to the resourceVersion that was read. If
/// anyone wrote in between — the controller, another SRE — the server answers 409, and the
/// decision is made again on what is there now. So two `rollout promote`s at once end one
/// pause, not two.
struct RolloutWriter: Sendable {
    let session: ClusterSession
    let name: String
    var attempts = 8

    /// What a command decided on the Rollout it read.
    enum Decision {
        /// Send `patch` (to the status subresource when `status`); print `message`.
        case patch(JSONValue, status: Bool, message: String)
        /// Nothing to write; print `message`.
        case nothing(String)
    }

    /// Decides and writes until the write lands on the version it was decided on; returns
    /// the message of the decision that held.
    func write(_ decide: (DynamicObject, Rollout) throws -> Decision) async throws -> String {
        for _ in 0..<attempts {
            let (json, rollout) = try await session.read(name)
            switch try decide(json, rollout) {
            case .nothing(let message):
                return message
            case .patch(var patch, let status, let message):
                patch["metadata"] = ["resourceVersion": .string(json.resourceVersion ?? "")]
                do {
                    _ = try await session.rollouts.patch(name, .merge(patch), subresource: status ? "status" : nil,
                                                         fieldManager: ClusterSession.fieldManager)
                    return message
                } catch let error as KubeClientError where error.isConflict {
                    continue
                } catch {
                    throw session.explain(error, name: name)
                }
            }
        }
        throw CLIError("rollout \"\(name)\" kept changing while it was written (\(attempts) conflicts)", hint: "run the command again")
    }

    /// A merge patch that turns `old` into `new` exactly: changed members set, removed
    /// members null, arrays and scalars replaced whole.
    static func mergeDiff(from old: JSONValue?, to new: JSONValue) -> JSONValue? {
        guard case .object(let newMembers) = new, case .object(let oldMembers)? = old else {
            // (Not a ternary: JSONValue is ExpressibleByNilLiteral, and `nil` there would be JSON null.)
            if old == new { return nil }
            return new
        }
        var patch: [String: JSONValue] = [:]
        for (key, value) in newMembers {
            if let change = mergeDiff(from: oldMembers[key], to: value) { patch[key] = change }
        }
        for key in oldMembers.keys where newMembers[key] == nil { patch[key] = .null }
        if patch.isEmpty { return nil }
        return .object(patch)
    }
}
