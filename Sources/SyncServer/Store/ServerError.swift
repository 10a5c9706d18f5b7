import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// Every error the server reports: a stable code, an HTTP status and a message in both
/// languages. It answers a request as JSON (`ErrorBody`) and prints as the English text.
struct ServerError: Error, HTTPResponseError, CustomStringConvertible {
    var code: ErrorCode
    var status: HTTPResponse.Status
    var text: LocalizedText
    /// Seconds to wait before asking again (a 429's Retry-After).
    var retryAfter: Int?
    /// What caused it, as the server may log it (`ErrorCause.summary`: kinds and codes, never
    /// messages that could quote personal data); never sent to the client.
    var cause: String?

    init(_ code: ErrorCode, _ status: HTTPResponse.Status, id: String, en: String) {
        self.code = code
        self.status = status
        self.text = LocalizedText(id: id, en: en)
    }

    /// A change refused by `Admission` or the server's own checks: 400 for its shape, 409 for a
    /// clash with what is held, 403 for everything about the writer's rights.
    init(_ refusal: Refusal) {
        let status: HTTPResponse.Status = refusal.code.isGrammar ? .badRequest
            : [.dotReused, .replicaTaken].contains(refusal.code) ? .conflict : .forbidden
        self.init(refusal.code, status, id: refusal.text.id, en: refusal.text.en)
    }

    var description: String { "\(code.rawValue): \(text.en)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(ErrorBody(code: code.rawValue, text: text))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func internalFailure(_ detail: String, cause: (any Error)? = nil) -> ServerError {
        var error = ServerError(.internal, .internalServerError, id: "Galat di server: \(detail)", en: "Server failure: \(detail)")
        error.cause = cause.map(ErrorCause.summary)
        return error
    }

    static func badConfiguration(_ text: LocalizedText) -> ServerError {
        ServerError(.configuration, .internalServerError, id: text.id, en: text.en)
    }

    static func badRequest(_ code: ErrorCode, id: String, en: String) -> ServerError {
        ServerError(code, .badRequest, id: id, en: en)
    }

    static let unknownDevice = ServerError(
        .unknownDevice, .unauthorized,
        id: "Perangkat tidak dikenal server. Daftarkan dulu: field enroll --server URL --code KODE",
        en: "The server does not know this device. Enrol it first: field enroll --server URL --code CODE")
    static let badSignature = ServerError(
        .badSignature, .unauthorized,
        id: "Tanda tangan permintaan tidak sah. Perangkat mungkin didaftarkan ulang; jalankan field enroll lagi.",
        en: "The request signature is not valid. The device may have been re-enrolled; run field enroll again.")
    static let deviceRevoked = ServerError(
        .deviceRevoked, .forbidden,
        id: "Perangkat ini sudah dicabut oleh Dinas. Hubungi operator Dinas Sosial untuk kode pendaftaran baru.",
        en: "This device was revoked by the Dinas. Ask the Dinas Sosial operator for a new enrolment code.")
    static let invalidCode = ServerError(
        .invalidCode, .forbidden,
        id: "Kode pendaftaran salah, kedaluwarsa atau sudah dipakai. Minta kode baru ke operator Dinas.",
        en: "The enrolment code is wrong, expired or already used. Ask the Dinas operator for a new one.")
}
