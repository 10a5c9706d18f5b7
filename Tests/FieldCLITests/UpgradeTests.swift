import FieldModels
import Logging
import Foundation
@testable import LocalStore
import SyncEngine
@testable import SyncServer
import Testing

/// Stores made by the last version whose region ids were paths (`3374/banyumanik/srondol-kulon`;
/// `Fixtures/protocol2`, made by its `make` script with the programs of commit 39e781e), opened
/// by this version: the named migrations give them the Kemendagri codes, and what was sealed
/// under the old ids still verifies, sent from a migrated laptop and pulled by a new one.
@Suite("Upgrading stores from before official region codes", .serialized)
struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/protocol2")
    static let kulon = "33.74.11.1006"
    static let wetan = "33.74.11.1007"

    /// A laptop of the fixture, copied with its high-water marks.
    static func laptop(_ name: String) throws -> CLI {
        var cli = try CLI()
        cli.passphrase = "fixture-protocol-2"
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("\(name).sqlite"), to: URL(fileURLWithPath: cli.database))
        // Owner-only, as `field` made it (a clone gives every file mode 644).
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cli.database)
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("state"), to: URL(fileURLWithPath: cli.stateDirectory))
        return cli
    }

    @Test("A server store and two laptops of protocol 2 get codes everywhere; their unsent changes, sealed under the old ids, are accepted; a laptop enrolled afterwards verifies the moved household's whole history")
    func upgrade() async throws {
        let household = try String(contentsOf: Self.fixture.appendingPathComponent("household-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerHarness(.sqlite, loadRegions: false,
                                       copying: (Self.fixture.appendingPathComponent("server.sqlite"), Self.fixture.appendingPathComponent("store.key")))

        // The server store: regions, agents, the changes' areas and bodies, by code.
        let regions = try server.admin("region", "list").stdout
        #expect(regions.contains("\(Self.kulon)\tkelurahan\tSrondol Kulon") && regions.contains("33.74.11\tkecamatan\tBanyumanik"), "\(regions.prefix(300))")
        #expect(!regions.contains("3374/"), "no old id is left in the region table")
        let agents = try server.admin("agent", "list").stdout
        #expect(agents.contains("area:\(Self.kulon)") && agents.contains("area:\(Self.wetan)"), "\(agents)")
        #expect(try server.admin("audit", "--kind", "regions_recoded").stdout.contains("became Kemendagri codes"))
        let store = try await server.openStore()
        _ = try await Self.checkRecoded(store)

        // Siti's laptop: its agent, records and scope by code, and the family she recorded offline still to send.
        let siti = try Self.laptop("siti")
        let status = try siti.run("status", "--json").jsonObject()
        #expect(status["area"] as? String == Self.kulon, "\(status)")
        #expect(status["unsent"] as? Int == 15, "the offline family: a household and one person, 15 fields")
        let view = try siti.openReplica().snapshot()
        #expect(view.records.values.allSatisfy { $0.area.isEmpty || Grammar.isAreaPath($0.area) }, "every record's area is a code")
        #expect(view.records[household]?.area == Self.wetan, "the family Siti moved lies in Srondol Wetan")

        let sent = try siti.sync("--server", server.url)
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try siti.run("status", "--json").jsonObject()["unsent"] as? Int == 0)
        let rini = try Self.laptop("rini")
        let riniSent = try rini.sync("--server", server.url)
        #expect(riniSent.status == 0, "\(riniSent.stderr)")

        // Wati joins Srondol Wetan now: what she pulls was sealed under the old ids, and verifies.
        let wati = try CLI.enrolled(server, agent: "A-WATI", area: Self.wetan, kelurahan: "Srondol Wetan")
        let pulledByWati = try wati.sync()
        #expect(pulledByWati.status == 0, "\(pulledByWati.stderr)")
        let held = try wati.openReplica().snapshot()
        #expect(held.records[household]?.fields["address"] == .text("Jl. Setiabudi Gg. Mawar 12A"), "Rini's offline edit")
        #expect(held.records[household]?.fields[Placement.field] == .text(Self.wetan))
        let history = try wati.run("history", household, "--json").jsonArray()
        #expect(history.contains { $0["field"] as? String == "address" && $0["value"] as? String == "Jl. Setiabudi Gg. Mawar 12" },
                "the history from before the move came along")
        #expect(history.contains { $0["field"] as? String == Placement.departureField && $0["value"] as? String == Self.wetan })

    }

    @Test("The same protocol-2 server store copied into PostgreSQL is migrated the same way, and what it holds still verifies",
          .enabled(if: ServerHarness.Store.available.contains(.postgres)))
    func upgradeOnPostgres() async throws {
        let url = try ServerHarness.freshPostgresDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyFile = directory.appendingPathComponent("store.key").path
        try FileManager.default.copyItem(atPath: Self.fixture.appendingPathComponent("store.key").path, toPath: keyFile)
        let oldStore = directory.appendingPathComponent("server.sqlite").path
        try FileManager.default.copyItem(atPath: Self.fixture.appendingPathComponent("server.sqlite").path, toPath: oldStore)
        for file in [keyFile, oldStore] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file) }
        let logger = Logger(label: "test.upgrade")

        // The schema as the old version made it (its migrations only), then every row of the
        // old store in place of its own; opening it applies the migrations since (region codes,
        // the merged state, partitions by kabupaten/kota).
        let source = try SQLiteDatabase(path: oldStore)
        let (tables, applied) = try await source.transaction { db in
            (try await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence')")
                .map { try $0.text("name") },
             Set(try await db.query("SELECT name FROM schema_migrations").map { try $0.text("name") }))
        }
        #expect(!applied.contains("v16-region-partitions") && !applied.isEmpty)
        let database = try await PostgresDatabase(url: url, logger: logger)
        try await ServerStore.migrate(database, only: applied)
        for table in tables {
            let rows = try await source.transaction { db in try await db.query("SELECT * FROM \(table)") }
            try await database.transaction { db in
                try await db.execute("DELETE FROM \(table)")
                for row in rows {
                    let columns = row.values.keys.sorted()
                    try await db.execute("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                                         columns.map { row[$0] })
                }
            }
        }
        await source.close()
        await database.close()

        let store = try await ServerStore.open(url, logger: logger, keyFile: keyFile)
        _ = try await Self.checkRecoded(store)
        await store.database.close()
    }

    /// What a migrated store must hold: codes in the region table, the agents and every change
    /// (area and region-valued fields); and the seals made under the old ids verify in the form
    /// they were written, and only so. Returns everything the store holds, as pulled.
    static func checkRecoded(_ store: ServerStore) async throws -> PullResponse {
        let regions = try await store.regions()
        #expect(regions.contains { $0.id == kulon && $0.level == "kelurahan" && $0.name == "Srondol Kulon" })
        #expect(regions.allSatisfy { Grammar.isAreaPath($0.id) }, "no old id is left in the region table")
        let agents = try await store.agents()
        #expect(Set(agents.map(\.area)).isSuperset(of: [kulon, wetan]) && agents.allSatisfy { Grammar.isAreaPath($0.area) })
        let pulled = try await store.pull(PullRequest(knowledge: VersionVector(), maxChanges: 2_000), scope: SyncScope(kind: .all))
        #expect(!pulled.changes.isEmpty && pulled.changes.allSatisfy { Grammar.isAreaPath($0.area) }, "every stored change states a code")
        #expect(pulled.changes.filter { $0.field == Placement.field }.allSatisfy { [FieldValue.text(kulon), .text(wetan)].contains($0.value) })
        #expect(pulled.changes.contains { $0.field == Placement.departureField && $0.value == .text(wetan) && $0.area == kulon })

        // The fallback reads a seal in the form its origin wrote, and lets nothing else through:
        // the stored changes verify only with the old ids, and an altered one not even then.
        let legacy = LegacyAreas(regions: try await store.regions().map { ($0.id, $0.name) })
        let certificates = Dictionary(pulled.certificates.map { ($0.replica, $0) }, uniquingKeysWith: { first, _ in first })
        func admit(_ batch: SealedBatch, _ legacy: LegacyAreas) throws {
            _ = try Admission.check(batch, authority: nil, held: { _ in false }, certificate: { certificates[$0] }, legacy: { legacy })
        }
        #expect(throws: Refusal.self) { try admit(pulled.sealed, .none) }
        #expect(throws: Never.self) { try admit(pulled.sealed, legacy) }
        var forged = pulled
        let index = try #require(forged.changes.firstIndex { $0.field == "address" })
        forged.changes[index].value = .text("Jl. Palsu")
        #expect(throws: Refusal.self) { try admit(forged.sealed, legacy) }
        return pulled
    }
}
