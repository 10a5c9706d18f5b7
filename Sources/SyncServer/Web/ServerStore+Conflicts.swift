import FieldModels
import Foundation
import SyncEngine

/// A conflict waiting in the Dinas's queue: one record's field (or its delete) with every
/// competing version, who wrote it, on which device, when.
struct QueuedConflict: Sendable {
    struct Version: Sendable {
        var version: FieldVersion
        var device: String
    }

    var conflict: Conflict
    var type: RecordType
    var area: String
    var versions: [Version]
    var record: String { conflict.recordIDs[0] }
}

extension ServerStore {
    /// The open conflicts of the records lying in `area` (all when nil; only record `id` when
    /// given), from the merged state, their values opened for the staff who decide them.
    func conflictQueue(area: String?, record only: String? = nil) async throws -> [QueuedConflict] {
        try await database.transaction { db in
            var places: [String: (type: RecordType, area: String)] = [:]
            for row in try await db.query("""
                SELECT m.record_id, m.record_type, p.area FROM merged_records m JOIN records p ON p.record_id = m.record_id
                WHERE m.conflicts <> ''\(only == nil ? "" : " AND m.record_id = ?")
                """, only.map { [SQLValue.text($0)] } ?? []) {
                let where_ = try row.text("area")
                guard area.map({ RegionPath.contains($0, where_) }) ?? true else { continue }
                places[try row.text("record_id")] = (RecordType(rawValue: try row.text("record_type")) ?? .household, where_)
            }
            var devices: [String: String] = [:]
            for row in try await db.query("SELECT replica, device_id FROM replicas") { devices[try row.text("replica")] = try row.text("device_id") }
            let live = try await self.liveVersions(of: Array(places.keys), in: db, opening: nil)
            return places.flatMap { id, place -> [QueuedConflict] in
                let fields = live[id] ?? [:]
                return Conflict.within(id, live: fields, status: MergeRules.status(fields)).map { conflict in
                    QueuedConflict(conflict: conflict, type: place.type, area: place.area,
                                   versions: conflict.versions.map { .init(version: $0, device: devices[$0.dot.replica.rawValue] ?? "-") })
                }
            }.sorted { ($0.area, $0.record, $0.conflict.field) < ($1.area, $1.record, $1.conflict.field) }
        }
    }

    /// Settles a conflict at the Dinas: `field` of record `id` takes the value of version `chosen`
    /// (for a delete conflict, `keep` decides), written as the server's own sealed change that
    /// supersedes exactly the versions now current and reaches the laptops like any other.
    func resolveConflict(_ id: String, field: String, chosen: Dot?, keep: Bool?, by staff: StaffMember, now: Int64) async throws {
        guard let item = try await conflictQueue(area: nil, record: id).first(where: { $0.conflict.field == field }) else {
            throw ServerError(.notFound, .conflict, id: "Konflik \(id) \(field) sudah tidak ada (mungkin sudah diselesaikan).",
                              en: "The conflict \(id) \(field) is no longer there (perhaps already settled).")
        }
        let value: FieldValue
        if field == Change.deletedField {
            guard let keep else { throw ServerError(.badRequest, .badRequest, id: "Pilih: pertahankan atau hapus.", en: "Choose: keep or delete.") }
            value = .bool(!keep)
        } else {
            guard let version = item.versions.first(where: { $0.version.dot == chosen }) else {
                throw ServerError(.badRequest, .badRequest, id: "Pilih salah satu nilai yang ditampilkan.", en: "Choose one of the values shown.")
            }
            value = version.version.value
        }
        try await writeOwn(id, type: item.type, area: item.area, .resolve(field: field, value: value),
                           audit: "conflict \(id) \(field) settled by staff \(staff.username)", now: now)
    }
}
