import Foundation

extension ClientConfiguration {
    /// Loads the configuration the way kubectl does.
    ///
    /// Where it looks, first match wins:
    /// 1. `kubeconfig`, when given: that single file, which must exist (no merging);
    /// 2. `KUBECONFIG`: a `:`-separated list of files, empty entries and missing files skipped,
    ///    the rest merged in order (first definition of a name wins, `current-context` from the
    ///    first file that sets one);
    /// 3. `$HOME/.kube/config` (`homeDirectory`, else `HOME` from `environment`), if it exists;
    /// 4. the pod's service account (``inCluster(environment:serviceAccountDirectory:)``), when
    ///    `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` are set.
    ///
    /// Fields as in client-go, with these deliberate limits: `proxy-url`, `auth-provider` and
    /// impersonation (`as`, `as-uid`, `as-groups`, `as-user-extra`) are rejected with an error
    /// rather than ignored; exec plugins with `interactiveMode: Always` are rejected (Sluice never
    /// prompts); `disable-compression` is accepted but only a hint, which Sluice ignores;
    /// `extensions` and `preferences` are ignored.
    ///
    /// - Parameters:
    ///   - kubeconfig: an explicit kubeconfig path (kubectl's `--kubeconfig`).
    ///   - context: the context to use instead of `current-context` (kubectl's `--context`).
    ///   - namespace: overrides the context's namespace (kubectl's `--namespace`); the default
    ///     is the context's namespace, else `default`.
    ///   - environment: where `KUBECONFIG`, `HOME` and the in-cluster variables are read.
    ///   - homeDirectory: overrides `HOME` when looking for `.kube/config`.
    /// - Throws: ``KubeConfigError`` naming the file, entry and field at fault, or saying what
    ///   was tried when nothing was found.
    public static func load(
        kubeconfig: String? = nil,
        context: String? = nil,
        namespace: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        homeDirectory: String? = nil
    ) throws -> ClientConfiguration {
        try load(
            kubeconfig: kubeconfig, context: context, namespace: namespace, environment: environment,
            homeDirectory: homeDirectory, serviceAccountDirectory: defaultServiceAccountDirectory)
    }

    /// ``load(kubeconfig:context:namespace:environment:homeDirectory:)`` with the in-cluster
    /// fallback reading `serviceAccountDirectory` (for tests).
    static func load(
        kubeconfig: String?,
        context: String?,
        namespace: String?,
        environment: [String: String],
        homeDirectory: String?,
        serviceAccountDirectory: String
    ) throws -> ClientConfiguration {
        if let kubeconfig {
            let path = absolutePath(kubeconfig)
            try requireKubeconfigFile(path)
            return try load(files: [path], context: context, namespace: namespace)
        }

        var tried: [String] = []
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            let paths = list.split(separator: ":", omittingEmptySubsequences: true)
                .map { absolutePath(String($0)) }
                .filter { seen.insert($0).inserted }
            let existing = paths.filter(isRegularFile)
            if !existing.isEmpty {
                return try load(files: existing, context: context, namespace: namespace)
            }
            tried.append("KUBECONFIG=\(list) (no such file)")
        } else {
            tried.append("KUBECONFIG (not set)")
        }

        if let home = (homeDirectory ?? environment["HOME"]).nonEmptyString {
            let path = URL(fileURLWithPath: home).appendingPathComponent(".kube/config").path
            if isRegularFile(path) {
                return try load(files: [path], context: context, namespace: namespace)
            }
            tried.append("\(path) (does not exist)")
        } else {
            tried.append("$HOME/.kube/config (HOME not set)")
        }

        if environment["KUBERNETES_SERVICE_HOST"].nonEmptyString != nil, environment["KUBERNETES_SERVICE_PORT"].nonEmptyString != nil {
            if let context = context.nonEmptyString {
                throw KubeConfigError(
                    .contextNotFound, location: "in-cluster configuration",
                    "context \(quotedName(context)) was requested but no kubeconfig was found; tried \(tried.joined(separator: ", "))")
            }
            var configuration = try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
            if let namespace = namespace.nonEmptyString {
                configuration.namespace = namespace
            }
            return configuration
        }
        tried.append("in-cluster service account (KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT not set)")
        throw KubeConfigError(
            .noConfiguration, location: "kubeconfig",
            "no configuration found; tried \(tried.joined(separator: ", "))")
    }

    /// Parses and merges `files` (absolute paths, all existing) and resolves the context.
    static func load(files: [String], context: String?, namespace: String?) throws -> ClientConfiguration {
        var loaded: [(path: String, file: KubeConfigFile)] = []
        for path in files {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw KubeConfigError(.unreadableFile, location: "kubeconfig \(path)", "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw KubeConfigError(.syntax, location: "kubeconfig \(path)", "the file is not UTF-8 text")
            }
            loaded.append((path, try KubeConfigFile.parse(text, path: path)))
        }
        return try MergedKubeConfig(loaded).clientConfiguration(context: context, namespace: namespace)
    }

    private static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func requireKubeconfigFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KubeConfigError(.fileNotFound, location: "kubeconfig \(path)", "file does not exist")
        }
        if isDirectory.boolValue {
            throw KubeConfigError(.unreadableFile, location: "kubeconfig \(path)", "is a directory, not a file")
        }
    }
}
