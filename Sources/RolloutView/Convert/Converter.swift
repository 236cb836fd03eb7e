import Foundation
import KubeClient
import SluiceAPI

/// One document of the input to `rollout convert`: where it came from and its content.
public struct SourceDocument: Sendable {
    /// The file name (`-` for stdin).
    public var file: String
    /// Position in the file, from 0.
    public var index: Int
    public var json: JSONValue

    public init(file: String, index: Int, json: JSONValue) {
        self.file = file
        self.index = index
        self.json = json
    }

    var label: String {
        let kind = json["kind"]?.stringValue ?? "document"
        let name = json[path: "metadata", "name"]?.stringValue.map { " \"\($0)\"" } ?? ""
        return "\(file) document \(index + 1) (\(json["apiVersion"]?.stringValue ?? "?") \(kind)\(name))"
    }
}

/// One document `rollout convert` writes: the converted object (nil when nothing could be
/// made of the source), the notes about what did not carry over, and any problem the
/// object still has under Sluice's validation.
public struct ConvertedDocument: Sendable {
    public var origin: String
    public var object: JSONValue?
    public var notes: [ConversionNote]
    /// Validation problems of `object` (decodeAndValidate); empty when it passes `rollout lint`.
    public var problems: [ValidationProblem]
}

/// `rollout convert`: Argo Rollouts and Flagger manifests to Sluice's, with a note for
/// everything that has no equivalent. Other kinds (Services, HTTPRoutes ...) pass through.
public enum Converter {
    public static func convert(_ documents: [SourceDocument]) -> [ConvertedDocument] {
        var context = FlaggerConverter.Context()
        for document in documents {
            let group = document.json["apiVersion"]?.stringValue?.split(separator: "/").first.map(String.init)
            switch (group, document.json["kind"]?.stringValue) {
            case ("apps"?, "Deployment"?): context.deployments[FlaggerConverter.key(document.json)] = document.json
            case ("flagger.app"?, "MetricTemplate"?): context.metricTemplates[FlaggerConverter.key(document.json)] = document.json
            default: break
            }
        }
        var output: [ConvertedDocument] = []
        var folded: [String: String] = [:]
        for document in documents {
            let json = document.json
            let group = json["apiVersion"]?.stringValue?.split(separator: "/").first.map(String.init)
            let origin = document.label
            switch (group, json["kind"]?.stringValue) {
            case ("argoproj.io"?, "Rollout"?):
                let (object, notes) = ArgoConverter.rollout(json)
                output.append(checked(origin, object, notes))
            case ("argoproj.io"?, "AnalysisTemplate"?):
                let (object, notes) = ArgoConverter.analysisTemplate(json, clusterScoped: false)
                output.append(checked(origin, object, notes))
            case ("argoproj.io"?, "ClusterAnalysisTemplate"?):
                let (object, notes) = ArgoConverter.analysisTemplate(json, clusterScoped: true)
                output.append(checked(origin, object, notes))
            case ("flagger.app"?, "Canary"?):
                let result = FlaggerConverter.canary(json, context: context)
                if let key = result.foldedDeployment { folded[key] = json[path: "metadata", "name"]?.stringValue ?? "?" }
                output.append(checked(origin, result.rollout, result.notes))
                for template in result.templates {
                    output.append(checked("metric of \(origin)", template, []))
                }
            case ("flagger.app"?, "MetricTemplate"?):
                let (object, notes) = FlaggerConverter.metricTemplate(json)
                output.append(object.map { checked(origin, $0, notes) } ?? ConvertedDocument(origin: origin, object: nil, notes: notes, problems: []))
            case ("argoproj.io"?, let kind?), ("flagger.app"?, let kind?):
                output.append(ConvertedDocument(origin: origin, object: nil, notes: [
                    ConversionNote(path: "", message: "\(kind) has no Sluice equivalent; not converted"),
                ], problems: []))
            default:
                output.append(ConvertedDocument(origin: origin, object: json, notes: [], problems: []))
            }
        }
        // A Deployment a Canary took its pod template from is replaced by the Rollout.
        return output.map { document in
            guard let object = document.object, object["kind"]?.stringValue == "Deployment",
                  let canary = folded[FlaggerConverter.key(object)] else { return document }
            return ConvertedDocument(origin: document.origin, object: nil, notes: [
                ConversionNote(path: "", message: "Deployment \"\(object[path: "metadata", "name"]?.stringValue ?? "?")\" left out: its pod template is now Rollout \"\(canary)\"'s"),
            ], problems: [])
        }
    }

    private static func checked(_ origin: String, _ object: JSONValue, _ notes: [ConversionNote]) -> ConvertedDocument {
        ConvertedDocument(origin: origin, object: object, notes: notes, problems: Manifest.decode(object).problems)
    }

    /// The YAML stream: each document preceded by comments naming its origin and every note.
    public static func render(_ documents: [ConvertedDocument]) -> String {
        var text = ""
        for document in documents {
            var lines = ["---", "# \(document.origin)"]
            if document.object != nil, document.notes.isEmpty == false || document.origin.contains("argoproj.io") || document.origin.contains("flagger.app") {
                lines[1] = "# converted by `rollout convert` from \(document.origin)"
            }
            if !document.notes.isEmpty {
                lines.append(document.object == nil ? "# not converted:" : "# not carried over as written:")
                lines += document.notes.map { "#   - " + $0.description.replacingOccurrences(of: "\n", with: " ") }
            }
            if !document.problems.isEmpty {
                lines.append("# still invalid (`rollout lint` reports these):")
                lines += document.problems.map { "#   - \($0)" }
            }
            text += lines.joined(separator: "\n") + "\n"
            if let object = document.object {
                text += (try? YAMLText.render(object)) ?? "# (could not render the document as YAML)\n"
            }
        }
        return text
    }
}
