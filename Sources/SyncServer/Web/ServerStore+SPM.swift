import FieldModels
import Foundation
import SyncEngine

extension ServerStore {
    /// Every record of `type` the merged state shows, deleted ones left out, with the sealed
    /// fields named in `opening` opened (the others stand empty; nil opens every one).
    func mergedRecords<R: FieldRecord>(_ type: R.Type, opening: Set<String>?) async throws -> [R] {
        try await database.transaction { db in
            let ids = try await db.query("SELECT record_id FROM merged_records WHERE record_type = ? AND status <> 'deleted' ORDER BY record_id",
                                         [.text(R.recordType.rawValue)]).map { try $0.text("record_id") }
            let live = try await self.liveVersions(of: ids, in: db, opening: opening)
            return ids.map { R(id: $0, fields: MergeRules.fields(live[$0] ?? [:])) }
        }
    }

    /// The SPM indicators of `year` over everything the server holds: the PMKS entries (their
    /// category opened, nothing else of them), the persons' birth dates and households, the
    /// visits and the service cases, counted by the one rule every reader uses (`SPMTally`).
    func spmTally(year: Int) async throws -> SPMTally {
        let persons = try await mergedRecords(Person.self, opening: [])
        var births: [String: CivilDate] = [:], households: [String: String] = [:]
        for person in persons {
            if let born = person.birthDate { births[person.id] = born }
            if !person.householdID.isEmpty { households[person.id] = person.householdID }
        }
        return SPMTally(year: year, entries: try await mergedRecords(SocialMapEntry.self, opening: ["category"]),
                        birthDates: births, households: households,
                        visits: try await mergedRecords(HomeVisit.self, opening: []), cases: try await mergedRecords(ServiceCase.self, opening: []))
    }
}
