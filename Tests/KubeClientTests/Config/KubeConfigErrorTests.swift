import Foundation
import Testing

@testable import KubeClient

/// Rejected kubeconfigs: the message names the file, entry and field, and never a secret.
@Suite struct KubeConfigErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var cluster: [String] = ["server: https://k.example"]
        var user: [String] = []
        var reason: KubeConfigError.Reason
        /// The expected message after `kubeconfig <path>: `.
        var detail: String
        var testDescription: String { name }
    }

    static let unsupported: [Case] = [
        Case(
            name: "proxy-url", cluster: ["server: https://k.example", "proxy-url: http://proxy:3128"],
            reason: .unsupported,
            detail: #"cluster "c": proxy-url is not supported; remove it or reach the API server directly"#),
        Case(
            name: "auth-provider", user: ["auth-provider: {name: gcp, config: {access-token: SECRET-AP}}"],
            reason: .unsupported,
            detail: #"user "alice": auth-provider "gcp" is not supported (use an exec credential plugin instead)"#),
        Case(
            name: "as", user: ["token: SECRET-T", "as: admin"], reason: .unsupported,
            detail: #"user "alice": as is not supported (impersonation)"#),
        Case(
            name: "as-groups", user: ["as-groups: [system:masters]"], reason: .unsupported,
            detail: #"user "alice": as-groups is not supported (impersonation)"#),
        Case(
            name: "as-uid", user: ["as-uid: \"42\""], reason: .unsupported,
            detail: #"user "alice": as-uid is not supported (impersonation)"#),
        Case(
            name: "exec interactiveMode Always",
            user: ["exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Always}"],
            reason: .unsupported,
            detail: #"user "alice": exec.interactiveMode Always is not supported: Sluice never runs credential plugins interactively"#),
        Case(
            name: "exec v1alpha1",
            user: ["exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}"],
            reason: .unsupported,
            detail: #"user "alice": exec.apiVersion "client.authentication.k8s.io/v1alpha1" is not supported; expected client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1"#),
    ]

    static let invalid: [Case] = [
        Case(
            name: "bad key base64",
            user: ["client-certificate-data: \(configBase64(ConfigFakePEM.cert))", "client-key-data: \"SECRET-KEY!!\""],
            reason: .invalidValue, detail: #"user "alice": client-key-data is not valid base64"#),
        Case(
            name: "bad CA base64", cluster: ["server: https://k.example", "certificate-authority-data: not*base64"],
            reason: .invalidValue, detail: #"cluster "c": certificate-authority-data is not valid base64"#),
        Case(
            name: "missing server", cluster: ["insecure-skip-tls-verify: true"],
            reason: .missingValue, detail: #"cluster "c": server is required"#),
        Case(
            name: "bad server", cluster: ["server: ftp://k.example"],
            reason: .invalidValue, detail: #"cluster "c": server "ftp://k.example" is not a valid http(s) URL"#),
        Case(
            name: "certificate without key", user: ["client-certificate-data: \(configBase64(ConfigFakePEM.cert))"],
            reason: .missingValue,
            detail: #"user "alice": client-certificate is set but client-key / client-key-data is not"#),
        Case(
            name: "key without certificate", user: ["client-key-data: \(configBase64("SECRET-KEY"))"],
            reason: .missingValue,
            detail: #"user "alice": client-key is set but client-certificate / client-certificate-data is not"#),
        Case(
            name: "missing certificate file", user: ["client-certificate: nope.pem", "client-key: nope.key"],
            reason: .fileNotFound, detail: #"user "alice": client-certificate: file <dir>/nope.pem does not exist"#),
        Case(
            name: "missing token file", user: ["tokenFile: /nonexistent/token"],
            reason: .fileNotFound, detail: #"user "alice": tokenFile: file /nonexistent/token does not exist"#),
        Case(
            name: "token and basic", user: ["token: SECRET-T", "username: bob", "password: SECRET-P"],
            reason: .invalidValue,
            detail: #"user "alice": more than one authentication method (token and username/password); only one is allowed"#),
        Case(
            name: "exec without command", user: ["exec: {apiVersion: client.authentication.k8s.io/v1}"],
            reason: .missingValue, detail: #"user "alice": exec.command is required"#),
        Case(
            name: "wrong type", cluster: ["server: https://k.example", "insecure-skip-tls-verify: maybe"],
            reason: .syntax, detail: #"cluster "c": insecure-skip-tls-verify: expected a boolean (true or false)"#),
        Case(
            name: "args not a list", user: ["exec: {apiVersion: client.authentication.k8s.io/v1, command: x, args: {a: b}}"],
            reason: .syntax, detail: #"user "alice": exec.args: expected a list"#),
    ]

    @Test(arguments: unsupported + invalid)
    func rejected(_ testCase: Case) throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig(cluster: testCase.cluster, user: testCase.user))
        let error = expectKubeConfigError { try ClientConfiguration.load(kubeconfig: path) }
        #expect(error?.reason == testCase.reason)
        let detail = testCase.detail.replacingOccurrences(of: "<dir>", with: dir.path)
        #expect(error?.description == "kubeconfig \(path): \(detail)")
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func errorsNameTheFileThatDefinedTheEntry() throws {
        let dir = try ConfigScratchDir()
        let first = try dir.write("first", """
            contexts: [{name: dev, context: {cluster: c, user: alice}}]
            current-context: dev
            clusters: [{name: c, cluster: {server: "https://k.example"}}]
            """)
        let second = try dir.write("second", """
            users: [{name: alice, user: {client-key-data: "SECRET-KEY!!", client-certificate-data: "\(configBase64(ConfigFakePEM.cert))"}}]
            """)
        let error = expectKubeConfigError { try ClientConfiguration.load(environment: ["KUBECONFIG": "\(first):\(second)"]) }
        #expect(error?.description == "kubeconfig \(second): user \"alice\": client-key-data is not valid base64")

        let missing = expectKubeConfigError {
            try ClientConfiguration.load(context: "other", environment: ["KUBECONFIG": "\(first):\(second)"])
        }
        #expect(missing?.description == "merged kubeconfig \(first):\(second): context \"other\" not found; available contexts: \"dev\"")
    }

    @Test(arguments: [
        "clusters:\n- name: c\n  cluster: {server: \"https://k\"\nusers:\n- name: alice\n  user: {token: SECRET-TOKEN}\n",
        "users:\n- name: alice\n  user:\n    token: SECRET-TOKEN\n   password: SECRET-PASS\n",
        "users: [{name: alice, user: {token: SECRET-TOKEN}}]\n\tbad: tab\n",
        "current-context: dev\ncurrent-context: SECRET-DUP\n",
    ])
    func yamlSyntaxErrorsNameTheFileAndHideTheDocument(_ text: String) throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("broken/config", text)
        let error = expectKubeConfigError { try ClientConfiguration.load(kubeconfig: path) }
        #expect(error?.reason == .syntax)
        #expect(error?.location == "kubeconfig \(path)")
        #expect(error?.detail.hasPrefix("invalid YAML at line ") == true)
        #expect(error?.description.contains("SECRET") == false)
    }

    @Test func notAMappingIsASyntaxError() throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", "- just\n- a list\n")
        let error = expectKubeConfigError { try ClientConfiguration.load(kubeconfig: path) }
        #expect(error?.description == "kubeconfig \(path): expected a mapping")
    }

    @Test func printedConfigurationHidesSecrets() throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("config", configTestKubeconfig(user: [
            "username: bob",
            "password: SECRET-PASSWORD",
            "client-certificate-data: \(configBase64(ConfigFakePEM.cert))",
            "client-key-data: \(configBase64("SECRET-KEY-PEM"))",
            "exec:",
            "  apiVersion: client.authentication.k8s.io/v1",
            "  command: get-token",
            "  args: [--secret, SECRET-ARG]",
            "  env: [{name: API_KEY, value: SECRET-ENV}]",
        ]))
        let configuration = try ClientConfiguration.load(kubeconfig: path)
        #expect(configuration.credentials.basic?.password.revealString() == "SECRET-PASSWORD")
        for text in [
            String(describing: configuration), String(reflecting: configuration), "\(configuration.credentials)",
            String(reflecting: configuration.credentials), "\(configuration.credentials.exec!)",
        ] {
            #expect(!text.contains("SECRET"), "\(text)")
        }
        #expect(String(describing: configuration).contains("exec get-token"))
        let tokenConfiguration = try ClientConfiguration.load(
            kubeconfig: try dir.write("token", configTestKubeconfig(user: ["token: SECRET-TOKEN"])))
        #expect(!String(describing: tokenConfiguration).contains("SECRET"))
        #expect(!String(reflecting: tokenConfiguration).contains("SECRET"))
    }
}
