import Foundation

/// One or more kubeconfig files merged as client-go's `clientcmd` does, and the rules that
/// turn the selected context into a ``ClientConfiguration``.
///
/// Merge rule: for clusters, users and contexts the first file that defines a name wins;
/// `current-context` comes from the first file that sets a non-empty one. Every entry remembers
/// the file that defined it, so its relative paths resolve against that file's directory and
/// its errors name that file.
struct MergedKubeConfig: Sendable {
    /// An entry and the file that defined it.
    struct Entry<Value: Sendable>: Sendable {
        var value: Value
        var file: String
    }

    /// The merged files, in order.
    var files: [String]
    var clusters: [String: Entry<KubeConfigFile.Cluster>] = [:]
    var users: [String: Entry<KubeConfigFile.User>] = [:]
    var contexts: [String: Entry<KubeConfigFile.Context>] = [:]
    var currentContext: String?

    init(_ loaded: [(path: String, file: KubeConfigFile)]) {
        files = loaded.map(\.path)
        for (path, file) in loaded {
            for entry in file.clusters where !entry.name.isEmpty && clusters[entry.name] == nil {
                clusters[entry.name] = Entry(value: entry.value ?? .init(), file: path)
            }
            for entry in file.users where !entry.name.isEmpty && users[entry.name] == nil {
                users[entry.name] = Entry(value: entry.value ?? .init(), file: path)
            }
            for entry in file.contexts where !entry.name.isEmpty && contexts[entry.name] == nil {
                contexts[entry.name] = Entry(value: entry.value ?? .init(), file: path)
            }
            if currentContext == nil, let current = file.currentContext.nonEmptyString {
                currentContext = current
            }
        }
    }

    /// `kubeconfig /a` or `merged kubeconfig /a:/b`, for errors that concern the whole set.
    var location: String {
        files.count == 1 ? "kubeconfig \(files[0])" : "merged kubeconfig \(files.joined(separator: ":"))"
    }

    /// Resolves the selected context (`context`, else `current-context`) to a configuration.
    func clientConfiguration(context requested: String?, namespace requestedNamespace: String?) throws -> ClientConfiguration {
        let available = contexts.isEmpty
            ? "no contexts are defined"
            : "available contexts: " + contexts.keys.sorted().map(quotedName).joined(separator: ", ")
        guard let contextName = requested.nonEmptyString ?? currentContext else {
            throw KubeConfigError(
                .contextNotFound, location: location,
                "no context selected: current-context is not set and no context was given; \(available)")
        }
        guard let contextEntry = contexts[contextName] else {
            throw KubeConfigError(.contextNotFound, location: location, "context \(quotedName(contextName)) not found; \(available)")
        }
        let context = contextEntry.value
        guard let clusterName = context.cluster.nonEmptyString else {
            throw KubeConfigError(
                .missingValue, location: "kubeconfig \(contextEntry.file)",
                "context \(quotedName(contextName)): cluster is required")
        }
        guard let clusterEntry = clusters[clusterName] else {
            throw KubeConfigError(
                .clusterNotFound, location: location,
                "context \(quotedName(contextName)): cluster \(quotedName(clusterName)) not found")
        }
        let (server, tls) = try Self.resolve(cluster: clusterEntry.value, named: clusterName, file: clusterEntry.file)

        var credentials = Credentials()
        if let userName = context.user.nonEmptyString {
            guard let userEntry = users[userName] else {
                throw KubeConfigError(
                    .userNotFound, location: location,
                    "context \(quotedName(contextName)): user \(quotedName(userName)) not found")
            }
            credentials = try Self.resolve(user: userEntry.value, named: userName, file: userEntry.file)
        }

        return ClientConfiguration(
            server: server,
            namespace: requestedNamespace.nonEmptyString ?? context.namespace.nonEmptyString ?? "default",
            tls: tls,
            credentials: credentials,
            source: "kubeconfig \(files.joined(separator: ":")), context \(quotedName(contextName))")
    }

    // MARK: - Clusters

    static func resolve(cluster: KubeConfigFile.Cluster, named name: String, file: String) throws -> (String, TLSConfiguration) {
        let location = "kubeconfig \(file)"
        let what = "cluster \(quotedName(name))"
        if cluster.proxyURL.nonEmptyString != nil {
            throw KubeConfigError(
                .unsupported, location: location,
                "\(what): proxy-url is not supported; remove it or reach the API server directly")
        }
        guard var server = cluster.server.nonEmptyString?.trimmingCharacters(in: .whitespaces) else {
            throw KubeConfigError(.missingValue, location: location, "\(what): server is required")
        }
        if !server.contains("://") {
            server = "https://" + server  // client-go's default for a bare host:port
        }
        guard let url = URL(string: server),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty
        else {
            // Never echo a URL with user info: it may hold a password.
            let shown = server.contains("@") ? "" : " \(quotedName(server))"
            throw KubeConfigError(.invalidValue, location: location, "\(what): server\(shown) is not a valid http(s) URL")
        }

        var tls = TLSConfiguration(
            insecureSkipVerify: cluster.insecureSkipTLSVerify ?? false,
            serverName: cluster.tlsServerName.nonEmptyString)
        if let data = cluster.certificateAuthorityData.nonEmptyString {
            tls.certificateAuthority = try decodeBase64(data, location: location, field: "\(what): certificate-authority-data")
        } else if let path = resolvePath(cluster.certificateAuthority, relativeTo: file) {
            tls.certificateAuthority = try readFile(path, location: location, field: "\(what): certificate-authority")
        }
        return (server, tls)
    }

    // MARK: - Users

    static func resolve(user: KubeConfigFile.User, named name: String, file: String) throws -> Credentials {
        let location = "kubeconfig \(file)"
        let what = "user \(quotedName(name))"
        func unsupported(_ field: String, _ why: String) -> KubeConfigError {
            KubeConfigError(.unsupported, location: location, "\(what): \(field) is not supported (\(why))")
        }
        if let provider = user.authProvider {
            let named = provider.name.nonEmptyString.map { " \(quotedName($0))" } ?? ""
            throw unsupported("auth-provider\(named)", "use an exec credential plugin instead")
        }
        if user.impersonate.nonEmptyString != nil { throw unsupported("as", "impersonation") }
        if user.impersonateUID.nonEmptyString != nil { throw unsupported("as-uid", "impersonation") }
        if !(user.impersonateGroups ?? []).isEmpty { throw unsupported("as-groups", "impersonation") }
        if !(user.impersonateUserExtra ?? [:]).isEmpty { throw unsupported("as-user-extra", "impersonation") }

        var credentials = Credentials()

        let hasToken = user.token.nonEmptyString != nil || user.tokenFile.nonEmptyString != nil
        let hasBasic = user.username.nonEmptyString != nil || user.password.nonEmptyString != nil
        if hasToken && hasBasic {
            throw KubeConfigError(
                .invalidValue, location: location,
                "\(what): more than one authentication method (token and username/password); only one is allowed")
        }
        if let token = user.token.nonEmptyString {
            credentials.bearerToken = Secret(token)
        }
        if let path = resolvePath(user.tokenFile, relativeTo: file) {
            try requireReadable(path, location: location, field: "\(what): tokenFile")
            credentials.bearerTokenFile = path
        }
        if hasBasic {
            guard let username = user.username.nonEmptyString else {
                throw KubeConfigError(.missingValue, location: location, "\(what): password is set but username is not")
            }
            credentials.basic = BasicCredentials(username: username, password: Secret(user.password ?? ""))
        }

        credentials.clientCertificate = try clientCertificate(user, what: what, file: file, location: location)
        credentials.exec = try exec(user.exec, what: what, file: file, location: location)
        return credentials
    }

    private static func clientCertificate(
        _ user: KubeConfigFile.User, what: String, file: String, location: String
    ) throws -> ClientCertificate? {
        var certificate: [UInt8]?
        var key: [UInt8]?
        if let data = user.clientCertificateData.nonEmptyString {
            certificate = try decodeBase64(data, location: location, field: "\(what): client-certificate-data")
        } else if let path = resolvePath(user.clientCertificate, relativeTo: file) {
            certificate = try readFile(path, location: location, field: "\(what): client-certificate")
        }
        if let data = user.clientKeyData.nonEmptyString {
            key = try decodeBase64(data, location: location, field: "\(what): client-key-data")
        } else if let path = resolvePath(user.clientKey, relativeTo: file) {
            key = try readFile(path, location: location, field: "\(what): client-key")
        }
        switch (certificate, key) {
        case let (certificate?, key?):
            return ClientCertificate(certificatePEM: certificate, keyPEM: Secret(bytes: key))
        case (.some, nil):
            throw KubeConfigError(
                .missingValue, location: location,
                "\(what): client-certificate is set but client-key / client-key-data is not")
        case (nil, .some):
            throw KubeConfigError(
                .missingValue, location: location,
                "\(what): client-key is set but client-certificate / client-certificate-data is not")
        case (nil, nil):
            return nil
        }
    }

    /// The ExecCredential API versions client-go still accepts.
    static let execAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    private static func exec(
        _ exec: KubeConfigFile.Exec?, what: String, file: String, location: String
    ) throws -> ExecConfig? {
        guard let exec else { return nil }
        guard var command = exec.command.nonEmptyString else {
            throw KubeConfigError(.missingValue, location: location, "\(what): exec.command is required")
        }
        guard let apiVersion = exec.apiVersion.nonEmptyString else {
            throw KubeConfigError(
                .missingValue, location: location,
                "\(what): exec.apiVersion is required (\(execAPIVersions.joined(separator: " or ")))")
        }
        guard execAPIVersions.contains(apiVersion) else {
            throw KubeConfigError(
                .unsupported, location: location,
                "\(what): exec.apiVersion \(quotedName(apiVersion)) is not supported; expected \(execAPIVersions.joined(separator: " or "))")
        }
        switch exec.interactiveMode.nonEmptyString {
        case nil, "Never", "IfAvailable":
            break
        case "Always":
            throw KubeConfigError(
                .unsupported, location: location,
                "\(what): exec.interactiveMode Always is not supported: Sluice never runs credential plugins interactively")
        case let other?:
            throw KubeConfigError(
                .invalidValue, location: location,
                "\(what): exec.interactiveMode \(quotedName(other)) is invalid; expected Never, IfAvailable or Always")
        }
        var env: [ExecConfig.EnvVar] = []
        for (index, variable) in (exec.env ?? []).enumerated() {
            guard let name = variable.name.nonEmptyString else {
                throw KubeConfigError(.missingValue, location: location, "\(what): exec.env[\(index)].name is required")
            }
            env.append(.init(name: name, value: variable.value ?? ""))
        }
        // A command with a slash is a path; relative ones are relative to this file.
        if command.contains("/"), let resolved = resolvePath(command, relativeTo: file) {
            command = resolved
        }
        return ExecConfig(
            command: command,
            args: exec.args ?? [],
            env: env,
            apiVersion: apiVersion,
            installHint: exec.installHint.nonEmptyString,
            provideClusterInfo: exec.provideClusterInfo ?? false,
            interactiveMode: exec.interactiveMode.nonEmptyString)
    }

    // MARK: - Helpers

    /// `path` made absolute against the directory holding `file`; `nil` when unset.
    static func resolvePath(_ path: String?, relativeTo file: String) -> String? {
        guard let path = path.nonEmptyString else { return nil }
        if path.hasPrefix("/") { return path }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }

    /// Decodes standard base64, ignoring line breaks and spaces as Go's decoder does with newlines.
    static func decodeBase64(_ text: String, location: String, field: String) throws -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw KubeConfigError(.invalidValue, location: location, "\(field) is not valid base64")
        }
        return Array(data)
    }

    static func readFile(_ path: String, location: String, field: String) throws -> [UInt8] {
        try requireReadable(path, location: location, field: field)
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw KubeConfigError(.unreadableFile, location: location, "\(field): cannot read \(path)")
        }
    }

    static func requireReadable(_ path: String, location: String, field: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KubeConfigError(.fileNotFound, location: location, "\(field): file \(path) does not exist")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw KubeConfigError(.unreadableFile, location: location, "\(field): \(path) is not a readable file")
        }
    }
}

extension Optional where Wrapped == String {
    /// The string, or `nil` when unset or empty (client-go's notion of "set").
    var nonEmptyString: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
