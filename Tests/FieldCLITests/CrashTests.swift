import FieldModels
import Foundation
import GRDB
@testable import LocalStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("A writer killed with kill -9 loses nothing it acknowledged and leaves no half-written household")
struct CrashTests {
    /// Starts `field _stress-write`, which saves households of three and prints `ACK <id>` after
    /// each commit; kills it with SIGKILL after a random number of acknowledgements and a random
    /// delay, so the kill lands at random points, often inside a transaction. Repeats
    /// (`FaultTrials`: 100 times by default, seeded), then checks the file.
    @Test("kill -9 in a loop against a real file, then integrity_check and the counts")
    func killNineLoop() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        var trials = FaultTrials("CrashTests")
        var acknowledged = Set<String>()
        let rounds = trials.count
        for round in 0..<rounds {
            let process = cli.process(["_stress-write"])
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let wanted = trials.int(1...8)
            var buffer = ""
            var seen = 0
            let reader = out.fileHandleForReading
            while seen < wanted {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer += String(decoding: chunk, as: UTF8.self)
                seen = buffer.filter { $0 == "\n" }.count
            }
            usleep(trials.micros(0...20_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            buffer += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .uncaughtSignal, "round \(round) (seed \(trials.seed)): the writer was killed, not finished")
            for line in buffer.split(separator: "\n") where line.hasPrefix("ACK ") {
                acknowledged.insert(String(line.dropFirst(4)))
            }
        }
        #expect(acknowledged.count >= rounds)

        let replica = try cli.openReplica()
        #expect(try replica.integrityCheck() == ["ok"])
        let households = try replica.records(Household.self)
        let people = try replica.records(Person.self)
        let ids = Set(households.map(\.record.id))
        #expect(acknowledged.isSubset(of: ids), "every acknowledged household is there")
        #expect(ids.count - acknowledged.count <= rounds, "at most one unacknowledged commit per kill")
        #expect(people.count == 3 * households.count, "no household without its members, no member without its household")
        let personIDs = Set(people.map(\.record.id))
        for household in households {
            #expect(household.record.members.count == 3 && household.record.members.isSubset(of: personIDs))
        }
        // The change log and the version vector agree with what is stored: no gap, no orphan.
        let logged = try replica.count("change_log")
        #expect(try replica.versionVector()[replica.replicaID] == UInt64(logged))
        #expect(try replica.read { db in try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'counter'") } == logged)
    }
}
