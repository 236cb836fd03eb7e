import ArgumentParser
import KubeClient

/// A failure a command explains to the user: what went wrong, naming the object, and what
/// to do next. Printed to stderr; the process exits with `code`.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var hint: String?
    public var code: Int32

    public init(_ message: String, hint: String? = nil, code: Int32 = 1) {
        self.message = message
        self.hint = hint
        self.code = code
    }

    public var description: String { "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "") }

    /// `rollout "web" not found in namespace "shop"`.
    static func notFound(_ name: String, namespace: String) -> CLIError {
        CLIError("rollout \"\(name)\" not found in namespace \"\(namespace)\"",
                 hint: "`rollout list -n \(namespace)` shows the Rollouts there, `rollout list -A` all of them")
    }

    /// Any error of a command against a cluster, explained.
    static func explain(_ error: any Error, name: String?, namespace: String, server: String) -> CLIError {
        if let error = error as? CLIError { return error }
        guard let error = error as? KubeClientError else { return CLIError("\(error)") }
        switch error {
        case .status(let status, _) where status.code == 404:
            if status.details?.name == nil || (status.message ?? "").contains("could not find the requested resource") {
                return CLIError("the API server at \(server) does not serve sluice.dev/v1alpha1 Rollouts",
                                hint: "install the CRDs: `rollout crds | kubectl apply -f -`")
            }
            if let name { return notFound(name, namespace: namespace) }
            return CLIError("\(status.message ?? "not found")")
        case .status(let status, _) where status.code == 401:
            return CLIError("the API server at \(server) rejected the credentials (401 Unauthorized)",
                            hint: "the token or client certificate of the kubeconfig's user is missing, expired or wrong")
        case .status(let status, _) where status.code == 403:
            return CLIError("forbidden: \(status.message ?? "")", hint: "ask for RBAC access to rollouts.sluice.dev in namespace \"\(namespace)\"")
        case .transport(let transport, _):
            return CLIError("cannot reach the Kubernetes API server at \(server): \(transport)",
                            hint: "check the cluster is running and the kubeconfig's server address (`rollout version`)")
        default:
            return CLIError("\(error)")
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, printing a ``CLIError`` (or any error, explained) to stderr and exiting
    /// non-zero; `ExitCode`s pass through.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as CLIError {
            TerminalOutput.current.err(error.description)
            throw ExitCode(error.code)
        }
    }
}
