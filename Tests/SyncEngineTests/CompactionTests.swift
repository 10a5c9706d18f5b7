import SyncEngine
import SyncTestSupport
import Testing

@Suite("Tombstone compaction in memory")
struct CompactionTests {
    @Test("Tombstones are forgotten only once every replica in scope has seen them, and never come back")
    func compaction() throws {
        let problems = try CompactionCheck.run { MemoryReplica($0) }
        #expect(problems.isEmpty, "\(problems)")
    }
}
