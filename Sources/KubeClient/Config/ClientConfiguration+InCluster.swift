import Foundation

extension ClientConfiguration {
    /// Where the kubelet mounts a pod's service account.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod talking to its own cluster with its service account.
    ///
    /// - Server: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (IPv6 hosts bracketed).
    /// - Trust: `ca.crt` in `serviceAccountDirectory` (required: without it verification would
    ///   fall back to the system roots and fail obscurely).
    /// - Credentials: ``Credentials/bearerTokenFile`` = `token` in that directory, which must
    ///   exist now and is re-read as the kubelet rotates it.
    /// - Namespace: the `namespace` file, else `default`.
    ///
    /// - Throws: ``KubeConfigError`` with location `in-cluster configuration`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws -> ClientConfiguration {
        let location = "in-cluster configuration"
        guard let host = environment["KUBERNETES_SERVICE_HOST"].nonEmptyString,
              let port = environment["KUBERNETES_SERVICE_PORT"].nonEmptyString
        else {
            throw KubeConfigError(
                .missingValue, location: location,
                "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (not running in a pod?)")
        }
        guard let portNumber = UInt16(port), portNumber > 0 else {
            throw KubeConfigError(.invalidValue, location: location, "KUBERNETES_SERVICE_PORT \(quotedName(port)) is not a port number")
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host

        let directory = URL(fileURLWithPath: serviceAccountDirectory)
        let caPath = directory.appendingPathComponent("ca.crt").path
        let tokenPath = directory.appendingPathComponent("token").path
        let namespacePath = directory.appendingPathComponent("namespace").path

        let ca = try MergedKubeConfig.readFile(caPath, location: location, field: "service account CA")
        try MergedKubeConfig.requireReadable(tokenPath, location: location, field: "service account token")

        var namespace = "default"
        if let data = FileManager.default.contents(atPath: namespacePath),
           let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
           !text.isEmpty {
            namespace = text
        }

        return ClientConfiguration(
            server: "https://\(bracketed):\(portNumber)",
            namespace: namespace,
            tls: TLSConfiguration(certificateAuthority: ca),
            credentials: Credentials(bearerTokenFile: tokenPath),
            source: "in-cluster service account")
    }
}
