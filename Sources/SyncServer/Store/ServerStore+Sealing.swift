import FieldModels
import Foundation
import SyncEngine

/// Sensitive values sealed at rest in the server store. A change whose field the schema marks
/// sensitive (NIK, No. KK, health notes, PMKS category, evidence, notes, visit findings) is
/// stored as `s1:` and its JSON sealed with the store key, bound to its dot; NIK and No. KK are
/// found through a keyed blind index. Everything else stays plain JSON.
extension ServerStore {
    static let sealedPrefix = "s1:"

    /// Reads the store key and checks it is the one that sealed this store. A new store gets a
    /// new key file; a rotation cut short (the new key in `FILE.new`, the store already sealed
    /// under it) is finished here.
    static func openKey(_ database: any SQLDatabase, file: String) async throws -> ServerKey {
        let stored = try await database.transaction { db in
            try await db.query("SELECT value FROM server_meta WHERE name = 'key_id'").first.map { try $0.text("value") }
        }
        let inline = !(ProcessInfo.processInfo.environment["FIELD_SERVER_KEY"] ?? "").isEmpty
        if stored == nil, !inline, !FileManager.default.fileExists(atPath: file) {
            try ServerKey.random().write(to: file)
            FileHandle.standardError.write(Data("""
                Kunci penyimpanan dibuat di \(file) (hanya pemilik yang dapat membacanya). Simpan cadangannya terpisah dari \
                basis data: tanpa kunci itu NIK dan No. KK tidak dapat dibuka. / The store key was made at \(file); keep a \
                copy apart from the database: without it NIK and No. KK cannot be opened.

                """.utf8))
        }
        var key = try ServerKey.load(file: file)
        if let stored, key.id != stored {
            let pending = file + ".new"
            guard !inline, let finished = try? ServerKey.load(file: pending), finished.id == stored else {
                throw ServerError.badConfiguration(LocalizedText(
                    id: "Kunci \(inline ? "$FIELD_SERVER_KEY" : file) bukan kunci penyimpanan ini. Pakai kunci yang menyegelnya (--key-file).",
                    en: "The key \(inline ? "$FIELD_SERVER_KEY" : file) is not this store's key. Use the key that sealed it (--key-file)."))
            }
            try ServerKey.replace(file, with: pending)
            key = finished
        }
        if stored == nil {
            let id = key.id
            try await database.transaction { db in
                try await db.execute("INSERT INTO server_meta (name, value) VALUES ('key_id', ?) ON CONFLICT (name) DO NOTHING", [.text(id)])
            }
        }
        return key
    }

    /// Whether a change's value is sealed at rest.
    static func isSealed(_ change: Change) -> Bool { change.recordType.isSensitive(change.field) }

    /// A change as stored: its JSON (sealed when sensitive), and its canonical digest in hex.
    func stored(_ change: Change, with key: ServerKey? = nil) throws -> (body: String, digest: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(change)
        guard Self.isSealed(change) else { return (String(decoding: json, as: UTF8.self), change.digest.hex) }
        let sealed = try (key ?? self.key).seal(json, place: Self.place(change.dot))
        return (Self.sealedPrefix + sealed.base64EncodedString(), change.digest.hex)
    }

    /// A stored body read back.
    func change(fromBody body: String, dot: Dot, with key: ServerKey? = nil) throws -> Change {
        var json = Data(body.utf8)
        if body.hasPrefix(Self.sealedPrefix) {
            guard let sealed = Data(base64Encoded: String(body.dropFirst(Self.sealedPrefix.count))),
                  let opened = try? (key ?? self.key).open(sealed, place: Self.place(dot)) else {
                throw ServerError.internalFailure("a sealed change (\(dot)) does not open with the store key")
            }
            json = opened
        }
        return try JSONDecoder().decode(Change.self, from: json)
    }

    private static func place(_ dot: Dot) -> String { "changes/\(dot.replica.rawValue):\(dot.counter)" }

    /// Adds the NIK or No. KK of each change to the blind index.
    func index(_ changes: [Change], with key: ServerKey? = nil, in db: any SQLConnection) async throws {
        let rows: [[SQLValue]] = changes.compactMap { change in
            let kind: String? = switch (change.recordType, change.field) {
            case (.person, "nik"): "nik"
            case (.household, "noKK"): "kk"
            default: nil
            }
            guard let kind, let value = change.value.text, !value.isEmpty else { return nil }
            return [.text(kind), .text((key ?? self.key).blindIndex(kind: kind, value)), .text(change.recordID)]
        }
        try await db.insert(into: "blind_index", columns: ["kind", "digest", "record_id"], rows: rows,
                            "ON CONFLICT (kind, digest, record_id) DO NOTHING")
    }

    /// The records that ever held this NIK (or, with `kind: "kk"`, this No. KK).
    func records(withNumber number: String, kind: String = "nik") async throws -> [String] {
        let digest = key.blindIndex(kind: kind, number)
        return try await database.transaction { db in
            try await db.query("SELECT record_id FROM blind_index WHERE kind = ? AND digest = ? ORDER BY record_id",
                               [.text(kind), .text(digest)]).map { try $0.text("record_id") }
        }
    }

    /// Seals, once, the sensitive values a store from before sealing holds in plain JSON.
    func sealPlainValues() async throws {
        try await database.transaction { db in
            guard try await db.query("SELECT value FROM server_meta WHERE name = 'sealed'").isEmpty else { return }
            try await self.reseal(from: nil, in: db)
            try await db.execute("INSERT INTO server_meta (name, value) VALUES ('sealed', '1') ON CONFLICT (name) DO NOTHING")
        }
    }

    /// Seals every sensitive value again under `newKey`, rebuilds the blind index with it and
    /// records its id, in one transaction: all of it, or nothing. Returns the values re-sealed.
    func rotate(to newKey: ServerKey) async throws -> Int {
        try await database.transaction { db in
            let count = try await self.reseal(from: self.key, to: newKey, in: db)
            try await db.execute("UPDATE server_meta SET value = ? WHERE name = 'key_id'", [.text(newKey.id)])
            try await Self.audit(.keyRotated, detail: "store key \(self.key.id) replaced by \(newKey.id); \(count) values sealed again",
                                 now: Clock.now, in: db)
            return count
        }
    }

    /// Rewrites the sensitive changes sealed under `old` (nil: those still plain) under `new`,
    /// and rebuilds the blind index.
    @discardableResult
    private func reseal(from old: ServerKey?, to new: ServerKey? = nil, in db: any SQLConnection) async throws -> Int {
        let target = new ?? key
        try await db.execute("DELETE FROM blind_index")
        var count = 0
        var after = (replica: "", counter: Int64(0))
        while true {
            let rows = try await db.query("""
                SELECT replica, counter, body, region FROM changes WHERE replica > ? OR (replica = ? AND counter > ?)
                ORDER BY replica, counter LIMIT 1000
                """, [.text(after.replica), .text(after.replica), .int(after.counter)])
            guard let last = rows.last else { return count }
            after = (try last.text("replica"), try last.int("counter"))
            for row in rows {
                let dot = Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))
                let body = try row.text("body")
                let change = try self.change(fromBody: body, dot: dot, with: old ?? key)
                try await index([change], with: target, in: db)
                guard Self.isSealed(change), old != nil || !body.hasPrefix(Self.sealedPrefix) else { continue }
                // In its own region's partition (named, so PostgreSQL looks in no other).
                try await db.execute("UPDATE changes SET body = ? WHERE region = ? AND replica = ? AND counter = ?",
                                     [.text(try stored(change, with: target).body), .text(try row.text("region")), .text(dot.replica.rawValue),
                                      .int(Int64(dot.counter))])
                count += 1
            }
        }
    }
}

extension ServerKey {
    /// Puts `replacement` in the place of `file`.
    static func replace(_ file: String, with replacement: String) throws {
        guard rename(replacement, file) == 0 else {
            throw ServerError.badConfiguration(LocalizedText(id: "Kunci \(replacement) tidak dapat dipindah ke \(file).",
                                                             en: "The key \(replacement) cannot be moved to \(file)."))
        }
    }
}
