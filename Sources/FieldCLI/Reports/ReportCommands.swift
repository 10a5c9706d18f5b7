import ArgumentParser
import FieldModels
import Foundation
import LocalStore

struct ReportCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "report",
            abstract: L("Laporan kerja dan rencana kerja bulanan (Perwal 86/2020 Pasal 20–26).",
                        "The monthly work report and plan (Perwal 86/2020 Pasal 20–26)."),
            discussion: L("""
                Laporan disusun dari data di laptop ini, disahkan Lurah (PSM) atau Camat (TKSK), diajukan, \
                digabung TKSK per kecamatan, lalu disetujui atau dikembalikan Dinas. Perbaikan diterima sampai \
                tanggal 15 bulan berikutnya (WIB); sesudah itu laporan terlambat dan honor tidak dibayarkan.
                  field report draft --month 2026-11 --plan "Pendataan RW 05" --evaluation "Target tercapai"
                  field report sign --month 2026-11 --name "Drs. Mulyono" --nip 196805121990031004
                  field report submit --month 2026-11
                  field report combine --month 2026-11          (TKSK)
                  field report approve R-202611SITI              (Dinas)
                  field report return R-202611SITI --reason "Jumlah kunjungan tidak sesuai buku catatan"
                  field report show --month 2026-11 --pdf laporan-2026-11.pdf
                  field report list --month 2026-11
                """, """
                A report is drafted from the records on this laptop, signed by the Lurah (PSM) or the Camat \
                (TKSK), submitted, combined per kecamatan by the TKSK, then approved or returned by the Dinas. \
                Corrections are accepted until the 15th of the following month (Jakarta time); after that the \
                report is late and the honorarium is not paid.
                  field report draft --month 2026-11 --plan "Survey RW 05" --evaluation "Target met"
                  field report sign --month 2026-11 --name "Drs. Mulyono" --nip 196805121990031004
                  field report submit --month 2026-11
                  field report combine --month 2026-11          (TKSK)
                  field report approve R-202611SITI              (Dinas)
                  field report return R-202611SITI --reason "Visit count does not match the notebook"
                  field report show --month 2026-11 --pdf report-2026-11.pdf
                  field report list --month 2026-11
                """),
            subcommands: [Draft.self, Sign.self, Submit.self, Combine.self, Approve.self, Return.self, Show.self, List.self])
    }

    struct Draft: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Susun (atau perbarui) laporan bulan itu dari data; tulis rencana dan evaluasinya.",
                                             "Draft (or update) the month's report from the records; write its plan and evaluation."),
                                 discussion: L("""
                                    Bagian (a) dihitung dari data: kunjungan rumah, entri PMKS/PSKS baru menurut kategori, \
                                    rujukan dan statusnya, tindak lanjut selesai dan terlambat. Menjalankannya lagi menghitung \
                                    ulang dan mengubah laporan yang sama (satu laporan per petugas per bulan).
                                    """, """
                                    Part (a) is counted from the records: home visits, new PMKS/PSKS entries by category, \
                                    referrals and their status, follow-ups done and overdue. Running it again counts again and \
                                    edits the same report (one report per agent and month).
                                    """))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var month: MonthOption
        @Option(help: ArgumentHelp(L("Uraian kerja bulan itu, melengkapi hitungan (bagian a).", "An account of the month's work beside the counts (part a)."),
                                   valueName: "TEXT"))
        var activities: String?
        @Option(help: ArgumentHelp(L("Rencana kerja bulan berikutnya (bagian b).", "Next month's plan (part b)."), valueName: "TEXT"))
        var plan: String?
        @Option(help: ArgumentHelp(L("Evaluasi (bagian c).", "The evaluation (part c)."), valueName: "TEXT"))
        var evaluation: String?

        func run() throws {
            try global.withReplica { replica, console in
                let period = try month.period(notAfter: CivilDate.jakartaDay())
                let actor = Reports.actor(replica)
                try Reports.check { () throws(ReportRefusal) in try ReportWorkflow.checkAuthor(actor) }
                let existing = try Reports.own(replica, period: period)
                if let existing { try Reports.check { () throws(ReportRefusal) in try ReportWorkflow.checkEditable(existing) } }
                var report = existing ?? MonthlyReport(agentID: actor.agentID, period: period.description, kelurahanID: replica.agent.areaID)
                report.agentName = replica.agent.name
                report.figures = try replica.reportFigures(agent: actor.agentID, period: period, area: report.kelurahanID,
                                                           today: CivilDate.jakartaDay())
                if let activities { report.lastMonth = activities.trimmingWhitespace() }
                if let plan { report.nextMonthPlan = plan.trimmingWhitespace() }
                if let evaluation { report.evaluation = evaluation.trimmingWhitespace() }
                let result = try replica.save([report])
                try Reports.finish(result, report: report, created: existing == nil, replica: replica, console: console)
            }
        }
    }

    struct Sign: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Catat pengesahan Lurah (laporan PSM) atau Camat (laporan TKSK).",
                                             "Record the Lurah's (PSM report) or Camat's (TKSK report) signature."),
                                 discussion: L("Dicatat di laptop penyusun, sesudah pejabat menandatangani laporan cetaknya.",
                                               "Recorded on the author's laptop, after the official signed the printed report."))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var month: MonthOption
        @Option(help: ArgumentHelp(L("Nama pejabat yang mengesahkan.", "The signing official's name."), valueName: "NAME"))
        var name: String
        @Option(help: ArgumentHelp(L("NIP pejabat.", "The official's NIP."), valueName: "NIP"))
        var nip: String?
        @Option(help: ArgumentHelp(L("Jabatan, bila NIP tidak dicatat (mis. \"Lurah Srondol Kulon\").",
                                     "The position, when no NIP is recorded (e.g. \"Lurah Srondol Kulon\")."), valueName: "TEXT"))
        var position: String?
        @Option(help: ArgumentHelp(L("Tanggal pengesahan (bawaan: hari ini, WIB).", "Signing date (default: today, Jakarta time)."),
                                   valueName: "YYYY-MM-DD"))
        var date: String?

        func run() throws {
            try global.withReplica { replica, console in
                let period = try month.period(notAfter: CivilDate.jakartaDay())
                if let nip, !nip.isEmpty, !nip.allSatisfy({ $0.isASCII && $0.isNumber }) || nip.count != 18 {
                    throw CLIError("--nip '\(nip)' bukan NIP: 18 angka, mis. 196805121990031004. Tanpa NIP, tulis --position.",
                                   "--nip '\(nip)' is not a NIP: 18 digits, e.g. 196805121990031004. Without one, write --position.", field: "nip")
                }
                let report = try Reports.requireOwn(replica, period: period)
                let day = try Parse.date(date, flag: "date") ?? CivilDate.jakartaDay()
                let signed = try Reports.check { () throws(ReportRefusal) in
                    try ReportWorkflow.sign(report, by: Reports.actor(replica), name: name, nipOrPosition: nip ?? position ?? "", on: day)
                }
                let result = try replica.save([signed])
                try Reports.finish(result, report: signed, created: false, replica: replica, console: console)
            }
        }
    }

    struct Submit: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Ajukan laporan (atau ajukan ulang sesudah diperbaiki); terkirim pada field sync berikutnya.",
                                             "Submit the report (or resubmit it after a correction); it travels with the next field sync."))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var month: MonthOption

        func run() throws {
            try global.withReplica { replica, console in
                let today = CivilDate.jakartaDay()
                let period = try month.period(notAfter: today)
                let report = try Reports.requireOwn(replica, period: period)
                let submitted = try Reports.check { () throws(ReportRefusal) in
                    try ReportWorkflow.submit(report, by: Reports.actor(replica), today: today)
                }
                let result = try replica.save([submitted])
                try Reports.finish(result, report: submitted, created: false, replica: replica, console: console)
            }
        }
    }

    struct Combine: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("TKSK: gabungkan laporan PSM yang sudah disahkan Lurah ke laporan kecamatan, dengan totalnya.",
                                             "TKSK: combine the PSM reports signed by their Lurah into the kecamatan report, with its totals."),
                                 discussion: L("""
                                    Laporan TKSK sendiri dihitung ulang dari data. Kelurahan yang laporan PSM-nya belum masuk, \
                                    belum disahkan atau dikembalikan Dinas disebut satu per satu. Jalankan lagi sesudah laporan \
                                    yang kurang tiba (field sync atau field bundle import).
                                    """, """
                                    The TKSK's own report is counted again from the records. Every kelurahan whose PSM report has \
                                    not arrived, is not signed, or was returned by the Dinas is named. Run it again once the \
                                    missing reports arrive (field sync or field bundle import).
                                    """))
        }
        @OptionGroup var global: GlobalOptions
        @OptionGroup var month: MonthOption

        func run() throws {
            try global.withReplica { replica, console in
                let today = CivilDate.jakartaDay()
                let period = try month.period(notAfter: today)
                guard replica.agent.role == .tksk else {
                    throw CLIError("Hanya TKSK yang menggabungkan laporan PSM kecamatannya; Anda \(replica.agent.role.name.id).",
                                   "Only a TKSK combines the PSM reports of its kecamatan; you are a \(replica.agent.role.name.en).",
                                   code: Exit.refused)
                }
                let kecamatan = replica.agent.areaID
                let existing = try Reports.own(replica, period: period)
                if let existing { try Reports.check { () throws(ReportRefusal) in try ReportWorkflow.checkEditable(existing) } }
                var own = existing ?? MonthlyReport(agentID: replica.agent.id, period: period.description, kelurahanID: kecamatan)
                own.agentName = replica.agent.name
                own.figures = try replica.reportFigures(agent: own.agentID, period: period, area: kecamatan, today: today)
                let kelurahan = try replica.regions(under: kecamatan).filter { $0.level == .kelurahan }.map(\.id)
                let combined = ReportCombination(own: own, held: try replica.reports(for: period, area: kecamatan), kelurahan: kelurahan)
                let result = try replica.save([combined.report])
                try Reports.finish(result, report: combined.report, created: existing == nil, replica: replica, console: console)
            }
        }
    }
}

/// `--month YYYY-MM`, as every report command takes it.
struct MonthOption: ParsableArguments {
    @Option(help: ArgumentHelp(L("Bulan laporan.", "The report's month."), valueName: "YYYY-MM"))
    var month: String

    /// The month, refused when it is not `YYYY-MM` or has not begun by `today`.
    func period(notAfter today: CivilDate) throws -> ReportPeriod {
        guard let period = ReportPeriod(month.trimmingWhitespace()) else {
            throw CLIError("--month '\(month)' harus YYYY-MM, mis. 2026-11.", "--month '\(month)' must be YYYY-MM, e.g. 2026-11.", field: "month")
        }
        guard period.first <= today else {
            throw CLIError("Bulan \(period) belum dimulai (hari ini \(today), WIB).", "The month \(period) has not begun (today is \(today), Jakarta time).",
                           field: "month")
        }
        return period
    }
}
