import Foundation

/// Everything needed to talk to one API server: where it is, how to trust it, who we are.
///
/// Built from a kubeconfig (``ClientConfiguration/load(kubeconfig:context:namespace:environment:homeDirectory:)``)
/// or from a pod's service account (``ClientConfiguration/inCluster(environment:serviceAccountDirectory:)``).
/// Printing it never shows a secret: tokens, passwords and keys are ``Secret`` values.
public struct ClientConfiguration: Sendable {
    /// Base URL of the API server, without a trailing slash, e.g. `https://127.0.0.1:6443`.
    public var server: String
    /// Namespace used when a call names none: the context's namespace, or `default`.
    public var namespace: String
    /// How the server's certificate is checked.
    public var tls: TLSConfiguration
    /// Who the client says it is.
    public var credentials: Credentials
    /// Where this configuration came from, for error messages
    /// (`kubeconfig /home/me/.kube/config, context "kind-dev"`, `in-cluster service account`).
    public var source: String

    public init(
        server: String,
        namespace: String = "default",
        tls: TLSConfiguration = TLSConfiguration(),
        credentials: Credentials = Credentials(),
        source: String = "explicit configuration"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.namespace = namespace
        self.tls = tls
        self.credentials = credentials
        self.source = source
    }
}

/// How the API server's certificate is verified.
public struct TLSConfiguration: Sendable, Equatable {
    /// PEM bundle of trusted authorities; `nil` trusts the system's roots.
    public var certificateAuthority: [UInt8]?
    /// Skip verification entirely (kubeconfig `insecure-skip-tls-verify`).
    public var insecureSkipVerify: Bool
    /// Name to send as SNI and to verify the certificate against, when it differs from the
    /// host in ``ClientConfiguration/server`` (kubeconfig `tls-server-name`).
    public var serverName: String?

    public init(certificateAuthority: [UInt8]? = nil, insecureSkipVerify: Bool = false, serverName: String? = nil) {
        self.certificateAuthority = certificateAuthority
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}

/// The ways a kubeconfig user (or a service account) can authenticate. Several may be set,
/// as kubectl allows: a client certificate for TLS plus a bearer token, for instance.
public struct Credentials: Sendable {
    /// A literal bearer token (kubeconfig `token`).
    public var bearerToken: Secret?
    /// A file holding the bearer token, re-read when it changes (kubeconfig `tokenFile`,
    /// the in-cluster service-account token). Takes precedence over ``bearerToken``.
    public var bearerTokenFile: String?
    /// HTTP basic authentication (kubeconfig `username` / `password`).
    public var basic: BasicCredentials?
    /// A client certificate and key, handed to libcurl in memory.
    public var clientCertificate: ClientCertificate?
    /// An exec credential plugin (kubeconfig `exec`).
    public var exec: ExecConfig?

    public init(
        bearerToken: Secret? = nil,
        bearerTokenFile: String? = nil,
        basic: BasicCredentials? = nil,
        clientCertificate: ClientCertificate? = nil,
        exec: ExecConfig? = nil
    ) {
        self.bearerToken = bearerToken
        self.bearerTokenFile = bearerTokenFile
        self.basic = basic
        self.clientCertificate = clientCertificate
        self.exec = exec
    }
}

/// A username and password for HTTP basic authentication.
public struct BasicCredentials: Sendable, Equatable {
    public var username: String
    public var password: Secret

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }
}

/// A PEM client certificate (chain) and its PEM private key.
public struct ClientCertificate: Sendable, Equatable, CustomStringConvertible {
    public var certificatePEM: [UInt8]
    public var keyPEM: Secret

    public init(certificatePEM: [UInt8], keyPEM: Secret) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }

    public var description: String { "ClientCertificate(\(certificatePEM.count) bytes, key <redacted>)" }
}

/// A kubeconfig `exec` credential plugin (client.authentication.k8s.io ExecCredential).
public struct ExecConfig: Sendable, Equatable {
    /// The program to run; a bare name is looked up on `PATH`, a relative path is relative
    /// to the kubeconfig file that named it.
    public var command: String
    public var args: [String]
    /// Extra environment variables, in order.
    public var env: [EnvVar]
    /// The ExecCredential API version the plugin speaks, e.g. `client.authentication.k8s.io/v1`.
    public var apiVersion: String
    /// Shown to the user when the command cannot be found.
    public var installHint: String?
    /// Pass the cluster (server, CA, tls-server-name) to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`; Sluice never runs plugins interactively.
    public var interactiveMode: String?

    /// One `name=value` pair for the plugin's environment.
    public struct EnvVar: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        command: String,
        args: [String] = [],
        env: [EnvVar] = [],
        apiVersion: String = "client.authentication.k8s.io/v1",
        installHint: String? = nil,
        provideClusterInfo: Bool = false,
        interactiveMode: String? = nil
    ) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }
}

/// A value that must never be printed or logged: a token, a password, a private key.
///
/// `description`, `debugDescription` and reflection all show `<redacted>`; read the value
/// with ``reveal()`` only at the point it goes onto the wire.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The secret's bytes, for the wire only.
    public func reveal() -> [UInt8] { bytes }
    /// The secret as UTF-8 text, for the wire only.
    public func revealString() -> String { String(decoding: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
