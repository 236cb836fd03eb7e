/// Why a run's decision could not take a look: a measurement of the wrong shape (a scalar
/// where a histogram was expected), a setting the controller should have filled in, a stored
/// state that does not fit, or the statistics refusing the data. The text names the metric or
/// field. Like a measurement error it is a value: the look is skipped, the state kept, and
/// `consecutiveErrorLimit` decides when such errors end the run.
public struct DecisionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Runs `body`, turning any other error into a `DecisionError` with its description.
    static func wrapping<T>(_ body: () throws -> T) throws(DecisionError) -> T {
        do {
            return try body()
        } catch let error as DecisionError {
            throw error
        } catch {
            throw DecisionError("\(error)")
        }
    }
}
