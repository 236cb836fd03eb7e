import KubeClient
import SluiceAPI

/// One file (or stdin, named `-`) given to `rollout lint`.
public struct LintInput: Sendable {
    public var file: String
    public var text: String

    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }
}

/// One problem `rollout lint` found: where (file, document, object, field) and what.
public struct LintProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// The document's position in the file, from 1; nil when the file as a whole is unreadable.
    public var document: Int?
    /// `Rollout/web`, when the document has a kind and a name.
    public var object: String?
    /// The field path, empty for the document as a whole.
    public var path: String
    public var message: String

    /// `web.yaml: document 2 (Rollout/web): spec.strategy.canary.steps[3].setWeight: must be 0..100, got 140`.
    public var description: String {
        var where_ = file
        if let document { where_ += ": document \(document)" + (object.map { " (\($0))" } ?? "") }
        return "\(where_): " + (path.isEmpty ? message : "\(path): \(message)")
    }
}

/// What `rollout lint` reports over all its inputs.
public struct LintReport: Sendable {
    public var problems: [LintProblem]
    /// Sluice documents checked, and other documents passed over.
    public var checked: Int
    public var skipped: [String]
    /// Rollouts whose analysis references could not be checked, with the templates missing.
    public var unresolved: [String]

    /// One summary line: `3 documents checked in 2 files: 2 problems`.
    public func summary(files: Int) -> String {
        var text = "\(checked) Sluice document\(checked == 1 ? "" : "s") checked in \(files) file\(files == 1 ? "" : "s")"
        if !skipped.isEmpty { text += " (\(skipped.count) other document\(skipped.count == 1 ? "" : "s") skipped)" }
        text += problems.isEmpty ? ": no problems" : ": \(problems.count) problem\(problems.count == 1 ? "" : "s")"
        return text
    }
}

/// `rollout lint`: the same decoding and validation the controller applies
/// (``SluiceResource/decodeAndValidate(from:)``), offline, plus the references between
/// Rollouts and the AnalysisTemplates among the same inputs.
public enum Linter {
    /// Kinds of other projects that `rollout convert` turns into Sluice's.
    static let convertible: Set<String> = ["argoproj.io/Rollout", "argoproj.io/AnalysisTemplate", "argoproj.io/ClusterAnalysisTemplate",
                                           "flagger.app/Canary", "flagger.app/MetricTemplate"]

    public static func lint(_ inputs: [LintInput]) -> LintReport {
        var report = LintReport(problems: [], checked: 0, skipped: [], unresolved: [])
        var rollouts: [(file: String, document: ManifestDocument, rollout: Rollout)] = []
        var templates = AnalysisTemplateSet()
        for input in inputs {
            let documents: [ManifestDocument]
            do {
                documents = try Manifest.load(yaml: input.text)
            } catch {
                let document: Int? = if case .unsupported(let index, _, _) = error { index + 1 } else { nil }
                report.problems.append(LintProblem(file: input.file, document: document, object: nil, path: "", message: error.description))
                continue
            }
            if documents.isEmpty {
                report.problems.append(LintProblem(file: input.file, document: nil, object: nil, path: "", message: "no YAML documents"))
            }
            for document in documents {
                if case .other(let object)? = document.object {
                    let apiGroup = object.apiVersion?.split(separator: "/").first.map(String.init) ?? ""
                    if Linter.convertible.contains("\(apiGroup)/\(object.kind ?? "")") {
                        report.problems.append(LintProblem(
                            file: input.file, document: document.index + 1, object: document.label, path: "apiVersion",
                            message: "\(object.apiVersion ?? "") \(object.kind ?? "") is not a Sluice kind; `rollout convert \(input.file)` turns it into one"))
                    } else {
                        report.skipped.append("\(input.file): document \(document.index + 1) (\(document.label))")
                    }
                    continue
                }
                report.checked += 1
                for problem in document.problems {
                    report.problems.append(LintProblem(file: input.file, document: document.index + 1, object: document.label,
                                                       path: problem.path.description, message: problem.message))
                }
                switch document.object {
                case .rollout(let rollout)?: rollouts.append((input.file, document, rollout))
                case .analysisTemplate(let template)?: templates.namespaced[template.metadata.name ?? ""] = template.spec
                case .clusterAnalysisTemplate(let template)?: templates.cluster[template.metadata.name ?? ""] = template.spec
                default: break
                }
            }
        }
        for (file, document, rollout) in rollouts {
            let missing = referencedTemplates(rollout).filter { templates.template(named: $0.name, clusterScope: $0.clusterScope) == nil }
            guard missing.isEmpty else {
                report.unresolved.append("\(file): \(document.label) refers to \(missing.map(\.name).joined(separator: ", ")), not among the files; its arguments were not checked against them")
                continue
            }
            for problem in rollout.analysisReferenceProblems(templates) {
                report.problems.append(LintProblem(file: file, document: document.index + 1, object: document.label,
                                                   path: problem.path.description, message: problem.message))
            }
        }
        return report
    }

    /// Every template a Rollout names (steps, background analysis, judge, experiments, blue-green gates).
    static func referencedTemplates(_ rollout: Rollout) -> [(name: String, clusterScope: Bool)] {
        var found: [(String, Bool)] = []
        func add(_ references: [AnalysisTemplateReference]?) { for reference in references ?? [] { found.append((reference.templateName, reference.clusterScope == true)) } }
        if let canary = rollout.spec.strategy.canary {
            add(canary.analysis?.templates)
            if let judge = canary.judge { found.append((judge.templateName, judge.clusterScope == true)) }
            for step in canary.steps ?? [] {
                add(step.analysis?.templates)
                for analysis in step.experiment?.analyses ?? [] { found.append((analysis.templateName, analysis.clusterScope == true)) }
            }
        }
        if let blueGreen = rollout.spec.strategy.blueGreen {
            add(blueGreen.prePromotionAnalysis?.templates)
            add(blueGreen.postPromotionAnalysis?.templates)
        }
        return found.filter { !$0.0.isEmpty }
    }
}
