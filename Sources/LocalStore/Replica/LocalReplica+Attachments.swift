import Crypto
import FieldModels
import Foundation
import GRDB
import SyncEngine

/// Photos kept on the laptop: content-addressed, sealed with the vault like every personal
/// value, and referred to from records by set elements `photos/<digest>`, which merge and show
/// in history like any field. The bytes are kept once however many records refer to them.
extension LocalReplica {
    /// A photo held here, without its bytes.
    public struct HeldAttachment: Sendable, Hashable {
        public var info: AttachmentInfo
        public var addedAt: Int64
        /// The server acknowledged holding all of it.
        public var uploaded: Bool
        public var hasOriginal: Bool
    }

    /// Keeps a photo (once: the same bytes again change nothing) and saves `records`, which
    /// refer to it, in one transaction: the photo and its references stand or fall together.
    /// Refuses bytes that do not match `info.digest` or `info.size`.
    public func attach(_ bytes: Data, info: AttachmentInfo, original: Data? = nil, saving records: [any FieldRecord],
                       now: Date = Date()) throws -> SaveResult {
        try Self.check(bytes, against: info)
        return try transaction { db in
            try store(bytes, info: info, original: original, now: now, in: db)
            return try save(records, now: now, in: db)
        }
    }

    /// The photo `digest`, if held whole.
    public func attachment(_ digest: String) throws -> HeldAttachment? {
        try read { db in
            try db.row("SELECT digest, added_at, info, uploaded, original IS NOT NULL AS has_original FROM attachment WHERE digest = ?", [digest])
                .map { try held($0) }
        }
    }

    /// The bytes of the photo `digest` (and, with `original`, the file as it was added, if kept).
    public func attachmentBytes(_ digest: String, original: Bool = false) throws -> Data? {
        try read { db in
            guard let row = try db.row("SELECT body, original FROM attachment WHERE digest = ?", [digest]) else { return nil }
            let column = original ? "original" : "body"
            guard let sealed: Data = row[column] else { return nil }
            return try vault.open(sealed, place: "attachment/\(digest)/\(column)")
        }
    }

    /// Every photo the live records here refer to, with the records, whether held or not.
    public func referencedAttachments() throws -> [String: [String]] {
        try read { db in try references(in: db) }
    }

    /// Photos to send: held whole, referred to by a live record, not yet acknowledged by the
    /// server; oldest first.
    public func attachmentsToUpload() throws -> [HeldAttachment] {
        try read { db in
            let referenced = try references(in: db)
            return try db.rows("SELECT digest, added_at, info, uploaded, original IS NOT NULL AS has_original FROM attachment WHERE uploaded = 0 ORDER BY added_at, digest")
                .filter { referenced[$0["digest"] as String] != nil }.map { try held($0) }
        }
    }

    /// Records that the server holds all of `digest`: it is not offered again.
    public func markUploaded(_ digest: String) throws {
        try transaction { db in try db.run("UPDATE attachment SET uploaded = 1 WHERE digest = ?", [digest]) }
    }

    /// Photos referred to by live records here that this laptop does not hold whole.
    public func missingAttachments() throws -> [String] {
        try read { db in try missing(from: try references(in: db), in: db) }
    }

    /// How many bytes of a download under way are here (0 when none).
    public func partialAttachment(_ digest: String) throws -> Int {
        try read { db in
            Int(try db.row("SELECT COALESCE(SUM(length), 0) AS n FROM attachment_part WHERE digest = ?", [digest])?["n"] as Int64? ?? 0)
        }
    }

    /// Keeps one downloaded chunk (sealed, as it arrived); with the last one in, checks the whole
    /// against its digest and keeps the photo, or throws the parts away and refuses. Returns
    /// whether the photo is now held whole. A chunk that does not start where the parts end is
    /// ignored (a repeat after a cut). `fromServer`: the server holds it already (nothing to
    /// send); a photo from a peer laptop is offered to the server at the next sync.
    @discardableResult
    public func storeDownloaded(_ bytes: Data, at offset: Int, info: AttachmentInfo, fromServer: Bool = true, now: Date = Date()) throws -> Bool {
        if let problem = info.problem { throw StoreError(.refused, problem) }
        return try transaction { db in
            if try db.row("SELECT 1 FROM attachment WHERE digest = ?", [info.digest]) != nil { return true }
            // The parts are opened only once the last is in: a chunk costs its own seal, not all before it.
            let held = Int(try db.row("SELECT COALESCE(SUM(length), 0) AS n FROM attachment_part WHERE digest = ?", [info.digest])?["n"] as Int64? ?? 0)
            guard offset == held, !bytes.isEmpty, held + bytes.count <= info.size else { return false }
            try db.run("INSERT INTO attachment_part (digest, start_at, length, body, info) VALUES (?, ?, ?, ?, ?)",
                       [info.digest, offset, bytes.count, try vault.seal(bytes, place: "attachment-part/\(info.digest)/\(offset)"),
                        try vault.seal(try JSONEncoder().encode(info), place: "attachment-part/\(info.digest)/info")])
            guard held + bytes.count == info.size else { return false }
            var plain = Data()
            for part in try db.rows("SELECT start_at, body FROM attachment_part WHERE digest = ? ORDER BY start_at", [info.digest]) {
                plain += try vault.open(part["body"], place: "attachment-part/\(info.digest)/\(part["start_at"] as Int64)")
            }
            try db.run("DELETE FROM attachment_part WHERE digest = ?", [info.digest])
            do {
                try Self.check(plain, against: info)
            } catch {
                return false
            }
            try store(plain, info: info, original: nil, now: now, uploaded: fromServer, in: db)
            return true
        }
    }

    /// Totals for `field status`: photos waiting to be sent and to be received (the references
    /// read once; sizes from their plain column, nothing unsealed).
    public func attachmentQueue() throws -> (toSend: Int, toSendBytes: Int, toReceive: Int) {
        try read { db in
            let referenced = try references(in: db)
            let waiting = try db.rows("SELECT digest, size FROM attachment WHERE uploaded = 0")
                .filter { referenced[$0["digest"] as String] != nil }.map { $0["size"] as Int }
            return (waiting.count, waiting.reduce(0, +), try missing(from: referenced, in: db).count)
        }
    }

    // MARK: - Helpers

    /// Digest → the live records that refer to it (`photos/<digest>` shown as present).
    private func references(in db: Database) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for row in try db.rows("""
            SELECT DISTINCT f.field, f.record_id FROM field_value f JOIN record r ON r.id = f.record_id
            WHERE f.field LIKE 'photos/%' AND f.value = 't' AND r.deleted = 0
            """) {
            guard let digest = AttachmentProtocol.digest(inField: row["field"]) else { continue }
            out[digest, default: []].append(row["record_id"])
        }
        return out
    }

    /// The digests of `referenced` not held whole here, sorted.
    private func missing(from referenced: [String: [String]], in db: Database) throws -> [String] {
        let held = Set(try String.fetchAll(db, sql: "SELECT digest FROM attachment"))
        return referenced.keys.filter { !held.contains($0) }.sorted()
    }

    static func check(_ bytes: Data, against info: AttachmentInfo) throws {
        let actual = Data(SHA256.hash(data: bytes)).hex
        guard actual == info.digest, bytes.count == info.size else {
            throw StoreError(.refused, id: "Isi foto tidak cocok dengan digestnya (\(actual.prefix(12))…, bukan \(info.digest.prefix(12))…): tidak disimpan.",
                             en: "The photo's bytes do not match its digest (\(actual.prefix(12))…, not \(info.digest.prefix(12))…): not stored.")
        }
        if let problem = info.problem { throw StoreError(.refused, problem) }
    }

    private func store(_ bytes: Data, info: AttachmentInfo, original: Data?, now: Date, uploaded: Bool = false, in db: Database) throws {
        guard try db.row("SELECT 1 FROM attachment WHERE digest = ?", [info.digest]) == nil else {
            if let original {
                try db.run("UPDATE attachment SET original = ? WHERE digest = ? AND original IS NULL",
                           [try vault.seal(original, place: "attachment/\(info.digest)/original"), info.digest])
            }
            return
        }
        try db.run("""
            INSERT INTO attachment (digest, size, media_type, added_at, info, body, original, uploaded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [info.digest, info.size, info.mediaType, ChangeWriter.millis(now),
                  try vault.seal(try JSONEncoder().encode(info), place: "attachment/\(info.digest)/info"),
                  try vault.seal(bytes, place: "attachment/\(info.digest)/body"),
                  try original.map { try vault.seal($0, place: "attachment/\(info.digest)/original") }, uploaded])
    }

    private func held(_ row: Row) throws -> HeldAttachment {
        let digest: String = row["digest"]
        let info = try JSONDecoder().decode(AttachmentInfo.self, from: try vault.open(row["info"], place: "attachment/\(digest)/info"))
        return HeldAttachment(info: info, addedAt: row["added_at"], uploaded: row["uploaded"], hasOriginal: row["has_original"])
    }
}
