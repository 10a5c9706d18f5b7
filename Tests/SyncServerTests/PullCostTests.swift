import FieldModels
import Foundation
@testable import SyncServer
import SyncEngine
import Testing

/// What a pull costs the server before it sends anything: which replicas wrote in the caller's
/// area is found by index searches, not by reading the area's changes (a sync with nothing new
/// took time in proportion to the replica: issue 15).
@Suite("The cost of a pull")
struct PullCostTests {
    @Test("Whether a replica wrote in an area, or moved a record out of it, is an index search on SQLite; no table is scanned")
    func writerProbeSearches() async throws {
        try await StoreKind.sqlite.withStore { store in
            let (sql, binds) = ServerStore.writerProbe(ReplicaID("a1b2c3d4e5f60718"), areas: ["33.74.11", "33.74.11.1006", "33.74.11.1007"])
            let plan = try await store.database.transaction { db in
                try await db.query("EXPLAIN QUERY PLAN " + sql, binds).map { try $0.text("detail") }
            }
            #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("CONSTANT ROW") }, "\(plan)")
            #expect(plan.contains { $0.contains("changes_replica_area") }, "\(plan)")
            #expect(plan.contains { $0.contains("former_areas") && $0.hasPrefix("SEARCH") }, "\(plan)")
        }
    }
}
