import ArgumentParser
import FieldModels
import Foundation
import LocalStore
import SyncEngine

struct ConflictsCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "conflicts",
            abstract: L("Lihat dan selesaikan konflik: data yang diubah berbeda di dua laptop.",
                        "See and settle conflicts: data changed differently on two laptops."),
            discussion: L("""
                Tidak ada data yang hilang: kedua nilai disimpan sampai Anda memilih.
                  field conflicts list
                  field conflicts show H-7KQ2
                  field conflicts resolve H-7KQ2 --field address --choose 2
                  field conflicts resolve H-7KQ2 --field address --value "Jl. Setiabudi 12A"
                  field conflicts resolve H-7KQ2 --keep        (dihapus di satu laptop, diubah di laptop lain: simpan)
                  field conflicts resolve H-7KQ2 --delete      (atau tetap hapus)
                """, """
                Nothing is lost: both values are kept until you choose.
                  field conflicts list
                  field conflicts show H-7KQ2
                  field conflicts resolve H-7KQ2 --field address --choose 2
                  field conflicts resolve H-7KQ2 --field address --value "Jl. Setiabudi 12A"
                  field conflicts resolve H-7KQ2 --keep        (deleted on one laptop, edited on another: keep it)
                  field conflicts resolve H-7KQ2 --delete      (or delete it after all)
                """),
            subcommands: [List.self, Show.self, Resolve.self])
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Daftar konflik yang belum diselesaikan.", "List the open conflicts."))
        }
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try global.withReplica { replica, console in
                let open = try replica.snapshot().conflicts.sorted { $0.description < $1.description }
                struct Row: Encodable { var kind, field: String; var records: [String]; var values: Int }
                let rows = open.map { Row(kind: $0.kind.rawValue, field: $0.field, records: $0.recordIDs, values: $0.versions.count) }
                for row in rows {
                    let what = switch row.kind {
                    case "delete": L("dihapus di satu laptop, diubah di laptop lain", "deleted on one laptop, edited on another")
                    case "identity": L("NIK sama pada dua orang: gabungkan atau hapus salah satu", "same NIK on two people: merge or delete one")
                    default: L("\(row.values) nilai untuk \(row.field)", "\(row.values) values for \(row.field)")
                    }
                    console.line("\(row.records.joined(separator: " + "))  \(what)")
                }
                console.say("\(rows.count) konflik.", "\(rows.count) conflicts.")
                try console.emit(rows)
            }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan nilai-nilai yang bertentangan: siapa, dari perangkat mana, kapan.",
                                             "Show the competing values: who, from which device, when."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument var id: String

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id)
                let type = RecordID.type(of: id)
                let conflicts = try replica.conflicts(of: id)
                var out: [ConflictJSON] = []
                for conflict in conflicts {
                    let json = ConflictJSON(conflict, sensitive: type?.isSensitive(conflict.field) == true)
                    out.append(json)
                    console.line(conflict.field == Change.deletedField ? L("Hapus atau simpan \(id):", "Delete or keep \(id):")
                                                                      : L("Kolom \(conflict.field):", "Field \(conflict.field):"))
                    for (index, value) in json.values.enumerated() {
                        let shown = index == 0 ? L("  (ditampilkan)", "  (shown)") : ""
                        console.line("  \(index + 1). \"\(value.value)\"  \(value.agent)  \(L("perangkat", "device")) \(value.device.prefix(8))  \(value.time)\(shown)")
                    }
                }
                if conflicts.isEmpty { console.say("Tidak ada konflik pada \(id).", "No conflicts on \(id).") }
                try console.emit(out)
            }
        }
    }

    struct Resolve: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Selesaikan konflik; keputusan ini ikut tersinkron ke laptop lain.",
                                             "Settle a conflict; the decision syncs to the other laptops."),
                                 discussion: L("""
                                     Contoh: field conflicts resolve H-7KQ2 --field address --choose 2
                                     NIK sama pada dua orang: gabungkan yang ganda ke yang disimpan; data PMKS/PSKS dan
                                     kunjungannya pindah, kolom yang kosong diisi, yang ganda dihapus (riwayatnya tetap ada):
                                       field conflicts resolve P-GANDA --merge-into P-SIMPAN
                                     """, """
                                     Example: field conflicts resolve H-7KQ2 --field address --choose 2
                                     The same NIK on two people: merge the duplicate into the one kept; its PMKS/PSKS entries
                                     and visits move, empty fields are filled, the duplicate is deleted (its history stays):
                                       field conflicts resolve P-DUPLICATE --merge-into P-KEPT
                                     """))
        }
        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Option(help: ArgumentHelp(L("Kolom yang diselesaikan.", "The field to settle."))) var field: String?
        @Option(help: ArgumentHelp(L("Pilih nilai nomor N dari 'conflicts show'.", "Choose value number N from 'conflicts show'."))) var choose: Int?
        @Option(help: ArgumentHelp(L("Atau tulis nilai baru.", "Or write a new value."))) var value: String?
        @Flag(help: ArgumentHelp(L("Simpan data yang dihapus di laptop lain.", "Keep a record deleted on another laptop."))) var keep = false
        @Flag(help: ArgumentHelp(L("Tetap hapus.", "Delete it after all."))) var delete = false
        @Option(name: .customLong("merge-into"), help: ArgumentHelp(L("Gabungkan orang ganda ini ke orang dengan NIK yang sama.",
                                                                      "Merge this duplicate person into the person with the same NIK."),
                                                                    valueName: "PERSON"))
        var mergeInto: String?

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id)
                let wall = Int64(Date().timeIntervalSince1970 * 1000)
                if let mergeInto {
                    let merged = try replica.merge(person: id, into: try replica.resolveID(mergeInto, type: .person))
                    console.say("\(merged.removed) digabung ke \(merged.kept): \(merged.moved.count) data PMKS/PSKS dan kunjungan dipindah; \(merged.removed) dihapus (riwayatnya tetap ada).",
                                "\(merged.removed) merged into \(merged.kept): \(merged.moved.count) PMKS/PSKS entries and visits moved; \(merged.removed) deleted (its history stays).")
                    struct Out: Encodable { var kept, removed: String; var moved: [String]; var changes: Int }
                    try console.emit(Out(kept: merged.kept, removed: merged.removed, moved: merged.moved, changes: merged.changes))
                    return
                }
                if keep || delete {
                    let changes = delete ? try replica.delete(id, wallTime: wall)
                                         : try replica.resolve(id, field: Change.deletedField, value: .bool(false), wallTime: wall)
                    console.say(delete ? "\(id) dihapus." : "\(id) disimpan.", delete ? "\(id) deleted." : "\(id) kept.")
                    try console.emit(["changes": changes.count])
                    return
                }
                guard let field else {
                    throw CLIError("Sebutkan --field, atau --keep/--delete. Lihat: field conflicts show \(id)",
                                   "Give --field, or --keep/--delete. See: field conflicts show \(id)", field: "field")
                }
                guard let conflict = try replica.conflicts(of: id).first(where: { $0.field == field }) else {
                    throw CLIError("Tidak ada konflik pada \(id) kolom \(field).", "No conflict on \(id) field \(field).",
                                   field: "field", code: Exit.notFound)
                }
                let chosen: FieldValue
                if let choose {
                    guard conflict.values.indices.contains(choose - 1) else {
                        throw CLIError("--choose harus 1 sampai \(conflict.values.count).", "--choose must be 1 to \(conflict.values.count).",
                                       field: "choose")
                    }
                    chosen = conflict.values[choose - 1].value
                } else if let value {
                    chosen = .text(value)
                } else {
                    throw CLIError("Pilih dengan --choose N atau tulis --value.", "Choose with --choose N or write --value.", field: "choose")
                }
                let changes = try replica.resolve(id, field: field, value: chosen, wallTime: wall)
                console.say("Konflik \(id) \(field) diselesaikan.", "Conflict on \(id) \(field) settled.")
                try console.emit(["changes": changes.count])
            }
        }
    }
}
