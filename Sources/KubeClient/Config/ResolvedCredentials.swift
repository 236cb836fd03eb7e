/// The credentials to put on one request, as produced by ``CredentialProvider/current()``.
public struct ResolvedCredentials: Sendable, Equatable {
    /// The full `Authorization` header value (`Bearer <token>` or `Basic <base64>`), if any.
    public var authorization: Secret?
    /// The client certificate and key to present during the TLS handshake, if any.
    public var clientCertificate: ClientCertificate?

    /// Creates resolved credentials.
    public init(authorization: Secret? = nil, clientCertificate: ClientCertificate? = nil) {
        self.authorization = authorization
        self.clientCertificate = clientCertificate
    }
}
