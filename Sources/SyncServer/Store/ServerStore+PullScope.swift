import FieldModels
import SyncEngine

/// What a pull of a scope reads: the replicas that wrote in it, and the query of a page of one
/// replica's changes, from the partitions of the scope's regions only (`regions(of:)`).
extension ServerStore {
    /// The replicas of `vector` that wrote something `scope` covers. For an area, one query of
    /// index searches (`writersQuery`), never a read of the area's changes nor a query per
    /// replica, so a pull costs the same in a full kelurahan as in an empty one and the same
    /// with 500 replicas in the city as with 5. Every record's area is a region of the table
    /// (`checkArea`). `regions`: the scope's (`regions(of:)`), as the pull computed them.
    static func writers(in scope: SyncScope, regions: [String]?, among vector: VersionVector, in db: any SQLConnection) async throws -> Set<ReplicaID> {
        let replicas = Set(vector.counters.keys).union(vector.beyond.map(\.replica))
        switch scope.kind {
        case .all:
            return replicas
        case .area:
            // Its area and those inside, and its kota and kecamatan, where city-wide records lie.
            let areas = try await [scope.area] + db.query("SELECT id FROM regions WHERE id LIKE ?", [.text(scope.area + RegionPath.separator + "%")])
                .map { try $0.text("id") } + scope.enclosingAreas
            let (sql, binds) = writersQuery(areas: areas)
            return Set(try await db.query(sql, binds).map { ReplicaID(try $0.text("replica")) }).intersection(replicas)
        case .families:
            // The writers of its families (by index), and of the kota, where city-wide records lie.
            let list = Array(repeating: "?", count: scope.families.count).joined(separator: ", ")
            let (inRegions, regionBinds) = regionCondition(regions)
            let writers = try await db.query("""
                SELECT replica FROM changes WHERE family IN (\(scope.families.isEmpty ? "NULL" : list))\(inRegions)
                UNION SELECT replica FROM replica_areas WHERE area IN (SELECT id FROM regions WHERE level IN ('kota', 'kecamatan'))
                """, scope.families.map(SQLValue.text) + regionBinds)
            return Set(try writers.map { ReplicaID(try $0.text("replica")) })
        }
    }

    /// The replicas with changes filed under one of `areas` (`replica_areas`), with a move of
    /// a record that left one of them (`former_areas`: where its moves must still reach), or
    /// with changes of a record that moved into one of them (`moved_records`: its history is
    /// filed there now). Each part an index search; the last two read only moved records, each
    /// in its home region's partition.
    static func writersQuery(areas: [String]) -> (String, [SQLValue]) {
        let list = Array(repeating: "?", count: areas.count).joined(separator: ", ")
        let binds = areas.map(SQLValue.text)
        return ("""
            SELECT replica FROM replica_areas WHERE area IN (\(list))
            UNION SELECT c.replica FROM former_areas f JOIN records r ON r.record_id = f.record_id
                JOIN changes c ON c.region = r.region AND c.record_id = f.record_id WHERE f.area IN (\(list)) AND c.place = 1
            UNION SELECT c.replica FROM moved_records m JOIN records r ON r.record_id = m.record_id
                JOIN changes c ON c.region = r.region AND c.record_id = m.record_id WHERE m.area IN (\(list))
            """, binds + binds + binds)
    }

    /// A page of a pull: the changes of one replica (the first bind) after a counter and up to
    /// another (the next two) that `scope` reads, from the partitions of `regions` only (nil:
    /// every region). The binds returned follow those three.
    static func pageQuery(_ scope: SyncScope, regions: [String]?) -> (String, [SQLValue]) {
        let (filter, filterBinds) = sqlFilter(scope)
        let (inRegions, regionBinds) = regionCondition(regions)
        return ("""
            SELECT counter, tx_counter, record_type, area, family, body, place FROM changes
            WHERE replica = ? AND counter > ? AND counter <= ?\(inRegions) AND \(filter) ORDER BY counter LIMIT 500
            """, regionBinds + filterBinds)
    }

    /// The city-wide record types as an SQL list (constants of the code, never input).
    static let cityWideTypes = RecordType.allCases.filter(\.isCityWide).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    private static func sqlFilter(_ scope: SyncScope) -> (String, [SQLValue]) {
        switch scope.kind {
        case .all: ("1 = 1", [])
        // A record's changes are filed under its area now; its place changes also reach every
        // area it was in before, so a laptop there learns that it left (`Placement`).
        // City-wide records (`RecordType.isCityWide`) lie at the kota or a kecamatan; every scope
        // inside reads them.
        case .area:
            ("""
             (area = ? OR area LIKE ? OR (place = 1 AND record_id IN (SELECT record_id FROM former_areas WHERE area = ? OR area LIKE ?))
              OR (record_type IN (\(cityWideTypes)) AND area IN (\((scope.enclosingAreas + [scope.area]).map { _ in "?" }.joined(separator: ", ")))))
             """, [.text(scope.area), .text(scope.area + RegionPath.separator + "%"), .text(scope.area), .text(scope.area + RegionPath.separator + "%")]
                + (scope.enclosingAreas + [scope.area]).map(SQLValue.text))
        case .families:
            ("(family IN (" + (scope.families.isEmpty ? "NULL" : Array(repeating: "?", count: scope.families.count).joined(separator: ", "))
                + ") OR record_type IN (\(cityWideTypes)))", scope.families.map(SQLValue.text))
        }
    }
}
