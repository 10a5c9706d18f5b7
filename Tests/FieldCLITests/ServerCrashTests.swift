import Foundation
import Glibc
import GRDB
@testable import LocalStore
import SyncEngine
@testable import SyncServer
import Testing

/// A server stopped in the middle of a push, gracefully (SIGTERM) or not (SIGKILL), keeps every
/// batch whole or not at all, and the laptop's next sync finishes the job with nothing lost or doubled.
@Suite("Server stopped mid-push", .serialized)
struct ServerCrashTests {
    /// What the server's store must satisfy at any moment, even straight after a kill:
    /// - every batch row holds exactly the changes it says it accepted (no half batch),
    /// - no change lacks its batch row,
    /// - the server's vector for each replica covers exactly the counters it holds with no gap.
    /// Returns the number of batches and of changes.
    static func checkWhole(_ store: ServerStore) async throws -> (batches: Int, changes: Int) {
        try await store.database.transaction { db in
            let batches = try await db.query("""
                SELECT b.id, b.accepted, (SELECT COUNT(*) FROM changes c WHERE c.batch_id = b.id) AS held FROM batches b
                """)
            for batch in batches {
                let id = try batch.text("id")
                #expect(try batch.int("accepted") == batch.int("held"), "batch \(id) is half applied")
            }
            let orphans = try await db.query("SELECT COUNT(*) AS n FROM changes WHERE batch_id NOT IN (SELECT id FROM batches)")
            #expect(try orphans[0].int("n") == 0, "changes without their batch")
            for row in try await db.query("SELECT replica, counter FROM server_vector") {
                let replica = try row.text("replica"), counter = try row.int("counter")
                let below = try await db.query("SELECT COUNT(*) AS n FROM changes WHERE replica = ? AND counter <= ?",
                                               [.text(replica), .int(counter)])
                let next = try await db.query("SELECT COUNT(*) AS n FROM changes WHERE replica = ? AND counter = ?",
                                              [.text(replica), .int(counter + 1)])
                #expect(try below[0].int("n") == counter && next[0].int("n") == 0, "server vector of \(replica) is \(counter)")
            }
            let changes = try await db.query("SELECT COUNT(*) AS n FROM changes")
            return (batches.count, Int(try changes[0].int("n")))
        }
    }

    /// Counts the batches the server has received, synchronously and without the write lock.
    /// Synchronously, because other tests block the few threads async code resumes on, and an
    /// `await` in the polling loop could wake only after the sync is over; without the lock,
    /// because SQLite's busy handler lets the server's stream of commits starve a writer.
    static func batchCounter(_ server: ServerHarness, _ kind: ServerHarness.Store) throws -> @Sendable () throws -> Int {
        switch kind {
        case .sqlite:
            var configuration = Configuration()
            configuration.readonly = true
            let reader = try DatabaseQueue(path: server.database, configuration: configuration)
            return { try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batches") ?? 0 } }
        case .postgres:
            let database = server.database
            return {
                let psql = Process()
                psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                psql.arguments = ["psql", "-At", "-d", database, "-c", "SELECT COUNT(*) FROM batches"]
                let result = try CLI.capture(psql)
                guard result.status == 0, let count = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw CLIHarnessError.adminFailed("psql: \(result.stderr)")
                }
                return count
            }
        }
    }

    @Test("SIGTERM or SIGKILL in the middle of a push leaves no half batch; the next sync completes it, nothing lost or doubled",
          arguments: ServerHarness.Store.available, [SIGTERM, SIGKILL])
    func stoppedMidPush(store kind: ServerHarness.Store, signal: Int32) async throws {
        let server = try ServerHarness(kind)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let households = 150
        #expect(try siti.run("_stress-write", "--count", String(households)).status == 0)
        let inspector = try await server.openStore()
        let batchCount = try Self.batchCounter(server, kind)

        // Several rounds: start a sync of big batches, stop the server at a random moment after
        // a batch has landed (often inside the next one), check the store, start it again.
        // `FaultTrials` rounds with SIGKILL (100 by default), two with SIGTERM.
        var trials = FaultTrials("ServerCrashTests")
        let rounds = signal == SIGTERM ? 2 : trials.count
        var stoppedDuringSync = 0
        for round in 1...rounds {
            let landed = try batchCount()
            let sync = siti.process(["sync", "--batch-size", "400", "--retries", "0"])
            sync.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            sync.standardError = errors
            try sync.run()
            let deadline = Date().addingTimeInterval(120)
            while try batchCount() == landed && sync.isRunning && Date() < deadline {
                usleep(5_000)
            }
            usleep(trials.micros(0...250_000))
            if sync.isRunning { stoppedDuringSync += 1 }
            let ended = server.kill(signal)
            sync.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if signal == SIGTERM {
                #expect(ended.status == 0 && !ended.signalled, "SIGTERM is a graceful stop")
            } else {
                #expect(ended.signalled)
            }
            if sync.terminationStatus != 0 {
                #expect(sync.terminationStatus == 8, "round \(round) (seed \(trials.seed)): the stop cut the sync short and it says so: \(message)")
                #expect(message.contains("tidak dapat dihubungi"), "\(message)")
            }
            // Straight after the stop, before anything repairs it.
            let cut = try await Self.checkWhole(inspector)
            #expect(cut.batches >= landed && cut.changes > 0)
            try server.restart()
        }
        #expect(stoppedDuringSync > 0, "at least one stop landed while the sync was running")

        let finished = try siti.sync()
        #expect(finished.status == 0)
        try rini.sync()
        try siti.sync()
        let done = try await Self.checkWhole(inspector)
        await inspector.database.close()

        // Nothing lost: the server holds Siti's every counter with no gap, Rini has all of it.
        let sitiReplica = try siti.openReplica()
        let own = try sitiReplica.versionVector()[sitiReplica.replicaID]
        let held = try await server.openStore()
        let serverVector = try await held.vector()
        await held.database.close()
        #expect(serverVector[sitiReplica.replicaID] == own && own > UInt64(households))
        #expect(try rini.openReplica().snapshot() == sitiReplica.snapshot())
        #expect(try LiveSyncTests().households(rini).count == households)
        // Nothing doubled: every stored change counted once, by the batch that brought it.
        #expect(done.changes == serverVector.counters.values.reduce(0) { $0 + Int($1) })
        #expect(server.stop() == 0)
    }
}
