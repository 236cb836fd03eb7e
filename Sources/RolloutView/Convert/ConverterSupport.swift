import KubeClient
import SluiceAPI

/// Pieces every conversion shares.
enum ConverterSupport {
    /// Server-set metadata: meaningless in a manifest, dropped without a note.
    static let serverSet = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
                            "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers"]

    /// Name, namespace, labels and annotations carried over; `kubectl apply`'s record of
    /// the old object is dropped with a note.
    static func metadata(_ source: inout ConversionSource, clusterScoped: Bool = false) -> JSONValue {
        var metadata: [String: JSONValue] = [:]
        let path: SourcePath = ["metadata"]
        source.use(["apiVersion"])
        source.use(["kind"])
        for key in ["name", "generateName", "labels"] {
            if let value = source.take(path[key]) { metadata[key] = value }
        }
        if let namespace = source.get(path["namespace"]) {
            if clusterScoped {
                source.note(path["namespace"], "a ClusterAnalysisTemplate has no namespace")
            } else {
                source.use(path["namespace"])
                metadata["namespace"] = namespace
            }
        }
        if var annotations = source.get(path["annotations"])?.objectValue {
            source.use(path["annotations"])
            if annotations.removeValue(forKey: "kubectl.kubernetes.io/last-applied-configuration") != nil {
                source.note("metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"] left out: it records the old object")
            }
            if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        }
        for key in serverSet { source.use(path[key]) }
        return .object(metadata)
    }

    /// Seconds in a Go/Flagger duration (`1m`, `30s`, `1h30m`); nil when it is not one.
    static func seconds(_ text: String) -> Int? {
        guard case .success(let duration) = DurationString(text).parsed() else { return nil }
        return Int(duration.components.seconds)
    }
}
