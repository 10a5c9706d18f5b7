import FieldModels
import Foundation

/// Reading a person's cells: codes as the export writes them, and the words and date forms
/// spreadsheets from elsewhere use (`Laki-laki`, `Kepala Keluarga`, `15/05/1980`, a date cell).
enum SheetValues {
    static func apply(_ row: SheetRow, to person: inout Person, nik: String?) throws(SheetProblem) {
        if let nik { person.nik = nik }
        if let name = row["nama"] { person.name = name }
        if let text = row["jenis_kelamin"] { person.sex = try choice(text, column: "jenis_kelamin", Sex.init(flexible:)) }
        if let place = row["tempat_lahir"] { person.birthPlace = place }
        if let text = row["tanggal_lahir"] { person.birthDate = try date(text, column: "tanggal_lahir") }
        if let text = row["hubungan"] { person.relationship = try named(text, column: "hubungan", FamilyRelationship.self, \.name) }
        if let text = row["status_kawin"] { person.maritalStatus = try named(text, column: "status_kawin", MaritalStatus.self, \.name) }
        if let occupation = row["pekerjaan"] { person.occupation = occupation }
        if let text = row["pendidikan"] { person.education = try named(text, column: "pendidikan", Education.self, \.name) }
        if let text = row["status"] { person.status = try choice(text, column: "status", LifeStatus.init(flexible:)) }
        if let text = row["tanggal_meninggal"] { person.deathDate = try date(text, column: "tanggal_meninggal") }
        if let dtks = try row.identifier("id_dtks") { person.dtksID = dtks }
        if let text = row["program"] { person.programmes = try list(text, column: "program") }
        if let bpjs = try row.identifier("bpjs") { person.bpjsNumber = bpjs }
        if let phone = try row.identifier("telepon") { person.phone = phone }
        if let text = row["disabilitas"] { person.disabilities = try list(text, column: "disabilitas") }
        if let notes = row["catatan_kesehatan"] { person.healthNotes = notes }
    }

    static func choice<T>(_ text: String, column: String, _ read: (String) -> T?) throws(SheetProblem) -> T {
        guard let value = read(text) else {
            throw SheetProblem("\(column) '\(text)' tidak dikenal", "\(column) '\(text)' is not known")
        }
        return value
    }

    /// A code (`cerai-hidup`) or its name in either language (`Cerai hidup`, `Divorced`).
    static func named<T: RawRepresentable & CaseIterable>(_ text: String, column: String, _ type: T.Type,
                                                         _ name: KeyPath<T, LocalizedText>) throws(SheetProblem) -> T
    where T.RawValue == String {
        let wanted = RegionPath.slug(text)
        if let value = T.allCases.first(where: {
            [RegionPath.slug($0.rawValue), RegionPath.slug($0[keyPath: name].id), RegionPath.slug($0[keyPath: name].en)].contains(wanted)
        }) { return value }
        let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw SheetProblem("\(column) '\(text)' tidak dikenal (pilihan: \(choices))", "\(column) '\(text)' is not known (choices: \(choices))")
    }

    static func list<T: RawRepresentable & CaseIterable & Hashable>(_ text: String, column: String) throws(SheetProblem) -> Set<T>
    where T.RawValue == String {
        var out = Set<T>()
        for element in text.split(whereSeparator: { $0 == "," || $0 == "|" || $0 == ";" }) {
            let code = String(element).trimmingWhitespace().lowercased()
            guard let value = T(rawValue: code) else {
                let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw SheetProblem("\(column) '\(code)' tidak dikenal (pilihan: \(choices))", "\(column) '\(code)' is not known (choices: \(choices))")
            }
            out.insert(value)
        }
        return out
    }

    /// `1980-05-15`, `15-05-1980`, `15/05/1980`, or a spreadsheet's date serial (days since 1899-12-30).
    static func date(_ text: String, column: String) throws(SheetProblem) -> CivilDate {
        if let date = CivilDate(text) { return date }
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).compactMap { Int($0) }
        if parts.count == 3, parts[2] > 31, let date = CivilDate(year: parts[2], month: parts[1], day: parts[0]) { return date }
        if let serial = Int(text), (1...80_000).contains(serial) {
            let epoch = CivilDate(year: 1899, month: 12, day: 30)!
            return epoch.adding(days: serial)
        }
        throw SheetProblem("\(column) '\(text)' bukan tanggal: tulis YYYY-MM-DD atau DD/MM/YYYY",
                           "\(column) '\(text)' is not a date: write YYYY-MM-DD or DD/MM/YYYY")
    }
}
