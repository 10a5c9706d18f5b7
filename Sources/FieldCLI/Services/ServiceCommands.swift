import ArgumentParser
import FieldModels
import Foundation
import LocalStore

extension ServiceKind: ExpressibleByArgument {}
extension ServiceStatus: ExpressibleByArgument {}

struct ServiceCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        let services = ServiceKind.allCases.map { "  \($0.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0.time.text.text.padding(toLength: 22, withPad: " ", startingAt: 0)) \($0.name.text)" }
            .joined(separator: "\n")
        return CommandConfiguration(
            commandName: "service",
            abstract: L("Kasus layanan Dinas (standar pelayanan Kepdin 800/661/2023) dengan jam tenggatnya.",
                        "Dinas service cases (service standard Kepdin 800/661/2023) with their deadlines."),
            discussion: L("""
                Jam layanan berjalan sejak berkas lengkap, dalam hari kerja (tanpa Sabtu, Minggu, libur nasional,
                cuti bersama dan libur daerah) atau menit jam layanan.
                  field service open rujukan --person P-4M2X --requested-by "Anak" --have ktp --have kk
                  field service check L-7KQ2 --have kontak --have bpjs
                  field service move L-7KQ2 --to asesmen
                  field service close L-7KQ2 --outcome "Diterima RSUD K.R.M.T. Wongsonegoro"
                  field service list --overdue
                  field service list --due-within 1d
                  field service open kube --family H-1 --family H-2 … (10 KK, anggota 20–55 tahun; RST: 3–15 KK)
                Layanan:
                \(services)
                """, """
                The clock runs from the moment the file is complete, in working days (no Saturdays, Sundays,
                national holidays, cuti bersama or regional holidays) or minutes of service hours.
                  field service open rujukan --person P-4M2X --requested-by "Son" --have ktp --have kk
                  field service check L-7KQ2 --have kontak --have bpjs
                  field service move L-7KQ2 --to asesmen
                  field service close L-7KQ2 --outcome "Admitted to RSUD K.R.M.T. Wongsonegoro"
                  field service list --overdue
                  field service list --due-within 1d
                  field service open kube --family H-1 --family H-2 … (10 families, members aged 20–55; RST: 3–15)
                Services:
                \(services)
                """),
            subcommands: [Open.self, Check.self, Move.self, Close.self, Show.self, List.self])
    }

    struct Open: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Buka kasus layanan untuk seseorang atau satu rumah tangga.", "Open a service case for a person or a household."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("Layanan.", "The service."))) var service: ServiceKind
        @Option var person: String?
        @Option var household: String?
        @Option(name: .customLong("requested-by"), help: ArgumentHelp(L("Siapa yang meminta.", "Who asked for it."), valueName: "TEXT"))
        var requestedBy: String = ""
        @Option(help: ArgumentHelp(L("Persyaratan yang sudah ada; boleh diulang.", "A requirement already there; may be repeated."), valueName: "CODE"))
        var have: [String] = []
        @Option(help: ArgumentHelp(L("Kunjungan rumah asalnya.", "The home visit it comes from."), valueName: "V-…")) var visit: String?
        @Option(help: ArgumentHelp(L("Catatan (dienkripsi).", "Notes (encrypted)."), valueName: "TEXT")) var notes: String?
        @Option(help: ArgumentHelp(L("KUBE/RST: rumah tangga anggota kelompok; boleh diulang.", "KUBE/RST: a household of the group; may be repeated."),
                                   valueName: "H-…"))
        var family: [String] = []

        func run() throws {
            try global.withReplica { replica, console in
                let personID = try person.map { try replica.resolveID($0, type: .person) }
                let householdID = try household.map { try replica.resolveID($0, type: .household) }
                let families = try family.map { try replica.resolveID($0, type: .household) }
                var service = ServiceCase(service: self.service, personID: personID, householdID: householdID, requestedBy: requestedBy,
                                          receivedBy: replica.agent.id, visitID: try visit.map { try replica.resolveID($0, type: .visit) },
                                          kelurahanID: try Parse.kelurahan(ofPerson: personID, household: householdID ?? families.first, replica: replica))
                service.notes = notes ?? ""
                service.families = Set(families)
                Services.tick(&service, have, now: LocalMoment.jakarta())
                try Services.save(service, created: true, replica: replica, console: console)
            }
        }
    }

    struct Check: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Centang persyaratan yang sudah ada; saat lengkap, jam layanan mulai berjalan.",
                                             "Tick the requirements brought; once complete, the service clock starts."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID kasus (cukup awalnya).", "Case id (its start is enough)."))) var id: String
        @Option(help: ArgumentHelp(L("Persyaratan yang ada; boleh diulang.", "A requirement brought; may be repeated."), valueName: "CODE"))
        var have: [String] = []
        @Option(help: ArgumentHelp(L("Kapan berkas lengkap (bawaan: sekarang, WIB).", "When the file became complete (default: now, Jakarta time)."),
                                   valueName: "YYYY-MM-DD HH:MM"))
        var at: String?
        @Option(help: ArgumentHelp(L("KUBE/RST: tambah rumah tangga ke kelompok; boleh diulang.", "KUBE/RST: add a household to the group; may be repeated."),
                                   valueName: "H-…"))
        var family: [String] = []

        func run() throws {
            try global.withReplica { replica, console in
                var service = try Services.load(id, replica: replica)
                let moment = try at.map { text in
                    guard let moment = LocalMoment(text) else {
                        throw CLIError("--at '\(text)' harus YYYY-MM-DD HH:MM, mis. 2026-12-01 10:15.", "--at '\(text)' must be YYYY-MM-DD HH:MM, e.g. 2026-12-01 10:15.", field: "at")
                    }
                    return moment
                } ?? LocalMoment.jakarta()
                service.families.formUnion(try family.map { try replica.resolveID($0, type: .household) })
                Services.tick(&service, have, now: moment)
                try Services.save(service, created: false, replica: replica, console: console)
            }
        }
    }

    struct Move: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Pindahkan status: lengkap → asesmen → disposisi → tindak-lanjut → selesai, atau ditolak.",
                                             "Move the status: lengkap → asesmen → disposisi → tindak-lanjut → selesai, or ditolak."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID kasus.", "Case id."))) var id: String
        @Option(help: ArgumentHelp(L("Status baru.", "The new status."))) var to: ServiceStatus
        @Option(help: ArgumentHelp(L("Alasan (wajib untuk ditolak dan untuk membuka kembali).", "Reason (needed to refuse and to reopen)."), valueName: "TEXT"))
        var reason: String?
        @Flag(help: ArgumentHelp(L("Buka kembali kasus yang sudah ditutup (ke diterima), dengan --reason.", "Reopen a closed case (to diterima), with --reason.")))
        var reopen = false

        func run() throws {
            try global.withReplica { replica, console in
                var service = try Services.load(id, replica: replica)
                try Services.move(&service, to: to, reason: reason, reopen: reopen)
                try Services.save(service, created: false, replica: replica, console: console)
            }
        }
    }

    struct Close: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Selesaikan kasus dengan hasilnya.", "Close a case with its outcome."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID kasus.", "Case id."))) var id: String
        @Option(help: ArgumentHelp(L("Hasil: rumah sakit atau panti rujukan, nomor surat, bantuan yang diberikan.",
                                     "Outcome: the hospital or panti, the letter number, the help given."), valueName: "TEXT"))
        var outcome: String

        func run() throws {
            try global.withReplica { replica, console in
                var service = try Services.load(id, replica: replica)
                service.outcome = outcome.trimmingWhitespace()
                try Services.move(&service, to: .selesai, reason: nil, reopen: false)
                try Services.save(service, created: false, replica: replica, console: console)
            }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan kasus: persyaratan, status, batas waktu, sisa atau terlambat.",
                                             "Show a case: requirements, status, due time, time left or late."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID kasus.", "Case id."))) var id: String

        func run() throws {
            try global.withReplica { replica, console in
                let stored = try replica.existing(ServiceCase.self, id: try replica.resolveID(id, type: .service))
                let view = ServiceView(stored, calendar: try Services.calendar(replica), now: LocalMoment.jakarta())
                view.print(to: console)
                try console.emit(view)
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Kasus di wilayah Anda, yang paling mendesak dulu.", "The cases in your area, most urgent first."))
        }
        @OptionGroup var global: GlobalOptions
        @Flag(help: ArgumentHelp(L("Hanya yang terlambat.", "Only the late ones."))) var overdue = false
        @Option(name: .customLong("due-within"), help: ArgumentHelp(L("Hanya yang jatuh tempo dalam waktu ini: 30m, 3h, 1d.",
                                                                      "Only those due within this time: 30m, 3h, 1d."), valueName: "TIME"))
        var dueWithin: String?
        @Flag(help: ArgumentHelp(L("Sertakan yang sudah ditutup.", "Include closed ones."))) var all = false

        func run() throws {
            try global.withReplica { replica, console in
                let within = try dueWithin.map(Services.minutes)
                let calendar = try Services.calendar(replica), now = LocalMoment.jakarta()
                let views = try replica.records(ServiceCase.self).filter { !$0.deleted }
                    .map { ServiceView($0, calendar: calendar, now: now) }
                    .filter { all || $0.status != ServiceStatus.selesai.rawValue && $0.status != ServiceStatus.ditolak.rawValue }
                    .filter { !overdue || $0.late }
                    .filter { view in within.map { limit in view.minutesLeft.map { $0 <= limit } ?? false } ?? true }
                    .sorted { ($0.minutesLeft ?? .max, $0.id) < ($1.minutesLeft ?? .max, $1.id) }
                for view in views { console.line(view.line) }
                console.say("\(views.count) kasus.", "\(views.count) cases.")
                try console.emit(views)
            }
        }
    }
}
