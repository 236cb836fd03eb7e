import Foundation
import Testing

@testable import KubeClient

/// ``ClientConfiguration/inCluster(environment:serviceAccountDirectory:)`` against a fake
/// service-account directory.
@Suite struct InClusterConfigurationTests {
    static func serviceAccount(namespace: String? = "payments\n", token: Bool = true) throws -> ConfigScratchDir {
        let dir = try ConfigScratchDir()
        try dir.write("ca.crt", ConfigFakePEM.ca)
        if token { try dir.write("token", "SECRET-SA-TOKEN") }
        if let namespace { try dir.write("namespace", namespace) }
        return dir
    }

    @Test(arguments: [
        ("10.96.0.1", "443", "https://10.96.0.1:443"),
        ("fd00:10:96::1", "6443", "https://[fd00:10:96::1]:6443"),
        ("[fd00::1]", "443", "https://[fd00::1]:443"),
        ("kubernetes.default.svc", "443", "https://kubernetes.default.svc:443"),
    ])
    func buildsTheServerURL(host: String, port: String, expected: String) throws {
        let dir = try Self.serviceAccount()
        let configuration = try ClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": port],
            serviceAccountDirectory: dir.path)
        #expect(configuration.server == expected)
    }

    @Test func readsTheServiceAccount() throws {
        let dir = try Self.serviceAccount()
        let configuration = try ClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: dir.path)
        #expect(configuration.tls.certificateAuthority == Array(ConfigFakePEM.ca.utf8))
        #expect(configuration.tls.insecureSkipVerify == false)
        #expect(configuration.credentials.bearerTokenFile == dir.file("token"))
        #expect(configuration.credentials.bearerToken == nil)
        #expect(configuration.namespace == "payments")
        #expect(configuration.source == "in-cluster service account")
        #expect(!String(describing: configuration).contains("SECRET"))
    }

    @Test func namespaceDefaultsWithoutTheFile() throws {
        let dir = try Self.serviceAccount(namespace: nil)
        let configuration = try ClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: dir.path)
        #expect(configuration.namespace == "default")
    }

    @Test func tokenMustExist() throws {
        let dir = try Self.serviceAccount(token: false)
        let error = expectKubeConfigError {
            try ClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: dir.path)
        }
        #expect(error?.reason == .fileNotFound)
        #expect(error?.description == "in-cluster configuration: service account token: file \(dir.file("token")) does not exist")
    }

    @Test(arguments: [
        [String: String](),
        ["KUBERNETES_SERVICE_HOST": "10.96.0.1"],
        ["KUBERNETES_SERVICE_PORT": "443"],
        ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "https"],
    ])
    func environmentMustNameHostAndPort(_ environment: [String: String]) throws {
        let dir = try Self.serviceAccount()
        let error = expectKubeConfigError {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: dir.path)
        }
        #expect(error?.location == "in-cluster configuration")
        #expect(error?.description.contains("KUBERNETES_SERVICE_") == true)
    }

    @Test func loadFallsBackToInClusterAndAppliesTheNamespaceArgument() throws {
        let dir = try Self.serviceAccount()
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let plain = try ClientConfiguration.load(
            kubeconfig: nil, context: nil, namespace: nil, environment: environment,
            homeDirectory: "/nonexistent-home", serviceAccountDirectory: dir.path)
        #expect(plain.source == "in-cluster service account")
        #expect(plain.namespace == "payments")
        let overridden = try ClientConfiguration.load(
            kubeconfig: nil, context: nil, namespace: "other", environment: environment,
            homeDirectory: "/nonexistent-home", serviceAccountDirectory: dir.path)
        #expect(overridden.namespace == "other")
        let withContext = expectKubeConfigError {
            try ClientConfiguration.load(
                kubeconfig: nil, context: "dev", namespace: nil, environment: environment,
                homeDirectory: "/nonexistent-home", serviceAccountDirectory: dir.path)
        }
        #expect(withContext?.reason == .contextNotFound)
    }
}
