/// Why a report cannot move as asked: the rule, named, and what to do.
public struct ReportRefusal: Error, Sendable, Hashable {
    /// `report.part.missing`, `report.status`, `report.role`, `report.signature`, …
    public var code: String
    public var text: LocalizedText

    public init(_ code: String, id: String, en: String) {
        self.code = code
        self.text = LocalizedText(id: id, en: en)
    }
}

/// Who acts on a report: the agent of the laptop, with the role the server enrolled it with.
public struct ReportActor: Sendable, Hashable {
    public var agentID: String
    public var name: String
    public var role: AgentRole

    public init(agentID: String, name: String, role: AgentRole) {
        self.agentID = agentID
        self.name = name
        self.role = role
    }
}

/// The path of a monthly report and who may move it along (Perwal Semarang 86/2020 Pasal
/// 20–26): its author drafts it, records the Lurah's or Camat's signature and submits it; the
/// Dinas approves it or returns it with a reason; a returned report is corrected and
/// resubmitted. The same rules decide on the laptop (`ReportWorkflow`) and, for who may write
/// which field, at every door (`ReportRights`).
public enum ReportWorkflow {
    /// The roles that write monthly reports of their own: PSM (and their coordinator) and TKSK.
    public static func writes(_ role: AgentRole) -> Bool { [.psm, .psmCoordinator, .tksk].contains(role) }

    /// Who signs a report of this area on paper: the Lurah (a kelurahan) or the Camat (a kecamatan).
    public static func signer(of report: MonthlyReport) -> LocalizedText {
        report.isKecamatanReport ? LocalizedText(id: "Camat", en: "Camat") : LocalizedText(id: "Lurah", en: "Lurah")
    }

    /// The parts Pasal 20(2) requires that the report lacks, each named.
    public static func missingParts(_ report: MonthlyReport) -> [ReportRefusal] {
        var missing: [ReportRefusal] = []
        if report.figures.isEmpty && report.lastMonth.trimmingWhitespace().isEmpty && report.included.isEmpty {
            missing.append(ReportRefusal("report.part.a", id: "bagian (a) laporan kerja bulan \(report.period) kosong: catatan bulan itu tidak berisi kunjungan atau entri, dan uraian belum ditulis (--activities)",
                                         en: "part (a), the work report of \(report.period), is empty: the records hold no visits or entries that month and no account was written (--activities)"))
        }
        if report.nextMonthPlan.trimmingWhitespace().isEmpty {
            missing.append(ReportRefusal("report.part.b", id: "bagian (b) rencana kerja bulan berikutnya belum ditulis (--plan)",
                                         en: "part (b), next month's plan, is not written (--plan)"))
        }
        if report.evaluation.trimmingWhitespace().isEmpty {
            missing.append(ReportRefusal("report.part.c", id: "bagian (c) evaluasi belum ditulis (--evaluation)",
                                         en: "part (c), the evaluation, is not written (--evaluation)"))
        }
        return missing
    }

    /// Refuses `actor` writing its own report when the role does not write reports.
    public static func checkAuthor(_ actor: ReportActor) throws(ReportRefusal) {
        guard writes(actor.role) else {
            throw ReportRefusal("report.role", id: "\(actor.role.name.id) tidak menyusun laporan bulanan; yang menyusun PSM dan TKSK.",
                                en: "A \(actor.role.name.en) does not write monthly reports; PSM and TKSK do.")
        }
    }

    /// Whether the report's content may still change: a draft, or a report the Dinas returned.
    public static func checkEditable(_ report: MonthlyReport) throws(ReportRefusal) {
        guard report.status == .draft || report.status == .returned else {
            throw ReportRefusal("report.status", id: "Laporan \(report.period) berstatus \(report.status.name.id): isinya tidak diubah lagi kecuali Dinas mengembalikannya.",
                                en: "The \(report.period) report is \(report.status.name.en): its content does not change unless the Dinas returns it.")
        }
    }

    /// Records the Lurah's or Camat's signature: name, NIP or position, date.
    public static func sign(_ report: MonthlyReport, by actor: ReportActor, name: String, nipOrPosition: String,
                            on date: CivilDate) throws(ReportRefusal) -> MonthlyReport {
        try checkOwn(report, actor)
        try checkEditable(report)
        guard !name.trimmingWhitespace().isEmpty, !nipOrPosition.trimmingWhitespace().isEmpty else {
            throw ReportRefusal("report.signature", id: "Tulis nama \(signer(of: report).id) yang mengesahkan (--name) dan NIP atau jabatannya (--nip atau --position).",
                                en: "Write the name of the \(signer(of: report).en) who signs (--name) and their NIP or position (--nip or --position).")
        }
        var signed = report
        signed.approvedBy = name.trimmingWhitespace()
        signed.approverID = nipOrPosition.trimmingWhitespace()
        signed.approvedOn = date
        return signed
    }

    /// Submits (or, after a return, resubmits) the report on `today` (Asia/Jakarta): every
    /// part written and the signature recorded.
    public static func submit(_ report: MonthlyReport, by actor: ReportActor, today: CivilDate) throws(ReportRefusal) -> MonthlyReport {
        try checkOwn(report, actor)
        guard report.status == .draft || report.status == .returned else {
            throw ReportRefusal("report.status", id: "Laporan \(report.period) sudah \(report.status.name.id.lowercased()); tidak diajukan lagi.",
                                en: "The \(report.period) report is already \(report.status.name.en.lowercased()); it is not submitted again.")
        }
        if let first = missingParts(report).first {
            throw ReportRefusal(first.code, id: "Laporan belum bisa diajukan: \(first.text.id).", en: "The report cannot be submitted yet: \(first.text.en).")
        }
        guard !report.approvedBy.isEmpty else {
            let who = signer(of: report)
            throw ReportRefusal("report.signature", id: "Laporan belum disahkan \(who.id) (Pasal \(report.isKecamatanReport ? 21 : 22)). Catat dulu: field report sign --month \(report.period) --name NAMA --nip NIP",
                                en: "The report is not signed by the \(who.en) yet (Pasal \(report.isKecamatanReport ? 21 : 22)). Record it first: field report sign --month \(report.period) --name NAME --nip NIP")
        }
        var submitted = report
        submitted.status = report.status == .returned ? .resubmitted : .submitted
        submitted.submittedOn = today
        return submitted
    }

    /// The Dinas's decision on a submitted report: approved, or returned with a reason.
    public static func decide(_ report: MonthlyReport, approve: Bool, reason: String, by actor: ReportActor,
                              today: CivilDate) throws(ReportRefusal) -> MonthlyReport {
        guard actor.role == .dinas else {
            throw ReportRefusal("report.role", id: "Hanya Dinas Sosial yang menyetujui atau mengembalikan laporan; Anda \(actor.role.name.id).",
                                en: "Only the Dinas Sosial approves or returns reports; you are a \(actor.role.name.en).")
        }
        guard report.status.isPending else {
            throw ReportRefusal("report.status", id: "Laporan \(report.id) berstatus \(report.status.name.id); yang diputuskan Dinas hanya laporan yang diajukan.",
                                en: "Report \(report.id) is \(report.status.name.en); the Dinas decides only on submitted reports.")
        }
        let why = reason.trimmingWhitespace()
        guard approve || !why.isEmpty else {
            throw ReportRefusal("report.reason", id: "Sebutkan alasan pengembalian (--reason), agar petugas tahu apa yang diperbaiki.",
                                en: "Give the reason for returning it (--reason), so the agent knows what to correct.")
        }
        var decided = report
        decided.status = approve ? .approved : .returned
        decided.decisionReason = why
        decided.decidedBy = actor.name
        decided.decidedOn = today
        return decided
    }

    /// Whether the report is late on `today`: submitted after its deadline, or not submitted
    /// (a draft, or returned and not corrected) once the deadline has passed.
    public static func isLate(_ report: MonthlyReport, today: CivilDate) -> Bool {
        guard let period = ReportPeriod(report.period) else { return false }
        switch report.status {
        case .draft, .returned: return today > period.deadline
        case .submitted, .resubmitted, .approved: return (report.submittedOn ?? today) > period.deadline
        }
    }

    static func checkOwn(_ report: MonthlyReport, _ actor: ReportActor) throws(ReportRefusal) {
        guard report.agentID == actor.agentID else {
            throw ReportRefusal("report.owner", id: "Laporan \(report.id) milik petugas \(report.agentID); hanya dia yang menyusun dan mengajukannya.",
                                en: "Report \(report.id) belongs to agent \(report.agentID); only they write and submit it.")
        }
    }
}

/// Who may write which field of a monthly report, judged change by change at a door: the
/// report's id names its author (`MonthlyReport.authorship`), who writes its content, its
/// signature and the statuses draft, submitted and resubmitted; the Dinas writes its decision
/// (approved or returned, the reason, who and when).
public enum ReportRights {
    public static let decisionFields: Set<String> = ["decisionReason", "decidedBy", "decidedOn"]
    public static let decisionStatuses: Set<String> = [ReportStatus.approved.rawValue, ReportStatus.returned.rawValue]

    /// What is wrong with the shape of a change to report `id`, whatever its writer: the id
    /// names an agent and a month, and the `agent` and `period` fields repeat them.
    public static func grammarProblem(id: String, field: String, value: FieldValue) -> LocalizedText? {
        guard let owner = MonthlyReport.authorship(of: id) else {
            return LocalizedText(id: "id laporan harus R-TTTTBB lalu id petugas tanpa A- (mis. R-202611SITI)",
                                 en: "a report id must be R-YYYYMM then the agent id without A- (e.g. R-202611SITI)")
        }
        if field == "agent", value != .text(owner.agent) {
            return LocalizedText(id: "laporan \(id) milik \(owner.agent), bukan petugas lain", en: "report \(id) belongs to \(owner.agent), not another agent")
        }
        if field == "period", value != .text(owner.period.description) {
            return LocalizedText(id: "laporan \(id) untuk bulan \(owner.period)", en: "report \(id) is for \(owner.period)")
        }
        return nil
    }

    /// What is wrong with agent `writer` (of `role`) writing `field` = `value` on report `id`, or nil.
    public static func problem(id: String, field: String, value: FieldValue, writer: String, role: AgentRole) -> LocalizedText? {
        guard let owner = MonthlyReport.authorship(of: id) else { return grammarProblem(id: id, field: field, value: value) }
        let decision = decisionFields.contains(field) || (field == "status" && decisionStatuses.contains(value.text ?? ""))
        if decision {
            return role == .dinas ? nil
                : LocalizedText(id: "keputusan atas laporan (disetujui/dikembalikan) hanya ditulis Dinas Sosial, bukan \(role.name.id)",
                                en: "the decision on a report (approved/returned) is written only by the Dinas Sosial, not a \(role.name.en)")
        }
        if field == "_deleted", role == .dinas { return nil }
        guard writer == owner.agent else {
            return LocalizedText(id: "isi dan pengajuan laporan \(id) hanya ditulis penyusunnya \(owner.agent)",
                                 en: "the content and submission of report \(id) are written only by its author \(owner.agent)")
        }
        return nil
    }
}
