import ArgumentParser
import FieldModels
import Foundation
import LocalStore

/// Flags shared by `person add` and `person edit`.
struct PersonFields: ParsableArguments {
    @Option(help: ArgumentHelp(L("Nama lengkap seperti di KTP/KK.", "Full name as on the KTP/KK."))) var name: String?
    @Option(help: ArgumentHelp(L("NIK, 16 angka.", "NIK, 16 digits."))) var nik: String?
    @Option(help: ArgumentHelp(L("Jenis kelamin: L atau P.", "Sex: L or P."))) var sex: Sex?
    @Option(help: ArgumentHelp(L("Tanggal lahir, YYYY-MM-DD.", "Birth date, YYYY-MM-DD."))) var birth: String?
    @Option(help: ArgumentHelp(L("Hubungan dengan kepala keluarga: kepala, suami, istri, anak, menantu, cucu, orang-tua, mertua, famili-lain, lainnya.",
                                 "Relationship to the head: kepala, suami, istri, anak, menantu, cucu, orang-tua, mertua, famili-lain, lainnya.")))
    var relationship: FamilyRelationship?
    @Option(help: ArgumentHelp(L("Status: hidup, pindah, meninggal.", "Status: hidup (alive), pindah (moved), meninggal (deceased).")))
    var status: LifeStatus?
    @Option(name: .customLong("health-notes"), help: ArgumentHelp(L("Catatan kesehatan/disabilitas (dienkripsi).",
                                                                    "Health or disability notes (encrypted).")))
    var healthNotes: String?
    @Option(name: .customLong("birth-place"), help: ArgumentHelp(L("Tempat lahir seperti di KTP.", "Place of birth as on the KTP.")))
    var birthPlace: String?
    @Option(help: ArgumentHelp(L("Status perkawinan: \(Parse.options(MaritalStatus.self)).",
                                 "Marital status: \(Parse.options(MaritalStatus.self)).")))
    var marital: MaritalStatus?
    @Option(help: ArgumentHelp(L("Pekerjaan seperti di KK.", "Occupation as on the KK."))) var occupation: String?
    @Option(help: ArgumentHelp(L("Pendidikan terakhir: \(Parse.options(Education.self)).",
                                 "Highest education: \(Parse.options(Education.self)).")))
    var education: Education?
    @Option(help: ArgumentHelp(L("ID DTKS/DTSEN orang ini.", "This person's DTKS/DTSEN id."))) var dtks: String?
    @Option(help: ArgumentHelp(L("Program bantuan yang diterima (KPM), dipisah koma: \(Parse.options(SocialProgramme.self)); \"\" mengosongkan.",
                                 "Assistance programmes received (KPM), comma-separated: \(Parse.options(SocialProgramme.self)); \"\" clears.")))
    var programmes: ChoiceList<SocialProgramme>?
    @Option(help: ArgumentHelp(L("Nomor kartu JKN/BPJS Kesehatan (13 angka, dienkripsi).", "JKN/BPJS health card number (13 digits, encrypted).")))
    var bpjs: String?
    @Option(help: ArgumentHelp(L("Nomor telepon, mis. 0812-3456-7890 (dienkripsi).", "Phone number, e.g. 0812-3456-7890 (encrypted).")))
    var phone: String?
    @Option(help: ArgumentHelp(L("Ragam disabilitas (UU 8/2016), dipisah koma: \(Parse.options(DisabilityType.self)); \"\" mengosongkan (dienkripsi).",
                                 "Kinds of disability (UU 8/2016), comma-separated: \(Parse.options(DisabilityType.self)); \"\" clears (encrypted).")))
    var disability: ChoiceList<DisabilityType>?
    @Option(name: .customLong("death-date"), help: ArgumentHelp(L("Tanggal meninggal, YYYY-MM-DD (dengan --status meninggal).",
                                                                  "Date of death, YYYY-MM-DD (with --status meninggal).")))
    var deathDate: String?

    var isEmpty: Bool {
        let texts = [name, nik, birth, healthNotes, birthPlace, occupation, dtks, bpjs, phone, deathDate]
        let choices: [Any?] = [sex, relationship, status, marital, education, programmes, disability]
        return texts.allSatisfy { $0 == nil } && choices.allSatisfy { $0 == nil }
    }

    func apply(to person: inout Person) throws {
        if let name { person.name = name }
        if let nik { person.nik = nik.trimmingWhitespace() }
        if let sex { person.sex = sex }
        if let birth { person.birthDate = try Parse.date(birth, flag: "birth") }
        if let relationship { person.relationship = relationship }
        if let status { person.status = status }
        if let healthNotes { person.healthNotes = healthNotes }
        if let birthPlace { person.birthPlace = birthPlace }
        if let marital { person.maritalStatus = marital }
        if let occupation { person.occupation = occupation }
        if let education { person.education = education }
        if let dtks { person.dtksID = dtks.trimmingWhitespace() }
        if let programmes { person.programmes = programmes.values }
        if let bpjs { person.bpjsNumber = bpjs }
        if let phone { person.phone = phone }
        if let disability { person.disabilities = disability.values }
        if let deathDate { person.deathDate = try Parse.date(deathDate, flag: "death-date") }
    }
}

struct PersonCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "person", abstract: L("Orang: anggota rumah tangga.", "People: household members."),
                             subcommands: [Add.self, Edit.self, Move.self, Delete.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                abstract: L("Tambahkan orang ke rumah tangga yang sudah tercatat.", "Add a person to a recorded household."),
                discussion: L("""
                    Orang dan keanggotaannya di rumah tangga disimpan bersama. Contoh:
                      field person add --household H-7KQ2 --name "Rizky Santoso" --sex L --birth 2015-01-01 \\
                          --relationship anak --nik 3374060101150001
                    NIK dicocokkan dengan jenis kelamin dan tanggal lahir; NIK yang sudah ada ditolak.
                    """, """
                    The person and their membership of the household are saved together. Example:
                      field person add --household H-7KQ2 --name "Rizky Santoso" --sex L --birth 2015-01-01 \\
                          --relationship anak --nik 3374060101150001
                    The NIK is checked against sex and birth date; a NIK already recorded is refused.
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("ID rumah tangga.", "Household id."))) var household: String?
        @OptionGroup var fields: PersonFields

        func run() throws {
            try global.withReplica { replica, console in
                let interactive = Terminal.isInteractive && !global.json
                guard let householdText = household ?? (interactive ? Terminal.ask(L("ID rumah tangga", "Household id")) : nil) else {
                    throw CLIError("--household wajib diisi: orang dicatat di rumah tangganya.",
                                   "--household is required: a person is recorded in a household.", field: "household")
                }
                let householdID = try replica.resolveID(householdText, type: .household)
                var home = try replica.existing(Household.self, id: householdID).record
                var person: Person
                if fields.isEmpty && interactive {
                    person = try MemberSpec.ask(household: home)
                } else {
                    person = Person(nik: "", name: "", sex: nil, birthDate: nil, relationship: nil, householdID: home.id,
                                    kelurahanID: home.kelurahanID)
                    try fields.apply(to: &person)
                }
                home.members.insert(person.id)
                let result = try replica.save([person, home])
                try console.reportSaved(result, id: person.id, what: RecordType.person.name, created: true)
            }
        }
    }

    struct Edit: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Ubah data orang; hanya kolom yang disebut yang berubah.",
                                             "Change a person; only the fields given change."),
                                 discussion: L("Contoh: field person edit P-4M2X --status pindah",
                                               "Example: field person edit P-4M2X --status pindah"))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID orang (cukup awalnya).", "Person id (its start is enough)."))) var id: String
        @OptionGroup var fields: PersonFields

        func run() throws {
            try global.withReplica { replica, console in
                let id = try replica.resolveID(self.id, type: .person)
                var person = try replica.existing(Person.self, id: id).record
                if fields.isEmpty {
                    guard Terminal.isInteractive && !global.json else {
                        throw CLIError("Sebutkan yang diubah, mis. --name atau --status. Lihat: field person edit --help",
                                       "Say what to change, e.g. --name or --status. See: field person edit --help")
                    }
                    person.name = Terminal.ask(L("Nama", "Name"), current: person.name) ?? person.name
                    person.nik = Terminal.ask("NIK", current: person.nik) ?? person.nik
                    let status = Terminal.ask(L("Status (hidup, pindah, meninggal)", "Status (hidup, pindah, meninggal)"),
                                              current: person.status.rawValue)
                    person.status = try Parse.choice(status, flag: "status", as: LifeStatus.self) ?? person.status
                } else {
                    try fields.apply(to: &person)
                }
                try console.reportSaved(try replica.save([person]), id: id, what: RecordType.person.name, created: false)
            }
        }
    }
}
