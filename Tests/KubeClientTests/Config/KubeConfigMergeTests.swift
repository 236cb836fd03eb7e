import Foundation
import Testing

@testable import KubeClient

/// Where kubeconfig comes from and how several files merge.
@Suite struct KubeConfigMergeTests {
    /// a: defines c1/u1/ctx1 and an empty current-context.
    static let fileA = """
        apiVersion: v1
        kind: Config
        current-context: ""
        clusters:
        - name: c1
          cluster: {server: "https://a-c1.example:6443"}
        users:
        - name: u1
          user: {token: from-a}
        contexts:
        - name: ctx1
          context: {cluster: c1, user: u1}
        """

    /// b: redefines c1/u1/ctx1 (ignored: a came first), adds c3/u2/ctx2, sets current-context.
    static let fileB = """
        apiVersion: v1
        kind: Config
        current-context: ctx2
        clusters:
        - name: c1
          cluster: {server: "https://b-c1.example"}
        - name: c3
          cluster: {server: "https://b-c3.example/"}
        users:
        - name: u1
          user: {token: from-b}
        - name: u2
          user: {username: bob, password: pw}
        contexts:
        - name: ctx1
          context: {cluster: c3, user: u2}
        - name: ctx2
          context: {cluster: c3, user: u2, namespace: team-b}
        """

    /// c: its current-context is ignored since b already set one.
    static let fileC = """
        current-context: ctx1
        contexts:
        - name: ctx3
          context: {cluster: c1, user: u2}
        """

    @Test func mergesFilesFirstDefinitionWinsAndFirstCurrentContext() throws {
        let dir = try ConfigScratchDir()
        let a = try dir.write("a/config", Self.fileA)
        let b = try dir.write("b/config", Self.fileB)
        let c = try dir.write("c/config", Self.fileC)
        let list = "\(a)::\(dir.file("missing")):\(b):\(c):\(a)"

        let configuration = try ClientConfiguration.load(environment: ["KUBECONFIG": list])
        #expect(configuration.server == "https://b-c3.example")
        #expect(configuration.namespace == "team-b")
        #expect(configuration.credentials.basic?.username == "bob")
        #expect(configuration.source == "kubeconfig \(a):\(b):\(c), context \"ctx2\"")

        let first = try ClientConfiguration.load(context: "ctx1", environment: ["KUBECONFIG": list])
        #expect(first.server == "https://a-c1.example:6443")
        #expect(first.credentials.bearerToken?.revealString() == "from-a")
        #expect(first.namespace == "default")

        // ctx3 lives in c and refers to entries from a (c1) and b (u2).
        let third = try ClientConfiguration.load(context: "ctx3", environment: ["KUBECONFIG": list])
        #expect(third.server == "https://a-c1.example:6443")
        #expect(third.credentials.basic?.username == "bob")
    }

    @Test func explicitKubeconfigIsNotMerged() throws {
        let dir = try ConfigScratchDir()
        let a = try dir.write("a/config", Self.fileA)
        let b = try dir.write("b/config", Self.fileB)
        // a alone has no current-context, and KUBECONFIG is not consulted.
        let error = expectKubeConfigError {
            try ClientConfiguration.load(kubeconfig: a, environment: ["KUBECONFIG": b])
        }
        #expect(error?.reason == .contextNotFound)
        #expect(error?.description == "kubeconfig \(a): no context selected: current-context is not set and no context was given; available contexts: \"ctx1\"")

        let explicit = try ClientConfiguration.load(kubeconfig: a, context: "ctx1", environment: ["KUBECONFIG": b])
        #expect(explicit.source == "kubeconfig \(a), context \"ctx1\"")
    }

    @Test func explicitKubeconfigMustExist() {
        let error = expectKubeConfigError {
            try ClientConfiguration.load(kubeconfig: "/nonexistent/kube/config", environment: noKubeEnvironment)
        }
        #expect(error?.reason == .fileNotFound)
        #expect(error?.description == "kubeconfig /nonexistent/kube/config: file does not exist")
    }

    @Test func kubeconfigEnvironmentBeatsHomeAndHomeIsTheFallback() throws {
        let dir = try ConfigScratchDir()
        let home = dir.file("home")
        try dir.write("home/.kube/config", Self.fileB)
        let a = try dir.write("a/config", Self.fileA)

        let fromEnv = try ClientConfiguration.load(
            context: "ctx1", environment: ["KUBECONFIG": a, "HOME": "/nowhere"], homeDirectory: home)
        #expect(fromEnv.server == "https://a-c1.example:6443")

        let fromHomeParameter = try ClientConfiguration.load(environment: ["HOME": "/nowhere"], homeDirectory: home)
        #expect(fromHomeParameter.server == "https://b-c3.example")
        #expect(fromHomeParameter.source == "kubeconfig \(home)/.kube/config, context \"ctx2\"")

        let fromHomeVariable = try ClientConfiguration.load(environment: ["HOME": home])
        #expect(fromHomeVariable.server == "https://b-c3.example")

        // A KUBECONFIG naming only missing files falls through to the home file.
        let fallThrough = try ClientConfiguration.load(environment: ["KUBECONFIG": dir.file("gone") + ":"], homeDirectory: home)
        #expect(fallThrough.server == "https://b-c3.example")
    }

    @Test func fallsBackToInClusterWhenNoFileExists() {
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": "/nonexistent-home"]
        // The real service-account directory does not exist here, so the in-cluster attempt
        // itself fails, which shows it was the one tried.
        let error = expectKubeConfigError { try ClientConfiguration.load(environment: environment) }
        #expect(error?.location == "in-cluster configuration")
        #expect(error?.reason == .fileNotFound)
    }

    @Test func nothingFoundSaysWhatWasTried() {
        let error = expectKubeConfigError {
            try ClientConfiguration.load(environment: ["KUBECONFIG": "/nonexistent/a:/nonexistent/b"], homeDirectory: "/nonexistent-home")
        }
        #expect(error?.reason == .noConfiguration)
        let text = error?.description ?? ""
        #expect(text.contains("KUBECONFIG=/nonexistent/a:/nonexistent/b"))
        #expect(text.contains("/nonexistent-home/.kube/config (does not exist)"))
        #expect(text.contains("KUBERNETES_SERVICE_HOST"))

        let unset = expectKubeConfigError { try ClientConfiguration.load(environment: noKubeEnvironment) }
        #expect(unset?.description.contains("KUBECONFIG (not set)") == true)
        #expect(unset?.description.contains("HOME not set") == true)
    }

    @Test func emptyFileIsAnEmptyConfig() throws {
        let dir = try ConfigScratchDir()
        let empty = try dir.write("empty", "# nothing here\n")
        let b = try dir.write("b", Self.fileB)
        let configuration = try ClientConfiguration.load(environment: ["KUBECONFIG": "\(empty):\(b)"])
        #expect(configuration.server == "https://b-c3.example")
    }
}
