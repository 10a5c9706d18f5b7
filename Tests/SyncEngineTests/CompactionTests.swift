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

@Suite("Retired devices in memory")
struct RetirementTests {
    @Test("A retired device leaves the exchanged vectors; new laptops still get its work")
    func retirement() throws {
        let problems = try RetirementCheck.run { MemoryReplica($0) }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("Vectors fold and unfold only with the same set of retirements")
    func foldUnfold() {
        let a = ReplicaID("a"), r = ReplicaID("r")
        let known = Retirements([r: 5])
        let folded = known.fold(VersionVector([a: 3, r: 5]))
        #expect(folded.counters == [a: 3] && folded.retiredDigest == known.digest)
        #expect(known.fold(VersionVector([a: 3, r: 4])) == VersionVector([a: 3, r: 4]), "not all held yet: nothing folded")
        #expect(known.unfold(folded) == VersionVector([a: 3, r: 5]))
        #expect(Retirements([r: 6]).unfold(folded) == VersionVector([a: 3]), "another set: the folded entries count as unknown")
        #expect(Retirements().digest == 0 && known.digest != Retirements([r: 6]).digest)
    }
}
