/// The URL handed to libcurl, rewritten when TLS must verify a name other than the URL's
/// host (kubeconfig `tls-server-name`): libcurl then connects to the real host through
/// `CURLOPT_CONNECT_TO`, sends and verifies the other name, and the `Host` header keeps
/// the original authority.
struct TargetURL: Equatable {
    var url: String
    var connectTo: String?
    var hostHeader: String?

    init(_ raw: String, serverName: String?) throws(TransportError) {
        guard let schemeEnd = raw.range(of: "://") else {
            throw TransportError(kind: .invalidRequest, message: "not an absolute URL: \(raw)", requestMayHaveBeenSent: false)
        }
        let scheme = raw[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw TransportError(kind: .invalidRequest, message: "unsupported URL scheme \"\(scheme)\" in \(raw)", requestMayHaveBeenSent: false)
        }
        guard let serverName, !serverName.isEmpty else {
            self.url = raw
            return
        }
        let rest = raw[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        let (host, port) = Self.split(authority: authority, defaultPort: scheme == "https" ? 443 : 80)
        let bracketedName = serverName.contains(":") ? "[\(serverName)]" : serverName
        self.url = "\(scheme)://\(bracketedName):\(port)\(rest[authorityEnd...])"
        self.connectTo = "\(bracketedName):\(port):\(host):\(port)"
        self.hostHeader = authority
    }

    /// Splits `host:port` or `[v6]:port`; the host keeps its brackets.
    static func split(authority: String, defaultPort: Int) -> (host: String, port: Int) {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            let port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? defaultPort : defaultPort
            return (host, port)
        }
        if let colon = authority.lastIndex(of: ":") {
            return (String(authority[..<colon]), Int(authority[authority.index(after: colon)...]) ?? defaultPort)
        }
        return (authority, defaultPort)
    }
}
