import Foundation

/// A one-line summary safe for logs: it names the server, namespace, source and which kinds
/// of credentials are set, never their values (nor exec environment values or arguments,
/// which may hold secrets too).
extension ClientConfiguration: CustomStringConvertible {
    /// e.g. `ClientConfiguration(server: https://127.0.0.1:6443, namespace: default, tls: CA 1042 bytes, auth: token file /var/run/…/token, source: in-cluster service account)`.
    public var description: String {
        "ClientConfiguration(server: \(server), namespace: \(namespace), tls: \(tls), auth: \(credentials), source: \(source))"
    }
}

/// Which trust settings are in force, without dumping the CA bundle.
extension TLSConfiguration: CustomStringConvertible {
    /// e.g. `CA 1042 bytes, server name api.internal` or `system roots, insecure-skip-verify`.
    public var description: String {
        var parts = [certificateAuthority.map { "CA \($0.count) bytes" } ?? "system roots"]
        if insecureSkipVerify { parts.append("insecure-skip-verify") }
        if let serverName { parts.append("server name \(serverName)") }
        return parts.joined(separator: ", ")
    }
}

/// Which credential kinds are configured, never their values.
extension Credentials: CustomStringConvertible {
    /// e.g. `exec aws-iam-authenticator, client certificate` or `none`.
    public var description: String {
        var parts: [String] = []
        if let exec { parts.append("exec \(exec.command)") }
        if let bearerTokenFile { parts.append("token file \(bearerTokenFile)") }
        if bearerToken != nil { parts.append("token <redacted>") }
        if let basic { parts.append("basic \(basic.username) <redacted>") }
        if clientCertificate != nil { parts.append("client certificate") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// The command and the names of its environment variables, never their values or the arguments.
extension ExecConfig: CustomStringConvertible {
    /// e.g. `ExecConfig(command: aws, 4 args, env: AWS_PROFILE, apiVersion: client.authentication.k8s.io/v1beta1)`.
    public var description: String {
        let names = env.map(\.name).joined(separator: " ")
        return "ExecConfig(command: \(command), \(args.count) args, env: \(names.isEmpty ? "none" : names), apiVersion: \(apiVersion))"
    }
}
