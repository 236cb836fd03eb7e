import CurlHTTP
import KubeClient

/// Reads Prometheus's API envelope: `{"status":"success","data":{"resultType":...,"result":...}}`
/// or `{"status":"error","errorType":...,"error":...}`.
enum PrometheusResponse {
    static func value(of response: HTTPResponse, peer: String) throws(MeasurementError) -> MeasurementValue {
        let body = try? KubeJSON.decode(JSONValue.self, from: response.body)
        if let body, body["status"]?.stringValue == "error" {
            let type = body["errorType"]?.stringValue.map { " (\($0))" } ?? ""
            let message = body["error"]?.stringValue ?? "no message"
            throw MeasurementError(.query, "\(peer) rejected the query\(type): \(message)")
        }
        guard response.head.isSuccess else {
            let excerpt = HTTPExchange.excerpt(response.body)
            throw MeasurementError(.httpStatus, "\(peer) answered HTTP \(response.status)\(excerpt.isEmpty ? "" : ": \(excerpt)")")
        }
        guard let body, body["status"]?.stringValue == "success", let data = body["data"] else {
            throw MeasurementError(.badResponse, "\(peer) answered HTTP \(response.status) with no Prometheus result: \(HTTPExchange.excerpt(response.body))")
        }
        let resultType = data["resultType"]?.stringValue ?? ""
        let result = data["result"]
        func bad(_ what: String) -> MeasurementError {
            MeasurementError(.badResponse, "\(peer) sent a \(resultType) result that is not \(what)")
        }
        switch resultType {
        case "scalar":
            guard let pair = result?.arrayValue, let point = Self.point(pair) else { throw bad("[time, \"value\"]") }
            return .scalar(point.value)
        case "string":
            guard let pair = result?.arrayValue, pair.count == 2, let text = pair[1].stringValue else { throw bad("[time, \"text\"]") }
            return .string(text)
        case "vector":
            guard let items = result?.arrayValue else { throw bad("a list") }
            var samples: [LabeledSample] = []
            for item in items {
                guard let pair = item["value"]?.arrayValue, let point = Self.point(pair) else { throw bad("samples with values") }
                samples.append(LabeledSample(labels: Self.labels(item["metric"]), value: point.value, timestamp: point.timestamp))
            }
            return samples.isEmpty ? .noData(reason: "the query returned an empty vector") : .vector(samples)
        case "matrix":
            guard let items = result?.arrayValue else { throw bad("a list") }
            var series: [LabeledSeries] = []
            for item in items {
                guard let values = item["values"]?.arrayValue else { throw bad("series with values") }
                var points: [LabeledSeries.Point] = []
                for value in values {
                    guard let pair = value.arrayValue, let point = Self.point(pair) else { throw bad("series of [time, \"value\"]") }
                    points.append(point)
                }
                series.append(LabeledSeries(labels: Self.labels(item["metric"]), points: points))
            }
            return series.isEmpty ? .noData(reason: "the range query returned no series") : .matrix(series)
        default:
            throw MeasurementError(.badResponse, "\(peer) sent an unknown resultType \"\(resultType)\"")
        }
    }

    /// `[1712345678.123, "0.5"]`: values are strings so NaN and ±Inf survive JSON.
    private static func point(_ pair: [JSONValue]) -> LabeledSeries.Point? {
        guard pair.count == 2, let text = pair[1].stringValue, let value = Self.number(text) else { return nil }
        let timestamp: Double? = switch pair[0] {
        case .double(let time): time
        case .integer(let time): Double(time)
        default: nil
        }
        guard let timestamp else { return nil }
        return LabeledSeries.Point(timestamp: timestamp, value: value)
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    private static func labels(_ value: JSONValue?) -> [String: String] {
        (value?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
