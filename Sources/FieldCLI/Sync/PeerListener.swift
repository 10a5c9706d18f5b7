import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The smallest HTTP/1.1 server that peer exchange needs, on the TKSK's laptop: one POST at a
/// time, a body of at most `maxBody` bytes with a Content-Length, one answer, the connection
/// closed. What travels is a bundle, encrypted under the bundle passphrase and signed by its
/// sender, so the listener itself trusts nothing it reads.
final class PeerListener {
    typealias Handler = (_ path: String, _ body: Data) -> (status: Int, body: Data)

    static let maxBody = 512 << 20
    let port: Int
    private let socket: Int32

    /// Listens on `host:port` (port 0: any free one).
    init(host: String, port: Int) throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(listener)
            throw CLIError("--host '\(host)' bukan alamat IPv4, mis. 0.0.0.0 atau 192.168.1.10.",
                           "--host '\(host)' is not an IPv4 address, e.g. 0.0.0.0 or 192.168.1.10.", field: "host")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw CLIError("Port \(port) tidak dapat dipakai (mungkin sudah dipakai program lain). Pilih --port lain.",
                           "Port \(port) cannot be used (another program may hold it). Choose another --port.", code: Exit.failure)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.socket = listener
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }

    /// Answers connections one after another, for ever (or until the process is stopped).
    func serve(_ handler: Handler) -> Never {
        Self.stopOnSignals()
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { continue }
            var timeout = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let (path, body) = Self.readRequest(connection) {
                let (status, answer) = handler(path, body)
                Self.write(connection, status: status, body: answer)
            } else {
                Self.write(connection, status: 400, body: Data("bad request\n".utf8))
            }
            close(connection)
        }
    }

    /// Ctrl-C and SIGTERM stop the listener even when the parent process started it with those
    /// signals blocked (a blocked mask is inherited; test runners and some service managers do it).
    /// Nothing is lost: an exchange is saved in one transaction or not at all.
    private static func stopOnSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The path and body of one POST, or nil when it is not one this listener reads.
    private static func readRequest(_ connection: Int32) -> (String, Data)? {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let separator = Data("\r\n\r\n".utf8)
        while received.range(of: separator) == nil {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0, received.count < 64 * 1024 else { return nil }
            received.append(contentsOf: buffer[0..<count])
        }
        let end = received.range(of: separator)!
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n")
        let request = head.first?.split(separator: " ") ?? []
        guard request.count >= 2, request[0] == "POST" else { return nil }
        let length = head.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        guard let length, (0...maxBody).contains(length) else { return nil }
        var body = Data(received[end.upperBound...])
        while body.count < length {
            let count = read(connection, &buffer, min(buffer.count, length - body.count))
            guard count > 0 else { return nil }
            body.append(contentsOf: buffer[0..<count])
        }
        return (String(request[1]), body.prefix(length))
    }

    private static func write(_ connection: Int32, status: Int, body: Data) {
        let reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : status == 403 ? "Forbidden" : "Error"
        var out = Data("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
        out.append(body)
        out.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                // MSG_NOSIGNAL: a client gone mid-answer is an error here, not a SIGPIPE that ends the server.
                let count = send(connection, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return }
                sent += count
            }
        }
    }
}
