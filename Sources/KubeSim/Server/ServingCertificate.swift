import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate KubeSim serves HTTPS with: a fresh ECDSA P-256 certificate authority and
/// a server certificate it signs, for `localhost`, `127.0.0.1` and `::1`. Clients trust the
/// CA (`caPEM`, embedded in the kubeconfig `rollout sim` writes), as they trust a real
/// cluster's CA. Generated in memory on every start; the keys never touch disk.
public struct ServingCertificate: Sendable {
    /// The CA certificate, PEM: what a client puts in `certificate-authority-data`.
    public let caPEM: String
    /// The server's certificate followed by nothing else (the CA is the trust anchor), PEM.
    public let certificatePEM: String
    /// The server's private key, PKCS#8 PEM. Never logged.
    public let privateKeyPEM: String

    /// Names the server certificate is valid for.
    public static let dnsNames = ["localhost"]
    public static let ipAddresses: [[UInt8]] = [[127, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]

    /// A new CA and server certificate, valid from an hour ago (clock skew) for `validity`.
    public static func generate(validity: TimeInterval = 365 * 24 * 3600, now: Date = Date()) throws -> ServingCertificate {
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(validity)

        let caKey = P256.Signing.PrivateKey()
        let caPrivate = Certificate.PrivateKey(caKey)
        let caName = try DistinguishedName {
            OrganizationName("KubeSim")
            CommonName("kubesim-ca")
        }
        let caCertificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: caPrivate.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: caPrivate.publicKey)
            },
            issuerPrivateKey: caPrivate)

        let serverKey = P256.Signing.PrivateKey()
        let serverPrivate = Certificate.PrivateKey(serverKey)
        let serverName = try DistinguishedName {
            OrganizationName("KubeSim")
            CommonName("kubesim-apiserver")
        }
        let alternativeNames = dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let serverCertificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: serverPrivate.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: caName,
            subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                SubjectKeyIdentifier(hash: serverPrivate.publicKey)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caPrivate.publicKey).keyIdentifier)
            },
            issuerPrivateKey: caPrivate)

        return ServingCertificate(
            caPEM: try caCertificate.serializeAsPEM().pemString + "\n",
            certificatePEM: try serverCertificate.serializeAsPEM().pemString + "\n",
            privateKeyPEM: serverKey.pemRepresentation + "\n")
    }
}
