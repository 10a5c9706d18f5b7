import Crypto
import FieldModels
import Foundation
import SyncEngine

/// Photos on the server: kept in the database (SQLite or PostgreSQL), in the chunks they came
/// in, each sealed with the server key, so that several servers over one database share them
/// and the files hold no photo readable without the key. Taken only when a record in the
/// sender's scope refers to it, checked against its SHA-256 when the last byte is in, and given
/// only to a device whose scope covers a record that refers to it.
extension ServerStore {
    /// Remembers which records refer to which attachments, from the changes a push stored.
    static func storeAttachmentReferences(_ changes: [Change], in db: any SQLConnection) async throws {
        let references = Set(changes.compactMap { change -> [String]? in
            guard change.value == .bool(true), let digest = AttachmentProtocol.digest(inField: change.field) else { return nil }
            return [digest, change.recordID]
        })
        try await db.insert(into: "attachment_refs", columns: ["digest", "record_id"],
                            rows: references.sorted { $0.joined() < $1.joined() }.map { $0.map(SQLValue.text) },
                            "ON CONFLICT (digest, record_id) DO NOTHING")
    }

    /// Whether a record that `scope` covers refers to `digest`.
    static func referenced(_ digest: String, in scope: SyncScope, db: any SQLConnection) async throws -> Bool {
        let rows = try await db.query("""
            SELECT r.area, f.family FROM attachment_refs a JOIN records r ON r.record_id = a.record_id
            LEFT JOIN record_families f ON f.record_id = a.record_id WHERE a.digest = ?
            """, [.text(digest)])
        return try rows.contains { scope.admits(area: try $0.text("area"), family: $0["family"].string) }
    }

    /// Answers an offer: per attachment, how much the server holds, or why it will not take it.
    func offer(_ offer: AttachmentOffer, device: DeviceAccount, scope: SyncScope, now: Int64) async throws -> AttachmentOfferResponse {
        try Self.checkCount(offer.attachments.count)
        return AttachmentOfferResponse(attachments: try await database.transaction { db in
            var out: [AttachmentState] = []
            for info in offer.attachments {
                if let problem = info.problem {
                    out.append(AttachmentState(digest: info.digest, received: 0, complete: false,
                                               refused: ErrorBody(code: ErrorCode.badAttachment.rawValue, text: problem).error))
                    continue
                }
                guard try await Self.referenced(info.digest, in: scope, db: db) else {
                    out.append(AttachmentState(digest: info.digest, received: 0, complete: false,
                                               refused: ErrorBody(code: ErrorCode.unreferencedAttachment.rawValue, text: Self.unreferenced(info.digest)).error))
                    continue
                }
                if let held = try await Self.state(info.digest, in: db), held.complete || held.size == info.size {
                    out.append(held.state)
                    continue
                }
                // New, or announced before with another size: start it (again) from nothing.
                try await db.execute("DELETE FROM attachment_chunks WHERE digest = ?", [.text(info.digest)])
                try await db.execute("DELETE FROM attachments WHERE digest = ?", [.text(info.digest)])
                try await db.execute("""
                    INSERT INTO attachments (digest, size, media_type, info, received, complete, created_at, device_id)
                    VALUES (?, ?, ?, ?, 0, 0, ?, ?)
                    """, [.text(info.digest), .int(Int64(info.size)), .text(info.mediaType),
                          .text(try self.sealInfo(info)), .int(now), .text(device.id)])
                out.append(AttachmentState(digest: info.digest, received: 0, complete: false))
            }
            return out
        })
    }

    private enum ChunkOutcome: Sendable {
        case state(AttachmentState)
        case mismatch(String)
    }

    /// Stores the bytes of `digest` from `offset`, when that is where the server stands; else
    /// stores nothing and says where it stands. With the last byte in, checks the SHA-256 and
    /// keeps the attachment, or throws it all away and refuses.
    func chunk(_ digest: String, offset: Int, bytes: Data, scope: SyncScope) async throws -> AttachmentState {
        guard Grammar.isDigest(digest) else { throw Self.badAttachment(LocalizedText(id: "Digest lampiran tidak sah.", en: "Invalid attachment digest.")) }
        guard (1...AttachmentProtocol.chunkBytes).contains(bytes.count), offset >= 0 else {
            throw Self.badAttachment(LocalizedText(id: "Potongan lampiran harus 1…\(AttachmentProtocol.chunkBytes) bait (dapat \(bytes.count)).",
                                                   en: "An attachment chunk must be 1…\(AttachmentProtocol.chunkBytes) bytes (got \(bytes.count))."))
        }
        let outcome: ChunkOutcome = try await database.transaction { db in
            guard let held = try await Self.state(digest, in: db) else { throw Self.unknownAttachment(digest) }
            guard try await Self.referenced(digest, in: scope, db: db) else {
                throw ServerError(.unreferencedAttachment, .forbidden, id: Self.unreferenced(digest).id, en: Self.unreferenced(digest).en)
            }
            guard !held.complete, offset == held.received else { return .state(held.state) }
            guard offset + bytes.count <= held.size else {
                throw Self.badAttachment(LocalizedText(id: "Potongan melewati ukuran lampiran yang ditawarkan (\(held.size) bait).",
                                                       en: "The chunk runs past the size offered (\(held.size) bytes)."))
            }
            // Conditional, so two uploads of one photo at once (two paths) cannot both append.
            guard let moved = try await db.query("""
                UPDATE attachments SET received = received + ? WHERE digest = ? AND received = ? AND complete = 0 RETURNING received
                """, [.int(Int64(bytes.count)), .text(digest), .int(Int64(offset))]).first else {
                return .state(try await Self.state(digest, in: db)?.state ?? held.state)
            }
            try await db.execute("INSERT INTO attachment_chunks (digest, start_at, body) VALUES (?, ?, ?)",
                                 [.text(digest), .int(Int64(offset)), .bytes(try self.key.seal(bytes, place: Self.place(digest, offset)))])
            let received = Int(try moved.int("received"))
            guard received == held.size else { return .state(AttachmentState(digest: digest, received: received, complete: false)) }
            var hash = SHA256()
            for row in try await db.query("SELECT start_at, body FROM attachment_chunks WHERE digest = ? ORDER BY start_at", [.text(digest)]) {
                guard let sealed = row["body"].data else { throw ServerError.internalFailure("attachment chunk is not bytes") }
                hash.update(data: try self.key.open(sealed, place: Self.place(digest, Int(try row.int("start_at")))))
            }
            let actual = Data(hash.finalize()).hex
            guard actual == digest else {
                try await db.execute("DELETE FROM attachment_chunks WHERE digest = ?", [.text(digest)])
                try await db.execute("DELETE FROM attachments WHERE digest = ?", [.text(digest)])
                return .mismatch(actual)
            }
            try await db.execute("UPDATE attachments SET complete = 1 WHERE digest = ?", [.text(digest)])
            return .state(AttachmentState(digest: digest, received: received, complete: true))
        }
        switch outcome {
        case .state(let state): return state
        case .mismatch(let actual):
            throw ServerError(.attachmentDigestMismatch, .unprocessableContent,
                              id: "Isi lampiran tidak cocok dengan digestnya (SHA-256 \(actual.prefix(12))…, bukan \(digest.prefix(12))…); tidak ada yang disimpan. Laptop akan mengirim ulang dari awal.",
                              en: "The attachment's bytes do not match its digest (SHA-256 \(actual.prefix(12))…, not \(digest.prefix(12))…); nothing was stored. The laptop will send it again from the start.")
        }
    }

    /// The attachments among `digests` that the server holds whole and `scope` may see.
    func want(_ want: AttachmentWant, scope: SyncScope) async throws -> AttachmentWantResponse {
        try Self.checkCount(want.digests.count)
        return AttachmentWantResponse(attachments: try await database.transaction { db in
            var out: [AttachmentInfo] = []
            for digest in Set(want.digests).sorted() where Grammar.isDigest(digest) {
                guard let row = try await db.query("SELECT info FROM attachments WHERE digest = ? AND complete = 1", [.text(digest)]).first,
                      try await Self.referenced(digest, in: scope, db: db) else { continue }
                out.append(try self.openInfo(try row.text("info"), digest: digest))
            }
            return out
        })
    }

    /// The bytes of `digest` from `offset` to the end of the chunk that holds it.
    func fetch(_ fetch: AttachmentFetch, scope: SyncScope) async throws -> Data {
        try await database.transaction { db in
            guard Grammar.isDigest(fetch.digest), let held = try await Self.state(fetch.digest, in: db), held.complete,
                  try await Self.referenced(fetch.digest, in: scope, db: db) else { throw Self.unknownAttachment(fetch.digest) }
            guard (0..<held.size).contains(fetch.offset),
                  let row = try await db.query("""
                      SELECT start_at, body FROM attachment_chunks WHERE digest = ? AND start_at <= ? ORDER BY start_at DESC LIMIT 1
                      """, [.text(fetch.digest), .int(Int64(fetch.offset))]).first, let sealed = row["body"].data else {
                throw Self.badAttachment(LocalizedText(id: "Posisi \(fetch.offset) di luar lampiran (\(held.size) bait).",
                                                       en: "Offset \(fetch.offset) is outside the attachment (\(held.size) bytes)."))
            }
            let start = Int(try row.int("start_at"))
            let bytes = try self.key.open(sealed, place: Self.place(fetch.digest, start))
            return bytes.subdata(in: (fetch.offset - start)..<bytes.count)
        }
    }

    /// Counts for `field-server` reports and tests: attachments held whole, and their bytes.
    func attachmentTotals() async throws -> (count: Int, bytes: Int, chunks: Int) {
        try await database.transaction { db in
            let row = try await db.query("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM attachments WHERE complete = 1").first
            let chunks = try await db.query("SELECT COUNT(*) AS n FROM attachment_chunks").first
            return (Int(row?["n"].integer ?? 0), Int(row?["bytes"].integer ?? 0), Int(chunks?["n"].integer ?? 0))
        }
    }

    // MARK: - Helpers

    private struct Held {
        var size: Int
        var received: Int
        var complete: Bool
        var digest: String
        var state: AttachmentState { AttachmentState(digest: digest, received: received, complete: complete) }
    }

    private static func state(_ digest: String, in db: any SQLConnection) async throws -> Held? {
        guard let row = try await db.query("SELECT size, received, complete FROM attachments WHERE digest = ?", [.text(digest)]).first else {
            return nil
        }
        return Held(size: Int(try row.int("size")), received: Int(try row.int("received")), complete: try row.int("complete") == 1, digest: digest)
    }

    private static func place(_ digest: String, _ offset: Int) -> String { "attachments/\(digest)/\(offset)" }

    private func sealInfo(_ info: AttachmentInfo) throws -> String {
        let json = try JSONEncoder().encode(info)
        return try key.seal(json, place: "attachments/\(info.digest)/info").base64EncodedString()
    }

    private func openInfo(_ text: String, digest: String) throws -> AttachmentInfo {
        guard let sealed = Data(base64Encoded: text) else { throw ServerError.internalFailure("attachment info is not base64") }
        return try JSONDecoder().decode(AttachmentInfo.self, from: try key.open(sealed, place: "attachments/\(digest)/info"))
    }

    private static func checkCount(_ count: Int) throws {
        guard count <= AttachmentProtocol.maxPerRequest else {
            throw badAttachment(LocalizedText(id: "Paling banyak \(AttachmentProtocol.maxPerRequest) lampiran per permintaan (dapat \(count)).",
                                              en: "At most \(AttachmentProtocol.maxPerRequest) attachments per request (got \(count))."))
        }
    }

    private static func unreferenced(_ digest: String) -> LocalizedText {
        LocalizedText(id: "Lampiran \(digest.prefix(12))… tidak dirujuk oleh data mana pun di wilayah Anda yang diterima server; kirim datanya dulu (field sync).",
                      en: "Attachment \(digest.prefix(12))… is not referred to by any record in your area that the server holds; send the records first (field sync).")
    }

    private static func badAttachment(_ text: LocalizedText) -> ServerError {
        ServerError(.badAttachment, .badRequest, id: text.id, en: text.en)
    }

    private static func unknownAttachment(_ digest: String) -> ServerError {
        ServerError(.unknownAttachment, .notFound,
                    id: "Lampiran \(digest.prefix(12))… tidak ada di server (atau belum utuh, atau di luar wilayah Anda). Tawarkan dulu.",
                    en: "Attachment \(digest.prefix(12))… is not on the server (or not whole yet, or outside your area). Offer it first.")
    }
}
