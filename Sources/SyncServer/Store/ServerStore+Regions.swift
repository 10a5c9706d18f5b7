import FieldModels
import Foundation
import SyncEngine

/// The region table on the server: what `field-server region import` loaded. Once it holds
/// regions, every area an agent is given and every area a new record states must be one of
/// them (a kelurahan for a record); before, areas are checked for their shape only.
extension ServerStore {
    /// Loads a kota's regions; the same file again changes nothing. Returns how many were new.
    @discardableResult
    func importRegions(_ catalog: RegionCatalog) async throws -> Int {
        try await database.transaction { db in
            var added = 0
            var entries: [(id: String, level: String, name: String, parent: String?)] = [(catalog.kota.code, "kota", catalog.kota.name, nil)]
            entries += catalog.kecamatan.map { ($0.id, "kecamatan", $0.name, catalog.kota.code) }
            entries += catalog.kelurahan.map { ($0.id, "kelurahan", $0.name, $0.kecamatanID) }
            for entry in entries {
                let fresh = try await db.query("""
                    INSERT INTO regions (id, level, name, parent) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id
                    """, [.text(entry.id), .text(entry.level), .text(entry.name), entry.parent.map(SQLValue.text) ?? .null])
                if !fresh.isEmpty { added += 1 }
            }
            return added
        }
    }

    /// The level of a region path (`kota`, `kecamatan`, `kelurahan`), nil when unknown; and
    /// whether the table holds any region at all.
    static func region(_ path: String, in db: any SQLConnection) async throws -> (known: Bool, level: String?) {
        let level = try await db.query("SELECT level FROM regions WHERE id = ?", [.text(path)]).first.map { try $0.text("level") }
        if level != nil { return (true, level) }
        return (try await db.query("SELECT id FROM regions LIMIT 1").isEmpty ? false : true, nil)
    }

    /// Refuses a new record whose area is not a kelurahan of the region table (when there is one).
    static func checkArea(of change: Change, in db: any SQLConnection) async throws {
        guard change.recordType != .device else { return }
        let (tableHasRegions, level) = try await region(change.area, in: db)
        guard tableHasRegions, level != "kelurahan" else { return }
        throw Refusal(.unknownArea, change: change, id: "wilayah \(change.area) bukan kelurahan yang dikenal server.",
                      en: "the area \(change.area) is not a kelurahan the server knows.")
    }

    /// Whether `path` may be an agent's area at `depth` (1 kota, 2 kecamatan, 3 kelurahan).
    func isKnownArea(_ path: String, depth: Int) async throws -> Bool {
        try await database.transaction { db in
            let (tableHasRegions, level) = try await Self.region(path, in: db)
            return !tableHasRegions || level == ["kota", "kecamatan", "kelurahan"][depth - 1]
        }
    }

    func regions() async throws -> [(id: String, level: String, name: String)] {
        try await database.transaction { db in
            try await db.query("SELECT id, level, name FROM regions ORDER BY id").map {
                (try $0.text("id"), try $0.text("level"), try $0.text("name"))
            }
        }
    }
}
