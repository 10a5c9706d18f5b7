import Crypto
import FieldModels
import Foundation
import SyncEngine
import WireCodec

/// The server said no: its code and message (`ErrorBody`), and the HTTP status.
struct RemoteRefusal: Error {
    var status: Int
    var code: String
    var text: LocalizedText
}

/// JSON over HTTP through libcurl (`CurlSession`: `https_proxy`/`http_proxy`/`no_proxy`
/// honoured, stalls noticed within seconds): gzip bodies, the device's signature over a
/// server-issued nonce on every call, and retries with exponential backoff on network errors
/// and 5xx answers. Blocking: one call at a time.
final class HTTPTransport: @unchecked Sendable {
    // Mutable state is only touched by the one thread that calls `call`.
    let base: URL
    let signer: (device: String, key: Curve25519.Signing.PrivateKey)?
    let retries: Int
    /// Called before each retry with the attempt number and the reason.
    var onRetry: (Int, String) -> Void = { _, _ in }
    private(set) var bytesSent = 0
    private(set) var bytesReceived = 0
    /// The server's clock minus this laptop's, in milliseconds, once a nonce was fetched.
    private(set) var clockOffset: Int64?
    private var nonce: String?
    private let session: CurlSession

    /// - Parameters:
    ///   - caFile: certificates to trust for an https server, besides the system's store
    ///     (`--ca`, else `$SSL_CERT_FILE`).
    ///   - insecureHTTP: allow plain `http://` to a host other than this machine.
    init(server: String, signer: (device: String, key: Curve25519.Signing.PrivateKey)?, retries: Int = 5, timeout: Int = 60,
         caFile: String? = nil, insecureHTTP: Bool = false) throws {
        let trimmed = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: trimmed), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw CLIError("--server '\(server)' bukan alamat http(s) yang sah, mis. https://sync.dinsos.semarangkota.go.id",
                           "--server '\(server)' is not a valid http(s) address, e.g. https://sync.dinsos.semarangkota.go.id",
                           field: "server")
        }
        if scheme == "http", !insecureHTTP, !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
            throw CLIError("""
                --server \(server) memakai http:// tanpa enkripsi: NIK, No. KK dan data keluarga akan terbaca oleh siapa pun \
                di jaringan itu. Pakai https:// (server dengan --tls-cert), atau tambahkan --insecure-http bila Anda yakin \
                jaringan ini aman (misalnya jaringan tertutup kantor).
                """, """
                --server \(server) uses plain http://: NIK, No. KK and family data could be read by anyone on that \
                network. Use https:// (a server with --tls-cert), or add --insecure-http if you are sure the network is \
                safe (a closed office network, say).
                """, field: "server")
        }
        base = url
        self.signer = signer
        self.retries = retries
        let ca = caFile ?? ProcessInfo.processInfo.environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let ca, !FileManager.default.isReadableFile(atPath: ca) {
            throw CLIError("Berkas sertifikat CA '\(ca)' tidak dapat dibaca.", "The CA certificate file '\(ca)' cannot be read.", field: "ca")
        }
        session = CurlSession(timeout: timeout, caFile: ca, userAgent: "field/\(FieldVersion.current)")
    }

    /// POSTs `body` as JSON to `path` and decodes the answer; retries what may succeed later.
    func call<Response: Decodable>(_ path: String, _ body: some Encodable, as: Response.Type = Response.self) throws -> Response {
        try call(path, json: try JSONEncoder().encode(body))
    }

    /// POSTs a body already encoded as JSON.
    func call<Response: Decodable>(_ path: String, json: Data, as: Response.Type = Response.self) throws -> Response {
        try retrying { try decoded(try once(path, json)) }
    }

    /// POSTs raw bytes (an attachment chunk, never compressed: a JPEG does not shrink) and
    /// decodes the JSON answer.
    func upload<Response: Decodable>(_ path: String, bytes: Data, as: Response.Type = Response.self) throws -> Response {
        try retrying { try decoded(try once(path, bytes, contentType: "application/octet-stream")) }
    }

    /// POSTs JSON and returns the answer's raw bytes (an attachment chunk).
    func download(_ path: String, _ body: some Encodable) throws -> Data {
        let json = try JSONEncoder().encode(body)
        return try retrying { try once(path, json) }
    }

    private func decoded<Response: Decodable>(_ payload: Data) throws -> Response {
        do {
            return try JSONDecoder().decode(Response.self, from: payload)
        } catch {
            throw Failure.retryable("jawaban tidak utuh / incomplete answer")
        }
    }

    private func retrying<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch Failure.retryable(let reason) where attempt < retries {
                attempt += 1
                onRetry(attempt, reason)
                Thread.sleep(forTimeInterval: min(0.25 * pow(2, Double(attempt - 1)), 8))
            } catch Failure.retryable(let reason) {
                throw CLIError("Server tidak dapat dihubungi setelah \(retries + 1) percobaan (\(reason)). Data tetap aman di laptop; coba lagi saat jaringan kembali.",
                               "The server could not be reached after \(retries + 1) attempts (\(reason)). The data stays safe on the laptop; try again when the network is back.",
                               code: Exit.network)
            }
        }
    }

    private enum Failure: Error { case retryable(String) }

    /// The nonce for the next signed request: the one the last answer brought, else a new one
    /// from `/v1/nonce`. Taken, it is gone: a retry asks for another.
    private func takeNonce() throws -> String {
        if let nonce {
            self.nonce = nil
            return nonce
        }
        let answer: NonceResponse = try decoded(try once("/v1/nonce", Data("{}".utf8), signed: false))
        clockOffset = answer.serverTime - Int64(Date().timeIntervalSince1970 * 1000)
        return answer.nonce
    }

    /// One POST; the answer's body, inflated. `json` is the body as signed (JSON, gzipped on the
    /// way when large, or raw bytes with another `contentType`).
    private func once(_ path: String, _ json: Data, contentType: String = "application/json", signed: Bool = true) throws -> Data {
        var headers = ["Content-Type": contentType, "Accept-Encoding": "gzip"]
        var body = json
        if json.count > 1024, contentType == "application/json" {
            body = try Gzip.compress(json)
            headers["Content-Encoding"] = "gzip"
        }
        if let signer, signed {
            headers.merge(try RequestSignature.headers(method: "POST", path: path, device: signer.device, nonce: try takeNonce(),
                                                       body: json, key: signer.key)) { $1 }
        }
        let answer = try perform(path, headers: headers, body: body)
        bytesSent += body.count
        bytesReceived += answer.body.count
        if signed, let next = answer.headers[RequestSignature.nextNonceHeader.lowercased()] { nonce = next }
        let payload = Gzip.isCompressed(answer.body) ? try Gzip.decompress(answer.body, limit: WireProtocol.maxInflatedBytes) : answer.body
        guard (200..<300).contains(answer.status) else {
            // 429 is the server asking to wait (wrong enrolment codes): retrying now would only
            // lengthen the wait, so it is told to the user with its message.
            if answer.status >= 500 || answer.status == 408 {
                throw Failure.retryable("HTTP \(answer.status)")
            }
            if let error = try? JSONDecoder().decode(ErrorBody.self, from: payload) {
                // A nonce used up by a request whose answer was lost, or one that expired while
                // the laptop waited: ask for a new one and send again.
                if ["replayed", "stale_nonce", "bad_nonce"].contains(error.error.code) { throw Failure.retryable(error.error.code) }
                throw RemoteRefusal(status: answer.status, code: error.error.code,
                                    text: LocalizedText(id: error.error.message, en: error.error.messageEn))
            }
            throw RemoteRefusal(status: answer.status, code: "http_\(answer.status)",
                                text: LocalizedText(id: "Server menjawab HTTP \(answer.status).", en: "The server answered HTTP \(answer.status)."))
        }
        return payload
    }

    private func perform(_ path: String, headers: [String: String], body: Data) throws -> CurlSession.Answer {
        do {
            return try session.post(base.absoluteString + path, headers: headers, body: body)
        } catch CurlSession.Failure.untrusted(let detail) {
            // Retrying cannot help, and going on would hand the data to whoever answered.
            let host = base.host ?? base.absoluteString
            throw CLIError("""
                Sambungan aman ke \(host) gagal: sertifikat TLS server tidak dipercaya (\(detail)). \
                Tidak ada data yang dikirim. Periksa alamat server; jika Dinas memakai sertifikat sendiri, berikan sertifikat \
                CA-nya dengan --ca FILE, atau pasang di laptop ini (sudo cp ca.crt /usr/local/share/ca-certificates/ && \
                sudo update-ca-certificates).
                """, """
                The secure connection to \(host) failed: the server's TLS certificate is not trusted (\(detail)). \
                Nothing was sent. Check the server address; if the Dinas uses its own certificate, give its CA certificate \
                with --ca FILE, or install it on this laptop (sudo cp ca.crt /usr/local/share/ca-certificates/ && \
                sudo update-ca-certificates).
                """, code: Exit.network)
        } catch CurlSession.Failure.network(let detail) {
            throw Failure.retryable(detail)
        }
    }
}

enum FieldVersion {
    static let current = "0.5.0"
}

/// A transport that counts the bytes it moved, for the progress bar and the report.
protocol MeteredTransport: SyncTransport {
    var bytesSent: Int { get }
    var bytesReceived: Int { get }
}

extension HTTPTransport: MeteredTransport {
    func exchange(_ request: SyncRequest) throws -> SyncAnswer {
        switch request {
        case .session(let body): .session(try call(request.path, body))
        case .push(let body): .push(try call(request.path, body))
        case .pull(let body): .pull(try call(request.path, body))
        case .digests(let body): .digests(try call(request.path, body))
        }
    }
}
