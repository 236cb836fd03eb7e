import Foundation
import KubeClient
import Yams

/// YAML request bodies (`application/yaml`, an `application/apply-patch+yaml` body that is
/// not JSON) as JSON values, as ``YAMLJSON`` reads them (aliases bounded). Only the first
/// document counts; anything that cannot be JSON is nil (the caller answers 400).
enum YAMLBody {
    static func decode(_ bytes: [UInt8]) -> JSONValue? {
        guard let text = String(validating: bytes, as: UTF8.self),
              let node = try? Yams.compose(yaml: text) else { return nil }
        var budget = YAMLJSON.budget(forBytes: bytes.count)
        return try? YAMLJSON.value(of: node, budget: &budget)
    }
}
