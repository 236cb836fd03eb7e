import ConditionLanguage
import Foundation
import SluiceAPI

/// Judges one measurement with its metric's conditions (Argo Rollouts' rules):
///
/// | successCondition | failureCondition | phase |
/// |---|---|---|
/// | true / absent | false / absent | Successful (both absent: Successful) |
/// | any | true | Failed |
/// | false | absent | Failed |
/// | false | false | Inconclusive |
///
/// No data takes the metric's `noDataPhase` (Error by default). A Job's verdict without
/// conditions is its own phase. A condition that does not parse or evaluate is an Error.
public enum MeasurementAssessment {
    /// The phase of `value` under `metric`'s conditions, and why when it is not Successful.
    public static func phase(of value: MeasurementValue, for metric: Metric) -> (phase: AnalysisPhase, message: String?) {
        if case .noData(let reason) = value {
            let phase = (metric.noDataPhase ?? .error).phase
            return (phase, "no data: \(reason)")
        }
        if case .verdict(let passed, let detail) = value, metric.successCondition == nil, metric.failureCondition == nil {
            return passed ? (.successful, nil) : (.failed, detail)
        }
        let result = value.conditionValue
        func evaluate(_ text: String?, _ field: String) -> Result<Bool?, ConditionFailure> {
            guard let text else { return .success(nil) }
            do {
                return .success(try Condition(text).evaluate(result: result))
            } catch let error as ConditionSyntaxError {
                return .failure(ConditionFailure(message: "\(field) \"\(text)\" does not parse: \(error)"))
            } catch {
                return .failure(ConditionFailure(message: "\(field) \"\(text)\" could not be evaluated on result \(value.summary): \(error)"))
            }
        }
        let success: Bool?, failure: Bool?
        switch (evaluate(metric.successCondition, "successCondition"), evaluate(metric.failureCondition, "failureCondition")) {
        case (.failure(let error), _), (_, .failure(let error)):
            return (.error, error.message)
        case (.success(let s), .success(let f)):
            (success, failure) = (s, f)
        }
        switch (success, failure) {
        case (_, true?):
            return (.failed, "failureCondition \"\(metric.failureCondition ?? "")\" held for result \(value.summary)")
        case (false?, nil):
            return (.failed, "successCondition \"\(metric.successCondition ?? "")\" did not hold for result \(value.summary)")
        case (false?, false?):
            return (.inconclusive, "neither successCondition nor failureCondition held for result \(value.summary)")
        default:
            return (.successful, nil)
        }
    }

    private struct ConditionFailure: Error {
        var message: String
    }

    /// A finished measurement of `value`.
    public static func measurement(of value: MeasurementValue, for metric: Metric, startedAt: Date, finishedAt: Date) -> Measurement {
        let (phase, message) = phase(of: value, for: metric)
        return Measurement(phase: phase, value: value.summary.isEmpty ? nil : value.summary, startedAt: Timestamp(startedAt),
                           finishedAt: Timestamp(finishedAt), message: message)
    }

    /// An Error measurement for `error`.
    public static func measurement(of error: MeasurementError, startedAt: Date, finishedAt: Date) -> Measurement {
        Measurement(phase: .error, startedAt: Timestamp(startedAt), finishedAt: Timestamp(finishedAt), message: error.message)
    }

    /// A measurement still in flight, with what the provider needs to resume it.
    public static func running(startedAt: Date, metadata: [String: String]) -> Measurement {
        Measurement(phase: .running, startedAt: Timestamp(startedAt), metadata: metadata)
    }
}
