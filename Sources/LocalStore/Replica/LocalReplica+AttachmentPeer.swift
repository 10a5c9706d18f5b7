import FieldModels
import Foundation
import GRDB
import SyncEngine

/// A laptop answering another's attachment requests (the TKSK's `serve-local` for its PSM):
/// the server's four steps over the replica. A photo is taken only when a live record here, in
/// the asker's scope and this laptop's own, refers to it (the records travel first); kept in
/// chunks until whole, checked against its SHA-256, and then offered to the server like the
/// laptop's own. Photos go out only for records in the asker's scope.
extension LocalReplica {
    public func answer(_ request: AttachmentRequest, scope: SyncScope) throws -> AttachmentAnswer {
        switch request {
        case .offer(let offer):
            return .offer(AttachmentOfferResponse(attachments: try offer.attachments.prefix(AttachmentProtocol.maxPerRequest).map {
                try state(of: $0, scope: scope)
            }))
        case .chunk(let chunk):
            var state = try state(of: chunk.info, scope: scope)
            guard state.refused == nil, !state.complete, chunk.offset == state.received,
                  (1...AttachmentProtocol.chunkBytes).contains(chunk.bytes.count) else { return .chunk(state) }
            if try storeDownloaded(chunk.bytes, at: chunk.offset, info: chunk.info, fromServer: false) {
                return .chunk(AttachmentState(digest: chunk.info.digest, received: chunk.info.size, complete: true))
            }
            state.received = try partialAttachment(chunk.info.digest)
            if state.received < chunk.offset + chunk.bytes.count {
                state.refused = ErrorBody(code: ErrorCode.attachmentDigestMismatch.rawValue, text: LocalizedText(
                    id: "Isi lampiran tidak cocok dengan digestnya; tidak ada yang disimpan.",
                    en: "The attachment's bytes do not match its digest; nothing was stored.")).error
            }
            return .chunk(state)
        case .want(let want):
            return .want(AttachmentWantResponse(attachments: try want.digests.prefix(AttachmentProtocol.maxPerRequest).compactMap { digest in
                guard try referenced(digest, in: scope), let held = try attachment(digest) else { return nil }
                return held.info
            }))
        case .fetch(let fetch):
            guard try referenced(fetch.digest, in: scope), let bytes = try attachmentBytes(fetch.digest),
                  (0..<bytes.count).contains(fetch.offset) else {
                throw StoreError(.notFound, id: "Lampiran \(fetch.digest.prefix(12))… tidak ada di sini untuk wilayah Anda.",
                                 en: "Attachment \(fetch.digest.prefix(12))… is not here for your area.")
            }
            return .fetch(bytes.subdata(in: fetch.offset..<min(bytes.count, fetch.offset + AttachmentProtocol.chunkBytes)))
        }
    }

    /// Where this laptop stands with an offered attachment.
    private func state(of info: AttachmentInfo, scope: SyncScope) throws -> AttachmentState {
        if let problem = info.problem {
            return AttachmentState(digest: info.digest, received: 0, complete: false,
                                   refused: ErrorBody(code: ErrorCode.badAttachment.rawValue, text: problem).error)
        }
        guard try referenced(info.digest, in: scope), try referenced(info.digest, in: ownScope) else {
            return AttachmentState(digest: info.digest, received: 0, complete: false, refused: ErrorBody(
                code: ErrorCode.unreferencedAttachment.rawValue,
                text: LocalizedText(id: "Tidak ada data di sini, di wilayah Anda, yang merujuk lampiran \(info.digest.prefix(12))…; kirim datanya dulu.",
                                    en: "No record here in your area refers to attachment \(info.digest.prefix(12))…; send the records first.")).error)
        }
        if try attachment(info.digest) != nil { return AttachmentState(digest: info.digest, received: info.size, complete: true) }
        return AttachmentState(digest: info.digest, received: try partialAttachment(info.digest), complete: false)
    }

    /// Whether a live record held here that `scope` covers refers to `digest`.
    func referenced(_ digest: String, in scope: SyncScope) throws -> Bool {
        guard Grammar.isDigest(digest) else { return false }
        return try read { db in
            try db.rows("""
                SELECT r.id, r.type, r.area FROM field_value f JOIN record r ON r.id = f.record_id
                WHERE f.field = ? AND f.value = 't' AND r.deleted = 0
                """, [AttachmentProtocol.fieldPrefix + digest]).contains { row in
                scope.admits(area: row["area"], family: (row["type"] as String) == RecordType.household.rawValue ? row["id"] : nil)
            }
        }
    }
}
