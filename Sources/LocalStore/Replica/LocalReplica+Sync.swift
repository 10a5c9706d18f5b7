import FieldModels
import Foundation
import GRDB
import SyncEngine

/// The SQLite replica as the sync engine sees it: deltas by version vector, atomic idempotent
/// receive, snapshots by the shared merge rules, and direct writes for settling conflicts.
extension LocalReplica: WritableReplica {
    public func changes(notIn vector: VersionVector) throws -> SealedBatch {
        try read { db in
            let vector = try retirements(in: db).unfold(vector)
            var out: [Change] = []
            for replica in try String.fetchAll(db, sql: "SELECT replica FROM version_vector") {
                let known = Int64(vector[ReplicaID(replica)])
                for row in try Row.fetchAll(db, sql: "SELECT * FROM change_log WHERE replica = ? AND counter > ?",
                                            arguments: [replica, known]) {
                    let change = try change(from: row, in: db)
                    if !vector.beyond.contains(change.dot) { out.append(change) }
                }
            }
            // In Lamport order, so a store always has what a change replaced before the change
            // itself (a move proves where its record was): whole transactions, in dot order.
            return try sealed(out.sorted { ($0.lamport, $0.transaction, $0.dot) < ($1.lamport, $1.transaction, $1.dot) }, in: db)
        }
    }

    /// Admits and applies a received batch in one transaction: all of it, or none of it.
    public func receive(_ batch: SealedBatch) throws {
        try transaction { db in try admitAndApply(batch, in: db) }
    }

    public func snapshot() throws -> ReplicaSnapshot {
        try read { db in
            var records: [String: (type: RecordType, area: String, live: [String: [FieldVersion]])] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, type, area FROM record") {
                let id: String = row["id"]
                guard let type = RecordType(rawValue: row["type"]) else { continue }
                records[id] = (type, row["area"], try liveValues(recordID: id, in: db))
            }
            return ReplicaSnapshot(records: records)
        }
    }

    @discardableResult
    public func compact(seenBy vectors: [VersionVector]) throws -> [String] {
        try transaction { db in
            let retirements = try retirements(in: db)
            let vectors = vectors.map(retirements.unfold)
            var forgotten: [String] = []
            for id in try String.fetchAll(db, sql: "SELECT id FROM record WHERE deleted = 1 ORDER BY id") {
                let dots = try dots(of: id, in: db)
                let status = MergeRules.status(try liveValues(recordID: id, in: db))
                guard MergeRules.isCompactable(status: status, dots: dots, seenBy: vectors) else { continue }
                try remove(id, dots: dots, in: db)
                forgotten.append(id)
            }
            return forgotten
        }
    }

    @discardableResult
    public func write(_ recordID: String, type: RecordType, area: String, fields: FieldMap, wallTime: Int64) throws -> [Change] {
        try transaction { db in
            var writer = try ChangeWriter(replica: self, wallTime: wallTime, in: db)
            let live = try liveValues(recordID: recordID, in: db)
            writer.add(MergeRules.edits(writing: fields, over: live, removingAbsentSetElements: false),
                       type: type, recordID: recordID, area: area)
            return try writer.commit(in: db)
        }
    }

    @discardableResult
    public func delete(_ recordID: String, wallTime: Int64) throws -> [Change] {
        try transaction { db in try tombstone(recordID, wallTime: wallTime, in: db) }
    }

    @discardableResult
    public func resolve(_ recordID: String, field: String, value: FieldValue, wallTime: Int64) throws -> [Change] {
        try transaction { db in
            guard let (type, area) = try typeAndArea(of: recordID, in: db) else { throw StoreError.notFound(recordID) }
            guard type == .device || area.isEmpty || RegionPath.contains(agent.areaID, area) else { throw StoreError.outsideArea(area, agent: agent) }
            guard !Placement.followingFields.contains(field) else {
                throw StoreError(.validation, id: "Kolom \(field) mengikuti kelurahan; yang diputuskan adalah kelurahannya (--field kelurahan).",
                                 en: "The field \(field) follows the kelurahan; what is settled is the kelurahan (--field kelurahan).")
            }
            let edits = Placement.settled(try MergeRules.resolution(of: field, to: value, over: liveValues(recordID: recordID, in: db)) { dot in
                try Row.fetchOne(db, sql: "SELECT * FROM change_log WHERE replica = ? AND counter = ?",
                                 arguments: [dot.replica.rawValue, Int64(dot.counter)]).map { try change(from: $0, in: db) }
            }, area: type == .device ? "" : area)
            var writer = try ChangeWriter(replica: self, wallTime: wallTime, in: db)
            if field == Placement.field, case .text(let chosen) = value {
                // Two moves to different kelurahan, settled: a move from where the record lies
                // now (none when the shown one is chosen), the region code following.
                try addMove(recordID, type: type, from: area, to: chosen, place: edits, live: try liveValues(recordID: recordID, in: db),
                            into: &writer, in: db)
            } else {
                writer.add(edits, type: type, recordID: recordID, area: area)
            }
            return try writer.commit(in: db)
        }
    }

    /// The dots of every change held of a record.
    func dots(of recordID: String, in db: Database) throws -> [Dot] {
        try Row.fetchAll(db, sql: "SELECT replica, counter FROM change_log WHERE record_id = ?", arguments: [recordID])
            .map { Dot(ReplicaID($0["replica"]), UInt64($0["counter"] as Int64)) }
    }

    /// Forgets a record entirely: its changes, current values, index entries and row.
    func remove(_ recordID: String, dots: [Dot], in db: Database) throws {
        for dot in dots {
            try db.execute(sql: "DELETE FROM superseded WHERE replica = ? AND counter = ?",
                           arguments: [dot.replica.rawValue, Int64(dot.counter)])
        }
        for table in ["change_log", "field_value", "blind_index"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE record_id = ?", arguments: [recordID])
        }
        try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [recordID])
    }

    /// A tombstone over every version of the record held here; nothing when there is no such record.
    func tombstone(_ recordID: String, wallTime: Int64, in db: Database) throws -> [Change] {
        guard let (type, area) = try typeAndArea(of: recordID, in: db) else { return [] }
        var writer = try ChangeWriter(replica: self, wallTime: wallTime, in: db)
        writer.add(MergeRules.tombstone(over: try liveValues(recordID: recordID, in: db)), type: type, recordID: recordID, area: area)
        return try writer.commit(in: db)
    }

    func typeAndArea(of recordID: String, in db: Database) throws -> (RecordType, String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT type, area FROM record WHERE id = ?", arguments: [recordID]),
              let type = RecordType(rawValue: row["type"]) else { return nil }
        return (type, row["area"])
    }
}
