import FieldModels
import GRDB

/// A region as the replica knows it, at any level.
public struct RegionEntry: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Codable { case kota, kecamatan, kelurahan }
    public var id: String
    public var level: Level
    public var name: String
    public var parent: String?
    public var postalCode: String?
    /// The official Kemendagri code (`33.74.11.1006`), when the imported file gave it.
    public var code: String?

    public init(id: String, level: Level, name: String, parent: String? = nil, postalCode: String? = nil, code: String? = nil) {
        self.id = id
        self.level = level
        self.name = name
        self.parent = parent
        self.postalCode = postalCode
        self.code = code
    }
}

/// What an import did: how many regions it added and how many it already had.
public struct RegionImportSummary: Sendable, Hashable {
    public var kecamatan: Int
    public var kelurahan: Int
    public var added: Int
    public var unchanged: Int
}

extension LocalReplica {
    /// Stores a kota's region tree. Importing the same file again changes nothing; a renamed
    /// or re-coded kelurahan is updated in place. Regions are reference data, not synced records.
    @discardableResult
    public func importRegions(_ catalog: RegionCatalog) throws -> RegionImportSummary {
        try transaction { db in
            var added = 0, unchanged = 0
            func upsert(_ entry: RegionEntry) throws {
                let existing = try Row.fetchOne(db, sql: "SELECT name, parent, postal_code, code FROM region WHERE id = ?",
                                                arguments: [entry.id])
                if let existing, existing["name"] == entry.name, existing["parent"] == entry.parent,
                   existing["postal_code"] == entry.postalCode, existing["code"] == entry.code {
                    unchanged += 1
                    return
                }
                if existing == nil { added += 1 }
                try db.execute(sql: """
                    INSERT INTO region (id, level, name, parent, postal_code, kota_code, code) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, parent = excluded.parent, postal_code = excluded.postal_code,
                        code = excluded.code
                    """, arguments: [entry.id, entry.level.rawValue, entry.name, entry.parent, entry.postalCode,
                                     catalog.kota.code, entry.code])
            }
            try upsert(RegionEntry(id: catalog.kota.id, level: .kota, name: catalog.kota.name, code: catalog.kota.id))
            for kec in catalog.kecamatan {
                try upsert(RegionEntry(id: kec.id, level: .kecamatan, name: kec.name, parent: catalog.kota.id, code: kec.code))
            }
            for kel in catalog.kelurahan {
                try upsert(RegionEntry(id: kel.id, level: .kelurahan, name: kel.name, parent: kel.kecamatanID,
                                       postalCode: kel.postalCode, code: kel.code))
            }
            return RegionImportSummary(kecamatan: catalog.kecamatan.count, kelurahan: catalog.kelurahan.count,
                                       added: added, unchanged: unchanged)
        }
    }

    /// The regions directly under `parent` (the kota list when nil), by name.
    public func regions(under parent: String? = nil) throws -> [RegionEntry] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM region WHERE (? IS NULL AND parent IS NULL) OR parent = ? ORDER BY name
                """, arguments: [parent, parent])
            return rows.map(RegionEntry.init(row:))
        }
    }

    public func region(id: String) throws -> RegionEntry? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM region WHERE id = ?", arguments: [id]).map(RegionEntry.init(row:)) }
    }

    /// Finds a region by its code (`33.74.11.1006`, dots optional) or its name (`Srondol Kulon`,
    /// or `Banyumanik/Srondol Kulon` when two kecamatan have one of that name).
    public func resolveRegion(_ text: String, level: RegionEntry.Level = .kelurahan) throws -> RegionEntry {
        let (candidates, names) = try read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM region WHERE level = ?", arguments: [level.rawValue]).map(RegionEntry.init(row:)),
             try Dictionary(Row.fetchAll(db, sql: "SELECT id, name FROM region WHERE level <> 'kelurahan'").map { ($0["id"] as String, $0["name"] as String) },
                            uniquingKeysWith: { first, _ in first }))
        }
        let wanted = text.trimmingWhitespace()
        let ids = RegionPath.matches(text, among: candidates.map { ($0.id, [$0.parent.flatMap { names[$0] } ?? "", $0.name]) })
        switch ids.count {
        case 1: return candidates.first { $0.id == ids[0] }!
        case 0:
            throw StoreError(.unknownRegion,
                             id: "\(level.rawValue.capitalized) '\(wanted)' tidak dikenal. Lihat daftarnya: field region list (impor dulu: field region import BERKAS.csv)",
                             en: "Unknown \(level.rawValue) '\(wanted)'. See the list: field region list (import first: field region import FILE.csv)")
        default:
            let options = ids.joined(separator: ", ")
            throw StoreError(.unknownRegion, id: "Ada beberapa wilayah bernama '\(wanted)': \(options). Sebutkan kecamatannya, mis. KECAMATAN/KELURAHAN.",
                             en: "Several regions are named '\(wanted)': \(options). Name the kecamatan too, e.g. KECAMATAN/KELURAHAN.")
        }
    }
}

extension RegionEntry {
    init(row: Row) {
        self.init(id: row["id"], level: Level(rawValue: row["level"]) ?? .kelurahan, name: row["name"], parent: row["parent"],
                  postalCode: row["postal_code"], code: row["code"])
    }
}

