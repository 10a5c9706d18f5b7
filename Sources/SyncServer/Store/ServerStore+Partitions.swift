import FieldModels
import SyncEngine

/// Which regions' partitions a request touches (`ServerSchema+Partitions`).
extension ServerStore {
    /// On PostgreSQL, makes the partitions of the regions of `areas` that do not exist yet: in a
    /// transaction of its own before a push's, which holds none of the push's locks. A partition
    /// is attached (`ServerSchema.attachingPartition`), which pushes and pulls in flight do not
    /// wait for, nor it for them.
    func makePartitions(for areas: [String]) async throws {
        guard database.dialect == .postgres else { return }
        let keys = Set(areas.map(RegionPartition.key(of:))).sorted()
        guard !keys.isEmpty else { return }
        try await database.transaction { db in
            try await db.execute("SELECT COUNT(fieldsync_partition(k)) AS made FROM (VALUES \(keys.map { _ in "(?)" }.joined(separator: ", "))) AS v(k)",
                                 keys.map(SQLValue.text))
        }
    }

    /// The regions whose partitions hold what `scope` reads, or nil for every region. An area
    /// reads its own kabupaten/kota, where its records and the city-wide records it reads lie,
    /// and the home regions of records that moved into it or out of it (few: a record moved
    /// across a kabupaten/kota border keeps its home). A PKH pendamping's families read their
    /// records' home regions and those of the city-wide records, which it reads wherever they lie.
    static func regions(of scope: SyncScope, in db: any SQLConnection) async throws -> [String]? {
        switch scope.kind {
        case .all:
            return nil
        case .area:
            let inside = scope.area + RegionPath.separator + "%"
            let rows = try await db.query("""
                SELECT r.region FROM moved_records m JOIN records r ON r.record_id = m.record_id WHERE m.area = ? OR m.area LIKE ?
                UNION SELECT r.region FROM former_areas f JOIN records r ON r.record_id = f.record_id WHERE f.area = ? OR f.area LIKE ?
                """, [.text(scope.area), .text(inside), .text(scope.area), .text(inside)])
            return Set([RegionPartition.key(of: scope.area)] + (try rows.map { try $0.text("region") })).sorted()
        case .families:
            let list = scope.families.isEmpty ? "NULL" : Array(repeating: "?", count: scope.families.count).joined(separator: ", ")
            let rows = try await db.query("""
                SELECT r.region FROM record_families f JOIN records r ON r.record_id = f.record_id WHERE f.family IN (\(list))
                UNION SELECT region FROM records WHERE record_type IN (\(cityWideTypes))
                """, scope.families.map(SQLValue.text))
            return Set(try rows.map { try $0.text("region") }).sorted()
        }
    }

    /// `column IN (regions)` with its binds, or nothing for every region.
    static func regionCondition(_ regions: [String]?, column: String = "region") -> (String, [SQLValue]) {
        guard let regions else { return ("", []) }
        guard !regions.isEmpty else { return (" AND \(column) IN (NULL)", []) }
        return (" AND \(column) IN (" + Array(repeating: "?", count: regions.count).joined(separator: ", ") + ")", regions.map(SQLValue.text))
    }
}
