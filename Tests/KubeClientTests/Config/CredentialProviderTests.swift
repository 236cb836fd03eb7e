import Foundation
import Testing

@testable import KubeClient

/// ``CredentialProvider`` with static credentials and token files.
@Suite struct CredentialProviderTests {
    static let start = Date(timeIntervalSince1970: 1_900_000_000)
    static let certificate = ClientCertificate(certificatePEM: Array(ConfigFakePEM.cert.utf8), keyPEM: Secret(ConfigFakePEM.key))

    static func configuration(_ credentials: Credentials) -> ClientConfiguration {
        ClientConfiguration(server: "https://k.example", credentials: credentials)
    }

    static func setModificationDate(_ path: String, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    @Test(arguments: [
        (Credentials(), nil as String?),
        (Credentials(bearerToken: Secret("literal")), "Bearer literal"),
        (Credentials(basic: BasicCredentials(username: "bob", password: Secret("pa:ss"))), "Basic Ym9iOnBhOnNz"),
    ])
    func staticCredentials(credentials: Credentials, expected: String?) async throws {
        let provider = CredentialProvider(configuration: Self.configuration(credentials))
        let resolved = try await provider.current()
        #expect(resolved.authorization?.revealString() == expected)
        #expect(resolved.clientCertificate == nil)
    }

    @Test func literalClientCertificatePassesThrough() async throws {
        let provider = CredentialProvider(configuration: Self.configuration(
            Credentials(bearerToken: Secret("t"), clientCertificate: Self.certificate)))
        let resolved = try await provider.current()
        #expect(resolved == ResolvedCredentials(authorization: Secret("Bearer t"), clientCertificate: Self.certificate))
    }

    @Test func tokenFileRotation() async throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("token", "token-one\n")
        try Self.setModificationDate(path, Self.start)
        let clock = ConfigTestClock(Self.start)
        let provider = CredentialProvider(
            configuration: Self.configuration(Credentials(bearerToken: Secret("ignored"), bearerTokenFile: path)),
            now: clock.closure)
        #expect(try await provider.current().authorization?.revealString() == "Bearer token-one")

        // New content and an explicitly different mtime: picked up on the very next call.
        try dir.write("token", "  token-two  \n")
        try Self.setModificationDate(path, Self.start.addingTimeInterval(10))
        #expect(try await provider.current().authorization?.revealString() == "Bearer token-two")
    }

    @Test func unchangedStatIsCachedForAMinuteThenReRead() async throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("token", "aaaa")
        try Self.setModificationDate(path, Self.start)
        let clock = ConfigTestClock(Self.start)
        let provider = CredentialProvider(
            configuration: Self.configuration(Credentials(bearerTokenFile: path)), now: clock.closure)
        #expect(try await provider.current().authorization?.revealString() == "Bearer aaaa")

        // Same size, same mtime: the cheap stat cannot see the change...
        try dir.write("token", "bbbb")
        try Self.setModificationDate(path, Self.start)
        clock.advance(59)
        #expect(try await provider.current().authorization?.revealString() == "Bearer aaaa")
        // ...but a minute later the file is read anyway.
        clock.advance(2)
        #expect(try await provider.current().authorization?.revealString() == "Bearer bbbb")

        // invalidate() forces a re-read without waiting.
        try dir.write("token", "cccc")
        try Self.setModificationDate(path, Self.start)
        await provider.invalidate()
        #expect(try await provider.current().authorization?.revealString() == "Bearer cccc")
    }

    @Test func failedReReadKeepsThePreviousToken() async throws {
        let dir = try ConfigScratchDir()
        let path = try dir.write("token", "still-good")
        let provider = CredentialProvider(configuration: Self.configuration(Credentials(bearerTokenFile: path)))
        #expect(try await provider.current().authorization?.revealString() == "Bearer still-good")
        try FileManager.default.removeItem(atPath: path)
        #expect(try await provider.current().authorization?.revealString() == "Bearer still-good")
        try dir.write("token", "   \n")
        try Self.setModificationDate(path, Self.start)
        #expect(try await provider.current().authorization?.revealString() == "Bearer still-good")
        try dir.write("token", "fresh")
        try Self.setModificationDate(path, Self.start.addingTimeInterval(1))
        #expect(try await provider.current().authorization?.revealString() == "Bearer fresh")
    }

    @Test func unreadableTokenFileWithoutPreviousTokenFails() async throws {
        let provider = CredentialProvider(configuration: Self.configuration(
            Credentials(bearerTokenFile: "/nonexistent/token")))
        await #expect(throws: CredentialError(.tokenFile, subject: "/nonexistent/token", "cannot read the file")) {
            try await provider.current()
        }
        let dir = try ConfigScratchDir()
        let empty = try dir.write("token", "\n")
        let emptyProvider = CredentialProvider(configuration: Self.configuration(Credentials(bearerTokenFile: empty)))
        let error = await #expect(throws: CredentialError.self) { try await emptyProvider.current() }
        #expect(error?.description == "token file \(empty): the file is empty")
    }
}
