import ArgumentParser
import FieldModels
import Foundation
import LocalStore

@main
struct Field: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "field",
            abstract: L("FieldSync: catat data kesejahteraan sosial di laptop, tanpa jaringan.",
                        "FieldSync: record social-welfare data on a laptop, offline."),
            discussion: L("""
                Semua data disimpan di satu berkas replika SQLite terenkripsi di laptop ini. Mulai dengan:

                  field init --name "Siti Aminah" --role psm --area "Srondol Kulon" \\
                      --regions kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                  field household add --kk 3374061203150007 --address "Jl. Setiabudi 12" --rt 3 --rw 5 \\
                      --member "Budi Santoso;L;1980-05-15;kepala;3374061505800003"
                  field search "budi"
                  field enroll --server https://sync.dinsos.example.go.id --code 7KQ2-M9X4-TD1B
                  field sync

                Kata sandi diminta di terminal, atau dibaca dari $FIELD_PASSPHRASE untuk skrip.
                Kode keluar: 0 berhasil, 3 ditolak aturan, 4 tidak ditemukan, 5 kata sandi salah,
                6 di luar wilayah tugas, 7 replika belum/sudah dibuat, 8 jaringan gagal,
                9 server menolak, 64 masukan salah.
                """, """
                Everything is stored in one encrypted SQLite replica file on this laptop. Start with:

                  field init --name "Siti Aminah" --role psm --area "Srondol Kulon" \\
                      --regions kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                  field household add --kk 3374061203150007 --address "Jl. Setiabudi 12" --rt 3 --rw 5 \\
                      --member "Budi Santoso;L;1980-05-15;kepala;3374061505800003"
                  field search "budi"
                  field enroll --server https://sync.dinsos.example.go.id --code 7KQ2-M9X4-TD1B
                  field sync

                The passphrase is asked for at the terminal, or read from $FIELD_PASSPHRASE in scripts.
                Exit codes: 0 done, 3 refused by the rules, 4 not found, 5 wrong passphrase,
                6 outside your area, 7 replica missing or already there, 8 network failed,
                9 refused by the server, 64 bad input.
                """),
            version: FieldVersion.current,
            subcommands: [
                InitCommand.self, RegionCommand.self, HouseholdCommand.self, PersonCommand.self, PMKSCommand.self,
                PSKSCommand.self, VisitCommand.self, PhotoCommand.self, FormCommand.self, ServiceCommand.self, HolidayCommand.self, ReportCommand.self, SearchCommand.self, HistoryCommand.self, ExportCommand.self,
                ImportCommand.self, ConflictsCommand.self, EnrollCommand.self, SyncCommand.self, BundleCommand.self, ServeLocalCommand.self, StatusCommand.self, StressWriteCommand.self, LoadCommand.self, IngestCommand.self, DemoCityCommand.self,
            ])
    }

    /// Accepted before the subcommand too (`field --lang en search budi`); read when the program starts.
    @Option(name: .long, help: ArgumentHelp(L("Bahasa pesan: id atau en.", "Message language: id or en."), valueName: "id|en"))
    var lang: String?
}

/// How commands get at the replica.
extension GlobalOptions {
    /// The passphrase: `$FIELD_PASSPHRASE`, or asked for without echo at a terminal.
    func passphrase(confirm: Bool = false) throws -> String {
        if let value = ProcessInfo.processInfo.environment["FIELD_PASSPHRASE"], !value.isEmpty { return value }
        guard Terminal.isInteractive else {
            throw CLIError("Kata sandi belum diberikan. Jalankan di terminal, atau setel FIELD_PASSPHRASE untuk skrip.",
                           "No passphrase given. Run at a terminal, or set FIELD_PASSPHRASE for scripts.")
        }
        guard let first = Terminal.secret(L("Kata sandi replika", "Replica passphrase")), !first.isEmpty else {
            throw CLIError("Kata sandi kosong.", "Empty passphrase.")
        }
        if confirm, Terminal.secret(L("Ulangi kata sandi", "Repeat the passphrase")) != first {
            throw CLIError("Kedua kata sandi tidak sama. Tidak ada yang dibuat; coba lagi.",
                           "The two passphrases differ. Nothing was created; try again.")
        }
        return first
    }

    func openReplica() throws -> LocalReplica {
        let path = databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notInitialized, id: "Belum ada replika di \(path). Jalankan dulu: field init --help",
                             en: "No replica at \(path). Run this first: field init --help")
        }
        return try LocalReplica.open(at: .file(path), passphrase: passphrase())
    }

    var console: Console { Console(options: self) }

    /// Runs a command body with the opened replica, reporting every error clearly.
    func withReplica(_ body: (LocalReplica, Console) throws -> Void) throws {
        let console = self.console
        try console.run { try body(try openReplica(), console) }
    }
}

/// Reading flag values into record fields, with messages that name the flag.
enum Parse {
    static func date(_ text: String?, flag: String) throws -> CivilDate? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = CivilDate(text) else {
            throw CLIError("--\(flag) '\(text)' bukan tanggal yang sah. Tulis YYYY-MM-DD, mis. 2026-11-22.",
                           "--\(flag) '\(text)' is not a valid date. Write YYYY-MM-DD, e.g. 2026-11-22.", field: flag)
        }
        return date
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ text: String?, flag: String, as type: T.Type = T.self,
                                                          flexible: (String) -> T? = { _ in nil }) throws -> T?
    where T.RawValue == String {
        guard let text, !text.isEmpty else { return nil }
        if let value = T(rawValue: text.lowercased()) ?? T(rawValue: text) ?? flexible(text) { return value }
        let options = Parse.options(T.self)
        throw CLIError("--\(flag) '\(text)' tidak dikenal. Pilihan: \(options).",
                       "--\(flag) '\(text)' is not known. Choices: \(options).", field: flag)
    }

    /// The choices of a flag, for its help.
    static func options<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String where T.RawValue == String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// RT and RW written as three digits (`3` becomes `003`), as on the family card.
    static func rtrw(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty else { return nil }
        guard let number = Int(text), (1...999).contains(number) else { return text }
        let digits = String(number)
        return String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// The kelurahan of a new record: the flag, or the agent's own kelurahan.
    static func kelurahan(_ text: String?, replica: LocalReplica) throws -> String {
        if let text, !text.isEmpty { return try replica.resolveRegion(text).id }
        guard replica.agent.role.areaDepth == 3 else {
            throw CLIError("Sebutkan kelurahannya: --kelurahan NAMA (wilayah tugas Anda lebih luas dari satu kelurahan).",
                           "Name the kelurahan: --kelurahan NAME (your area covers more than one).", field: "kelurahan")
        }
        return replica.agent.areaID
    }

    /// The kelurahan of an entry or visit: its person's, else its household's, else the agent's own.
    static func kelurahan(ofPerson personID: String?, household householdID: String?, replica: LocalReplica) throws -> String {
        if let personID, let person = try replica.record(Person.self, id: personID) { return person.record.kelurahanID }
        if let householdID, let household = try replica.record(Household.self, id: householdID) { return household.record.kelurahanID }
        return try kelurahan(nil, replica: replica)
    }
}

/// What `add` and `edit` commands print: the id, and the warnings that flag the record.
struct SavedJSON: Encodable {
    var id: String
    var changes: Int
    var warnings: [IssueJSON]
    var members: [String]?
}

extension Console {
    func reportSaved(_ result: SaveResult, id: String, what: LocalizedText, created: Bool, members: [String]? = nil) throws {
        let warnings = result.warnings.values.flatMap { $0 }
        if created {
            say("\(what.id) tersimpan: \(id)", "\(what.en) saved: \(id)")
        } else if result.changes.isEmpty {
            say("Tidak ada yang berubah pada \(id).", "Nothing changed on \(id).")
        } else {
            say("\(id) diperbarui (\(result.changes.count) kolom).", "\(id) updated (\(result.changes.count) fields).")
        }
        for warning in warnings { line(L("  Peringatan: ", "  Warning: ") + warning.text.text) }
        try emit(SavedJSON(id: id, changes: result.changes.count, warnings: warnings.map(IssueJSON.init), members: members))
    }
}
