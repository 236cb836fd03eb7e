import Foundation

/// Runs blocking work (starting a child process and waiting for its port, running openssl)
/// on a thread of its own, so the cooperative pool — only as many threads as cores — keeps
/// serving every other test meanwhile. Tests run in parallel; a few of them blocking pool
/// threads at once would stall all the rest, and their timeouts with them.
public func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

extension FakeAPIServer {
    /// Starts the scripted server off the cooperative pool; see ``init(tls:requireClientCA:requireToken:alternateCertificate:)``.
    public static func start(tls: TestPKI? = nil, requireClientCA: Bool = false, requireToken: String? = nil,
                             alternateCertificate: Bool = false) async throws -> FakeAPIServer {
        try await offloaded {
            try FakeAPIServer(tls: tls, requireClientCA: requireClientCA, requireToken: requireToken,
                              alternateCertificate: alternateCertificate)
        }
    }
}

extension NginxServer {
    /// Starts nginx off the cooperative pool; see ``init(pki:files:)``.
    public static func start(pki: TestPKI, files: [String: String]) async throws -> NginxServer {
        try await offloaded { try NginxServer(pki: pki, files: files) }
    }
}

extension PrometheusServer {
    /// Starts Prometheus off the cooperative pool and waits until it listens.
    public static func start(targets: [String], scrapeInterval: String) async throws -> PrometheusServer {
        try await offloaded { try PrometheusServer(targets: targets, scrapeInterval: scrapeInterval) }
    }

    /// ``checkMetrics(_:)`` off the cooperative pool.
    public static func checkMetricsOffloaded(_ text: String) async throws -> (status: Int32, output: String) {
        try await offloaded { try checkMetrics(text) }
    }
}

extension TestPKI {
    /// ``shared()`` off the cooperative pool: the first call runs openssl several times,
    /// and concurrent callers wait for it on the cache's lock.
    public static func sharedOffloaded() async throws -> TestPKI {
        try await offloaded { try shared() }
    }
}
