import ArgumentParser
import FieldModels
import Foundation
import LocalStore

/// Flags shared by `pmks add` and `psks add`.
struct EntryFields: ParsableArguments {
    @Option(help: ArgumentHelp(L("Kategori (lihat daftar di atas).", "Category (see the list above)."))) var category: String?
    @Option(help: ArgumentHelp(L("ID orang.", "Person id."))) var person: String?
    @Option(help: ArgumentHelp(L("ID rumah tangga.", "Household id."))) var household: String?
    @Option(help: ArgumentHelp(L("Tanggal asesmen, YYYY-MM-DD (bawaan: hari ini).", "Assessment date (default: today)."))) var date: String?
    @Option(help: ArgumentHelp(L("Bukti/dasar asesmen (dienkripsi).", "Evidence for the assessment (encrypted)."))) var evidence: String?
    @Option(help: ArgumentHelp(L("Catatan (dienkripsi).", "Notes (encrypted)."))) var notes: String?

    func save(kind: SocialMapKind, label: String, global: GlobalOptions) throws {
        try global.withReplica { replica, console in
            guard let category = category ?? (Terminal.isInteractive && !global.json ? Terminal.ask(L("Kategori", "Category")) : nil) else {
                throw CLIError("--category wajib diisi. Lihat daftarnya: field \(kind.rawValue) add --help",
                               "--category is required. See the list: field \(kind.rawValue) add --help", field: "category")
            }
            let personID = try person.map { try replica.resolveID($0, type: .person) }
            let householdID = try household.map { try replica.resolveID($0, type: .household) }
            let kelurahan = try Parse.kelurahan(ofPerson: personID, household: householdID, replica: replica)
            let entry = SocialMapEntry(kind: kind, category: category.lowercased(), personID: personID, householdID: householdID,
                                       label: label, evidence: evidence ?? "",
                                       assessmentDate: try Parse.date(date, flag: "date") ?? CivilDate(Date()),
                                       notes: notes ?? "", kelurahanID: kelurahan)
            try console.reportSaved(try replica.save([entry]), id: entry.id, what: RecordType.socialMap.name, created: true)
        }
    }
}

struct PMKSCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "pmks", abstract: L("Penyandang Masalah Kesejahteraan Sosial (26 kategori).",
                                                               "People with social-welfare problems (26 categories)."),
                             subcommands: [Add.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            let list = PMKSCategory.allCases.map { "  \($0.rawValue.padding(toLength: 32, withPad: " ", startingAt: 0)) \($0.name.text)" }
                .joined(separator: "\n")
            return CommandConfiguration(
                abstract: L("Catat PMKS untuk seseorang atau satu rumah tangga.", "Record a PMKS entry for a person or a household."),
                discussion: L("""
                    Contoh:
                      field pmks add --category lanjut-usia-telantar --person P-4M2X --date 2026-11-20 \\
                          --evidence "Tinggal sendiri, tidak ada keluarga yang merawat"
                    Usia diperiksa: kategori anak di bawah 18 tahun, lanjut usia 60 tahun ke atas.
                    Kategori, bukti dan catatan dienkripsi di laptop.
                    Kategori:
                    \(list)
                    """, """
                    Example:
                      field pmks add --category lanjut-usia-telantar --person P-4M2X --date 2026-11-20 \\
                          --evidence "Lives alone, no family caring for her"
                    Ages are checked: child categories under 18, elderly 60 and over.
                    Category, evidence and notes are encrypted on the laptop.
                    Categories:
                    \(list)
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: EntryFields

        func run() throws { try fields.save(kind: .pmks, label: "", global: global) }
    }
}

struct PSKSCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "psks", abstract: L("Potensi dan Sumber Kesejahteraan Sosial (12 kategori).",
                                                               "Social-welfare resources (12 categories)."),
                             subcommands: [Add.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            let list = PSKSCategory.allCases.map { "  \($0.rawValue.padding(toLength: 36, withPad: " ", startingAt: 0)) \($0.name.text)" }
                .joined(separator: "\n")
            return CommandConfiguration(
                abstract: L("Catat PSKS: lembaga, kelompok atau orang yang menjadi sumber kesejahteraan.",
                            "Record a PSKS: an organisation, group or person that is a welfare resource."),
                discussion: L("""
                    Contoh:
                      field psks add --category karang-taruna --label "Karang Taruna RW 05" --date 2026-11-20
                    Kategori:
                    \(list)
                    """, """
                    Example:
                      field psks add --category karang-taruna --label "Karang Taruna RW 05" --date 2026-11-20
                    Categories:
                    \(list)
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("Nama lembaga/kelompok/orang.", "Name of the organisation, group or person."))) var label: String?
        @OptionGroup var fields: EntryFields

        func run() throws { try fields.save(kind: .psks, label: label ?? "", global: global) }
    }
}

struct VisitCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "visit", abstract: L("Kunjungan rumah.", "Home visits."), subcommands: [Add.self, List.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            let needs = SPMService.allCases.map { "  \($0.rawValue.padding(toLength: 30, withPad: " ", startingAt: 0)) \($0.name.text)" }
                .joined(separator: "\n")
            return CommandConfiguration(
                abstract: L("Catat kunjungan rumah: tujuan, temuan, kebutuhan layanan SPM, rujukan.",
                            "Record a home visit: purpose, findings, SPM service needs, referral."),
                discussion: L("""
                    Contoh:
                      field visit add --household H-7KQ2 --date 2026-11-21 --purpose "Asesmen awal" \\
                          --findings "Ibu memakai kursi roda" --need alat-bantu --need permakanan \\
                          --referral rumah-sakit --referral-status diajukan --follow-up 2026-12-05
                    Rujukan: rumah-sakit, panti, rumah-singgah. Status: diajukan, diterima, ditolak, selesai.
                    Kebutuhan (layanan SPM):
                    \(needs)
                    """, """
                    Example:
                      field visit add --household H-7KQ2 --date 2026-11-21 --purpose "Initial assessment" \\
                          --findings "Mother uses a wheelchair" --need alat-bantu --need permakanan \\
                          --referral rumah-sakit --referral-status diajukan --follow-up 2026-12-05
                    Referral: rumah-sakit, panti, rumah-singgah. Status: diajukan, diterima, ditolak, selesai.
                    Needs (SPM services):
                    \(needs)
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Option var household: String?
        @Option var person: String?
        @Option(help: ArgumentHelp(L("Tanggal kunjungan (bawaan: hari ini).", "Visit date (default: today)."))) var date: String?
        @Option(help: ArgumentHelp(L("Tujuan kunjungan.", "Purpose of the visit."))) var purpose: String?
        @Option(help: ArgumentHelp(L("Temuan (dienkripsi).", "Findings (encrypted)."))) var findings: String?
        @Option(help: ArgumentHelp(L("Kebutuhan layanan SPM; boleh diulang.", "SPM service needed; may be repeated."))) var need: [SPMService] = []
        @Option(help: ArgumentHelp(L("Tujuan rujukan.", "Referral destination."))) var referral: ReferralDestination?
        @Option(name: .customLong("referral-status"), help: ArgumentHelp(L("Status rujukan.", "Referral status."))) var referralStatus: ReferralStatus?
        @Option(name: .customLong("follow-up"), help: ArgumentHelp(L("Tanggal tindak lanjut.", "Follow-up date."))) var followUp: String?
        @OptionGroup var place: LocationOptions
        @Option(help: ArgumentHelp(L("Buka kasus layanan dari kunjungan ini sekaligus (mis. rujukan); lihat field service --help.",
                                     "Open a service case from this visit in the same step (e.g. rujukan); see field service --help."),
                                   valueName: "SERVICE"))
        var refer: ServiceKind?
        @Flag(name: .customLong("needs-met"), help: ArgumentHelp(L("Kebutuhan dasar orang/rumah tangga ini terpenuhi (dihitung indikator SPM).",
                                                                   "This person's or household's basic needs were met (counted by the SPM indicators).")))
        var needsMet = false

        func run() throws {
            try global.withReplica { replica, console in
                let interactive = Terminal.isInteractive && !global.json
                let householdID = try household.map { try replica.resolveID($0, type: .household) }
                let personID = try person.map { try replica.resolveID($0, type: .person) }
                let kelurahan = try Parse.kelurahan(ofPerson: personID, household: householdID, replica: replica)
                var visit = HomeVisit(
                    date: try Parse.date(date, flag: "date") ?? CivilDate(Date()), agentID: replica.agent.id,
                    householdID: householdID, personID: personID,
                    purpose: purpose ?? (interactive ? Terminal.ask(L("Tujuan kunjungan", "Purpose")) ?? "" : ""),
                    findings: findings ?? (interactive ? Terminal.ask(L("Temuan", "Findings")) ?? "" : ""),
                    needs: Set(need), referral: referral, referralStatus: referralStatus,
                    followUpDate: try Parse.date(followUp, flag: "follow-up"),
                    kelurahanID: kelurahan)
                visit.location = try place.resolve()
                visit.needsMet = needsMet
                guard let refer else {
                    try console.reportSaved(try replica.save([visit]), id: visit.id, what: RecordType.visit.name, created: true)
                    return
                }
                // The visit and the case it opens are saved together, or neither.
                let service = ServiceCase(service: refer, personID: personID, householdID: householdID, requestedBy: L("Kunjungan rumah", "Home visit"),
                                          receivedBy: replica.agent.id, visitID: visit.id, kelurahanID: kelurahan)
                let result = try replica.save([visit, service])
                try console.reportSaved(result, id: visit.id, what: RecordType.visit.name, created: true)
                console.line(L("Kasus \(refer.name.id) dibuka: \(service.id) (lengkapi persyaratan: field service check \(service.id) --have …)",
                               "\(refer.name.en) case opened: \(service.id) (tick its requirements: field service check \(service.id) --have …)"))
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Daftar kunjungan, terbaru dulu.", "List visits, newest first."),
                                 discussion: L("Contoh: field visit list --household H-7KQ2", "Example: field visit list --household H-7KQ2"))
        }

        @OptionGroup var global: GlobalOptions
        @Option var household: String?
        @Option(help: ArgumentHelp(L("Hanya yang tindak lanjutnya sampai tanggal ini.", "Only those with a follow-up due by this date.")))
        var due: String?

        func run() throws {
            try global.withReplica { replica, console in
                let householdID = try household.map { try replica.resolveID($0, type: .household) }
                let dueBy = try Parse.date(due, flag: "due")
                let visits = try replica.records(HomeVisit.self).map(\.record)
                    .filter { householdID == nil || $0.householdID == householdID }
                    .filter { visit in dueBy.map { limit in visit.followUpDate.map { $0 <= limit } ?? false } ?? true }
                    .sorted { ($0.date?.description ?? "", $0.id) > ($1.date?.description ?? "", $1.id) }
                let rows = visits.map(VisitRow.init)
                for row in rows { console.line(row.line) }
                console.say("\(rows.count) kunjungan.", "\(rows.count) visits.")
                try console.emit(rows)
            }
        }
    }
}
