import Foundation
import SyncEngine
import SyncTestSupport
import Testing

/// Convergence and no-loss over thousands of random histories, in memory.
/// `FIELDSYNC_SEED=N` replays one history; `FIELDSYNC_HISTORIES=N` runs more.
@Suite("Property: random histories converge and lose nothing")
struct PropertyTests {
    static var seeds: [UInt64] {
        let env = ProcessInfo.processInfo.environment
        if let seed = env["FIELDSYNC_SEED"].flatMap(UInt64.init) { return [seed] }
        let count = env["FIELDSYNC_HISTORIES"].flatMap(Int.init) ?? 2000
        return (0..<UInt64(count)).map { $0 &* 0x9E37_79B9 &+ 12345 }
    }

    @Test("Random histories over 3–7 replicas: identical records and conflicts, no acknowledged value lost")
    func randomHistories() throws {
        var failures = 0
        for seed in Self.seeds {
            if let failure = try RandomHistory(seed: seed).run(make: { MemoryReplica($0) }) {
                Issue.record("\(failure)")
                failures += 1
                if failures >= 3 { break }
            }
        }
    }

    @Test("A record's current versions read from its whole change set (MergeRules.live, how the server writes its own changes) equal those a replica keeps as it applies")
    func liveFromChangeSet() throws {
        for seed in Self.seeds.prefix(200) {
            var made: [MemoryReplica] = []
            _ = try RandomHistory(seed: seed).run(make: { id in
                let replica = MemoryReplica(id)
                made.append(replica)
                return replica
            })
            for replica in made {
                let byRecord = Dictionary(grouping: try replica.changes(notIn: VersionVector()).changes, by: \.recordID)
                for (id, changes) in byRecord {
                    let kept = replica.liveVersions(of: id).mapValues(Set.init)
                    #expect(MergeRules.live(changes).mapValues(Set.init) == kept, "seed \(seed), \(replica.replicaID), \(id)")
                }
            }
        }
    }
}
