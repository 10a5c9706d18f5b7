import ArgumentParser
import FieldModels
import Foundation
import LocalStore

extension PersonCommand {
    /// Pecah KK: a person leaves one household for another, or for a new one of their own.
    struct Move: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                abstract: L("Pindahkan orang ke rumah tangga lain atau ke KK baru (pecah KK).",
                            "Move a person to another household or to a new family card (pecah KK)."),
                discussion: L("""
                    Orangnya tetap sama (ID dan riwayatnya), hanya rumah tangga dan hubungannya yang berubah;
                    perubahan data orang itu di laptop lain tetap tersimpan. Contoh:
                      field person move P-4M2X --to-household H-9QZ1 --relationship istri
                      field person move P-4M2X --new-household --kk 3374061203150099
                    KK baru memakai alamat, RT dan RW rumah tangga lama kecuali disebut lain; orangnya menjadi kepala.
                    """, """
                    The person stays the same (id and history); only the household and relationship change, and
                    edits of that person on another laptop survive. Examples:
                      field person move P-4M2X --to-household H-9QZ1 --relationship istri
                      field person move P-4M2X --new-household --kk 3374061203150099
                    A new card takes the old household's address, RT and RW unless given; the person becomes its head.
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID orang (cukup awalnya).", "Person id (its start is enough)."))) var id: String
        @Option(name: .customLong("to-household"), help: ArgumentHelp(L("Rumah tangga tujuan.", "The household to join.")))
        var household: String?
        @Flag(name: .customLong("new-household"), help: ArgumentHelp(L("Buat rumah tangga baru (KK baru).", "Make a new household (a new card).")))
        var newHousehold = false
        @Option(help: ArgumentHelp(L("No. KK baru (dengan --new-household).", "The new card's No. KK (with --new-household)."))) var kk: String?
        @Option(help: ArgumentHelp(L("Alamat KK baru.", "The new card's address."))) var address: String?
        @Option var rt: String?
        @Option var rw: String?
        @Option(help: ArgumentHelp(L("Hubungan di rumah tangga tujuan: kepala, suami, istri, anak, …",
                                     "Relationship in the new household: kepala, suami, istri, anak, …")))
        var relationship: String?

        func validate() throws {
            guard (household != nil) != newHousehold else {
                throw ValidationError(L("Pakai --to-household ID atau --new-household --kk NOMOR (salah satu).",
                                        "Use --to-household ID or --new-household --kk NUMBER (one of them)."))
            }
            guard newHousehold || (kk == nil && address == nil && rt == nil && rw == nil) else {
                throw ValidationError(L("--kk, --address, --rt dan --rw hanya untuk --new-household.",
                                        "--kk, --address, --rt and --rw are for --new-household only."))
            }
            guard !newHousehold || kk != nil else {
                throw ValidationError(L("KK baru perlu nomornya: --kk 3374….", "A new card needs its number: --kk 3374…."))
            }
        }

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .person)
                let person = try replica.existing(Person.self, id: id).record
                let role = try Parse.choice(relationship, flag: "relationship", as: FamilyRelationship.self)
                let target: Household
                if let household {
                    target = try replica.existing(Household.self, id: try replica.resolveID(household, type: .household)).record
                } else {
                    let old = try replica.record(Household.self, id: person.householdID)?.record
                    target = Household(noKK: kk ?? "", address: address ?? old?.address ?? "", rt: rt ?? old?.rt ?? "",
                                       rw: rw ?? old?.rw ?? "", kelurahanID: person.kelurahanID)
                }
                let move = try replica.move(person: id, to: target, relationship: role)
                console.say("\(person.name) (\(id)) pindah dari \(move.from) ke \(move.to)\(newHousehold ? " (KK baru)" : "").",
                            "\(person.name) (\(id)) moved from \(move.from) to \(move.to)\(newHousehold ? " (a new card)" : "").")
                for issue in move.result.warnings.values.flatMap({ $0 }) { console.warn(L(issue.text.id, issue.text.en)) }
                struct Out: Encodable { var person, from, to: String; var changes: Int }
                try console.emit(Out(person: id, from: move.from, to: move.to, changes: move.result.changes.count))
            }
        }
    }
}

extension HouseholdCommand {
    /// A household moving to another kelurahan, with its members, their entries and visits.
    struct Move: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                abstract: L("Pindahkan rumah tangga ke kelurahan lain (pindah domisili).", "Move a household to another kelurahan."),
                discussion: L("""
                    Rumah tangga, anggotanya, serta data PMKS/PSKS dan kunjungannya pindah bersama, dengan riwayatnya.
                    Setelah sinkron, PSM kelurahan baru memegangnya; laptop ini hanya menyimpan ke mana ia pindah.
                    Perubahan yang dibuat di laptop lain sebelum tahu kepindahan ini tetap tersimpan dan ikut pindah.
                      field household move H-7KQ2 --to 33.74.11.1006
                      field household move H-7KQ2 --to "Srondol Wetan" --yes
                    """, """
                    The household, its members, and their PMKS/PSKS entries and visits move together, with their history.
                    After a sync the new kelurahan's PSM holds them; this laptop keeps only where they went.
                    Edits made on another laptop before it learnt of the move are kept and follow the household.
                      field household move H-7KQ2 --to 33.74.11.1006
                      field household move H-7KQ2 --to "Srondol Wetan" --yes
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID rumah tangga (cukup awalnya).", "Household id (its start is enough)."))) var id: String
        @Option(help: ArgumentHelp(L("Kelurahan tujuan: kode (33.74.11.1006) atau nama.", "The kelurahan it moves to: code (33.74.11.1006) or name.")))
        var to: String
        @Flag(help: ArgumentHelp(L("Pindahkan tanpa bertanya.", "Move without asking."))) var yes = false

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .household)
                let household = try replica.existing(Household.self, id: id).record
                let target = try replica.resolveRegion(to)
                try Removal.confirm(L("Pindahkan \(id) (\(household.address)) ke \(target.name)? Setelah sinkron, datanya hanya dipegang kelurahan baru.",
                                      "Move \(id) (\(household.address)) to \(target.name)? After a sync only the new kelurahan holds its data."),
                                    yes: yes, json: global.json)
                let move = try replica.move(household: id, to: target.id)
                console.say("\(id) pindah ke \(target.name) (\(target.id)) bersama \(move.records.count - 1) data keluarganya. Jalankan field sync agar kelurahan baru menerimanya.",
                            "\(id) moved to \(target.name) (\(target.id)) with \(move.records.count - 1) records of its family. Run field sync so the new kelurahan receives it.")
                struct Out: Encodable { var household, from, to: String; var code: String?; var records: [String]; var changes: Int }
                try console.emit(Out(household: id, from: move.from, to: move.to, code: target.code, records: move.records, changes: move.changes.count))
            }
        }
    }
}
