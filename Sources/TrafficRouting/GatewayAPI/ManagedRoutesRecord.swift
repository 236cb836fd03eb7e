import Foundation
import KubeClient
import RolloutCore
import SluiceAPI

/// The header and mirror routes Sluice has added to an HTTPRoute, kept as JSON (sorted
/// keys) in the annotation ``GatewayAPIRouter/managedRoutesAnnotation``: the rules alone
/// cannot say which conditions were the route's and which the split rule's.
struct ManagedRoutesRecord: Codable, Equatable {
    var header: [String: SetHeaderRoute]?
    var mirror: [String: SetMirrorRoute]?

    init(_ state: TrafficState) {
        header = state.headerRoutes.isEmpty ? nil : state.headerRoutes
        mirror = state.mirrorRoutes.isEmpty ? nil : state.mirrorRoutes
    }

    /// The record on `object`: empty when there is no annotation, nil when it is unreadable.
    init?(annotationOf object: JSONValue) {
        guard let text = object[path: "metadata", "annotations", GatewayAPIRouter.managedRoutesAnnotation]?.stringValue else {
            header = nil
            mirror = nil
            return
        }
        guard let record = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) else { return nil }
        self = record
    }

    var isEmpty: Bool { header == nil && mirror == nil }

    /// Sets the annotation on `object`, or removes it when there are no routes.
    func write(to object: inout JSONValue) {
        var metadata = object["metadata"] ?? [:]
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        let had = annotations[GatewayAPIRouter.managedRoutesAnnotation] != nil
        if isEmpty {
            guard had else { return }
            annotations[GatewayAPIRouter.managedRoutesAnnotation] = nil
        } else {
            let text = (try? KubeJSON.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            annotations[GatewayAPIRouter.managedRoutesAnnotation] = .string(text)
        }
        metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        object["metadata"] = metadata
    }
}
