import FieldModels
import Foundation
import Glibc
@testable import LocalStore
import SyncEngine
import Testing

/// `field sync` killed with SIGKILL at random moments, pushing and pulling, again and again:
/// what the laptops acknowledged is never lost, nothing reaches the server twice, the files
/// stay whole, and the next syncs converge.
@Suite("A sync killed with kill -9, again and again", .serialized)
struct SyncKillTests {
    @Test("kill -9 of field sync at random moments (push and pull): nothing acknowledged lost, nothing doubled, files whole, laptops converge")
    func syncKilled() async throws {
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: LiveSyncTests.srondol, kelurahan: "Srondol Kulon")
        var trials = FaultTrials("SyncKillTests")
        var acknowledged = Set<String>()
        var killedRunning = 0
        // Kills land within the time a sync takes on this machine (an idle one, measured here;
        // syncs with something to move run longer), so that most of them cut a running sync
        // however fast or loaded the machine is.
        let started = Date()
        try siti.sync()
        let window = UInt32(min(600_000, max(50_000, Date().timeIntervalSince(started) * 1_500_000)))
        for trial in 0..<trials.count {
            // Now and then both record more, so that pushes and pulls always have something to cut.
            if trial % 10 == 0 {
                for laptop in [siti, rini] {
                    let written = try laptop.run("_stress-write", "--count", String(trials.int(5...30)))
                    #expect(written.status == 0, "\(written.stderr)")
                    acknowledged.formUnion(written.stdout.split(separator: "\n").filter { $0.hasPrefix("ACK ") }.map { String($0.dropFirst(4)) })
                }
            }
            let laptop = trials.coin() ? siti : rini
            let sync = laptop.process(["sync", "--batch-size", String(trials.int(10...200)), "--retries", "0"])
            sync.standardOutput = FileHandle.nullDevice
            sync.standardError = FileHandle.nullDevice
            try sync.run()
            usleep(trials.micros(0...window))
            if sync.isRunning { killedRunning += 1 }
            kill(sync.processIdentifier, SIGKILL)
            sync.waitUntilExit()
        }
        #expect(killedRunning > trials.count / 4, "most kills landed while a sync ran (window \(window) µs, seed \(trials.seed))")

        for laptop in [siti, rini] { #expect(try laptop.openReplica().integrityCheck() == ["ok"], "seed \(trials.seed)") }
        try siti.sync()
        try rini.sync()
        try siti.sync()
        let (a, b) = (try siti.openReplica(), try rini.openReplica())
        #expect(try a.snapshot() == b.snapshot(), "the laptops converge (seed \(trials.seed))")
        let households = Set(try a.records(Household.self).map(\.record.id))
        #expect(acknowledged.isSubset(of: households), "every acknowledged household reached both laptops (seed \(trials.seed))")
        #expect(try b.records(Person.self).count == 3 * households.count, "no household without its members")
        // Nothing doubled: the server holds each change once, exactly those the laptops hold.
        let store = try await server.openStore()
        let whole = try await ServerCrashTests.checkWhole(store)
        let (heldA, heldB) = (try a.count("change_log"), try b.count("change_log"))
        #expect(whole.changes == heldA && whole.changes == heldB, "seed \(trials.seed)")
    }
}
