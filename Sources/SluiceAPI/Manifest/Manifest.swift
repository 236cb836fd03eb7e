import KubeClient

/// One object of a manifest, typed when it is one of Sluice's kinds.
public enum SluiceObject: Sendable, Hashable {
    case rollout(Rollout)
    case analysisTemplate(AnalysisTemplate)
    case clusterAnalysisTemplate(ClusterAnalysisTemplate)
    case analysisRun(AnalysisRun)
    /// Anything else (Services, HTTPRoutes ...), kept as written and not checked.
    case other(DynamicObject)
}

/// One document of a manifest: the object (nil when it could not be decoded) and every
/// problem found in it.
public struct ManifestDocument: Sendable {
    /// Position in the stream, from 0.
    public var index: Int
    public var kind: String?
    public var name: String?
    public var object: SluiceObject?
    public var problems: [ValidationProblem]

    /// `Rollout/checkout` or `document 2` when the document has no kind and name.
    public var label: String {
        if let kind, let name { return "\(kind)/\(name)" }
        return "document \(index + 1)"
    }
}

/// Reading manifests: YAML (or JSON) text to checked Sluice objects.
public enum Manifest {
    /// Sluice's kinds by `kind`.
    static let kinds: [String: @Sendable (JSONValue) -> (SluiceObject?, [ValidationProblem])] = [
        "Rollout": { json in lift(Rollout.decodeAndValidate(from: json), SluiceObject.rollout) },
        "AnalysisTemplate": { json in lift(AnalysisTemplate.decodeAndValidate(from: json), SluiceObject.analysisTemplate) },
        "ClusterAnalysisTemplate": { json in lift(ClusterAnalysisTemplate.decodeAndValidate(from: json), SluiceObject.clusterAnalysisTemplate) },
        "AnalysisRun": { json in lift(AnalysisRun.decodeAndValidate(from: json), SluiceObject.analysisRun) },
    ]

    private static func lift<T>(_ checked: Checked<T>, _ wrap: (T) -> SluiceObject) -> (SluiceObject?, [ValidationProblem]) {
        (checked.value.map(wrap), checked.problems)
    }

    /// Every document of `text`, decoded and validated.
    public static func load(yaml text: String) throws(ManifestError) -> [ManifestDocument] {
        try YAMLText.documents(text).enumerated().map { decode($0.element, index: $0.offset) }
    }

    /// One document: Sluice's kinds are checked and typed; other kinds pass through.
    public static func decode(_ json: JSONValue, index: Int = 0) -> ManifestDocument {
        let kind = json["kind"]?.stringValue
        let name = json[path: "metadata", "name"]?.stringValue
        var document = ManifestDocument(index: index, kind: kind, name: name, object: nil, problems: [])
        guard case .object = json else {
            document.problems = [ValidationProblem(.root, "expected an object, got \(StructuralCheck.describe(json))")]
            return document
        }
        let apiVersion = json["apiVersion"]?.stringValue ?? ""
        let isSluice = apiVersion.hasPrefix(SluiceAPIGroup.name + "/")
        if let kind, let decode = kinds[kind], isSluice {
            (document.object, document.problems) = decode(json)
        } else if isSluice {
            let known = kinds.keys.sorted().joined(separator: ", ")
            document.problems = [ValidationProblem(FieldPath.root["kind"], "must be one of \(known), got \(kind.map { "\"\($0)\"" } ?? "none")")]
        } else {
            document.object = .other(DynamicObject(json))
        }
        return document
    }
}
