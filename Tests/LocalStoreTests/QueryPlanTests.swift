import FieldModels
import Foundation
import GRDB
@testable import LocalStore
import Testing

/// What every sync asks the replica several times must not read the replica whole: a sync with
/// nothing new took time in proportion to the replica (issue 15) because SQLite read the whole
/// change log to find the changes beyond the vector. These read SQLite's plan of the queries.
@Suite("Query plans of what every sync asks")
struct QueryPlanTests {
    static func plan(_ replica: LocalReplica, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try replica.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String } }
    }

    @Test("The changes beyond the vector: one primary-key range per replica, never a scan of the log")
    func beyondTheVector() throws {
        let replica = try Fixture.replica(.file)
        let (household, people) = Fixture.family()
        try replica.save([household] + people, now: Fixture.now)
        let plan = try Self.plan(replica, LocalReplica.beyondVectorSQL)
        #expect(plan.contains { $0.hasPrefix("SEARCH c USING PRIMARY KEY") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN c") }, "the log is searched, not read: \(plan)")
        #expect(try replica.fullVersionVector()[replica.replicaID] == UInt64(try replica.count("change_log")))
    }
}
