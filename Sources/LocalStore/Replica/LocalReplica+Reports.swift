import FieldModels
import Foundation
import GRDB


extension LocalReplica {
    /// Counts part (a) of `agent`'s report for `period` from what this replica holds in `area`:
    /// home visits the agent made that month; referrals made on them, by their status now;
    /// follow-ups due that month, done (a later visit to the same person or household by the
    /// end of the month) or overdue (not done, and the due date passed by `today`), or still
    /// pending; PMKS and PSKS entries and households the agent recorded that month (an entry
    /// by its assessment date, else when it was first written, in Asia/Jakarta); service cases
    /// the agent received that month, by service and by their status now.
    public func reportFigures(agent: String, period: ReportPeriod, area: String, today: CivilDate) throws -> ReportTally {
        var tally = ReportTally()
        let visits = try records(HomeVisit.self, area: area).filter { !$0.deleted }.map(\.record)
        let mine = visits.filter { $0.agentID == agent }
        for visit in mine {
            guard let date = visit.date, period.contains(date) else { continue }
            tally.add("visits")
            if let referral = visit.referral {
                tally.add("referrals." + (visit.referralStatus ?? .diajukan).rawValue)
                tally.add("referrals.to." + referral.rawValue)
            }
            for need in visit.needs { tally.add("needs." + need.rawValue) }
        }
        for visit in mine {
            guard let due = visit.followUpDate, period.contains(due), let date = visit.date else { continue }
            let subject = { (other: HomeVisit) in
                visit.personID.map { $0 == other.personID } ?? (visit.householdID != nil && other.householdID == visit.householdID)
            }
            let done = visits.contains { other in
                other.id != visit.id && subject(other) && (other.date.map { $0 > date && $0 <= period.last } ?? false)
            }
            tally.add(done ? "followups.done" : due < today ? "followups.overdue" : "followups.pending")
        }
        let created = try creation(of: [.socialMap, .household, .service])
        for stored in try records(SocialMapEntry.self, area: area) where !stored.deleted {
            let entry = stored.record
            guard let first = created[entry.id], first.agent == agent,
                  period.contains(entry.assessmentDate ?? first.day) else { continue }
            tally.add(entry.kind.rawValue + "." + entry.category)
        }
        // Service cases the agent received that month, by service and by where they stand now.
        for stored in try records(ServiceCase.self, area: area) where !stored.deleted && stored.record.receivedBy == agent {
            guard let first = created[stored.record.id], period.contains(first.day) else { continue }
            tally.add("services." + stored.record.service.rawValue)
            tally.add("services.status." + stored.record.status.rawValue)
        }
        for stored in try records(Household.self, area: area) where !stored.deleted {
            guard let first = created[stored.record.id], first.agent == agent, period.contains(first.day) else { continue }
            tally.add("households.new")
        }
        return tally
    }

    /// Who first wrote each record of these kinds, and on which Asia/Jakarta day.
    func creation(of types: [RecordType]) throws -> [String: (agent: String, day: CivilDate)] {
        try read { db in
            var out: [String: (String, CivilDate)] = [:]
            let marks = types.map { _ in "?" }.joined(separator: ", ")
            // SQLite takes the bare columns from the row holding MIN(lamport).
            let rows = try Row.fetchAll(db, sql: """
                SELECT record_id, agent, wall_time, MIN(lamport) FROM change_log WHERE record_type IN (\(marks)) GROUP BY record_id
                """, arguments: StatementArguments(types.map(\.rawValue)))
            for row in rows {
                let millis: Int64 = row["wall_time"]
                out[row["record_id"]] = (row["agent"], CivilDate.jakartaDay(Date(timeIntervalSince1970: Double(millis) / 1000)))
            }
            return out
        }
    }

    /// The monthly reports of `period` held in `area` (every kelurahan and kecamatan in it).
    public func reports(for period: ReportPeriod, area: String) throws -> [MonthlyReport] {
        try records(MonthlyReport.self, area: area).filter { !$0.deleted && $0.record.period == period.description }.map(\.record)
    }
}
