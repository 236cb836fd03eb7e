import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// nginx on loopback serving static files over TLS, with one listener that speaks HTTP/2
/// and one that speaks HTTP/1.1 only. A real, fast peer for checks of protocol
/// negotiation, connection reuse and throughput. Needs the Debian package `nginx-light`
/// (`make test` installs it).
///
/// Its access log records the connection serial number of every request, so tests can
/// count the TCP connections a client used (``connectionsUsed()``).
public final class NginxServer: @unchecked Sendable {
    public let http2Port: Int
    public let http1Port: Int
    private let process: Process
    private let directory: TemporaryDirectory
    private let lock = NSLock()
    private var stopped = false

    /// Starts nginx with `files` (URL path → contents) under its document root.
    public init(pki: TestPKI, files: [String: String]) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            throw TestSupportError("nginx is not installed (apt-get install nginx-light; make test does this)")
        }
        directory = try TemporaryDirectory(prefix: "sluice-nginx")
        chmod(directory.path, 0o755)
        http2Port = TestNetwork.unusedLoopbackPort()
        http1Port = TestNetwork.unusedLoopbackPort()
        let root = directory.path + "/www"
        for (path, contents) in files {
            let file = root + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let config = """
            daemon off;
            master_process off;
            worker_processes 1;
            error_log \(directory.path)/error.log warn;
            pid \(directory.path)/nginx.pid;
            events { worker_connections 1024; }
            http {
                log_format connections '$connection $server_protocol $request_method $uri $status';
                access_log \(directory.path)/access.log connections;
                client_body_temp_path \(directory.path)/body;
                proxy_temp_path \(directory.path)/proxy;
                fastcgi_temp_path \(directory.path)/fastcgi;
                uwsgi_temp_path \(directory.path)/uwsgi;
                scgi_temp_path \(directory.path)/scgi;
                keepalive_requests 100000;
                ssl_certificate \(pki.serverCertPath);
                ssl_certificate_key \(pki.serverKeyPath);
                server {
                    listen 127.0.0.1:\(http2Port) ssl http2;
                    location / { root \(root); default_type application/json; }
                }
                server {
                    listen 127.0.0.1:\(http1Port) ssl;
                    location / { root \(root); default_type application/json; }
                }
            }
            """
        let configPath = try directory.write("nginx.conf", config)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-c", configPath, "-p", directory.path]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 {
            if Self.accepts(http2Port) && Self.accepts(http1Port) { return }
            if !process.isRunning { break }
            usleep(25_000)
        }
        let log = (try? String(contentsOfFile: directory.path + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw TestSupportError("nginx did not start: \(log)")
    }

    deinit { stop() }

    /// Access-log lines so far: `connection protocol method uri status`.
    public func accessLog() -> [String] {
        let text = (try? String(contentsOfFile: directory.path + "/access.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Distinct connections that carried requests for `uri`, with the protocols seen.
    public func connectionsUsed(uri: String) -> (connections: Set<String>, protocols: Set<String>) {
        var connections = Set<String>()
        var protocols = Set<String>()
        for line in accessLog() {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 4, fields[3] == uri else { continue }
            connections.insert(fields[0])
            protocols.insert(fields[1])
        }
        return (connections, protocols)
    }

    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        directory.remove()
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
