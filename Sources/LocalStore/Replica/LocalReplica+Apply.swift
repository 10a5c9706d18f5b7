import FieldModels
import Foundation
import GRDB
import SyncEngine

extension LocalReplica {
    /// Applies changes made here or received from a peer. Idempotent and order-independent:
    /// a change already held is skipped; a value some held change supersedes never becomes
    /// current, whichever of the two arrived first. Returns the ids of the records touched.
    @discardableResult
    func apply(_ changes: [Change], in db: Database) throws -> Set<String> {
        var touched: [String: RecordType] = [:]
        var lamport = try Meta.integer(db, "lamport")
        var writers = Set<ReplicaID>()
        for change in changes {
            let dotArgs: StatementArguments = [change.dot.replica.rawValue, Int64(change.dot.counter)]
            if try db.one(Bool.self, "SELECT 1 FROM change_log WHERE replica = ? AND counter = ?", dotArgs) == true {
                continue
            }
            let (text, sealed) = try encodeForRest(change.value, type: change.recordType, recordID: change.recordID, field: change.field)
            try db.run("""
                INSERT INTO change_log (replica, counter, tx_replica, tx_counter, record_type, record_id, area, field,
                                        value, sealed, supersedes, lamport, wall_time, agent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [change.dot.replica.rawValue, Int64(change.dot.counter), change.transaction.replica.rawValue,
                                 Int64(change.transaction.counter), change.recordType.rawValue, change.recordID, change.area,
                                 change.field, text, sealed, DotListCoding.encode(change.supersedes), Int64(change.lamport),
                                 change.wallTime, change.agent])
            for old in change.supersedes {
                try db.run("INSERT OR IGNORE INTO superseded (replica, counter) VALUES (?, ?)", [old.replica.rawValue, Int64(old.counter)])
                // Any field of the record: a tombstone replaces every version its writer saw.
                try db.run("DELETE FROM field_value WHERE record_id = ? AND replica = ? AND counter = ?",
                           [change.recordID, old.replica.rawValue, Int64(old.counter)])
            }
            let isSuperseded = try db.one(Bool.self, "SELECT 1 FROM superseded WHERE replica = ? AND counter = ?", dotArgs) == true
            if !isSuperseded {
                try db.run("""
                    INSERT INTO field_value (record_id, field, replica, counter, lamport, value, sealed)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, [change.recordID, change.field, change.dot.replica.rawValue, Int64(change.dot.counter),
                                     Int64(change.lamport), text, sealed])
            }
            lamport = max(lamport, change.lamport)
            writers.insert(change.dot.replica)
            touched[change.recordID] = change.recordType
        }
        try Meta.set(db, "lamport", String(lamport))
        for replica in writers { try advanceVector(for: replica, in: db) }
        for (recordID, type) in touched { try refreshDerivedRows(recordID: recordID, type: type, in: db) }
        return Set(touched.keys)
    }

    /// Raises the version-vector entry of `replica` over every counter now held without a gap.
    /// Every replica with a held change has a row (counter 0 while its first change is missing),
    /// so the dots held beyond a gap are found per replica through the primary key.
    func advanceVector(for replica: ReplicaID, in db: Database) throws {
        let stored = try db.one(Int64.self, "SELECT counter FROM version_vector WHERE replica = ?", [replica.rawValue])
        var counter = stored ?? 0
        let later = try Int64.fetchCursor(db, sql: "SELECT counter FROM change_log WHERE replica = ? AND counter > ? ORDER BY counter",
                                          arguments: [replica.rawValue, counter])
        while let next = try later.next(), next == counter + 1 { counter = next }
        guard counter != stored else { return }
        try db.run("""
            INSERT INTO version_vector (replica, counter) VALUES (?, ?)
            ON CONFLICT(replica) DO UPDATE SET counter = excluded.counter
            """, [replica.rawValue, counter])
    }

    /// Rebuilds what is derived from a record's current values: its row (area, deleted flag, its
    /// own conflicts) and the keyed-hash index of its numbers (NIK, No. KK, DTKS id, BPJS card,
    /// phone, and the shown NIK of a living person).
    func refreshDerivedRows(recordID: String, type: RecordType, in db: Database) throws {
        let live = try liveValues(recordID: recordID, in: db)
        let stats = try db.row("SELECT MIN(lamport) AS created, MAX(lamport) AS updated FROM change_log WHERE record_id = ?", [recordID])!
        let area = try Placement.area(of: live)
            ?? db.one(String.self, "SELECT area FROM change_log WHERE record_id = ? ORDER BY lamport DESC, replica DESC, counter DESC LIMIT 1",
                      [recordID]) ?? ""
        let status = MergeRules.status(live)
        let conflicts = Conflict.within(recordID, live: live, status: status).count
        try db.run("""
            INSERT INTO record (id, type, area, deleted, created_lamport, updated_lamport, conflicts) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET area = excluded.area, deleted = excluded.deleted,
                created_lamport = excluded.created_lamport, updated_lamport = excluded.updated_lamport, conflicts = excluded.conflicts
            """, [recordID, type.rawValue, area, status == .deleted, stats["created"] as Int64, stats["updated"] as Int64,
                             conflicts])
        try db.run("DELETE FROM blind_index WHERE record_id = ?", [recordID])
        let indexed: [(kind: String, field: String)] = switch type {
        case .person: [("nik", "nik"), ("dtks", "dtks"), ("bpjs", "bpjs"), ("phone", "phone")]
        case .household: [("kk", "noKK"), ("dtks", "dtks"), ("phone", "phone")]
        default: []
        }
        for (kind, field) in indexed {
            for value in live[field] ?? [] {
                guard let text = value.value.text, !text.isEmpty else { continue }
                try db.run("INSERT OR IGNORE INTO blind_index (kind, digest, record_id) VALUES (?, ?, ?)",
                           [kind, vault.blindIndex(kind: kind, text), recordID])
            }
        }
        // The NIK shown, for counting identity conflicts as the snapshot finds them.
        if let nik = Conflict.identityKey(type: type, status: status, fields: MergeRules.fields(live)) {
            try db.run("INSERT OR IGNORE INTO blind_index (kind, digest, record_id) VALUES (?, ?, ?)",
                       [Self.identityKind, vault.blindIndex(kind: "nik", nik), recordID])
        }
        try refreshSearchTokens(recordID: recordID, live: live, in: db)
    }

    /// The blind-index kind of a living person's shown NIK.
    static let identityKind = "nik-shown"

    /// How many conflicts the snapshot would list: each record's own, kept as it changes, and
    /// one for each NIK that several living persons show.
    public func conflictCount() throws -> Int {
        try read { db in
            let own = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(conflicts), 0) FROM record WHERE conflicts > 0") ?? 0
            let identity = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT digest FROM blind_index WHERE kind = ? GROUP BY digest HAVING COUNT(*) > 1)
                """, arguments: [Self.identityKind]) ?? 0
            return own + identity
        }
    }

    /// Counts each record's conflicts once, for a replica from before they were kept.
    func countConflictsOnce() throws {
        try transaction { db in
            guard try Meta.get(db, "conflict_counts") != "1" else { return }
            for row in try Row.fetchAll(db, sql: "SELECT id, type FROM record") {
                guard let type = RecordType(rawValue: row["type"]) else { continue }
                try refreshDerivedRows(recordID: row["id"], type: type, in: db)
            }
            try Meta.set(db, "conflict_counts", "1")
        }
    }

    /// The current values of every field of a record, decrypted.
    func liveValues(recordID: String, in db: Database) throws -> [String: [FieldVersion]] {
        var out: [String: [FieldVersion]] = [:]
        for row in try db.rows("""
            SELECT f.field, f.replica, f.counter, f.lamport, f.value, f.sealed, c.agent, c.wall_time
            FROM field_value f JOIN change_log c ON c.replica = f.replica AND c.counter = f.counter
            WHERE f.record_id = ?
            """, [recordID]) {
            let field: String = row["field"]
            out[field, default: []].append(try liveValue(row, recordID: recordID, field: field))
        }
        return out
    }

    func liveValue(_ row: Row, recordID: String, field: String) throws -> FieldVersion {
        FieldVersion(dot: Dot(ReplicaID(row["replica"]), UInt64(row["counter"] as Int64)),
                     lamport: UInt64(row["lamport"] as Int64),
                     value: try decodeFromRest(text: row["value"], sealed: row["sealed"], recordID: recordID, field: field),
                     agent: row["agent"], wallTime: row["wall_time"])
    }

    /// A value as it goes to disk: every personal value sealed (`sealsAtRest`), the rest plain.
    func encodeForRest(_ value: FieldValue, type: RecordType, recordID: String, field: String) throws -> (String?, Data?) {
        let text = ValueCoding.encode(value)
        guard Self.sealsAtRest(value, type: type, field: field), let text else { return (text, nil) }
        return (nil, try vault.seal(Data(text.utf8), place: recordID + "/" + field))
    }

    func decodeFromRest(text: String?, sealed: Data?, recordID: String, field: String) throws -> FieldValue {
        if let sealed {
            return ValueCoding.decode(String(decoding: try vault.open(sealed, place: recordID + "/" + field), as: UTF8.self))
        }
        return ValueCoding.decode(text)
    }
}
