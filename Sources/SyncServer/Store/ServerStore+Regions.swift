import FieldModels
import Foundation
import SyncEngine

/// The region table on the server: what `field-server region import` loaded. Every area an
/// agent is given and every area a new record states must be one of its regions (a kelurahan
/// for a record), so a store needs its table before its first agent.
extension ServerStore {
    /// Loads a kota's regions; the same file again changes nothing. Returns how many were new.
    @discardableResult
    func importRegions(_ catalog: RegionCatalog) async throws -> Int {
        try await database.transaction { db in
            var added = 0
            var entries: [(id: String, level: String, name: String, parent: String?, code: String?)] = [
                (catalog.kota.id, "kota", catalog.kota.name, nil, catalog.kota.id),
            ]
            entries += catalog.kecamatan.map { ($0.id, "kecamatan", $0.name, catalog.kota.id, $0.code) }
            entries += catalog.kelurahan.map { ($0.id, "kelurahan", $0.name, $0.kecamatanID, $0.code) }
            for entry in entries {
                let known = try await db.query("SELECT 1 AS held FROM regions WHERE id = ?", [.text(entry.id)]).isEmpty == false
                try await db.execute("""
                    INSERT INTO regions (id, level, name, parent, code) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, code = COALESCE(excluded.code, regions.code)
                    """, [.text(entry.id), .text(entry.level), .text(entry.name), entry.parent.map(SQLValue.text) ?? .null,
                          entry.code.map(SQLValue.text) ?? .null])
                if !known { added += 1 }
            }
            return added
        }
    }

    /// The level of a region (`kota`, `kecamatan`, `kelurahan`), nil when unknown.
    static func level(of path: String, in db: any SQLConnection) async throws -> String? {
        try await db.query("SELECT level FROM regions WHERE id = ?", [.text(path)]).first.map { try $0.text("level") }
    }

    /// Refuses a new record whose area is not a kelurahan of the region table.
    static func checkArea(of change: Change, in db: any SQLConnection) async throws {
        guard change.recordType != .device else { return }
        if let level = try await level(of: change.area, in: db), change.recordType.areaLevels.contains(level) { return }
        throw Refusal(.unknownArea, change: change, id: "wilayah \(change.area) bukan kelurahan yang dikenal server.",
                      en: "the area \(change.area) is not a kelurahan the server knows.")
    }

    /// Whether `path` is a region of the table at `depth` (1 kota, 2 kecamatan, 3 kelurahan).
    func isKnownArea(_ path: String, depth: Int) async throws -> Bool {
        try await database.transaction { db in
            try await Self.level(of: path, in: db) == ["kota", "kecamatan", "kelurahan"][depth - 1]
        }
    }

    func regions() async throws -> [(id: String, level: String, name: String, code: String?)] {
        try await database.transaction { db in
            try await db.query("SELECT id, level, name, code FROM regions ORDER BY id").map {
                (try $0.text("id"), try $0.text("level"), try $0.text("name"), $0["code"].string)
            }
        }
    }
}
