import CCurl
import Foundation

/// One HTTP/1.1 connection's worth of libcurl, called directly (not through FoundationNetworking,
/// whose wrapper crashed on cut links). libcurl honours `http_proxy`, `https_proxy` and
/// `no_proxy` by itself, keeps the connection alive between calls, and gives up on a stalled
/// transfer within seconds instead of waiting out the whole timeout. Blocking; one call at a time.
final class CurlSession {
    struct Answer {
        var status: Int
        /// Header names in lower case.
        var headers: [String: String]
        var body: Data
    }

    enum Failure: Error {
        /// The server's certificate is not to be trusted: never retried, nothing sent.
        case untrusted(String)
        /// The network failed (refused, cut, stalled, timed out): may succeed later.
        case network(String)
    }

    /// Seconds without a byte before a transfer counts as stalled.
    static let stallSeconds = 10

    private let handle: UnsafeMutableRawPointer
    private let timeout: Int
    private let caFile: String?
    private let userAgent: String

    private static let global: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    init(timeout: Int, caFile: String?, userAgent: String) {
        _ = Self.global
        handle = curl_easy_init()
        self.timeout = timeout
        self.caFile = caFile
        self.userAgent = userAgent
    }

    deinit { curl_easy_cleanup(handle) }

    /// POSTs `body` to `url` with `headers`.
    func post(_ url: String, headers: [String: String], body: Data) throws -> Answer {
        let received = Received()
        let context = Unmanaged.passRetained(received)
        defer { context.release() }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        // No "Expect: 100-continue" round trip before a body.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }

        curl_easy_reset(handle)
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        let code: CURLcode = body.withUnsafeBytes { bytes in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                ccurl_setopt_string(handle, CURLOPT_URL, url)
                ccurl_setopt_long(handle, CURLOPT_POST, 1)
                ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, list.map { UnsafeMutableRawPointer($0) })
                ccurl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
                ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, min(timeout, 15))
                ccurl_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
                ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
                ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, min(timeout, Self.stallSeconds))
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
                ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
                if let caFile { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
                ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errors.baseAddress))
                ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
                    let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
                    received.body.append(UnsafeRawPointer(data!).assumingMemoryBound(to: UInt8.self), count: size * count)
                    return size * count
                })
                ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
                ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
                    let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
                    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
                    received.header(line)
                    return size * count
                })
                ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
                return curl_easy_perform(handle)
            }
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer).isEmpty ? String(cString: curl_easy_strerror(code)) : String(cString: errorBuffer)
            if [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR].contains(code) {
                throw Failure.untrusted(detail)
            }
            throw Failure.network(detail)
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Answer(status: status, headers: received.headers, body: received.body)
    }

    /// What libcurl hands back while a transfer runs.
    private final class Received {
        var body = Data()
        var headers: [String: String] = [:]

        /// One header line; a new status line (after a proxy's CONNECT answer, or 100 Continue)
        /// starts the headers afresh.
        func header(_ line: String) {
            if line.hasPrefix("HTTP/") {
                headers = [:]
                return
            }
            guard let colon = line.firstIndex(of: ":") else { return }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
