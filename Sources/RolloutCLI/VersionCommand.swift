import ArgumentParser
import CurlHTTP
import Foundation
import KubeClient

/// `rollout version`: the client's version and the API server's.
public struct VersionCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the client version and the Kubernetes API server's version."
    )

    @OptionGroup public var kube: KubeOptions

    @Flag(name: .long, help: "Print the client version only; do not contact the server.")
    public var client = false

    @Option(name: [.short, .long], help: "Output format: text or json.")
    public var output: VersionOutputFormat = .text

    public init() {}

    public func run() async throws {
        let console = TerminalOutput.current
        let clientInfo = ClientVersionInfo(sluice: SluiceVersion.current, libcurl: Self.essentialComponents(of: CurlEngine.libcurlVersion))
        guard !client else {
            console.out(VersionReport(client: clientInfo, server: nil, serverURL: nil).render(output))
            return
        }
        let configuration: ClientConfiguration
        do {
            configuration = try kube.clientConfiguration()
        } catch {
            console.err("error: \(error)")
            throw ExitCode(1)
        }
        let kubeClient = kube.makeClient(
            configuration, retryPolicy: RetryPolicy(maxAttempts: 2),
            timeouts: ClientTimeouts(connect: .seconds(5), request: .seconds(15)))
        do {
            let server = try await kubeClient.serverVersion()
            console.out(VersionReport(client: clientInfo, server: server, serverURL: configuration.server).render(output))
        } catch {
            console.err(VersionReport.explain(error, configuration: configuration))
            throw ExitCode(1)
        }
    }
}

extension VersionCommand {
    /// `libcurl/7.88.1 OpenSSL/3.0.19 nghttp2/1.52.0` out of libcurl's long version string:
    /// the parts that decide TLS and HTTP/2.
    static func essentialComponents(of version: String) -> String {
        version.split(separator: " ")
            .filter { $0.hasPrefix("libcurl/") || $0.hasPrefix("OpenSSL/") || $0.hasPrefix("nghttp2/") }
            .joined(separator: " ")
    }
}

/// `-o` values of `rollout version`.
public enum VersionOutputFormat: String, ExpressibleByArgument, Sendable, CaseIterable {
    case text, json
}

/// This client's versions.
public struct ClientVersionInfo: Codable, Sendable, Equatable {
    public var sluice: String
    public var libcurl: String
}

/// What `rollout version` prints, as a value so that tests can check it whole.
public struct VersionReport: Sendable {
    public var client: ClientVersionInfo
    public var server: VersionInfo?
    public var serverURL: String?

    public func render(_ format: VersionOutputFormat) -> String {
        switch format {
        case .text:
            var lines = ["Client Version: \(client.sluice)", "libcurl: \(client.libcurl)"]
            if let server {
                lines.append("Server Version: \(server.gitVersion)")
                if let platform = server.platform { lines.append("Server Platform: \(platform)") }
                if let serverURL { lines.append("Server: \(serverURL)") }
            }
            return lines.joined(separator: "\n")
        case .json:
            struct Document: Encodable {
                var clientVersion: ClientVersionInfo
                var serverVersion: VersionInfo?
                var server: String?
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(Document(clientVersion: client, serverVersion: server, server: serverURL))) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// An error message that says which server was tried, what failed, and what to check.
    public static func explain(_ error: any Error, configuration: ClientConfiguration) -> String {
        let server = configuration.server
        var lines: [String] = []
        switch error {
        case let error as KubeClientError:
            switch error {
            case .transport(let transport, _):
                lines.append("error: cannot reach the Kubernetes API server at \(server): \(transport)")
                switch transport.kind {
                case .nameResolution: lines.append("hint: the host name does not resolve; check the cluster's server address")
                case .connectionRefused: lines.append("hint: nothing is listening there; is the cluster running?")
                case .tlsVerification: lines.append("hint: the server's certificate is not trusted by the kubeconfig's certificate-authority (or does not match its name)")
                case .tls: lines.append("hint: the TLS handshake failed; check the client certificate and key")
                case .timedOut, .stalled: lines.append("hint: the server did not answer in time; check the network path to it")
                default: break
                }
            case .status(let status, _) where status.code == 401:
                lines.append("error: the Kubernetes API server at \(server) rejected the credentials (401 Unauthorized): \(status.message ?? "")")
                lines.append("hint: the token or client certificate of the selected user is missing, expired or wrong")
            case .status(let status, _) where status.code == 403:
                lines.append("error: the Kubernetes API server at \(server) refused access to /version (403 Forbidden): \(status.message ?? "")")
            default:
                lines.append("error: the Kubernetes API server at \(server) answered with an error: \(error)")
            }
        default:
            lines.append("error: \(server): \(error)")
        }
        lines.append("using \(configuration.source)")
        return lines.joined(separator: "\n")
    }
}
