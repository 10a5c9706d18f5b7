import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import Spreadsheet

struct ImportCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "import",
            abstract: L("Muat lembar keluarga (seperti DTKS) dari CSV atau XLSX.", "Load a family sheet (DTKS-shaped) from CSV or XLSX."),
            discussion: L("""
                Satu baris per orang, dengan kolom keluarganya: no_kk, alamat, rt, rw, (kelurahan atau
                kode_wilayah), nik, nama, jenis_kelamin, tanggal_lahir, hubungan, dan kolom lain yang
                ditulis field export csv --type keluarga. Keluarga dikenali dari id_keluarga atau No. KK,
                orang dari id_art atau NIK: yang sudah ada diperbarui dengan sel yang terisi (sel kosong
                tidak mengubah apa pun), yang belum ada ditambahkan.

                Setiap keluarga disimpan utuh atau tidak sama sekali. Bila ada baris yang ditolak, tidak
                ada yang disimpan dan setiap baris yang ditolak disebut dengan alasannya; --partial
                menyimpan keluarga yang benar saja, --check hanya memeriksa.
                Contoh:
                  field import xlsx keluarga.xlsx --check
                  field import csv dtks-srondol.csv --partial
                """, """
                One row per person, with their family's columns: no_kk, alamat, rt, rw, (kelurahan or
                kode_wilayah), nik, nama, jenis_kelamin, tanggal_lahir, hubungan, and the other columns
                field export csv --type keluarga writes. A family is found by id_keluarga or No. KK, a
                person by id_art or NIK: those already recorded are updated with the cells given (an
                empty cell changes nothing), the others are added.

                Each family is saved whole or not at all. When a row is refused nothing is saved and
                every refused row is named with why; --partial saves the families that are right,
                --check only checks.
                Examples:
                  field import xlsx families.xlsx --check
                  field import csv dtks-srondol.csv --partial
                """),
            subcommands: [CSVImport.self, XLSXImport.self])
    }

    struct CSVImport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "csv", abstract: L("Muat dari CSV.", "Load from CSV."))
        @OptionGroup var options: ImportOptions

        func run() throws {
            try options.run { path in
                guard let data = FileManager.default.contents(atPath: path) else { throw ImportOptions.unreadable(path) }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw CLIError("\(path) bukan teks UTF-8. Simpan ulang sebagai CSV UTF-8.", "\(path) is not UTF-8 text. Save it again as CSV UTF-8.",
                                   field: "file")
                }
                return CSV.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
            }
        }
    }

    struct XLSXImport: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "xlsx", abstract: L("Muat dari XLSX (lembar pertama).", "Load from XLSX (the first sheet)."))
        @OptionGroup var options: ImportOptions

        func run() throws {
            try options.run { path in
                guard FileManager.default.isReadableFile(atPath: path) else { throw ImportOptions.unreadable(path) }
                do {
                    return try XLSXReader.read(URL(fileURLWithPath: path))
                } catch let error as SpreadsheetError {
                    throw CLIError("\(path) tidak dapat dibaca sebagai XLSX (\(error.detail)). Simpan ulang dari spreadsheet sebagai .xlsx, atau sebagai CSV.",
                                   "\(path) cannot be read as XLSX (\(error.detail)). Save it again from the spreadsheet as .xlsx, or as CSV.",
                                   field: "file")
                }
            }
        }
    }
}

struct ImportOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(L("Berkas yang dimuat.", "The file to load."), valueName: "FILE")) var file: String
    @Flag(help: ArgumentHelp(L("Simpan keluarga yang benar, lewati yang ditolak.", "Save the families that are right, skip those refused.")))
    var partial = false
    @Flag(help: ArgumentHelp(L("Hanya periksa; tidak ada yang disimpan.", "Only check; nothing is saved."))) var check = false

    static func unreadable(_ path: String) -> CLIError {
        CLIError("Berkas \(path) tidak dapat dibaca. Periksa namanya.", "The file \(path) cannot be read. Check its name.", field: "file", code: Exit.notFound)
    }

    struct Report: Encodable {
        struct Refused: Encodable { var line: Int; var reasons: [String] }
        var written: Bool
        var families: Int
        var persons: Int
        /// Fields written, new or changed: 0 when the sheet says nothing the replica does not hold.
        var changes: Int
        var warnings: Int
        var refused: [Refused]
        var ignoredColumns: [String]
    }

    func run(_ read: (String) throws -> [[String]]) throws {
        try global.withReplica { replica, console in
            let plan = try FamilyImportPlan(try read(file), replica: replica)
            var problems = plan.problems.mapValues { $0.map(\.text) }
            for family in plan.families where plan.heldBack(family) {
                let refused = family.lines.filter { plan.problems[$0] != nil }.map(String.init).joined(separator: ", ")
                for line in family.lines where plan.problems[line] == nil {
                    problems[line] = [L("ditahan: keluarganya (\(family.label)) disimpan utuh, dan baris \(refused) ditolak",
                                        "held back: its family (\(family.label)) is saved whole, and line \(refused) is refused")]
                }
            }
            let ready = plan.families.filter { !plan.heldBack($0) }
            let mode: LocalReplica.GroupMode = check || (!partial && !problems.isEmpty) ? .check : (partial ? .partial : .all)
            let outcome = try replica.saveGroups(ready.map { [$0.household] + $0.persons }, mode: mode)
            for (index, error) in outcome.refused {
                let reasons = error.issues.isEmpty ? [error.text.text] : error.issues.map(\.text.text)
                for line in ready[index].lines { problems[line, default: []] += reasons }
            }
            let saved = outcome.written ? outcome.saved.keys.map { ready[$0] } : []
            let changes = outcome.written ? outcome.saved.values.map(\.changes.count).reduce(0, +) : 0
            let report = Report(written: outcome.written, families: saved.count, persons: saved.map(\.persons.count).reduce(0, +), changes: changes,
                                warnings: outcome.saved.values.map { $0.warnings.count }.reduce(0, +),
                                refused: problems.keys.sorted().map { Report.Refused(line: $0, reasons: problems[$0]!) },
                                ignoredColumns: plan.ignoredColumns)
            for refused in report.refused {
                console.line(L("Baris \(refused.line): ", "Line \(refused.line): ") + refused.reasons.joined(separator: "; "))
            }
            if !plan.ignoredColumns.isEmpty {
                console.line(L("Kolom dilewati: ", "Columns skipped: ") + plan.ignoredColumns.joined(separator: ", "))
            }
            if outcome.written {
                console.say("Dimuat: \(report.families) keluarga, \(report.persons) orang; \(changes) kolom baru atau berubah; \(report.warnings) data ditandai peringatan.",
                            "Loaded: \(report.families) families, \(report.persons) persons; \(changes) fields new or changed; \(report.warnings) records flagged with warnings.")
            } else if check {
                console.say("Diperiksa: \(ready.count - outcome.refused.count) keluarga siap dimuat; tidak ada yang disimpan (--check).",
                            "Checked: \(ready.count - outcome.refused.count) families ready to load; nothing was saved (--check).")
            } else if !report.refused.isEmpty {
                console.say("Tidak ada yang disimpan: \(report.refused.count) baris ditolak. Perbaiki lalu impor lagi, atau pakai --partial untuk memuat keluarga yang benar saja.",
                            "Nothing was saved: \(report.refused.count) rows refused. Fix them and import again, or use --partial to load the families that are right.")
            }
            try console.emit(report)
            if !report.refused.isEmpty { throw ExitCode(Exit.refused) }
        }
    }
}
