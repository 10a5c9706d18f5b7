import FieldModels
import Foundation
import LocalStore

/// What a family sheet asks the replica to save: families (a household with the persons of its
/// rows), and the rows that cannot be read, with why. A family is saved whole or not at all, so
/// a row that cannot be read holds back its whole family.
struct FamilyImportPlan {
    struct Family {
        /// Sheet line numbers (1-based, the header is line 1).
        var lines: [Int]
        var household: Household
        var persons: [Person]
        var label: String
        /// Why the household's own cells cannot be read, if they cannot.
        var householdProblem: LocalizedText?
    }

    var families: [Family] = []
    /// Line number → what is wrong with it.
    var problems: [Int: [LocalizedText]] = [:]
    var ignoredColumns: [String] = []

    /// Reads `table` (header first) against what `replica` already holds: a household is found
    /// by its id or No. KK, a person by id or NIK, and updated with the cells given (an empty
    /// cell or a missing column leaves a field as it is); anything else is new.
    init(_ table: [[String]], replica: LocalReplica) throws {
        guard let headerRow = table.first else {
            throw CLIError("Lembar kosong: tidak ada baris judul.", "The sheet is empty: no header row.", field: "file")
        }
        let header = SheetHeader(headerRow)
        ignoredColumns = header.ignored
        guard header.index["nama"] != nil, header.index["no_kk"] != nil || header.index["id_keluarga"] != nil else {
            throw CLIError("Baris judul harus memuat kolom 'nama' dan 'no_kk' (atau 'id_keluarga'). Ditemukan: \(headerRow.joined(separator: ", ")). Contoh lembar: field export csv --type keluarga",
                           "The header must have a 'nama' column and 'no_kk' (or 'id_keluarga'). Found: \(headerRow.joined(separator: ", ")). See an example: field export csv --type keluarga",
                           field: "file")
        }
        var order: [String] = []
        var grouped: [String: [(line: Int, row: SheetRow)]] = [:]
        for (offset, cells) in table.enumerated().dropFirst() where cells.contains(where: { !$0.trimmingWhitespace().isEmpty }) {
            let row = SheetRow(cells: cells, header: header)
            let key = row["id_keluarga"].map { "id:" + $0 } ?? row["no_kk"].map { "kk:" + IdentityRules.cleaned($0) }
            guard let key else {
                problems[offset + 1, default: []].append(LocalizedText(id: "tanpa no_kk atau id_keluarga: tidak tahu keluarganya",
                                                                     en: "no no_kk or id_keluarga: its family is unknown"))
                continue
            }
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append((offset + 1, row))
        }
        for key in order {
            let rows = grouped[key]!
            var family = try Self.household(rows[0].row, replica: replica)
            for (line, row) in rows {
                do {
                    let person = try Self.person(row, household: family.household, replica: replica)
                    family.household.members.insert(person.id)
                    family.persons.append(person)
                } catch let error as SheetProblem {
                    problems[line, default: []].append(error.text)
                }
                family.lines.append(line)
            }
            if let problem = family.householdProblem { for line in family.lines { problems[line, default: []].append(problem) } }
            families.append(family)
        }
    }

    /// Whether a family is held back: one of its lines cannot be read, and a family is saved whole.
    func heldBack(_ family: Family) -> Bool { family.lines.contains { problems[$0] != nil } }
}

/// Why one cell or row cannot be read.
struct SheetProblem: Error {
    var text: LocalizedText
    init(_ id: String, _ en: String) { text = LocalizedText(id: id, en: en) }
}

/// One row's cells by column name; empty cells read as absent.
struct SheetRow {
    var values: [String: String] = [:]

    init(cells: [String], header: SheetHeader) {
        for (column, position) in header.index where position < cells.count {
            let value = cells[position].trimmingWhitespace()
            if !value.isEmpty { values[column] = value }
        }
    }

    subscript(column: String) -> String? { values[column] }

    /// An identifier cell as typed; refused when it is a masked export (`3374…0003`).
    func identifier(_ column: String) throws(SheetProblem) -> String? {
        guard let value = values[column] else { return nil }
        if value.contains("…") || value.contains("•") {
            throw SheetProblem("\(column) '\(value)' disamarkan: ekspor ulang dengan --include-sensitive untuk memuatnya",
                               "\(column) '\(value)' is masked: export again with --include-sensitive to load it")
        }
        return value
    }
}

extension FamilyImportPlan {
    static func household(_ row: SheetRow, replica: LocalReplica) throws -> Family {
        let kk = try? row.identifier("no_kk").map(IdentityRules.cleaned)
        let knownKK = kk.flatMap { $0.count == 16 ? $0 : nil }
        var household: Household
        if let id = row["id_keluarga"], let stored = try replica.record(Household.self, id: id), !stored.deleted {
            household = stored.record
        } else if let knownKK, let hit = try replica.search(knownKK).first(where: { $0.type == .household }),
                  let stored = try replica.record(Household.self, id: hit.id) {
            household = stored.record
        } else {
            let id = row["id_keluarga"].flatMap { Grammar.isRecordID($0, type: .household) ? $0 : nil } ?? RecordID.make(.household)
            household = Household(id: id, noKK: "", address: "", rt: "", rw: "", kelurahanID: "")
        }
        var family = Family(lines: [], household: household, persons: [], label: row["no_kk"].map(IdentityRules.masked) ?? household.id)
        do {
            try apply(row, to: &family.household, replica: replica)
        } catch let error as SheetProblem {
            family.householdProblem = error.text
        }
        return family
    }

    static func apply(_ row: SheetRow, to household: inout Household, replica: LocalReplica) throws {
        if let kk = try row.identifier("no_kk") { household.noKK = kk }
        if let address = row["alamat"] { household.address = address }
        if let rt = Parse.rtrw(row["rt"]) { household.rt = rt }
        if let rw = Parse.rtrw(row["rw"]) { household.rw = rw }
        if let dtks = try row.identifier("id_dtks_keluarga") { household.dtksID = dtks }
        if let phone = try row.identifier("telepon_keluarga") { household.phone = phone }
        let named = row["kode_wilayah"] ?? row["kelurahan"]
        let kelurahan: String
        do {
            kelurahan = try named.map { try replica.resolveRegion($0).id } ?? household.kelurahanID
        } catch let error as StoreError {
            throw SheetProblem(error.text.id, error.text.en)
        }
        if household.kelurahanID.isEmpty {
            household.kelurahanID = kelurahan.isEmpty ? try Parse.kelurahan(nil, replica: replica) : kelurahan
        } else if kelurahan != household.kelurahanID {
            throw SheetProblem("keluarga ini tercatat di \(household.kelurahanID), bukan \(named ?? kelurahan); pindah kelurahan tidak dilakukan lewat impor",
                               "this family is recorded in \(household.kelurahanID), not \(named ?? kelurahan); a move between kelurahan is not made by an import")
        }
    }

    static func person(_ row: SheetRow, household: Household, replica: LocalReplica) throws -> Person {
        let nik = try row.identifier("nik").map(IdentityRules.cleaned)
        var person: Person
        if let id = row["id_art"], let stored = try replica.record(Person.self, id: id), !stored.deleted {
            person = stored.record
        } else if let nik, nik.count == 16, let hit = try replica.search(nik).first(where: { $0.type == .person }),
                  let stored = try replica.record(Person.self, id: hit.id) {
            person = stored.record
        } else {
            let id = row["id_art"].flatMap { Grammar.isRecordID($0, type: .person) ? $0 : nil } ?? RecordID.make(.person)
            person = Person(id: id, nik: "", name: "", sex: nil, birthDate: nil, relationship: nil, householdID: household.id,
                            kelurahanID: household.kelurahanID)
        }
        guard person.householdID == household.id else {
            throw SheetProblem("\(person.name) (\(person.id)) tercatat di keluarga \(person.householdID); pindahkan dengan: field person move \(person.id) --to-household \(household.id)",
                               "\(person.name) (\(person.id)) is recorded in family \(person.householdID); move them with: field person move \(person.id) --to-household \(household.id)")
        }
        try SheetValues.apply(row, to: &person, nik: nik)
        return person
    }
}
