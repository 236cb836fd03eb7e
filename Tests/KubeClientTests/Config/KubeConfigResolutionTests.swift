import Foundation
import Testing

@testable import KubeClient

/// A one-file kubeconfig with cluster `c`, user `alice` and context `dev` (current).
func configTestKubeconfig(
    cluster: [String] = ["server: https://k.example:6443"],
    user: [String] = ["token: t0k3n"],
    contextNamespace: String? = nil
) -> String {
    func block(_ key: String, _ lines: [String]) -> String {
        lines.isEmpty ? "  \(key): {}" : "  \(key):\n" + lines.map { "    " + $0 }.joined(separator: "\n")
    }
    let namespace = contextNamespace.map { ", namespace: \($0)" } ?? ""
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
        \(block("cluster", cluster))
        users:
        - name: alice
        \(block("user", user))
        contexts:
        - name: dev
          context: {cluster: c, user: alice\(namespace)}
        - name: no-cluster
          context: {cluster: ghost, user: alice}
        - name: no-user
          context: {cluster: c, user: nobody}
        - name: anonymous
          context: {cluster: c}
        current-context: dev
        """
}

/// Contexts, fields and paths of a single kubeconfig.
@Suite struct KubeConfigResolutionTests {
    @Test func contextArgumentOverridesCurrentContext() throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig())
        let anonymous = try ClientConfiguration.load(kubeconfig: path, context: "anonymous")
        #expect(anonymous.credentials.bearerToken == nil)
        #expect(anonymous.source == "kubeconfig \(path), context \"anonymous\"")
        let dev = try ClientConfiguration.load(kubeconfig: path)
        #expect(dev.credentials.bearerToken?.revealString() == "t0k3n")
        #expect(dev.server == "https://k.example:6443")
    }

    struct ContextCase: Sendable, CustomTestStringConvertible {
        var context: String
        var reason: KubeConfigError.Reason
        var detail: String
        var testDescription: String { context }
    }

    @Test(arguments: [
        ContextCase(
            context: "nope", reason: .contextNotFound,
            detail: #"context "nope" not found; available contexts: "anonymous", "dev", "no-cluster", "no-user""#),
        ContextCase(
            context: "no-cluster", reason: .clusterNotFound,
            detail: #"context "no-cluster": cluster "ghost" not found"#),
        ContextCase(
            context: "no-user", reason: .userNotFound,
            detail: #"context "no-user": user "nobody" not found"#),
    ])
    func missingReferencesNameWhatIsMissing(_ testCase: ContextCase) throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig())
        let error = expectKubeConfigError { try ClientConfiguration.load(kubeconfig: path, context: testCase.context) }
        #expect(error?.reason == testCase.reason)
        #expect(error?.description == "kubeconfig \(path): \(testCase.detail)")
    }

    @Test(arguments: [
        // (argument, context namespace, expected)
        (String?.none, String?.none, "default"),
        (nil, "team-a", "team-a"),
        ("override", "team-a", "override"),
        ("override", nil, "override"),
        ("", "team-a", "team-a"),
    ])
    func namespacePrecedence(argument: String?, contextNamespace: String?, expected: String) throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig(contextNamespace: contextNamespace))
        let configuration = try ClientConfiguration.load(kubeconfig: path, namespace: argument)
        #expect(configuration.namespace == expected)
    }

    @Test func relativePathsResolveAgainstTheDefiningFile() throws {
        let dir = try ConfigScratchDir()
        try dir.write("one/ca.pem", ConfigFakePEM.ca)
        try dir.write("two/certs/client.pem", ConfigFakePEM.cert)
        try dir.write("key.pem", ConfigFakePEM.key)
        try dir.write("two/token", "file-token\n")
        // The cluster comes from one/, the user from two/sub/config: each resolves against its own directory.
        let one = try dir.write("one/config", """
            clusters:
            - name: c
              cluster: {server: "https://k.example", certificate-authority: ca.pem}
            contexts:
            - name: dev
              context: {cluster: c, user: alice}
            current-context: dev
            """)
        let two = try dir.write("two/config", """
            users:
            - name: alice
              user:
                client-certificate: certs/client.pem
                client-key: ../key.pem
                tokenFile: ./token
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/plugin
            - name: bare
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws-iam-authenticator}
            """)
        let configuration = try ClientConfiguration.load(environment: ["KUBECONFIG": "\(one):\(two)"])
        #expect(configuration.tls.certificateAuthority == Array(ConfigFakePEM.ca.utf8))
        #expect(configuration.credentials.clientCertificate?.certificatePEM == Array(ConfigFakePEM.cert.utf8))
        #expect(configuration.credentials.clientCertificate?.keyPEM == Secret(ConfigFakePEM.key))
        #expect(configuration.credentials.bearerTokenFile == dir.file("two/token"))
        #expect(configuration.credentials.exec?.command == dir.file("two/bin/plugin"))

        // A bare command name stays a name, to be looked up on PATH.
        let twoText = try #require(dir.read("two/config"))
        let bareUser = try #require(try KubeConfigFile.parse(twoText, path: two).users.last?.value)
        let bare = try MergedKubeConfig.resolve(user: bareUser, named: "bare", file: two)
        #expect(bare.exec?.command == "aws-iam-authenticator")
        #expect(bare.exec?.apiVersion == "client.authentication.k8s.io/v1beta1")
    }

    enum Source: String, Sendable, CaseIterable {
        case data, file, both
    }

    @Test(arguments: Source.allCases)
    func certificateAuthorityDataWinsOverFile(_ source: Source) throws {
        let dir = try ConfigScratchDir()
        try dir.write("ca.pem", ConfigFakePEM.otherCA)
        var lines = ["server: https://k.example"]
        if source != .file { lines.append("certificate-authority-data: \(configBase64(ConfigFakePEM.ca))") }
        if source != .data { lines.append("certificate-authority: ca.pem") }
        let path = try dir.write("config", configTestKubeconfig(cluster: lines))
        let configuration = try ClientConfiguration.load(kubeconfig: path)
        let expected = source == .file ? ConfigFakePEM.otherCA : ConfigFakePEM.ca
        #expect(configuration.tls.certificateAuthority == Array(expected.utf8))
    }

    @Test(arguments: Source.allCases)
    func clientCertificateDataWinsOverFile(_ source: Source) throws {
        let dir = try ConfigScratchDir()
        try dir.write("client.pem", "file certificate")
        try dir.write("client.key", "file key")
        var lines: [String] = []
        if source != .file {
            lines += ["client-certificate-data: \(configBase64(ConfigFakePEM.cert))", "client-key-data: \(configBase64(ConfigFakePEM.key))"]
        }
        if source != .data {
            lines += ["client-certificate: client.pem", "client-key: client.key"]
        }
        let path = try dir.write("config", configTestKubeconfig(user: lines))
        let certificate = try #require(try ClientConfiguration.load(kubeconfig: path).credentials.clientCertificate)
        if source == .file {
            #expect(certificate == ClientCertificate(certificatePEM: Array("file certificate".utf8), keyPEM: Secret("file key")))
        } else {
            #expect(certificate == ClientCertificate(certificatePEM: Array(ConfigFakePEM.cert.utf8), keyPEM: Secret(ConfigFakePEM.key)))
        }
    }

    @Test func clusterAndUserFieldsAreCarriedOver() throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig(
            cluster: [
                "server: https://10.1.2.3:6443/",
                "insecure-skip-tls-verify: true",
                "tls-server-name: api.internal",
                "disable-compression: true",
                "extensions: [{name: x, extension: {a: 1}}]",
            ],
            user: [
                "exec:",
                "  apiVersion: client.authentication.k8s.io/v1",
                "  command: /usr/bin/get-token",
                "  args: [--cluster, dev]",
                "  env: [{name: A, value: one}, {name: B, value: two}]",
                "  installHint: install get-token",
                "  provideClusterInfo: true",
                "  interactiveMode: Never",
            ]))
        let configuration = try ClientConfiguration.load(kubeconfig: path)
        #expect(configuration.server == "https://10.1.2.3:6443")
        #expect(configuration.tls == TLSConfiguration(certificateAuthority: nil, insecureSkipVerify: true, serverName: "api.internal"))
        #expect(configuration.credentials.exec == ExecConfig(
            command: "/usr/bin/get-token", args: ["--cluster", "dev"],
            env: [.init(name: "A", value: "one"), .init(name: "B", value: "two")],
            apiVersion: "client.authentication.k8s.io/v1", installHint: "install get-token",
            provideClusterInfo: true, interactiveMode: "Never"))
    }

    @Test func bareHostGetsHTTPS() throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig(cluster: ["server: k.example:6443"]))
        #expect(try ClientConfiguration.load(kubeconfig: path).server == "https://k.example:6443")
    }
}
