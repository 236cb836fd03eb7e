import Foundation
import Yams

/// One kubeconfig file as written on disk (`apiVersion: v1`, `kind: Config`), decoded but not
/// yet validated. Unknown fields (`preferences`, `extensions`, ...) are ignored, as kubectl does.
///
/// Empty strings count as "not set", matching client-go, where `len(field) == 0` means unset.
struct KubeConfigFile: Decodable, Sendable {
    var clusters: [Named<Cluster>]
    var users: [Named<User>]
    var contexts: [Named<Context>]
    var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    init(clusters: [Named<Cluster>] = [], users: [Named<User>] = [], contexts: [Named<Context>] = [], currentContext: String? = nil) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clusters = try c.decodeIfPresent([Named<Cluster>].self, forKey: .clusters) ?? []
        users = try c.decodeIfPresent([Named<User>].self, forKey: .users) ?? []
        contexts = try c.decodeIfPresent([Named<Context>].self, forKey: .contexts) ?? []
        currentContext = try c.decodeIfPresent(String.self, forKey: .currentContext)
    }

    /// Parses the text of the file at `path` (used only to name it in errors).
    static func parse(_ text: String, path: String) throws -> KubeConfigFile {
        let location = "kubeconfig \(path)"
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw KubeConfigError(.syntax, location: location, KubeConfigError.describe(error))
        }
        // An empty file (or one holding only comments) is an empty config, as in client-go.
        guard let node else { return KubeConfigFile() }
        if case .scalar(let scalar) = node, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return KubeConfigFile()
        }
        do {
            return try YAMLDecoder().decode(KubeConfigFile.self, from: node)
        } catch let error as EntryDecodingError {
            throw KubeConfigError(
                .syntax, location: location,
                "\(error.kind) \(quotedName(error.name)): \(KubeConfigError.describe(error.underlying, droppingPrefix: 3))")
        } catch let error as DecodingError {
            throw KubeConfigError(.syntax, location: location, KubeConfigError.describe(error, droppingPrefix: 0))
        } catch {
            throw KubeConfigError(.syntax, location: location, KubeConfigError.describe(error))
        }
    }
}

/// Quotes a kubeconfig name for messages: `"kind-dev"`.
func quotedName(_ name: String) -> String { "\"\(name)\"" }

/// A decoding failure inside a named entry, so the message can name the entry rather than
/// an index (`user "alice": exec.args: expected a list`).
struct EntryDecodingError: Error {
    var kind: String
    var name: String
    var underlying: DecodingError
}

/// What a `Named` list entry holds: a cluster, a user (`AuthInfo`) or a context.
protocol KubeConfigEntry: Decodable, Sendable {
    /// The key of the payload inside the entry (`cluster`, `user`, `context`) and the word used
    /// for it in messages.
    static var entryKey: String { get }
}

extension KubeConfigFile {
    /// `{name: x, cluster: {...}}` and the like. A missing payload decodes as an empty one.
    struct Named<Value: KubeConfigEntry>: Decodable, Sendable {
        var name: String
        var value: Value?

        init(name: String, value: Value?) {
            self.name = name
            self.value = value
        }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            name = try c.decodeIfPresent(String.self, forKey: Key(stringValue: "name")) ?? ""
            do {
                value = try c.decodeIfPresent(Value.self, forKey: Key(stringValue: Value.entryKey))
            } catch let error as DecodingError {
                throw EntryDecodingError(kind: Value.entryKey, name: name, underlying: error)
            }
        }
    }

    /// A kubeconfig `cluster`.
    struct Cluster: KubeConfigEntry {
        static var entryKey: String { "cluster" }

        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?
        /// Accepted and ignored: it only asks the client not to negotiate compression, and
        /// Sluice's HTTP layer decides that on its own.
        var disableCompression: Bool?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
            case disableCompression = "disable-compression"
        }
    }

    /// A kubeconfig `user` (client-go's `AuthInfo`).
    struct User: KubeConfigEntry {
        static var entryKey: String { "user" }

        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        var password: String?
        var exec: Exec?
        var authProvider: AuthProvider?
        var impersonate: String?
        var impersonateUID: String?
        var impersonateGroups: [String]?
        var impersonateUserExtra: [String: [String]]?

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token
            case tokenFile
            case username, password, exec
            case authProvider = "auth-provider"
            case impersonate = "as"
            case impersonateUID = "as-uid"
            case impersonateGroups = "as-groups"
            case impersonateUserExtra = "as-user-extra"
        }
    }

    /// A legacy `auth-provider` block; only its name is read, to reject it clearly.
    struct AuthProvider: Decodable, Sendable {
        var name: String?
    }

    /// A user's `exec` block.
    struct Exec: Decodable, Sendable {
        var command: String?
        var args: [String]?
        var env: [EnvVar]?
        var apiVersion: String?
        var installHint: String?
        var provideClusterInfo: Bool?
        var interactiveMode: String?

        struct EnvVar: Decodable, Sendable {
            var name: String?
            var value: String?
        }
    }

    /// A kubeconfig `context`.
    struct Context: KubeConfigEntry {
        static var entryKey: String { "context" }

        var cluster: String?
        var user: String?
        var namespace: String?
    }
}
