import FieldModels
import SyncEngine
import Testing

@Suite("Clocks and the change unit")
struct ClockTests {
    let a = ReplicaID("00000000000000aa"), b = ReplicaID("00000000000000bb")

    @Test("Version vectors: contains, advance, merge, dominate")
    func vectors() {
        var left = VersionVector([a: 3])
        let right = VersionVector([a: 1, b: 5])
        #expect(left.contains(Dot(a, 3)) && !left.contains(Dot(a, 4)) && !left.contains(Dot(b, 1)))
        left.advance(a, to: 2)
        #expect(left[a] == 3, "never goes back")
        let merged = left.merging(right)
        #expect(merged == VersionVector([a: 3, b: 5]))
        #expect(merged.dominates(left) && merged.dominates(right) && !left.dominates(right) && !right.dominates(left))
        #expect(VersionVector([a: 0]) == VersionVector(), "zero entries are not kept")
    }

    @Test("A Lamport clock ticks past everything it has observed")
    func lamport() {
        var clock = LogicalClock()
        #expect(clock.tick() == 1)
        clock.observe(41)
        clock.observe(7)
        #expect(clock.tick() == 42)
    }

    @Test("The value shown during a conflict is the same whatever order the values come in")
    func provisional() {
        func change(_ replica: ReplicaID, _ counter: UInt64, lamport: UInt64, _ text: String) -> Change {
            Change(dot: Dot(replica, counter), transaction: Dot(replica, counter), recordType: .household, recordID: "H-1",
                   area: "3374/x/y", field: "address", value: .text(text), supersedes: [], lamport: lamport, wallTime: 0, agent: "A-1")
        }
        let values = [change(a, 1, lamport: 5, "Jl. A"), change(b, 1, lamport: 5, "Jl. B"), change(a, 2, lamport: 4, "Jl. C")]
        let shown = Set([values, values.reversed(), [values[1], values[2], values[0]]].map { FieldState(values: $0).provisional?.value })
        #expect(shown == [.text("Jl. B")], "equal Lamport times are broken by replica id")
        #expect(FieldState(values: values).isConflict)
        #expect(!FieldState(values: [values[0]]).isConflict)
    }

    @Test("Record ids carry their type and are safe to mint offline")
    func recordIDs() {
        var ids = Set<String>()
        for _ in 0..<1000 {
            let id = RecordID.make(.household)
            #expect(id.count == 14 && id.hasPrefix("H-") && RecordID.type(of: id) == .household)
            ids.insert(id)
        }
        #expect(ids.count == 1000)
        #expect(ReplicaID.random().rawValue.count == 16)
    }
}
