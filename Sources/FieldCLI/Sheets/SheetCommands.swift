import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import Spreadsheet

struct ExportCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "export", abstract: L("Ekspor data ke CSV atau XLSX.", "Export data to CSV or XLSX."),
                             subcommands: [CSVExport.self, XLSXExport.self])
    }

    static let discussion = L("""
        Jenis: household, person, pmks, psks, visit, dan keluarga (satu baris per orang dengan kolom
        keluarganya, seperti lembar DTKS; dapat dimuat lagi dengan field import). Setiap baris dimulai
        dengan id datanya. NIK, No. KK, DTKS, BPJS dan telepon disamarkan, kolom sensitif lain
        dikosongkan, kecuali dengan --include-sensitive (jaga berkasnya baik-baik).
        """, """
        Types: household, person, pmks, psks, visit, and keluarga (one row per person with their
        family's columns, as a DTKS sheet; field import loads it back). Every row starts with its
        record's id. NIK, No. KK, DTKS, BPJS and phone numbers are masked and other sensitive columns
        left empty, unless --include-sensitive is given (keep that file safe).
        """)

    struct CSVExport: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "csv", abstract: L("Ekspor ke CSV.", "Export to CSV."),
                                 discussion: L("Contoh: field export csv --type keluarga --output keluarga.csv\n",
                                               "Example: field export csv --type keluarga --output families.csv\n") + ExportCommand.discussion)
        }

        @OptionGroup var options: ExportOptions

        func run() throws {
            try options.global.withReplica { replica, console in
                let table = try options.table(of: replica)
                let text = table.map { $0.map(CSV.escape).joined(separator: ",") + "\n" }.joined()
                guard let output = options.output else { return print(text, terminator: "") }
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError("Berkas \(output) tidak dapat ditulis. Periksa foldernya dan ruang disk.",
                                   "The file \(output) cannot be written. Check its folder and the disk space.", code: Exit.failure)
                }
                console.say("\(table.count - 1) baris ditulis ke \(output).", "\(table.count - 1) rows written to \(output).")
            }
        }
    }

    struct XLSXExport: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "xlsx", abstract: L("Ekspor ke XLSX (Excel, LibreOffice).", "Export to XLSX (Excel, LibreOffice)."),
                                 discussion: L("Contoh: field export xlsx --type keluarga --output keluarga.xlsx\nSemua sel berupa teks: NIK dan No. KK tetap 16 angka.\n",
                                               "Example: field export xlsx --type keluarga --output families.xlsx\nEvery cell is text: NIK and No. KK keep all 16 digits.\n")
                                    + ExportCommand.discussion)
        }

        @OptionGroup var options: ExportOptions

        func run() throws {
            try options.global.withReplica { replica, console in
                guard let output = options.output else {
                    throw CLIError("--output wajib untuk XLSX, mis. --output keluarga.xlsx", "--output is required for XLSX, e.g. --output families.xlsx",
                                   field: "output")
                }
                let table = try options.table(of: replica)
                do {
                    try XLSXWriter.write(table, sheet: options.type, to: output)
                } catch let error as SpreadsheetError {
                    throw CLIError("Berkas \(output) tidak dapat ditulis (\(error.detail)). Periksa foldernya dan ruang disk.",
                                   "The file \(output) cannot be written (\(error.detail)). Check its folder and the disk space.", code: Exit.failure)
                }
                console.say("\(table.count - 1) baris ditulis ke \(output).", "\(table.count - 1) rows written to \(output).")
            }
        }
    }
}

/// What every export takes.
struct ExportOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("household | person | pmks | psks | visit | keluarga")) var type: String = "household"
    @Option(help: ArgumentHelp(L("Berkas keluaran (CSV bawaan: layar).", "Output file (CSV default: standard output)."))) var output: String?
    @Flag(name: .customLong("include-sensitive")) var includeSensitive = false

    /// The header and rows of the export.
    func table(of replica: LocalReplica) throws -> [[String]] {
        /// Every record's fields with its id first, so an export can be matched back to the records.
        func withIDs<R: FieldRecord>(_ records: [StoredRecord<R>]) -> [[String: FieldValue]] {
            records.map { $0.record.fields.merging(["id": .text($0.record.id)]) { field, _ in field } }
        }
        let sensitive: Set<String>
        let rows: [[String: FieldValue]]
        switch type {
        case "keluarga": return try FamilySheet.rows(of: replica, includeSensitive: includeSensitive)
        case "household": rows = withIDs(try replica.records(Household.self)); sensitive = Household.sensitiveFields
        case "person": rows = withIDs(try replica.records(Person.self)); sensitive = Person.sensitiveFields
        case "pmks", "psks":
            rows = withIDs(try replica.records(SocialMapEntry.self).filter { $0.record.kind.rawValue == type })
            sensitive = SocialMapEntry.sensitiveFields.subtracting(["category"])
        case "visit": rows = withIDs(try replica.records(HomeVisit.self)); sensitive = HomeVisit.sensitiveFields
        default:
            throw CLIError("--type '\(type)' tidak dikenal. Pilihan: household, person, pmks, psks, visit, keluarga.",
                           "--type '\(type)' is not known. Choices: household, person, pmks, psks, visit, keluarga.", field: "type")
        }
        return Self.table(rows, sensitive: includeSensitive ? [] : sensitive)
    }

    /// Columns in a stable order, the id first; set-valued fields joined with `|`.
    static func table(_ rows: [[String: FieldValue]], sensitive: Set<String>) -> [[String]] {
        var columns = Set<String>()
        for row in rows { for key in row.keys { columns.insert(key.split(separator: "/").first.map(String.init) ?? key) } }
        let ordered = columns.sorted { ($0 == "id" ? "" : $0) < ($1 == "id" ? "" : $1) }
        return [ordered] + rows.map { row in
            ordered.map { column -> String in
                let elements = row.setElements(column)
                let value = elements.isEmpty ? (row[column]?.description ?? "") : elements.sorted().joined(separator: "|")
                guard sensitive.contains(column) else { return value }
                return IdentityRules.identifierFields.contains(column) ? IdentityRules.masked(value) : ""
            }
        }
    }
}
