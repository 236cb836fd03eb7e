import ArgumentParser
import Foundation
import KubeClient
import RolloutView
import SluiceAPI

/// Reads the files a command is given; `-` is stdin.
enum ManifestFiles {
    static func read(_ paths: [String]) throws -> [LintInput] {
        try paths.map { path in
            if path == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                return LintInput(file: "-", text: String(decoding: data, as: UTF8.self))
            }
            do {
                return LintInput(file: path, text: try String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw CLIError("cannot read \(path): \((error as NSError).localizedDescription)")
            }
        }
    }
}

/// `rollout lint FILE...`: the controller's validation, offline.
public struct LintCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Validate Rollout, AnalysisTemplate and ClusterAnalysisTemplate YAML offline, as the controller does.",
        discussion: """
            Every problem is printed with its file, document and field path; exit 1 when there is any. \\
            Multi-document files are read whole; `-` reads stdin. Other kinds (Services, HTTPRoutes) are skipped; \\
            Argo Rollouts and Flagger kinds are reported with a pointer to `rollout convert`.
            """)

    @ArgumentParser.Argument(help: "YAML files; - for stdin.")
    public var files: [String] = []

    @Option(name: [.short, .long], help: "Output format: json or yaml (the problems as data).")
    public var output: OutputFormat?

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file (- for stdin)") }
        if let output, output != .json, output != .yaml { throw ValidationError("-o \(output.rawValue): lint prints json or yaml") }
    }

    public func run() async throws {
        try await reportingErrors {
            let console = TerminalOutput.current
            let files = self.files
            let inputs = try await Self.offPool { try ManifestFiles.read(files) }
            let report = Linter.lint(inputs)
            if let document = try OutputFormat.document(report.problems, as: output) {
                console.out(document)
            } else {
                for problem in report.problems { console.out(problem.description) }
                for note in report.unresolved { console.err("note: \(note)") }
                console.err(report.summary(files: inputs.count))
            }
            if !report.problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// File and stdin reads block: they run on a thread of their own, not the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

/// `rollout convert FILE...`: Argo Rollouts and Flagger manifests to Sluice's.
public struct ConvertCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert Argo Rollouts (Rollout, AnalysisTemplate) and Flagger (Canary, MetricTemplate) manifests to Sluice YAML.",
        discussion: """
            Writes the converted documents to stdout. Every field without a Sluice equivalent is listed in a \\
            comment above its document, never dropped silently. Other kinds pass through unchanged; a Deployment \\
            a Flagger Canary targets becomes the Rollout's pod template. Give a Canary's MetricTemplates and \\
            Deployment in the same run. Exit 1 if a converted document still fails `rollout lint`.
            """)

    @ArgumentParser.Argument(help: "YAML files; - for stdin.")
    public var files: [String] = []

    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file (- for stdin)") }
    }

    public func run() async throws {
        try await reportingErrors {
            let console = TerminalOutput.current
            let files = self.files
            let inputs = try await LintCommand.offPool { try ManifestFiles.read(files) }
            var documents: [SourceDocument] = []
            for input in inputs {
                do {
                    documents += try YAMLText.documents(input.text).enumerated().map {
                        SourceDocument(file: input.file, index: $0.offset, json: $0.element)
                    }
                } catch {
                    throw CLIError("\(input.file): \(error)")
                }
            }
            let converted = Converter.convert(documents)
            console.write(Converter.render(converted))
            let invalid = converted.filter { !$0.problems.isEmpty }
            let notes = converted.reduce(0) { $0 + $1.notes.count }
            console.err("converted \(converted.filter { $0.object != nil }.count) document(s); \(notes) note(s) in comments")
            if !invalid.isEmpty {
                for document in invalid {
                    for problem in document.problems { console.err("\(document.origin): \(problem)") }
                }
                throw CLIError("\(invalid.count) converted document(s) do not pass `rollout lint` yet; the comments above them say what to fill in")
            }
        }
    }
}
