import Foundation
import Hummingbird
import SyncEngine
import WireCodec

/// Request and response bodies: JSON, gzip when the peer says it takes it, bounded in size
/// before and after inflating.
enum WireBody {
    /// The body as sent before compression (what the signature covers).
    static func read(_ request: Request) async throws -> Data {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: WireProtocol.maxBodyBytes)
        } catch {
            throw ServerError(.bodyTooLarge, .contentTooLarge,
                              id: "Isi permintaan lebih dari \(WireProtocol.maxBodyBytes >> 20) MiB. Kirim dalam batch lebih kecil.",
                              en: "The request body is over \(WireProtocol.maxBodyBytes >> 20) MiB. Send smaller batches.")
        }
        let data = Data(buffer: buffer)
        guard let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" else { return data }
        guard encoding == "gzip" else {
            throw ServerError(.unsupportedEncoding, .unsupportedMediaType,
                              id: "Content-Encoding \(encoding) tidak didukung; pakai gzip.", en: "Content-Encoding \(encoding) is not supported; use gzip.")
        }
        do {
            return try Gzip.decompress(data, limit: WireProtocol.maxInflatedBytes)
        } catch Gzip.Failure.tooLarge {
            throw ServerError(.bodyTooLarge, .contentTooLarge,
                              id: "Isi permintaan setelah diurai lebih dari \(WireProtocol.maxInflatedBytes >> 20) MiB.",
                              en: "The inflated request body is over \(WireProtocol.maxInflatedBytes >> 20) MiB.")
        } catch {
            throw ServerError.badRequest(.badGzip, id: "Isi permintaan bukan gzip yang utuh.", en: "The request body is not complete gzip.")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            let detail = describe(error)
            throw ServerError.badRequest(.badJSON, id: "JSON tidak sesuai protokol: \(detail). Lihat /openapi.yaml.",
                                         en: "The JSON does not fit the protocol: \(detail). See /openapi.yaml.")
        } catch {
            throw ServerError.badRequest(.badJSON, id: "Isi permintaan bukan JSON.", en: "The request body is not JSON.")
        }
    }

    static func response(_ value: some Encodable, for request: Request) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var body = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if body.count > 1024, let accept = request.headers[.acceptEncoding], accept.lowercased().contains("gzip") {
            body = try Gzip.compress(body)
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }
}
