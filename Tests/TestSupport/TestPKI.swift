import Foundation

/// A throwaway public-key infrastructure for TLS tests, generated with the
/// `openssl` CLI (OpenSSL 3) into a fresh temporary directory.
///
/// All keys are EC P-256 in PKCS#8 PEM (`BEGIN PRIVATE KEY`); all certificates
/// are PEM and valid for ten years from creation.
///
/// - Server CA (`caCert*`) signs:
///   - the server certificate (`serverCert*`), SANs `DNS:localhost`,
///     `DNS:kubernetes.sluice.test`, `IP:127.0.0.1`;
///   - the alternative server certificate (`altServerCert*`), SAN
///     `DNS:kubernetes.sluice.test` only (for `tls-server-name` tests).
/// - Client CA (`clientCACert*`) signs the client certificate
///   (`clientCert*`), subject `O=devs, CN=alice`, extendedKeyUsage clientAuth.
/// - Wrong CA (`wrongCACert*`): unrelated to everything above.
public struct TestPKI: Sendable {
    /// The directory holding every file below.
    public let directory: String

    /// Server CA certificate (PEM file) and its bytes.
    public let caCertPath: String
    /// The server CA certificate's PEM bytes.
    public let caCertPEM: [UInt8]

    /// Server certificate for localhost / kubernetes.sluice.test / 127.0.0.1.
    public let serverCertPath: String
    /// The server certificate's private key (PKCS#8 PEM).
    public let serverKeyPath: String

    /// Server certificate whose only SAN is `DNS:kubernetes.sluice.test`.
    public let altServerCertPath: String
    /// The alternative server certificate's private key (PKCS#8 PEM).
    public let altServerKeyPath: String

    /// Client CA certificate (PEM file), the trust anchor for client certificates.
    public let clientCACertPath: String
    /// The client CA certificate's PEM bytes.
    public let clientCACertPEM: [UInt8]

    /// Client certificate `O=devs, CN=alice`, signed by the client CA.
    public let clientCertPath: String
    /// The client certificate's private key (PKCS#8 PEM).
    public let clientKeyPath: String
    /// The client certificate's PEM bytes.
    public let clientCertPEM: [UInt8]
    /// The client key's PEM bytes.
    public let clientKeyPEM: [UInt8]

    /// An unrelated CA certificate (PEM file) that signed nothing used here.
    public let wrongCACertPath: String
    /// The unrelated CA certificate's PEM bytes.
    public let wrongCACertPEM: [UInt8]

    /// Generates a new PKI in a new temporary directory (about a dozen `openssl`
    /// runs, well under a second). The directory is left in place.
    public static func make() throws -> TestPKI {
        let dir = try TemporaryDirectory(prefix: "sluice-pki")
        let d = dir.path
        _ = try dir.write("openssl.cnf", opensslConfig)

        try newCA(d, "ca", subject: "/CN=Sluice Test CA")
        try newCA(d, "client-ca", subject: "/CN=Sluice Test Client CA")
        try newCA(d, "wrong-ca", subject: "/CN=Sluice Wrong CA")
        try newLeaf(d, "server", ca: "ca", subject: "/CN=kubernetes", extensions: "server_ext")
        try newLeaf(d, "alt-server", ca: "ca", subject: "/CN=kubernetes-alt", extensions: "alt_server_ext")
        try newLeaf(d, "client", ca: "client-ca", subject: "/O=devs/CN=alice", extensions: "client_ext")

        func p(_ name: String) -> String { dir.filePath(name) }
        func bytes(_ name: String) throws -> [UInt8] {
            do {
                return [UInt8](try Data(contentsOf: URL(fileURLWithPath: p(name))))
            } catch {
                throw TestSupportError("cannot read \(p(name)): \(error)")
            }
        }
        return TestPKI(
            directory: d,
            caCertPath: p("ca.crt"), caCertPEM: try bytes("ca.crt"),
            serverCertPath: p("server.crt"), serverKeyPath: p("server.key"),
            altServerCertPath: p("alt-server.crt"), altServerKeyPath: p("alt-server.key"),
            clientCACertPath: p("client-ca.crt"), clientCACertPEM: try bytes("client-ca.crt"),
            clientCertPath: p("client.crt"), clientKeyPath: p("client.key"),
            clientCertPEM: try bytes("client.crt"), clientKeyPEM: try bytes("client.key"),
            wrongCACertPath: p("wrong-ca.crt"), wrongCACertPEM: try bytes("wrong-ca.crt")
        )
    }

    /// One PKI per test process, generated on first use and then reused
    /// (tests must treat its files as read-only).
    public static func shared() throws -> TestPKI {
        try sharedCache.withValue { cached in
            if let cached { return cached }
            let pki = try make()
            cached = pki
            return pki
        }
    }

    private static let sharedCache = LockedBox<TestPKI?>(nil)

    // MARK: - openssl plumbing

    private static func openssl(_ dir: String, _ args: [String]) throws {
        let result: (status: Int32, stdout: String, stderr: String)
        do {
            // A user-level OPENSSL_CONF must not change what we generate.
            result = try TestProcess.run(
                "openssl", args, environment: ["OPENSSL_CONF": "\(dir)/openssl.cnf"])
        } catch {
            throw TestSupportError("TestPKI: cannot run openssl (is it installed?): \(error)")
        }
        guard result.status == 0 else {
            throw TestSupportError(
                "TestPKI: openssl \(args.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }

    private static func newKey(_ dir: String, _ name: String) throws {
        try openssl(dir, [
            "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", "\(dir)/\(name).key",
        ])
    }

    private static func newCA(_ dir: String, _ name: String, subject: String) throws {
        try newKey(dir, name)
        try openssl(dir, [
            "req", "-config", "\(dir)/openssl.cnf", "-x509", "-new",
            "-key", "\(dir)/\(name).key", "-sha256", "-days", "3650",
            "-subj", subject, "-extensions", "ca_ext",
            "-out", "\(dir)/\(name).crt",
        ])
    }

    private static func newLeaf(
        _ dir: String, _ name: String, ca: String, subject: String, extensions: String
    ) throws {
        try newKey(dir, name)
        try openssl(dir, [
            "req", "-config", "\(dir)/openssl.cnf", "-new",
            "-key", "\(dir)/\(name).key", "-subj", subject,
            "-out", "\(dir)/\(name).csr",
        ])
        var serial = "0x"
        for _ in 0..<16 { serial += String(format: "%02x", UInt8.random(in: 0...255) & 0x7f) }
        try openssl(dir, [
            "x509", "-req", "-in", "\(dir)/\(name).csr",
            "-CA", "\(dir)/\(ca).crt", "-CAkey", "\(dir)/\(ca).key",
            "-set_serial", serial, "-days", "3650", "-sha256",
            "-extfile", "\(dir)/openssl.cnf", "-extensions", extensions,
            "-out", "\(dir)/\(name).crt",
        ])
    }

    private static let opensslConfig = """
        [req]
        distinguished_name = dn
        prompt = no

        [dn]
        CN = placeholder

        [ca_ext]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [server_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost, DNS:kubernetes.sluice.test, IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        [alt_server_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:kubernetes.sluice.test
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        [client_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature, keyEncipherment
        extendedKeyUsage = clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        """
}
