import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// `/dinas/laporan`: the monthly reports of a month, their status and lateness, and the
/// Dinas's decision on the pending ones (operators and admins).
extension DinasPages {
    func addReports(to router: Router<SyncRequestContext>) {
        router.get("/dinas/laporan") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            let query = request.uri.queryParameters
            let month = query["bulan"].map(String.init).flatMap(ReportPeriod.init) ?? self.lastMonth
            let language = self.language(request)
            var notice: String?
            if let id = query["id"].map(String.init), let outcome = query["hasil"] {
                notice = outcome == "disetujui" ? Self.text(language, "Laporan \(id) disetujui.", "Report \(id) approved.")
                    : Self.text(language, "Laporan \(id) dikembalikan.", "Report \(id) returned.")
            }
            return try await self.reportsPage(session, month: month, notice: notice, problem: nil, status: .ok, language: language)
        }
        router.post("/dinas/laporan/putuskan") { request, _ in
            guard let (session, form) = try await self.authorised(request, as: DecisionForm.self) else { return Self.toLogin }
            let month = ReportPeriod(form.bulan) ?? self.lastMonth
            let language = self.language(request)
            guard session.role != .viewer, let member = try await self.store.staff(session.username) else {
                return try await self.reportsPage(session, month: month, notice: nil,
                                                  problem: Self.text(language, "Akun pembaca tidak dapat memutuskan laporan; minta operator.",
                                                                     "A viewer account cannot decide reports; ask an operator."),
                                                  status: .forbidden, language: language)
            }
            do {
                let decided = try await self.store.decideReport(form.id, approve: form.keputusan == "setujui", reason: form.alasan ?? "",
                                                                by: member, now: self.now())
                return Response.redirect(to: "/dinas/laporan?bulan=\(month)&id=\(decided.id)&hasil=\(decided.status == .approved ? "disetujui" : "dikembalikan")",
                                         type: .normal)
            } catch let error as ServerError {
                return try await self.reportsPage(session, month: month, notice: nil, problem: error.text[language], status: error.status, language: language)
            }
        }
    }

    /// Today in Jakarta, by the pages' clock.
    var today: CivilDate { CivilDate.jakartaDay(Date(timeIntervalSince1970: Double(now()) / 1000)) }

    /// The month before this one, in Jakarta: the one whose reports are due now.
    var lastMonth: ReportPeriod { ReportPeriod(containing: today.adding(days: -today.day)) }

    private func reportsPage(_ session: WebSession, month: ReportPeriod, notice: String?, problem: String?,
                             status: HTTPResponse.Status, language: Language) async throws -> Response {
        let rows = try await reads.reportTable(period: month.description, today: today)
        var names: [String: String] = [:]
        for region in try await reads.regions() { names[region.id] = region.name }
        let decides = session.role != .viewer
        let items: [[String: Any]] = rows.map { row in
            let report = row.report
            var decision = report.decidedBy.isEmpty ? "-"
                : "\(report.status.name[language]) \(Self.text(language, "oleh", "by")) \(report.decidedBy) \(report.decidedOn?.description ?? "")"
            if report.status == .returned, !report.decisionReason.isEmpty { decision += ": \(report.decisionReason)" }
            return ["id": report.id, "petugas": report.agentID, "nama": report.agentName.isEmpty ? report.agentID : report.agentName,
                    "wilayah": names[row.area] ?? row.area, "status": report.status.name[language], "konflik": row.inConflict,
                    "diajukan": report.submittedOn?.description ?? "-", "batas": month.deadline.description, "terlambat": row.late,
                    "bisaDiputuskan": decides && report.status.isPending && !row.inConflict, "keputusan": decision,
                    "csrf": session.csrf, "bulan": month.description]
        }
        var values = await self.frame(session, language: language, title: Self.text(language, "Laporan bulanan", "Monthly reports"), menu: "menuLaporan")
        values["laporan"] = items
        values["bulan"] = month.description
        let (pending, late, returned) = (rows.filter { $0.report.status.isPending }.count, rows.filter(\.late).count,
                                         rows.filter { $0.report.status == .returned }.count)
        values["ringkasan"] = Self.text(language, "\(rows.count) laporan · \(pending) menunggu keputusan · \(late) terlambat · \(returned) dikembalikan",
                                        "\(rows.count) reports · \(pending) waiting for a decision · \(late) late · \(returned) returned")
        if let notice { values["pesan"] = notice }
        if let problem { values["galat"] = problem }
        return try Self.page("laporan", status: status, values)
    }
}

struct DecisionForm: Decodable, CSRFCarrying {
    var csrf: String
    var id: String
    var keputusan: String
    var alasan: String?
    var bulan: String
}
