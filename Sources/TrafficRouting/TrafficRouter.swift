import KubeClient
import RolloutCore
import SluiceAPI

/// A traffic router: reads the split a router object carries and edits the object to carry
/// another. Both are pure; the controller does the reading and writing of the object.
public protocol TrafficRouter: Sendable {
    /// The kind of object this router edits, and where it is served.
    var resource: ResourceType { get }
    /// The object a Rollout names: namespace and name, nil if it names none.
    func locate(_ rollout: Rollout) -> (namespace: String, name: String)?
    /// The split `object` carries for `rollout`, or nil if it does not carry one Sluice wrote.
    func observe(_ object: JSONValue, rollout: Rollout) -> TrafficState?
    /// `object` edited to carry `state`; rules Sluice does not manage are left as they are.
    func apply(_ state: TrafficState, to object: JSONValue, rollout: Rollout) throws -> JSONValue
}

/// Why a router object cannot carry a split: names the object and what was expected.
public struct TrafficRoutingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
