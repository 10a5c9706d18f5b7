import FieldModels
import Foundation
import LocalStore

/// A monthly report as people read it (and scripts, as JSON): every part, the signatures, the
/// Dinas's decision, the deadline and whether it is late, and for a TKSK's report the PSM
/// reports it carries and the kelurahan still missing.
struct ReportView: Encodable {
    struct Figure: Encodable { var key: String; var label: String; var count: Int }
    struct Section: Encodable { var title: String; var figures: [Figure] }
    struct Missing: Encodable { var kelurahan: String; var name: String; var reasons: [String] }
    struct Row: Encodable {
        var id, agent, agentName, period, area, areaName, status, statusName, deadline: String
        var submittedOn: String?
        var late: Bool
    }

    var id, agent, agentName, period, periodName, area, areaName, kind: String
    var status, statusName: String
    var submittedOn: String?
    var deadline, deadlineName: String
    var late: Bool
    var sections: [Section]
    var lastMonth, nextMonthPlan, evaluation: String
    var nextPeriodName: String
    var signer: String
    var approvedBy, approverID: String
    var approvedOn: String?
    var decisionReason, decidedBy: String
    var decidedOn: String?
    var missingParts: [String]
    /// TKSK only: the kecamatan totals, the included PSM reports, the kelurahan missing.
    var totals: [Section]
    var included: [ReportView]
    var missing: [Missing]
    /// Fields two laptops wrote differently, to be settled with `field conflicts`.
    var conflicts: [String]

    init(_ report: MonthlyReport, replica: LocalReplica, today: CivilDate, conflicts: [FieldConflict] = [], nested: Bool = false) throws {
        let period = ReportPeriod(report.period) ?? ReportPeriod(containing: today)
        id = report.id
        agent = report.agentID
        agentName = report.agentName.isEmpty ? report.agentID : report.agentName
        self.period = report.period
        periodName = period.name.text
        nextPeriodName = period.next.name.text
        area = report.kelurahanID
        areaName = try replica.region(id: report.kelurahanID)?.name ?? report.kelurahanID
        kind = report.isKecamatanReport ? "tksk" : "psm"
        status = report.status.rawValue
        statusName = report.status.name.text
        submittedOn = report.submittedOn?.description
        deadline = period.deadline.description
        deadlineName = period.deadline.longName.text
        late = ReportWorkflow.isLate(report, today: today)
        sections = Self.sections(report.figures)
        lastMonth = report.lastMonth
        nextMonthPlan = report.nextMonthPlan
        evaluation = report.evaluation
        signer = ReportWorkflow.signer(of: report).text
        approvedBy = report.approvedBy
        approverID = report.approverID
        approvedOn = report.approvedOn?.description
        decisionReason = report.decisionReason
        decidedBy = report.decidedBy
        decidedOn = report.decidedOn?.description
        missingParts = ReportWorkflow.missingParts(report).map(\.text.text)
        totals = report.isKecamatanReport ? Self.sections(report.totals) : []
        included = nested ? [] : try report.included.sorted().compactMap { id in
            guard let psm = try replica.record(MonthlyReport.self, id: id), !psm.deleted else { return nil }
            return try ReportView(psm.record, replica: replica, today: today, nested: true)
        }
        var missing: [Missing] = []
        if report.isKecamatanReport && !nested {
            // Why each kelurahan is missing, as this laptop sees it now.
            let held = try replica.reports(for: period, area: report.kelurahanID)
            let kelurahan = report.missing.sorted()
            let now = ReportCombination(own: report, held: held, kelurahan: kelurahan)
            for id in kelurahan {
                missing.append(Missing(kelurahan: id, name: try replica.region(id: id)?.name ?? id,
                                       reasons: (now.missing[id] ?? [.notArrived]).map(\.text.text)))
            }
        }
        self.missing = missing
        self.conflicts = conflicts.map(\.field)
    }

    static func sections(_ tally: ReportTally) -> [Section] {
        ReportFigure.sections.compactMap { section in
            let figures = tally.counts.filter { ReportFigure.section(of: $0.key) == section.prefix }.sorted { $0.key < $1.key }
                .map { Figure(key: $0.key, label: ReportFigure.label($0.key).text, count: $0.value) }
            return figures.isEmpty ? nil : Section(title: section.title.text, figures: figures)
        }
    }

    var row: Row {
        Row(id: id, agent: agent, agentName: agentName, period: period, area: area, areaName: areaName, status: status,
            statusName: statusName, deadline: deadline, submittedOn: submittedOn, late: late)
    }

    var title: String {
        kind == "tksk" ? L("TKSK Kecamatan \(areaName)", "TKSK of Kecamatan \(areaName)") : L("PSM Kelurahan \(areaName)", "PSM of Kelurahan \(areaName)")
    }

    /// The state line: status, submission, deadline, late.
    var stateLine: String {
        var out = L("Status: ", "Status: ") + statusName
        if let submittedOn { out += L(" · tgl. pengajuan \(submittedOn)", " · submitted on \(submittedOn)") }
        out += L(" · batas perbaikan \(deadlineName) (WIB)", " · corrections until \(deadlineName) (Jakarta time)")
        if late { out += L(" · TERLAMBAT: honor bulan ini tidak dibayarkan (Pasal 26(4))", " · LATE: this month's honorarium is not paid (Pasal 26(4))") }
        return out
    }

    var decisionLine: String? {
        guard let decidedOn else { return nil }
        let what = status == ReportStatus.returned.rawValue || (status == ReportStatus.resubmitted.rawValue)
            ? L("dikembalikan", "returned") : L("disetujui", "approved")
        let reason = decisionReason.isEmpty ? "" : ": \(decisionReason)"
        return L("Keputusan Dinas: \(what) oleh \(decidedBy), \(decidedOn)\(reason)", "Dinas decision: \(what) by \(decidedBy), \(decidedOn)\(reason)")
    }

    var signatureLine: String {
        approvedBy.isEmpty ? L("Belum disahkan \(signer).", "Not signed by the \(signer) yet.")
            : L("Disahkan \(signer): \(approvedBy) (\(approverID)), \(approvedOn ?? "")", "Signed by the \(signer): \(approvedBy) (\(approverID)), \(approvedOn ?? "")")
    }

    func printSummary(to console: Console) {
        console.line("  \(id) · \(title) · \(periodName)")
        console.line("  " + stateLine)
        console.line("  " + signatureLine)
        if let decisionLine { console.line("  " + decisionLine) }
        let counted = sections.reduce(0) { $0 + $1.figures.count }
        console.line(L("  Bagian (a): \(counted) hitungan dari data", "  Part (a): \(counted) counts from the records"))
        for part in missingParts { console.line(L("  Belum lengkap: ", "  Incomplete: ") + part) }
        if kind == "tksk" {
            console.line(L("  Laporan PSM digabung: \(included.count)", "  PSM reports combined: \(included.count)"))
            for gap in missing { console.line(L("  Kurang: ", "  Missing: ") + "\(gap.name) — \(gap.reasons.joined(separator: "; "))") }
        }
        for field in conflicts { console.line(L("  Konflik pada \(field): field conflicts show \(id)", "  Conflict on \(field): field conflicts show \(id)")) }
    }

    func print(to console: Console) {
        console.line(L("LAPORAN KERJA DAN RENCANA KERJA BULANAN", "MONTHLY WORK REPORT AND PLAN"))
        console.line("\(title) — \(periodName)")
        console.line(L("Petugas: \(agentName) (\(agent))", "Agent: \(agentName) (\(agent))") + " · \(id)")
        console.line(stateLine)
        console.line()
        console.line(L("a. Laporan kerja bulan \(periodName)", "a. Work report for \(periodName)"))
        printSections(sections, to: console)
        if !lastMonth.isEmpty { console.line("   " + lastMonth) }
        if kind == "tksk" {
            console.line(L("   Total kecamatan (TKSK dan \(included.count) laporan PSM):", "   Kecamatan totals (TKSK and \(included.count) PSM reports):"))
            printSections(totals, to: console, indent: "     ")
            for psm in included { console.line("     + \(psm.id) \(psm.title) (\(psm.agentName)), \(psm.statusName)") }
            for gap in missing { console.line(L("     Kurang: ", "     Missing: ") + "\(gap.name) — \(gap.reasons.joined(separator: "; "))") }
        }
        console.line(L("b. Rencana kerja bulan \(nextPeriodName)", "b. Work plan for \(nextPeriodName)"))
        console.line("   " + (nextMonthPlan.isEmpty ? L("(belum ditulis)", "(not written)") : nextMonthPlan))
        console.line(L("c. Evaluasi", "c. Evaluation"))
        console.line("   " + (evaluation.isEmpty ? L("(belum ditulis)", "(not written)") : evaluation))
        console.line()
        console.line(signatureLine)
        if let decisionLine { console.line(decisionLine) }
        for part in missingParts { console.line(L("Belum lengkap: ", "Incomplete: ") + part) }
        for field in conflicts { console.line(L("Konflik pada \(field): field conflicts show \(id)", "Conflict on \(field): field conflicts show \(id)")) }
    }

    private func printSections(_ sections: [Section], to console: Console, indent: String = "   ") {
        if sections.isEmpty { console.line(indent + L("(tidak ada kegiatan tercatat bulan ini)", "(no activity recorded this month)")) }
        for section in sections {
            console.line(indent + section.title)
            for figure in section.figures {
                let label = figure.label
                let dots = String(repeating: ".", count: max(2, 46 - label.count))
                console.line("\(indent)  \(label) \(dots) \(figure.count)")
            }
        }
    }
}
