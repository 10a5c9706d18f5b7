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

    @Test("The value shown during a conflict is the same whatever order the versions come in")
    func provisional() {
        let versions = [FieldVersion(dot: Dot(a, 1), lamport: 5, value: .text("Jl. A")),
                        FieldVersion(dot: Dot(b, 1), lamport: 5, value: .text("Jl. B")),
                        FieldVersion(dot: Dot(a, 2), lamport: 4, value: .text("Jl. C"))]
        let orders = [versions, versions.reversed(), [versions[1], versions[2], versions[0]]]
        #expect(Set(orders.map { MergeRules.shown("address", $0) }) == [.text("Jl. B")], "equal Lamport times are broken by dot")
        #expect(MergeRules.isConflict("address", versions))
        #expect(!MergeRules.isConflict("address", [versions[0]]))
        let sameValue = [versions[0], FieldVersion(dot: Dot(b, 2), lamport: 9, value: .text("Jl. A"))]
        #expect(!MergeRules.isConflict("address", sameValue), "the same value written twice is no conflict")
    }

    @Test("Set elements: a concurrent add survives a remove (add-wins) and never conflicts")
    func setElements() {
        let added = FieldVersion(dot: Dot(a, 1), lamport: 3, value: .bool(true))
        let removed = FieldVersion(dot: Dot(b, 1), lamport: 7, value: .bool(false))
        #expect(MergeRules.shown("members/P-1", [removed, added]) == .bool(true))
        #expect(!MergeRules.isConflict("members/P-1", [removed, added]))
        #expect(MergeRules.shown("members/P-1", [removed]) == .bool(false))
    }

    @Test("A live tombstone beside versions it did not see is a delete-edit conflict")
    func deleteStatus() {
        let tomb = FieldVersion(dot: Dot(a, 5), lamport: 5, value: .bool(true))
        let edit = FieldVersion(dot: Dot(b, 3), lamport: 4, value: .text("Jl. B"))
        #expect(MergeRules.status([Change.deletedField: [tomb]]) == .deleted)
        #expect(MergeRules.status([Change.deletedField: [tomb], "address": [edit]]) == .deleteConflict)
        #expect(MergeRules.status(["address": [edit]]) == .alive)
    }

    @Test("Writing a record changes only what differs, and leaves a conflict alone unless the value differs")
    func edits() {
        let live: [String: [FieldVersion]] = [
            "address": [FieldVersion(dot: Dot(a, 1), lamport: 1, value: .text("Jl. A")),
                        FieldVersion(dot: Dot(b, 1), lamport: 2, value: .text("Jl. B"))],
            "rt": [FieldVersion(dot: Dot(a, 2), lamport: 1, value: .text("003"))],
            "members/P-1": [FieldVersion(dot: Dot(a, 3), lamport: 1, value: .bool(true))],
        ]
        let untouched = MergeRules.edits(writing: ["address": .text("Jl. B"), "rt": .text("003"), "members/P-1": .bool(true)], over: live)
        #expect(untouched.isEmpty)
        let changed = MergeRules.edits(writing: ["address": .text("Jl. C"), "rt": .text("004")], over: live)
        #expect(changed.map(\.field) == ["address", "members/P-1", "rt"])
        #expect(changed.first?.supersedes == [Dot(a, 1), Dot(b, 1)])
        #expect(changed[1].value == .bool(false), "a whole-record write removes the set elements it no longer lists")
        #expect(MergeRules.edits(writing: ["rt": .text("004")], over: live, removingAbsentSetElements: false).map(\.field) == ["rt"])
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
