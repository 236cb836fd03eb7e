import KubeClient

extension Schema {
    /// The schema as a CRD's `openAPIV3Schema` (or one of its nodes): `type`, `properties`,
    /// `items`, and the `x-kubernetes-*` extensions.
    public var openAPIV3: JSONValue {
        var node: [String: JSONValue] = [:]
        switch type {
        case .intOrString:
            node["x-kubernetes-int-or-string"] = true
            node["anyOf"] = [["type": "integer"], ["type": "string"]]
        default:
            node["type"] = .string(type.rawValue)
        }
        if let description { node["description"] = .string(description) }
        if let format { node["format"] = .string(format) }
        if !properties.isEmpty { node["properties"] = .object(properties.mapValues(\.openAPIV3)) }
        if !required.isEmpty { node["required"] = .array(required.map(JSONValue.string)) }
        if let items { node["items"] = items.openAPIV3 }
        if let additionalProperties { node["additionalProperties"] = additionalProperties.openAPIV3 }
        if !enumValues.isEmpty { node["enum"] = .array(enumValues.map(JSONValue.string)) }
        if preservesUnknownFields { node["x-kubernetes-preserve-unknown-fields"] = true }
        return .object(node)
    }
}
