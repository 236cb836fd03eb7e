import Foundation
import Synchronization
import Testing

@testable import KubeClient

/// A fresh directory under the system temp dir, removed when the value is released.
final class ConfigScratchDir: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeclient-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `relative` (creating parent folders) and returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
        let full = self.path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
        }
        return full
    }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + relative).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `path/relative`.
    func file(_ relative: String) -> String { path + "/" + relative }
}

/// A clock tests move by hand.
final class ConfigTestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }
    func set(_ date: Date) { time.withLock { $0 = date } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    /// A `now` closure for ``CredentialProvider``.
    var closure: @Sendable () -> Date { { self.now } }
}

func configBase64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

/// Fake PEM blocks: the loader only moves bytes, it never parses them.
enum ConfigFakePEM {
    static let ca = "-----BEGIN CERTIFICATE-----\nQ0EtQlVORExF\n-----END CERTIFICATE-----\n"
    static let otherCA = "-----BEGIN CERTIFICATE-----\nT1RIRVItQ0E=\n-----END CERTIFICATE-----\n"
    static let cert = "-----BEGIN CERTIFICATE-----\nQ0xJRU5U\n-----END CERTIFICATE-----\n"
    static let key = "-----BEGIN PRIVATE KEY-----\nS0VZLVNFQ1JFVA==\n-----END PRIVATE KEY-----\n"
}

/// Runs `body` and returns the ``KubeConfigError`` it throws, failing the test otherwise.
func expectKubeConfigError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> ClientConfiguration
) -> KubeConfigError? {
    do {
        let configuration = try body()
        Issue.record("expected a KubeConfigError, got \(configuration)", sourceLocation: sourceLocation)
        return nil
    } catch let error as KubeConfigError {
        return error
    } catch {
        Issue.record("expected a KubeConfigError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// An environment with nothing kubeconfig-related in it.
let noKubeEnvironment: [String: String] = [:]
