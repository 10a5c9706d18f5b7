import ArgumentParser
import FieldModels
import Foundation
import LocalStore

extension ReportCommand {
    struct Approve: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Dinas: setujui laporan yang diajukan.", "Dinas: approve a submitted report."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID laporan, mis. R-202611SITI (cukup awalnya).", "Report id, e.g. R-202611SITI (its start is enough).")))
        var report: String
        @Option(help: ArgumentHelp(L("Catatan untuk petugas.", "A note for the agent."), valueName: "TEXT"))
        var note: String?

        func run() throws {
            try global.withReplica { replica, console in try Reports.decide(report, approve: true, reason: note ?? "", replica: replica, console: console) }
        }
    }

    struct Return: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Dinas: kembalikan laporan dengan alasan; petugas memperbaikinya sampai tanggal 15 bulan berikutnya.",
                                             "Dinas: return a report with a reason; the agent may correct it until the 15th of the following month."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID laporan, mis. R-202611SITI (cukup awalnya).", "Report id, e.g. R-202611SITI (its start is enough).")))
        var report: String
        @Option(help: ArgumentHelp(L("Apa yang harus diperbaiki.", "What must be corrected."), valueName: "TEXT"))
        var reason: String

        func run() throws {
            try global.withReplica { replica, console in try Reports.decide(report, approve: false, reason: reason, replica: replica, console: console) }
        }
    }

    struct Show: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan laporan; --html atau --pdf menulis versi cetak dengan kolom tanda tangan.",
                                             "Show a report; --html or --pdf writes a printable version with the signature blocks."),
                                 discussion: L("PDF dibuat dengan weasyprint (scripts/install-deps memasangnya).",
                                               "The PDF is made with weasyprint (scripts/install-deps installs it)."))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID laporan (bawaan: laporan Anda bulan --month).", "Report id (default: your own report of --month).")))
        var report: String?
        @Option(help: ArgumentHelp(L("Bulan laporan Anda sendiri.", "The month of your own report."), valueName: "YYYY-MM"))
        var month: String?
        @Option(help: ArgumentHelp(L("Tulis versi cetak HTML ke berkas ini.", "Write the printable HTML to this file."), valueName: "FILE"))
        var html: String?
        @Option(help: ArgumentHelp(L("Tulis PDF ke berkas ini.", "Write a PDF to this file."), valueName: "FILE"))
        var pdf: String?

        func run() throws {
            try global.withReplica { replica, console in
                let stored = try Reports.find(report, month: month, replica: replica)
                let view = try ReportView(stored.record, replica: replica, today: CivilDate.jakartaDay(), conflicts: stored.conflicts)
                if let html { try ReportPrint.write(ReportPrint.html(view), to: html) }
                if let pdf { try ReportPrint.pdf(view, to: pdf) }
                if html == nil && pdf == nil { view.print(to: console) }
                if let html { console.say("HTML ditulis: \(html)", "HTML written: \(html)") }
                if let pdf { console.say("PDF ditulis: \(pdf)", "PDF written: \(pdf)") }
                try console.emit(view)
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Daftar laporan di wilayah Anda: status, batas waktu, terlambat atau tidak.",
                                             "The reports in your area: status, deadline, late or not."))
        }
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("Hanya bulan ini.", "Only this month."), valueName: "YYYY-MM"))
        var month: String?
        @Flag(help: ArgumentHelp(L("Hanya yang terlambat.", "Only the late ones."))) var late = false

        func run() throws {
            try global.withReplica { replica, console in
                let today = CivilDate.jakartaDay()
                let period = try month.map { try MonthOption(month: $0).period(notAfter: today) }
                let held = try replica.records(MonthlyReport.self).filter { !$0.deleted && (period == nil || $0.record.period == period!.description) }
                // A row needs no attached PSM reports nor missing kelurahan: `nested` skips reading them.
                let rows = try held.map { try ReportView($0.record, replica: replica, today: today, nested: true).row }
                    .filter { !late || $0.late }.sorted { ($0.period, $0.area, $0.id) < ($1.period, $1.area, $1.id) }
                for row in rows {
                    let mark = row.late ? L("  TERLAMBAT", "  LATE") : ""
                    console.line("\(row.id)  \(row.period)  \(row.areaName)  \(row.agentName)  \(row.statusName)  \(L("batas", "deadline")) \(row.deadline)\(mark)")
                }
                console.say("\(rows.count) laporan.", "\(rows.count) reports.")
                try console.emit(rows)
            }
        }
    }
}

extension MonthOption {
    init(month: String) {
        self.init()
        self.month = month
    }
}

/// What the report commands share.
enum Reports {
    static func actor(_ replica: LocalReplica) -> ReportActor {
        ReportActor(agentID: replica.agent.id, name: replica.agent.name, role: replica.agent.role)
    }

    /// Runs a workflow step, turning its refusal into the CLI's "refused by the rules".
    static func check<T>(_ body: () throws(ReportRefusal) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CLIError(error.text.id, error.text.en, field: error.code, code: Exit.refused)
        }
    }

    /// The agent's own report of `period`, if drafted; refused while its status is in conflict.
    static func own(_ replica: LocalReplica, period: ReportPeriod) throws -> MonthlyReport? {
        guard let id = MonthlyReport.id(agent: replica.agent.id, period: period.description) else {
            throw CLIError("Id petugas \(replica.agent.id) terlalu panjang untuk id laporan; minta Dinas memberi id petugas yang lebih pendek.",
                           "Agent id \(replica.agent.id) is too long for a report id; ask the Dinas for a shorter agent id.", code: Exit.refused)
        }
        guard let stored = try replica.record(MonthlyReport.self, id: id), !stored.deleted else { return nil }
        try checkSettled(stored)
        return stored.record
    }

    static func requireOwn(_ replica: LocalReplica, period: ReportPeriod) throws -> MonthlyReport {
        guard let report = try own(replica, period: period) else {
            throw CLIError("Belum ada laporan bulan \(period). Susun dulu: field report draft --month \(period)",
                           "No report for \(period) yet. Draft it first: field report draft --month \(period)", code: Exit.notFound)
        }
        return report
    }

    /// Refuses to move a report whose status two laptops set differently, until a person settles it.
    static func checkSettled(_ stored: StoredRecord<MonthlyReport>) throws {
        guard let conflict = stored.conflicts.first(where: { $0.field == "status" || ReportRights.decisionFields.contains($0.field) }) else { return }
        let values = conflict.values.compactMap { $0.value.text }.joined(separator: " / ")
        throw CLIError("Laporan \(stored.record.id) punya dua keputusan berbeda (\(conflict.field): \(values)). Selesaikan dulu: field conflicts show \(stored.record.id)",
                       "Report \(stored.record.id) has two different decisions (\(conflict.field): \(values)). Settle it first: field conflicts show \(stored.record.id)",
                       code: Exit.refused)
    }

    /// A report named by id (or its start), or the agent's own of `month`.
    static func find(_ id: String?, month: String?, replica: LocalReplica) throws -> StoredRecord<MonthlyReport> {
        if let id { return try replica.existing(MonthlyReport.self, id: try replica.resolveID(id, type: .report)) }
        guard let month else {
            throw CLIError("Sebutkan laporannya: ID laporan, atau --month YYYY-MM untuk laporan Anda sendiri.",
                           "Name the report: its id, or --month YYYY-MM for your own.", field: "month")
        }
        let period = try MonthOption(month: month).period(notAfter: CivilDate.jakartaDay())
        let own = try requireOwn(replica, period: period)
        return try replica.existing(MonthlyReport.self, id: own.id)
    }

    static func decide(_ id: String, approve: Bool, reason: String, replica: LocalReplica, console: Console) throws {
        let stored = try find(id, month: nil, replica: replica)
        try checkSettled(stored)
        let today = CivilDate.jakartaDay()
        let decided = try check { () throws(ReportRefusal) in
            try ReportWorkflow.decide(stored.record, approve: approve, reason: reason, by: actor(replica), today: today)
        }
        let result = try replica.save([decided])
        try finish(result, report: decided, created: false, replica: replica, console: console)
    }

    /// After a step: the report's state in short, what it still lacks, and its deadline.
    static func finish(_ result: SaveResult, report: MonthlyReport, created: Bool, replica: LocalReplica, console: Console) throws {
        let stored = try replica.existing(MonthlyReport.self, id: report.id)
        let view = try ReportView(stored.record, replica: replica, today: CivilDate.jakartaDay(), conflicts: stored.conflicts)
        console.line(created ? L("Laporan tersimpan: \(report.id)", "Report saved: \(report.id)")
                     : result.changes.isEmpty ? L("Tidak ada yang berubah pada \(report.id).", "Nothing changed on \(report.id).")
                     : L("Laporan \(report.id) diperbarui.", "Report \(report.id) updated."))
        view.printSummary(to: console)
        try console.emit(view)
    }
}
