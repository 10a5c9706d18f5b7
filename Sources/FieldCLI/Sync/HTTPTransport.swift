import Crypto
import FieldModels
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SyncEngine
import WireCodec

/// The server said no: its code and message (`ErrorBody`), and the HTTP status.
struct RemoteRefusal: Error {
    var status: Int
    var code: String
    var text: LocalizedText
}

/// JSON over HTTP through URLSession (libcurl on Linux, so `https_proxy`/`http_proxy` and
/// `no_proxy` are honoured): gzip bodies, the device's signature over a server-issued nonce on
/// every call, and retries with exponential backoff on network errors and 5xx answers.
/// Blocking: one call at a time.
final class HTTPTransport: @unchecked Sendable {
    // Mutable counters are only touched by the one thread that calls `call`.
    let base: URL
    let signer: (device: String, key: Curve25519.Signing.PrivateKey)?
    let retries: Int
    let timeout: TimeInterval
    /// Called before each retry with the attempt number and the reason.
    var onRetry: (Int, String) -> Void = { _, _ in }
    private(set) var bytesSent = 0
    private(set) var bytesReceived = 0
    /// The server's clock minus this laptop's, in milliseconds, once a nonce was fetched.
    private(set) var clockOffset: Int64?
    private var nonce: String?
    private let session: URLSession

    init(server: String, signer: (device: String, key: Curve25519.Signing.PrivateKey)?, retries: Int = 5, timeout: TimeInterval = 60) throws {
        let trimmed = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let url = URL(string: trimmed), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CLIError("--server '\(server)' bukan alamat http(s) yang sah, mis. https://sync.dinsos.semarangkota.go.id",
                           "--server '\(server)' is not a valid http(s) address, e.g. https://sync.dinsos.semarangkota.go.id",
                           field: "server")
        }
        base = url
        self.signer = signer
        self.retries = retries
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpAdditionalHeaders = ["User-Agent": "field/\(FieldVersion.current)"]
        session = URLSession(configuration: configuration)
    }

    /// POSTs `body` as JSON to `path` and decodes the answer; retries what may succeed later.
    func call<Response: Decodable>(_ path: String, _ body: some Encodable, as: Response.Type = Response.self) throws -> Response {
        try call(path, json: try JSONEncoder().encode(body))
    }

    /// POSTs a body already encoded as JSON.
    func call<Response: Decodable>(_ path: String, json: Data, as: Response.Type = Response.self) throws -> Response {
        var attempt = 0
        while true {
            do {
                return try once(path, json)
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

    /// Answers meaning the server's certificate is not to be trusted.
    private static let untrusted: Set<URLError.Code> = [
        .serverCertificateUntrusted, .serverCertificateHasUnknownRoot, .serverCertificateHasBadDate,
        .serverCertificateNotYetValid,
    ]

    /// libcurl's words for a certificate it will not trust. FoundationNetworking on Linux often
    /// reports these as an unknown error (code -1) carrying only curl's text, so the text counts too.
    private static let untrustedWords = [
        "SSL certificate problem", "certificate verify failed", "self-signed certificate",
        "self signed certificate", "unable to get local issuer certificate", "certificate has expired",
        "certificate is not yet valid", "no alternative certificate subject name matches",
        "SSL peer certificate", "SSL: certificate subject name",
    ]

    static func isUntrustedCertificate(_ error: Error) -> Bool {
        if let error = error as? URLError, untrusted.contains(error.code) { return true }
        let text = error.localizedDescription.lowercased()
        return untrustedWords.contains { text.contains($0.lowercased()) }
    }

    /// The nonce for the next signed request: the one the last answer brought, else a new one
    /// from `/v1/nonce`. Taken, it is gone: a retry asks for another.
    private func takeNonce() throws -> String {
        if let nonce {
            self.nonce = nil
            return nonce
        }
        let answer: NonceResponse = try once("/v1/nonce", Data("{}".utf8), signed: false)
        clockOffset = answer.serverTime - Int64(Date().timeIntervalSince1970 * 1000)
        return answer.nonce
    }

    private func once<Response: Decodable>(_ path: String, _ json: Data, signed: Bool = true) throws -> Response {
        var request = URLRequest(url: base.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("gzip", forHTTPHeaderField: "Accept-Encoding")
        var body = json
        if json.count > 1024 {
            body = try Gzip.compress(json)
            request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
        }
        if let signer, signed {
            let headers = try RequestSignature.headers(method: "POST", path: path, device: signer.device, nonce: try takeNonce(),
                                                       body: json, key: signer.key)
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        }
        request.httpBody = body
        let (data, response) = try perform(request)
        bytesSent += body.count
        bytesReceived += data.count
        if signed, let next = response.value(forHTTPHeaderField: RequestSignature.nextNonceHeader) { nonce = next }
        let payload = Gzip.isCompressed(data) ? try Gzip.decompress(data, limit: WireProtocol.maxInflatedBytes) : data
        guard (200..<300).contains(response.statusCode) else {
            // 429 is the server asking to wait (wrong enrolment codes): retrying now would only
            // lengthen the wait, so it is told to the user with its message.
            if response.statusCode >= 500 || response.statusCode == 408 {
                throw Failure.retryable("HTTP \(response.statusCode)")
            }
            if let error = try? JSONDecoder().decode(ErrorBody.self, from: payload) {
                // A nonce used up by a request whose answer was lost, or one that expired while
                // the laptop waited: ask for a new one and send again.
                if ["replayed", "stale_nonce", "bad_nonce"].contains(error.error.code) { throw Failure.retryable(error.error.code) }
                throw RemoteRefusal(status: response.statusCode, code: error.error.code,
                                    text: LocalizedText(id: error.error.message, en: error.error.messageEn))
            }
            throw RemoteRefusal(status: response.statusCode, code: "http_\(response.statusCode)",
                                text: LocalizedText(id: "Server menjawab HTTP \(response.statusCode).", en: "The server answered HTTP \(response.statusCode)."))
        }
        do {
            return try JSONDecoder().decode(Response.self, from: payload)
        } catch {
            throw Failure.retryable("jawaban tidak utuh / incomplete answer")
        }
    }

    private func perform(_ request: URLRequest) throws -> (Data, HTTPURLResponse) {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let task = session.dataTask(with: request) { data, response, error in
            box.set(data, response, error)
            semaphore.signal()
        }
        task.resume()
        semaphore.wait()
        let (data, response, error) = box.get()
        if let error, Self.isUntrustedCertificate(error) {
            // Retrying cannot help, and going on would hand the data to whoever answered.
            let host = base.host ?? base.absoluteString
            throw CLIError("""
                Sambungan aman ke \(host) gagal: sertifikat TLS server tidak dipercaya (\(error.localizedDescription)). \
                Tidak ada data yang dikirim. Periksa alamat server; jika Dinas memakai sertifikat sendiri, pasang sertifikat \
                CA-nya di laptop ini (sudo cp ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates).
                """, """
                The secure connection to \(host) failed: the server's TLS certificate is not trusted (\(error.localizedDescription)). \
                Nothing was sent. Check the server address; if the Dinas uses its own certificate, install its CA certificate \
                on this laptop (sudo cp ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates).
                """, code: Exit.network)
        }
        if let error { throw Failure.retryable(error.localizedDescription) }
        guard let http = response as? HTTPURLResponse else { throw Failure.retryable("no HTTP response") }
        return (data ?? Data(), http)
    }

    /// Hands the completion handler's values to the waiting thread.
    private final class ResultBox: @unchecked Sendable {
        // Written once by URLSession's queue before the semaphore is signalled, read after the wait.
        private var value: (Data?, URLResponse?, (any Error)?) = (nil, nil, nil)
        func set(_ data: Data?, _ response: URLResponse?, _ error: (any Error)?) { value = (data, response, error) }
        func get() -> (Data?, URLResponse?, (any Error)?) { value }
    }
}

enum FieldVersion {
    static let current = "0.4.0"
}
