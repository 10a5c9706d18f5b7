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
    @Test("Which replicas wrote in an area, moved a record out of it or into it, is one query of index searches on SQLite; no table is scanned")
    func writersQuerySearches() async throws {
        try await StoreKind.sqlite.withStore { store in
            let (sql, binds) = ServerStore.writersQuery(areas: ["33.74.11", "33.74.11.1006", "33.74.11.1007"])
            let plan = try await store.database.transaction { db in
                try await db.query("EXPLAIN QUERY PLAN " + sql, binds).map { try $0.text("detail") }
            }
            #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("CONSTANT ROW") && !$0.contains("UNION") }, "\(plan)")
            for index in ["replica_areas", "former_areas", "moved_records_area", "changes_record"] {
                #expect(plan.contains { $0.hasPrefix("SEARCH") && $0.contains(index) }, "\(index): \(plan)")
            }
        }
    }

    @Test("The dots beyond the vector are found from the vector, one search per replica, on both engines; the change log is never read whole",
          arguments: StoreKind.available)
    func beyondFromTheVector(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sql = ServerStore.beyondQuery(store.database.dialect)
            let plan = try await store.database.transaction { db in
                if kind == .postgres {
                    // An empty table is cheapest to scan; what matters is that the plan can
                    // only drive from the vector, which a plain join would not promise.
                    try await db.execute("SET LOCAL enable_seqscan = off")
                    return try await db.query("EXPLAIN " + sql).map { try $0.text("QUERY PLAN") }
                }
                return try await db.query("EXPLAIN QUERY PLAN " + sql).map { try $0.text("detail") }
            }
            switch kind {
            case .sqlite:
                #expect(plan.first?.hasPrefix("SCAN v") == true, "\(plan)")
                // `dots` is a view of the change log on SQLite: searched by its key.
                #expect(plan.contains { $0.hasPrefix("SEARCH") && $0.contains("replica=? AND counter>?") }, "\(plan)")
            case .postgres:
                // The search into the change log is keyed by each vector row.
                #expect(plan.contains { $0.contains("Index Cond") && $0.contains("v.replica") && $0.contains("v.counter") }, "\(plan)")
            }
        }
    }
}
