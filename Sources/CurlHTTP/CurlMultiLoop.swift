import CCurl
import Foundation
import Synchronization

/// The thread that owns one libcurl multi handle and every easy handle added to it.
///
/// Other threads only enqueue commands and call `curl_multi_wakeup` (documented as
/// thread-safe), both under ``mailbox``'s lock, so a wake-up can never race with the
/// final `curl_multi_cleanup`. Everything else happens on the loop thread.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
    }

    private struct Mailbox {
        var commands: [Command] = []
        var shuttingDown = false
        var closed = false
    }

    private let multi: UnsafeMutableRawPointer
    private let mailbox = Mutex(Mailbox())
    private let userAgent: String
    /// Transfers in the multi handle, by easy handle. Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(userAgent: String, maxConnections: Int) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        self.userAgent = userAgent
        _ = sluice_multi_setopt_long(multi, CURLMOPT_PIPELINING, sluice_pipe_multiplex)
        _ = sluice_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
    }

    /// Starts the loop thread; it keeps this object alive until it has shut down.
    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Queues a command and wakes the loop. After shutdown, additions fail at once.
    func send(_ command: Command) {
        let accepted = mailbox.withLock { box -> Bool in
            guard !box.closed, !box.shuttingDown else { return false }
            box.commands.append(command)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted, case .add(let transfer) = command {
            transfer.fail(.cancelled("the HTTP engine has shut down"))
        }
    }

    /// Fails everything in flight with `cancelled` and ends the thread.
    func shutdown() {
        mailbox.withLock { box in
            guard !box.closed else { return }
            box.shuttingDown = true
            curl_multi_wakeup(multi)
        }
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (commands, stopping) = mailbox.withLock { box in
                let taken = box.commands
                box.commands.removeAll(keepingCapacity: true)
                return (taken, box.shuttingDown)
            }
            for command in commands { apply(command) }
            if stopping { break }
            curl_multi_perform(multi, &running)
            drainFinished()
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        let leftovers = mailbox.withLock { box in
            box.closed = true
            return box.commands
        }
        for case .add(let transfer) in leftovers { transfer.fail(.cancelled("the HTTP engine has shut down")) }
        for transfer in active.values {
            remove(transfer)
            transfer.fail(.cancelled("the HTTP engine has shut down"))
        }
        active.removeAll()
        curl_multi_cleanup(multi)
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            if transfer.cancelRequested || transfer.finished {
                transfer.fail(.cancelled())
                return
            }
            do {
                try transfer.prepare(userAgent: userAgent)
            } catch {
                transfer.fail(error)
                return
            }
            guard let easy = transfer.easy, curl_multi_add_handle(multi, easy) == CURLM_OK else {
                transfer.fail(TransportError(kind: .other, message: "curl_multi_add_handle failed", requestMayHaveBeenSent: false))
                return
            }
            active[easy] = transfer
        case .cancel(let transfer):
            if let easy = transfer.easy, active[easy] === transfer {
                remove(transfer)
                active[easy] = nil
                transfer.fail(.cancelled())
            } else {
                transfer.cancelRequested = true
            }
        }
    }

    private func drainFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = sluice_multi_message_result(message)
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            remove(transfer)
            transfer.complete(code: code)
        }
    }

    private func remove(_ transfer: CurlTransfer) {
        if let easy = transfer.easy { curl_multi_remove_handle(multi, easy) }
    }
}

/// `curl_global_init`, exactly once per process, before any loop thread starts.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(sluice_global_default) == CURLE_OK

    static func initialize() {
        precondition(initialized, "curl_global_init failed")
    }

    /// The libcurl version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.19 ... nghttp2/1.52.0`.
    static var versionDescription: String { String(cString: curl_version()) }
}
