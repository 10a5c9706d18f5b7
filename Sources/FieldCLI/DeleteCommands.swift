import ArgumentParser
import FieldModels
import Foundation
import LocalStore

/// Removing a record: a tombstone, never an erasure. Its history stays (`field history`), an
/// edit made meanwhile on another laptop survives beside the deletion as a conflict for a
/// person to decide, and `field conflicts resolve` can bring it back.
enum Removal {
    /// Asks before deleting at a terminal; a script must say `--yes`.
    static func confirm(_ question: String, yes: Bool, json: Bool) throws {
        if yes { return }
        guard Terminal.isInteractive && !json else {
            throw CLIError("Penghapusan perlu --yes bila tidak dijalankan di terminal.", "Deleting needs --yes when not run at a terminal.",
                           field: "yes")
        }
        guard Terminal.confirm(question) else {
            throw CLIError("Dibatalkan; tidak ada yang dihapus.", "Cancelled; nothing was deleted.")
        }
    }

    static func report(_ console: Console, id: String, changes: Int, members: [String] = []) throws {
        if changes == 0 {
            console.say("\(id) sudah dihapus sebelumnya; tidak ada yang berubah.", "\(id) was already deleted; nothing changed.")
        } else {
            let extra = members.isEmpty ? "" : L(" beserta \(members.count) anggota", " with \(members.count) members")
            console.say("\(id) dihapus\(extra). Riwayatnya tetap ada (field history \(id)); bila laptop lain mengubahnya sementara itu, keduanya tampil sebagai konflik.",
                        "\(id) deleted\(extra). Its history stays (field history \(id)); if another laptop changed it meanwhile, both show as a conflict.")
        }
        struct Out: Encodable { var id: String; var deleted: Bool; var members: [String] }
        try console.emit(Out(id: id, deleted: changes > 0, members: members))
    }
}

extension HouseholdCommand {
    struct Delete: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Hapus rumah tangga yang salah catat, beserta anggotanya.",
                                             "Delete a household recorded by mistake, with its members."),
                                 discussion: L("""
                                    Riwayatnya tetap tersimpan. Untuk keluarga yang pindah, jangan dihapus: catat kepindahannya.
                                      field household delete H-7KQ2 --yes
                                    """, """
                                    Its history is kept. For a family that moved away, do not delete: record the move.
                                      field household delete H-7KQ2 --yes
                                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID rumah tangga (cukup awalnya).", "Household id (its start is enough)."))) var id: String
        @Flag(help: ArgumentHelp(L("Hapus tanpa bertanya.", "Delete without asking."))) var yes = false

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .household)
                let household = try replica.existing(Household.self, id: id)
                let members = try household.record.members.sorted().filter { (try replica.record(Person.self, id: $0))?.deleted == false }
                try Removal.confirm(L("Hapus \(id) (\(household.record.address)) dan \(members.count) anggotanya?",
                                      "Delete \(id) (\(household.record.address)) and its \(members.count) members?"),
                                    yes: yes, json: global.json)
                let changes = try replica.delete(ids: [id] + members)
                try Removal.report(console, id: id, changes: changes.count, members: changes.isEmpty ? [] : members)
            }
        }
    }
}

extension PersonCommand {
    struct Delete: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Hapus orang yang salah catat dari rumah tangganya.", "Delete a person recorded by mistake."),
                                 discussion: L("""
                                    Riwayatnya tetap tersimpan. Untuk yang meninggal, jangan dihapus: field person edit P --status meninggal
                                      field person delete P-3JX9 --yes
                                    """, """
                                    Its history is kept. For a person who died, do not delete: field person edit P --status meninggal
                                      field person delete P-3JX9 --yes
                                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID orang (cukup awalnya).", "Person id (its start is enough)."))) var id: String
        @Flag(help: ArgumentHelp(L("Hapus tanpa bertanya.", "Delete without asking."))) var yes = false

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .person)
                let person = try replica.existing(Person.self, id: id)
                try Removal.confirm(L("Hapus \(id) (\(person.record.name))?", "Delete \(id) (\(person.record.name))?"), yes: yes, json: global.json)
                try Removal.report(console, id: id, changes: try replica.delete(id: id).count)
            }
        }
    }
}
