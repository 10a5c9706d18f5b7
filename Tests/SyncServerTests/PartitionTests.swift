import FieldModels
import Foundation
import Logging
@testable import LocalStore
import SyncEngine
@testable import SyncServer
import Testing

/// The store by kabupaten/kota (`ServerSchema+Partitions`): laptops of three kabupaten/kota
/// (Kota Semarang, Kabupaten Semarang, and one in DKI Jakarta) write households, and one moves
/// from Kabupaten Semarang into Kota Semarang. On PostgreSQL each region's changes and merged
/// state lie in partitions of their own, made when the region first sent data, and the plan of
/// a pull names only the partitions of the regions its scope covers. On both stores the pull
/// brings the moved household's whole history, which stays in its home region.
@Suite("The store partitioned by kabupaten/kota")
struct PartitionTests {
    static let kabupatenSemarang = ServerTierPropertyTests.otherKabupaten
    static let jakarta = RegionCatalog(directory: RegionDirectory.shipped!, kota: "31.71")!
    /// A TKSK's scope: the kecamatan of the kota's laptop.
    static let kecamatan = SyncScope(kind: .area, area: "33.74.11")

    @Test("Each region's changes in its own partition, made on first data; a pull's plan touches only its scope's partitions",
          arguments: StoreKind.available)
    func partitionsAndPruning(kind: StoreKind) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-partitions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await kind.withStore { store in
            try await store.importRegions(Self.kabupatenSemarang)
            try await store.importRegions(Self.jakarta)
            let kota = try await laptop("kota", area: Sample.srondol, store: store, in: directory)
            let kabupaten = try await laptop("kabupaten", area: Self.kabupatenSemarang.kelurahan[0].id, store: store, in: directory)
            let jakarta = try await laptop("jakarta", area: Self.jakarta.kelurahan[0].id, store: store, in: directory)
            // The kabupaten's first household moves into the kota once pushed.
            try await Self.writeAndMove([kota, kabupaten, jakarta], prefix: "H-P", households: 2, store: store)
            var clean: SeededGenerator? = nil

            // The kota's laptop receives the moved household with its history, filed in its home region.
            try await ServerTierPropertyTests.pull(kota, from: store, random: &clean)
            let held = try kota.replica.snapshot().records
            #expect(held["H-P1N0"]?.area == Sample.srondol, "the household moved in")
            #expect(held["H-P1N0"]?.fields["address"] == .text("Jl. kabupaten 0"), "with what was written before the move")
            #expect(held["H-P2N0"] == nil && held["H-P1N1"] == nil, "nothing of other regions' households")

            let (kotaScope, jakartaScope, replica) = (kota.scope, jakarta.scope, kota.replica.replicaID.rawValue)
            let scopes = try await store.database.transaction { db in
                (kota: try await ServerStore.regions(of: kotaScope, in: db), kecamatan: try await ServerStore.regions(of: Self.kecamatan, in: db),
                 jakarta: try await ServerStore.regions(of: jakartaScope, in: db), all: try await ServerStore.regions(of: SyncScope(kind: .all), in: db))
            }
            #expect(scopes.kota == ["3322", "3374"], "the kota and the home region of the household that moved in")
            #expect(scopes.kecamatan == ["3322", "3374"])
            #expect(scopes.jakarta == ["3171"])
            #expect(scopes.all == nil, "the Dinas reads every region")
            guard kind == .postgres else { return }

            let (partitions, homes) = try await store.database.transaction { db in
                (try await db.query("""
                    SELECT p.relname AS parent, c.relname AS partition FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                    JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ('changes', 'merged_versions', 'merged_records')
                    """).map { "\(try $0.text("parent"))/\(try $0.text("partition"))" },
                 try await db.query("SELECT DISTINCT record_id, tableoid::regclass::text AS part FROM changes").map {
                     (try $0.text("record_id"), try $0.text("part"))
                 })
            }
            for table in ["changes", "merged_versions", "merged_records"] {
                for region in ["3374", "3322", "3171"] {
                    #expect(partitions.contains("\(table)/\(table)_\(region)"), "\(table) has a partition for \(region): \(partitions)")
                }
            }
            let home = Dictionary(homes, uniquingKeysWith: { first, _ in first })
            #expect(home["H-P0N0"] == "changes_3374" && home["H-P2N1"] == "changes_3171")
            #expect(home["H-P1N0"] == "changes_3322", "a household that moved keeps its home partition")

            // The plan of a pull page, with the values a pull binds.
            func planned(_ scope: SyncScope, regions: [String]?) async throws -> String {
                let (sql, binds) = ServerStore.pageQuery(scope, regions: regions)
                return try await store.database.transaction { db in
                    try await db.query("EXPLAIN " + sql, [.text(replica), .int(0), .int(1_000)] + binds)
                        .map { try $0.text("QUERY PLAN") }.joined(separator: "\n")
                }
            }
            let read = { (plan: String) in Set(["0000", "3171", "3322", "3374"].filter { plan.contains(" on changes_\($0)") }) }
            #expect(read(try await planned(kota.scope, regions: scopes.kota)) == ["3322", "3374"])
            #expect(read(try await planned(Self.kecamatan, regions: scopes.kecamatan)) == ["3322", "3374"])
            #expect(read(try await planned(jakarta.scope, regions: scopes.jakarta)) == ["3171"])
            #expect(read(try await planned(SyncScope(kind: .all), regions: nil)) == ["0000", "3171", "3322", "3374"], "without pruning, every partition")
        }
    }

    @Test("A PostgreSQL store of before partitions is partitioned when opened: the same changes, vector, merged state and pulls",
          .enabled(if: StoreKind.available.contains(.postgres)))
    func upgradeToPartitions() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-partitions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = try await StoreKind.postgres.freshLocation()
        let keyFile = directory.appendingPathComponent("store.key").path
        var store = try await ServerStore.open(location, logger: Logger(label: "test"), keyFile: keyFile)
        try await store.importRegions(StoreKind.semarang)
        try await store.importRegions(Self.kabupatenSemarang)
        let kota = try await laptop("kota", area: Sample.srondol, store: store, in: directory)
        let kabupaten = try await laptop("kabupaten", area: Self.kabupatenSemarang.kelurahan[0].id, store: store, in: directory)
        try await Self.writeAndMove([kota, kabupaten], prefix: "H-U", households: 3, store: store)
        let scope = kota.scope
        func state(_ store: ServerStore) async throws -> (ReplicaSnapshot, VersionVector, [Dot]) {
            (try await store.mergedSnapshot(), try await store.vector(),
             try await store.pull(PullRequest(knowledge: VersionVector(), maxChanges: 500), scope: scope).sealed.changes.map(\.dot))
        }
        let before = try await state(store)

        // The tables as version 15 left them: unpartitioned, without regions, no `dots`.
        try await store.database.transaction { db in
            for statement in [
                "CREATE TABLE changes_old AS SELECT replica, counter, tx_counter, record_type, record_id, area, family, body, digest, batch_id, place, stated FROM changes",
                "CREATE TABLE versions_old AS SELECT record_id, field, replica, counter, lamport, value, agent, wall_time FROM merged_versions",
                "CREATE TABLE summaries_old AS SELECT record_id, record_type, status, conflicts FROM merged_records",
                "DROP TABLE changes", "DROP TABLE merged_versions", "DROP TABLE merged_records", "DROP TABLE dots",
                "DROP FUNCTION fieldsync_partition", "DROP INDEX records_type", "DROP INDEX record_families_family",
                "ALTER TABLE records DROP COLUMN region",
                "ALTER TABLE changes_old RENAME TO changes", "ALTER TABLE changes ADD PRIMARY KEY (replica, counter)",
                "CREATE INDEX changes_area ON changes(area)", "CREATE INDEX changes_family ON changes(family)",
                "CREATE INDEX changes_record ON changes(record_id)",
                "ALTER TABLE versions_old RENAME TO merged_versions", "ALTER TABLE merged_versions ADD PRIMARY KEY (record_id, field, replica, counter)",
                "ALTER TABLE summaries_old RENAME TO merged_records", "ALTER TABLE merged_records ADD PRIMARY KEY (record_id)",
                "CREATE INDEX merged_records_type ON merged_records(record_type, status)",
                "DELETE FROM schema_migrations WHERE name = 'v16-region-partitions'",
            ] { try await db.execute(statement) }
        }
        await store.database.close()
        store = try await ServerStore.open(location, logger: Logger(label: "test"), keyFile: keyFile)
        let after = try await state(store)
        let parts = try await store.database.transaction { db in
            try await db.query("SELECT DISTINCT tableoid::regclass::text AS part FROM changes").map { try $0.text("part") }
        }
        await store.database.close()
        #expect(after.0 == before.0, "the same merged state")
        #expect(after.1 == before.1, "the same vector")
        #expect(after.2 == before.2 && after.2.count > 0, "the same pull")
        #expect(Set(parts) == ["changes_3374", "changes_3322"], "\(parts)")
    }

    /// Each laptop writes `households` households (`PREFIX<laptop>N<house>`); the second laptop's
    /// first household is pushed, then moves into Srondol Kulon (Kota Semarang); all push.
    static func writeAndMove(_ laptops: [ServerTierPropertyTests.Laptop], prefix: String, households: Int, store: ServerStore) async throws {
        for (index, laptop) in laptops.enumerated() {
            for house in 0..<households {
                _ = try laptop.replica.write("\(prefix)\(index)N\(house)", type: .household, area: laptop.agent.area,
                                             fields: ["address": .text("Jl. \(laptop.name) \(house)"), Placement.field: .text(laptop.agent.area)],
                                             wallTime: 0)
            }
        }
        var clean: SeededGenerator? = nil
        try await ServerTierPropertyTests.push(laptops[1], to: store, random: &clean, now: 10_000)
        _ = try laptops[1].replica.move(household: "\(prefix)1N0", to: Sample.srondol, now: Date(timeIntervalSince1970: 11))
        for laptop in laptops { try await ServerTierPropertyTests.push(laptop, to: store, random: &clean, now: 12_000) }
    }

    func laptop(_ name: String, area: String, store: ServerStore, in directory: URL) async throws -> ServerTierPropertyTests.Laptop {
        let agent = AgentProfile(id: "A-\(name.uppercased())", name: name, role: .psm, area: area)
        let laptop = try await ServerTierPropertyTests.laptop(name, agent: agent, store: store, in: directory)
        try laptop.replica.importRegions(Self.jakarta)
        return laptop
    }
}
