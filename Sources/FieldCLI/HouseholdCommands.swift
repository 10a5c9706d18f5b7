import ArgumentParser
import FieldModels
import Foundation
import LocalStore

struct HouseholdCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "household",
                             abstract: L("Rumah tangga (Kartu Keluarga) dan anggotanya.", "Households (family cards) and their members."),
                             subcommands: [Add.self, Edit.self, Show.self, List.self, Delete.self, Move.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                abstract: L("Catat rumah tangga baru, bersama anggotanya sekaligus.", "Record a new household, with its members at once."),
                discussion: L("""
                    Rumah tangga dan semua anggotanya disimpan bersama: semuanya, atau tidak sama sekali.
                    Anggota ditulis "NAMA;JK;TGL-LAHIR;HUBUNGAN;NIK" (JK: L/P; hubungan: kepala, istri, suami, anak, ...).
                    Contoh:
                      field household add --kk 3374061203150007 --address "Jl. Setiabudi Gg. Mawar 12" --rt 3 --rw 5 \\
                          --member "Budi Santoso;L;1980-05-15;kepala;3374061505800003" \\
                          --member "Sri Wahyuni;P;1985-08-12;istri;3374065208850002"
                    Di terminal, kolom yang belum diisi akan ditanyakan.
                    """, """
                    The household and all its members are saved together: all of it, or nothing.
                    Members are written "NAME;SEX;BIRTH-DATE;RELATIONSHIP;NIK" (sex: L/P; relationship: kepala, istri, suami, anak, ...).
                    Example:
                      field household add --kk 3374061203150007 --address "Jl. Setiabudi Gg. Mawar 12" --rt 3 --rw 5 \\
                          --member "Budi Santoso;L;1980-05-15;kepala;3374061505800003" \\
                          --member "Sri Wahyuni;P;1985-08-12;istri;3374065208850002"
                    At a terminal, fields not given are asked for.
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("No. KK, 16 angka.", "Family card number, 16 digits."))) var kk: String?
        @Option(help: ArgumentHelp(L("Alamat (jalan, gang, nomor).", "Address (street, lane, number)."))) var address: String?
        @Option(help: ArgumentHelp(L("Nomor RT.", "RT number."))) var rt: String?
        @Option(help: ArgumentHelp(L("Nomor RW.", "RW number."))) var rw: String?
        @Option(help: ArgumentHelp(L("Kelurahan (bawaan: wilayah tugas Anda).", "Kelurahan (default: your own)."))) var kelurahan: String?
        @Option(help: ArgumentHelp(L("Anggota: \"NAMA;JK;TGL-LAHIR;HUBUNGAN;NIK\"; boleh diulang.",
                                     "Member: \"NAME;SEX;BIRTH-DATE;RELATIONSHIP;NIK\"; may be repeated."))) var member: [String] = []
        @OptionGroup var contact: HouseholdContact
        @OptionGroup var place: LocationOptions

        func run() throws {
            try global.withReplica { replica, console in
                let interactive = Terminal.isInteractive && !global.json
                func field(_ given: String?, _ question: String) -> String {
                    if let given { return given }
                    return interactive ? Terminal.ask(question) ?? "" : ""
                }
                var household = Household(noKK: field(kk, L("No. KK (16 angka)", "Family card no. (16 digits)")),
                                          address: field(address, L("Alamat", "Address")),
                                          rt: Parse.rtrw(field(rt, "RT")) ?? "", rw: Parse.rtrw(field(rw, "RW")) ?? "",
                                          kelurahanID: try Parse.kelurahan(kelurahan, replica: replica))
                contact.apply(to: &household)
                household.location = try place.resolve()
                var members = try member.enumerated().map { index, text in
                    try MemberSpec.parse(text, index: index + 1, household: household)
                }
                if interactive && member.isEmpty {
                    while Terminal.confirm(L("Tambah anggota keluarga?", "Add a family member?")) {
                        members.append(try MemberSpec.ask(household: household))
                    }
                }
                household.members = Set(members.map(\.id))
                let result = try replica.save([household] + members)
                try console.reportSaved(result, id: household.id, what: RecordType.household.name, created: true,
                                        members: members.map(\.id))
                for person in members { console.line("  + \(person.id)  \(person.name)") }
            }
        }
    }

    struct Edit: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Ubah data rumah tangga; hanya kolom yang disebut yang berubah.",
                                             "Change a household; only the fields given change."),
                                 discussion: L("Contoh: field household edit H-7KQ2 --address \"Jl. Setiabudi Gg. Melati 3\" --rt 4",
                                               "Example: field household edit H-7KQ2 --address \"Jl. Setiabudi Gg. Melati 3\" --rt 4"))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID rumah tangga (cukup awalnya).", "Household id (its start is enough)."))) var id: String
        @Option var kk: String?
        @Option var address: String?
        @Option var rt: String?
        @Option var rw: String?
        @OptionGroup var contact: HouseholdContact
        @OptionGroup var place: LocationOptions

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .household)
                var household = try replica.existing(Household.self, id: id).record
                if [kk, address, rt, rw, contact.dtks, contact.phone].allSatisfy({ $0 == nil }) && !place.given {
                    guard Terminal.isInteractive && !global.json else {
                        throw CLIError("Sebutkan yang diubah, mis. --address atau --rt. Lihat: field household edit --help",
                                       "Say what to change, e.g. --address or --rt. See: field household edit --help")
                    }
                    household.noKK = Terminal.ask(L("No. KK", "Family card no."), current: household.noKK) ?? household.noKK
                    household.address = Terminal.ask(L("Alamat", "Address"), current: household.address) ?? household.address
                    household.rt = Parse.rtrw(Terminal.ask("RT", current: household.rt)) ?? household.rt
                    household.rw = Parse.rtrw(Terminal.ask("RW", current: household.rw)) ?? household.rw
                } else {
                    household.noKK = kk ?? household.noKK
                    household.address = address ?? household.address
                    household.rt = Parse.rtrw(rt) ?? household.rt
                    household.rw = Parse.rtrw(rw) ?? household.rw
                    contact.apply(to: &household)
                    if place.given { household.location = try place.resolve() }
                }
                try console.reportSaved(try replica.save([household]), id: id, what: RecordType.household.name, created: false)
            }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan satu rumah tangga: anggota, PMKS, kunjungan, peringatan dan konflik.",
                                             "Show one household: members, PMKS, visits, warnings and conflicts."),
                                 discussion: L("Contoh: field household show H-7KQ2   (NIK dan No. KK disamarkan kecuali --reveal)",
                                               "Example: field household show H-7KQ2   (NIK and No. KK are masked unless --reveal)"))
        }

        @OptionGroup var global: GlobalOptions
        @Argument var id: String
        @Flag(help: ArgumentHelp(L("Tampilkan NIK dan No. KK lengkap.", "Show full NIK and No. KK."))) var reveal = false

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .household)
                let stored = try replica.existing(Household.self, id: id)
                let view = try HouseholdView(stored, replica: replica, reveal: reveal)
                view.print(to: console)
                try console.emit(view)
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Daftar rumah tangga di wilayah Anda.", "List the households in your area."),
                                 discussion: L("Contoh: field household list --rt 3 --rw 5", "Example: field household list --rt 3 --rw 5"))
        }

        @OptionGroup var global: GlobalOptions
        @Option var rt: String?
        @Option var rw: String?
        @Option(help: ArgumentHelp(L("Hanya kelurahan ini.", "Only this kelurahan."))) var kelurahan: String?

        func run() throws {
            try global.withReplica { replica, console in
                let area = try kelurahan.map { try replica.resolveRegion($0).id }
                let wantRT = Parse.rtrw(rt), wantRW = Parse.rtrw(rw)
                let households = try replica.records(Household.self, area: area).filter {
                    (wantRT == nil || $0.record.rt == wantRT) && (wantRW == nil || $0.record.rw == wantRW)
                }
                let rows = try households.map { try HouseholdRow($0, replica: replica) }
                for row in rows { console.line(row.line) }
                console.say("\(rows.count) rumah tangga.", "\(rows.count) households.")
                try console.emit(rows)
            }
        }
    }
}

/// Flags of `household add` and `household edit` beyond the family card.
struct HouseholdContact: ParsableArguments {
    @Option(help: ArgumentHelp(L("ID DTKS/DTSEN rumah tangga.", "The household's DTKS/DTSEN id."))) var dtks: String?
    @Option(help: ArgumentHelp(L("Telepon yang dapat dihubungi, mis. 0812-3456-7890 (dienkripsi).",
                                 "A contact phone, e.g. 0812-3456-7890 (encrypted)."))) var phone: String?

    func apply(to household: inout Household) {
        if let dtks { household.dtksID = dtks.trimmingWhitespace() }
        if let phone { household.phone = phone }
    }
}

/// A member given on the command line or at the prompt.
enum MemberSpec {
    static func parse(_ text: String, index: Int, household: Household) throws -> Person {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        guard (2...5).contains(parts.count), !parts[0].isEmpty else {
            throw CLIError("--member ke-\(index) harus \"NAMA;JK;TGL-LAHIR;HUBUNGAN;NIK\" (dapat: \"\(IdentityRules.masked(text))\").",
                           "--member #\(index) must be \"NAME;SEX;BIRTH-DATE;RELATIONSHIP;NIK\" (got: \"\(IdentityRules.masked(text))\").",
                           field: "member")
        }
        func part(_ i: Int) -> String? { i < parts.count && !parts[i].isEmpty ? parts[i] : nil }
        return Person(nik: part(4) ?? "", name: parts[0],
                      sex: try Parse.choice(part(1), flag: "member (JK)", as: Sex.self, flexible: Sex.init(flexible:)),
                      birthDate: try Parse.date(part(2), flag: "member (TGL-LAHIR)"),
                      relationship: try Parse.choice(part(3), flag: "member (HUBUNGAN)", as: FamilyRelationship.self),
                      householdID: household.id, kelurahanID: household.kelurahanID)
    }

    static func ask(household: Household) throws -> Person {
        let name = Terminal.ask(L("  Nama", "  Name")) ?? ""
        let sex = try Parse.choice(Terminal.ask(L("  Jenis kelamin (L/P)", "  Sex (L/P)")), flag: "sex", as: Sex.self,
                                   flexible: Sex.init(flexible:))
        let birth = try Parse.date(Terminal.ask(L("  Tanggal lahir (YYYY-MM-DD)", "  Birth date (YYYY-MM-DD)")), flag: "birth")
        let relationship = try Parse.choice(Terminal.ask(L("  Hubungan (kepala, istri, suami, anak, ...)",
                                                           "  Relationship (kepala, istri, suami, anak, ...)")),
                                            flag: "relationship", as: FamilyRelationship.self)
        let nik = Terminal.ask(L("  NIK (16 angka, kosongkan bila belum ada)", "  NIK (16 digits, empty if none)")) ?? ""
        return Person(nik: nik, name: name, sex: sex, birthDate: birth, relationship: relationship,
                      householdID: household.id, kelurahanID: household.kelurahanID)
    }
}
