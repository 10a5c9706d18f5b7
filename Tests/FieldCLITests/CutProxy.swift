import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP forwarder on loopback that cuts connections: each of the first `cuts` connections is
/// closed (both ways) after a random number of bytes, so a transfer breaks at any byte of a
/// request or an answer. Later connections pass whole. Counts connections, for proxy tests.
/// Speaks enough of an HTTP proxy for `https_proxy`: a connection that opens with
/// `CONNECT host:port` is answered 200 and tunnelled to `tunnelTarget` (the hosts it was asked
/// for are kept in `tunnels`).
final class CutProxy: @unchecked Sendable {
    // `lock` guards the mutable counters; the listening socket is set once in init.
    private let lock = NSLock()
    private var cutsLeft: Int
    private var generator: UInt64
    private(set) var connections = 0
    private var bytesForwarded = 0
    /// Bytes passed on so far, both ways together: what crossed the link.
    var forwarded: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytesForwarded
    }
    private var tunnelled: [String] = []
    /// The `host:port` of each CONNECT request, in order.
    var tunnels: [String] {
        lock.lock()
        defer { lock.unlock() }
        return tunnelled
    }
    private let cutsPlanned: Int
    /// Connections that were (or will be) cut.
    var cutsMade: Int {
        lock.lock()
        defer { lock.unlock() }
        return cutsPlanned - cutsLeft
    }
    private let listener: Int32
    let port: Int
    let target: Int
    let tunnelTarget: Int?
    private let maxBytes: Int
    /// Microseconds each chunk waits before it is passed on, either way: a link's latency.
    private let delay: UInt32

    init(target: Int, cuts: Int, seed: UInt64, maxBytes: Int = 40_000, tunnelTarget: Int? = nil, delay: UInt32 = 0) throws {
        self.target = target
        self.delay = delay
        self.tunnelTarget = tunnelTarget
        self.cutsLeft = cuts
        self.cutsPlanned = cuts
        self.generator = seed | 1
        self.maxBytes = maxBytes
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in.loopback(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        listen(listener, 64)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    private func nextBudget() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        connections += 1
        guard cutsLeft > 0 else { return nil }
        cutsLeft -= 1
        generator ^= generator << 13; generator ^= generator >> 7; generator ^= generator << 17
        return Int(generator % UInt64(maxBytes))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let budget = nextBudget()
            var port = target
            if let tunnelTarget, let host = Self.readConnect(client) {
                lock.lock()
                tunnelled.append(host)
                lock.unlock()
                let established = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
                _ = established.withUnsafeBytes { write(client, $0.baseAddress, established.count) }
                port = tunnelTarget
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in.loopback(port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { close(client); close(upstream); continue }
            let shared = Budget(budget)
            let delay = delay
            Thread.detachNewThread { [self] in Self.pump(from: client, to: upstream, budget: shared, delay: delay, tally: count) }
            Thread.detachNewThread { [self] in Self.pump(from: upstream, to: client, budget: shared, delay: delay, tally: count) }
        }
    }

    /// Reads a `CONNECT host:port HTTP/1.1` request head, byte by byte so nothing after it is
    /// consumed, and returns `host:port`; nil (and nothing consumed) for anything else.
    private static func readConnect(_ socket: Int32) -> String? {
        var peek = [UInt8](repeating: 0, count: 8)
        guard recv(socket, &peek, 8, Int32(MSG_PEEK | MSG_WAITALL)) == 8, peek == Array("CONNECT ".utf8) else { return nil }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while read(socket, &byte, 1) == 1 {
            head.append(byte)
            if head.suffix(4) == [13, 10, 13, 10] || head.count > 8192 { break }
        }
        let line = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        return parts.count >= 2 ? String(parts[1]) : nil
    }

    /// Bytes both directions may still carry before the cut (nil: no cut).
    private final class Budget: @unchecked Sendable {
        // Guarded by `lock`.
        private let lock = NSLock()
        private var left: Int?
        private var finished = 0
        init(_ left: Int?) { self.left = left }
        /// True for the second of the two pumps to finish: it closes the sockets.
        func finish() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            finished += 1
            return finished == 2
        }
        func take(_ wanted: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            guard let current = left else { return wanted }
            let granted = min(current, wanted)
            left = current - granted
            return granted
        }
    }

    private func count(_ bytes: Int) {
        lock.lock()
        bytesForwarded += bytes
        lock.unlock()
    }

    private static func pump(from source: Int32, to sink: Int32, budget: Budget, delay: UInt32, tally: (Int) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            if delay > 0 { usleep(delay) }
            let allowed = budget.take(count)
            if allowed > 0 { tally(max(0, buffer.withUnsafeBytes { write(sink, $0.baseAddress, allowed) })) }
            if allowed < count { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
        if budget.finish() {
            close(source)
            close(sink)
        }
    }

    deinit { close(listener) }
}

extension sockaddr_in {
    /// 127.0.0.1 at `port` (0: any free port, for bind).
    static func loopback(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
