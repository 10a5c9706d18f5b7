import FieldModels
import Foundation
import LocalStore

/// The family sheet: one row per person with their household's columns, as DTKS/DTSEN
/// spreadsheets are laid out. `field export csv|xlsx --type keluarga` writes it and `field import`
/// reads it back (or a sheet from elsewhere with columns of these names or their aliases).
enum FamilySheet {
    /// The columns, in the order written; each with the other names a sheet from elsewhere may use.
    static let columns: [(name: String, aliases: [String])] = [
        ("id_keluarga", ["household", "household_id"]), ("no_kk", ["nokk", "kk", "nomor_kk", "no_kartu_keluarga"]),
        ("alamat", ["address"]), ("rt", []), ("rw", []), ("kelurahan", ["desa", "desa_kelurahan"]),
        ("kode_wilayah", ["kode_desa", "kode_kelurahan"]), ("id_dtks_keluarga", []), ("telepon_keluarga", []),
        ("id_art", ["id", "person", "person_id"]), ("nik", []), ("nama", ["name", "nama_lengkap"]),
        ("jenis_kelamin", ["jk", "sex", "kelamin"]), ("tempat_lahir", []), ("tanggal_lahir", ["tgl_lahir", "birth", "birth_date"]),
        ("hubungan", ["shdk", "hubungan_keluarga", "relationship"]), ("status_kawin", ["status_perkawinan", "marital"]),
        ("pekerjaan", ["occupation"]), ("pendidikan", ["education"]), ("status", []), ("tanggal_meninggal", ["death_date"]),
        ("id_dtks", []), ("program", ["programmes"]), ("bpjs", ["no_bpjs", "no_jkn"]), ("telepon", ["phone", "no_hp"]),
        ("disabilitas", ["disability", "jenis_disabilitas"]), ("catatan_kesehatan", ["health_notes"]),
    ]

    /// Columns whose values are identifiers (masked to their ends) or hidden whole in an export
    /// made without `--include-sensitive`.
    static let masked: Set<String> = ["no_kk", "nik", "id_dtks_keluarga", "telepon_keluarga", "id_dtks", "bpjs", "telepon"]
    static let hidden: Set<String> = ["disabilitas", "catatan_kesehatan"]

    /// The sheet of every living person in the replica, by household, head first.
    static func rows(of replica: LocalReplica, includeSensitive: Bool) throws -> [[String]] {
        var out = [columns.map(\.name)]
        let people = Dictionary(grouping: try replica.records(Person.self).filter { !$0.deleted }.map(\.record), by: \.householdID)
        let order = FamilyRelationship.allCases
        for household in try replica.records(Household.self).filter({ !$0.deleted }).map(\.record).sorted(by: { $0.id < $1.id }) {
            let region = try replica.region(id: household.kelurahanID)
            let members = (people[household.id] ?? []).sorted {
                (order.firstIndex(of: $0.relationship ?? .lainnya) ?? 99, $0.id) < (order.firstIndex(of: $1.relationship ?? .lainnya) ?? 99, $1.id)
            }
            for person in members {
                let values: [String: String] = [
                    "id_keluarga": household.id, "no_kk": household.noKK, "alamat": household.address, "rt": household.rt,
                    "rw": household.rw, "kelurahan": region?.name ?? household.kelurahanID, "kode_wilayah": household.regionCode,
                    "id_dtks_keluarga": household.dtksID, "telepon_keluarga": household.phone, "id_art": person.id, "nik": person.nik,
                    "nama": person.name, "jenis_kelamin": person.sex?.rawValue ?? "", "tempat_lahir": person.birthPlace,
                    "tanggal_lahir": person.birthDate?.description ?? "", "hubungan": person.relationship?.rawValue ?? "",
                    "status_kawin": person.maritalStatus?.rawValue ?? "", "pekerjaan": person.occupation,
                    "pendidikan": person.education?.rawValue ?? "", "status": person.status.rawValue,
                    "tanggal_meninggal": person.deathDate?.description ?? "", "id_dtks": person.dtksID,
                    "program": CodeList.text(person.programmes), "bpjs": person.bpjsNumber, "telepon": person.phone,
                    "disabilitas": CodeList.text(person.disabilities), "catatan_kesehatan": person.healthNotes,
                ]
                out.append(columns.map { column in
                    let value = values[column.name] ?? ""
                    guard !includeSensitive, !value.isEmpty else { return value }
                    if masked.contains(column.name) { return IdentityRules.masked(value) }
                    return hidden.contains(column.name) ? "" : value
                })
            }
        }
        return out
    }
}

/// A sheet's header matched to the family sheet's columns.
struct SheetHeader {
    /// Column name → index in the sheet.
    var index: [String: Int] = [:]
    /// Headers that name no column: read past, and listed in the report.
    var ignored: [String] = []

    init(_ header: [String]) {
        var lookup: [String: String] = [:]
        for column in FamilySheet.columns {
            for name in [column.name] + column.aliases { lookup[name] = column.name }
        }
        for (position, text) in header.enumerated() {
            let key = Self.key(text)
            guard !key.isEmpty else { continue }
            if let column = lookup[key], index[column] == nil { index[column] = position } else { ignored.append(text) }
        }
    }

    /// `No. KK`, `no-kk` and `NO_KK` are all `no_kk`.
    static func key(_ text: String) -> String {
        RegionPath.slug(text).replacingOccurrences(of: "-", with: "_")
    }
}
