import ArgumentParser
import Foundation
import SluiceAPI

/// `rollout crds`: the CustomResourceDefinitions of Sluice's kinds, generated from the Swift
/// types, as one YAML stream or one file per CRD.
public struct CRDsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crds",
        abstract: "Print Sluice's CustomResourceDefinitions (Rollout, AnalysisTemplate, ClusterAnalysisTemplate, AnalysisRun).",
        discussion: "Without --output-dir, prints one multi-document YAML stream, ready for `kubectl apply -f -`."
    )

    @Option(name: .long, help: "Write one file per CRD (sluice.dev_rollouts.yaml ...) into this directory instead of printing.")
    public var outputDir: String?

    public init() {}

    public func run() throws {
        let console = TerminalOutput.current
        guard let outputDir else {
            // The stream ends with a newline already; out() adds one per line.
            console.out(String(try SluiceCRDs.yaml().dropLast()))
            return
        }
        let directory = URL(fileURLWithPath: outputDir, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            console.err("error: cannot create directory \(outputDir): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        for crd in SluiceCRDs.all {
            let file = directory.appendingPathComponent(crd.fileName)
            do {
                try Data(try SluiceCRDs.yaml(for: crd).utf8).write(to: file, options: .atomic)
            } catch {
                console.err("error: cannot write \(file.path): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            console.out("wrote \((outputDir as NSString).appendingPathComponent(crd.fileName))")
        }
    }
}
