import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import SyncTestSupport
import Testing

/// The same random histories as the in-memory property tests, on real SQLite replica files
/// (fewer of them), with replicas closed and reopened at random moments. Every other replica
/// is in memory, so the two implementations of the merge must agree.
@Suite("Property on SQLite: random histories converge and lose nothing")
struct SyncPropertyTests {
    @Test("Random histories on replica files")
    func randomHistoriesOnFiles() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["FIELDSYNC_SQLITE_HISTORIES"].flatMap(Int.init) ?? 60
        let seeds = env["FIELDSYNC_SEED"].flatMap(UInt64.init).map { [$0] } ?? (0..<UInt64(count)).map { $0 &* 0x9E37_79B9 &+ 777 }
        for seed in seeds {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-prop-\(seed)-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            var paths: [ObjectIdentifier: String] = [:]
            let history = RandomHistory(seed: seed, operations: 30, replicas: 3...5)
            let failure = try history.run(make: { id in
                if id.rawValue.hasSuffix("1") || id.rawValue.hasSuffix("3") { return MemoryReplica(id) }
                let path = directory.appendingPathComponent("\(id.rawValue).sqlite").path
                let replica = try LocalReplica.create(at: .file(path), passphrase: Fixture.passphrase, agent: Fixture.agent, kdf: .testing,
                                                      stateDirectory: Fixture.stateDirectory)
                try Fixture.certify(replica)
                paths[ObjectIdentifier(replica)] = path
                return replica
            }, reopen: { old in
                guard let path = paths[ObjectIdentifier(old)] else { return old }
                let replica = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
                paths[ObjectIdentifier(replica)] = path
                return replica
            })
            if let failure {
                Issue.record("\(failure)")
                return
            }
        }
    }

    @Test("A SQLite replica and an in-memory replica fed the same changes show the same thing")
    func sqliteMatchesMemory() throws {
        let memory = MemoryReplica(ReplicaID("m1"))
        try memory.write("H-1", type: .household, area: Fixture.kelurahan, fields: ["address": .text("Jl. A"), "members/P-1": .bool(true)], wallTime: 1)
        let other = MemoryReplica(ReplicaID("m2"))
        try Sync.pull(into: other, from: memory)
        try memory.write("H-1", type: .household, area: Fixture.kelurahan, fields: ["address": .text("Jl. B")], wallTime: 2)
        try other.write("H-1", type: .household, area: Fixture.kelurahan, fields: ["address": .text("Jl. C"), "members/P-1": .bool(false)], wallTime: 2)
        try other.delete("H-1", wallTime: 3)
        let path = Fixture.temporaryPath()
        let file = try Fixture.replica(.file, path: path)
        try Sync.pull(into: file, from: memory)
        try Sync.pull(into: file, from: other)
        try Sync.pull(into: memory, from: other)
        #expect(try file.snapshot() == memory.snapshot())
        #expect(try file.snapshot().records["H-1"]?.status == .deleteConflict)
        let listed = try file.snapshot().conflicts.count
        let counted = try file.conflictCount()
        #expect(listed >= 1 && counted == listed, "the kept count agrees with the snapshot")

        // A replica from before counts were kept gets them on its first open.
        try file.transaction { db in
            try db.execute(sql: "UPDATE record SET conflicts = 0")
            try db.execute(sql: "DELETE FROM blind_index WHERE kind = 'nik-shown'")
            try db.execute(sql: "DELETE FROM meta WHERE key = 'conflict_counts'")
        }
        #expect(try file.conflictCount() == 0)
        let reopened = try LocalReplica.open(at: .file(path), passphrase: Fixture.passphrase, stateDirectory: Fixture.stateDirectory)
        #expect(try reopened.conflictCount() == listed)
    }

    @Test("Tombstone compaction on replica files", arguments: StoreKind.allCases)
    func compaction(kind: StoreKind) throws {
        let problems = try CompactionCheck.run { _ in try Fixture.replica(kind) }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("Retired devices on replica files", arguments: StoreKind.allCases)
    func retirement(kind: StoreKind) throws {
        let problems = try RetirementCheck.run { _ in try Fixture.replica(kind) }
        #expect(problems.isEmpty, "\(problems)")
    }
}
