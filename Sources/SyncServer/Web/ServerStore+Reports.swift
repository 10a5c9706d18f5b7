import FieldModels
import Foundation
import SyncEngine

/// One monthly report as the Dinas's status table shows it, from the merged state.
struct ReportStatusRow: Sendable, Equatable {
    var report: MonthlyReport
    /// Where it lies: the PSM's kelurahan or the TKSK's kecamatan.
    var area: String
    /// Late under the 15th rule on the day asked.
    var late: Bool
    /// Whether two decisions or statuses were written apart and wait to be settled.
    var inConflict: Bool
}

extension ServerStore {
    /// Every monthly report of `period` (all when nil; only report `id` when given) the merged
    /// state holds, not deleted, with its lateness on `today` (Asia/Jakarta).
    func reportTable(period: String?, today: CivilDate, id only: String? = nil) async throws -> [ReportStatusRow] {
        try await database.transaction { db in
            var places: [String: (area: String, conflicts: String)] = [:]
            for row in try await db.query("""
                SELECT m.record_id, m.conflicts, p.area FROM merged_records m JOIN records p ON p.record_id = m.record_id
                WHERE m.record_type = 'report' AND m.status <> 'deleted'\(only == nil ? "" : " AND m.record_id = ?")
                """, only.map { [SQLValue.text($0)] } ?? []) {
                let id = try row.text("record_id")
                guard period.map({ MonthlyReport.authorship(of: id)?.period.description == $0 }) ?? true else { continue }
                places[id] = (try row.text("area"), try row.text("conflicts"))
            }
            // The Dinas's own reason is shown to its staff; the report's content stays sealed.
            let live = try await self.liveVersions(of: Array(places.keys), in: db, opening: ["decisionReason"])
            return places.map { id, place in
                let report = MonthlyReport(id: id, fields: MergeRules.fields(live[id] ?? [:]))
                let conflicts = Set(place.conflicts.split(separator: ",").map(String.init))
                return ReportStatusRow(report: report, area: place.area, late: ReportWorkflow.isLate(report, today: today),
                                       inConflict: conflicts.contains("status") || !conflicts.isDisjoint(with: ReportRights.decisionFields))
            }.sorted { ($0.report.period, $0.area, $0.report.agentID) < ($1.report.period, $1.area, $1.report.agentID) }
        }
    }

    /// The Dinas's decision on report `id`, taken at the server by staff member `by`: checked
    /// by the same workflow as on a laptop, then written as the server's own change (only the
    /// decision's fields), which reaches the author's laptop at its next sync.
    func decideReport(_ id: String, approve: Bool, reason: String, by staff: StaffMember, now: Int64) async throws -> MonthlyReport {
        let today = CivilDate.jakartaDay(Date(timeIntervalSince1970: Double(now) / 1000))
        guard let row = try await reportTable(period: nil, today: today, id: id).first else {
            throw ServerError(.notFound, .notFound, id: "Laporan \(id) tidak ada di server.", en: "Report \(id) is not on the server.")
        }
        guard !row.inConflict else {
            throw ServerError(.badRequest, .conflict, id: "Status laporan \(id) sedang dalam konflik; selesaikan konfliknya dulu.",
                              en: "The status of report \(id) is in conflict; settle the conflict first.")
        }
        let decided: MonthlyReport
        do {
            decided = try ReportWorkflow.decide(row.report, approve: approve, reason: reason,
                                                by: ReportActor(agentID: Self.ownAgentID, name: staff.name, role: .dinas), today: today)
        } catch {
            throw ServerError(.badRequest, .conflict, id: error.text.id, en: error.text.en)
        }
        let fields = decided.fields.filter { $0.key == "status" || ReportRights.decisionFields.contains($0.key) }
        try await writeOwn(id, type: .report, area: row.area, .fields(fields),
                           audit: "report \(id) \(decided.status.rawValue) by staff \(staff.username)", now: now)
        return decided
    }
}
