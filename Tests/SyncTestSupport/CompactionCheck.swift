import FieldModels
import SyncEngine

/// The tombstone-compaction story, run against any store: a tombstone is forgotten only once
/// every replica in scope has seen it, never while a delete conflict is open, and a forgotten
/// record does not come back when replicas that kept it sync again.
public enum CompactionCheck {
    public static func run(make: (ReplicaID) throws -> any WritableReplica) throws -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ what: String) { if !condition { problems.append(what) } }
        let area = "33.74.11.1006"
        let a = try make(ReplicaID("c1")), b = try make(ReplicaID("c2")), c = try make(ReplicaID("c3"))
        let all: [any WritableReplica] = [a, b, c]
        func vectors() throws -> [VersionVector] { try all.map { try $0.versionVector() } }

        try a.write("H-1", type: .household, area: area, fields: ["address": .text("Jl. A"), "rt": .text("001")], wallTime: 1)
        try a.write("H-2", type: .household, area: area, fields: ["address": .text("Jl. B")], wallTime: 2)
        try Sync.untilQuiet(all)
        try a.delete("H-1", wallTime: 3)
        try Sync.pull(into: b, from: a)
        for replica in all { expect(try replica.compact(seenBy: try vectors()).isEmpty, "compacted although c3 has not seen the tombstone") }
        expect(try a.snapshot().records["H-1"]?.status == .deleted, "H-1 should still be held as deleted on c1")

        try Sync.untilQuiet(all)
        expect(try a.compact(seenBy: try vectors()) == ["H-1"], "c1 should forget H-1 once all have seen its tombstone")
        expect(try b.compact(seenBy: try vectors()) == ["H-1"], "c2 should forget H-1 too")
        try Sync.untilQuiet(all)   // c3 still holds H-1: it must not send it back
        expect(try a.snapshot().records["H-1"] == nil && b.snapshot().records["H-1"] == nil, "H-1 came back from c3")
        expect(try c.compact(seenBy: try vectors()) == ["H-1"], "c3 should forget H-1")
        expect(try a.snapshot() == c.snapshot() && b.snapshot() == c.snapshot(), "replicas differ after compaction")

        try a.delete("H-2", wallTime: 4)
        try b.write("H-2", type: .household, area: area, fields: ["address": .text("Jl. B2")], wallTime: 4)
        try Sync.untilQuiet(all)
        for replica in all { expect(try replica.compact(seenBy: try vectors()).isEmpty, "compacted a record in a delete conflict") }
        expect(try a.snapshot().records["H-2"]?.status == .deleteConflict, "H-2 should be in a delete conflict")
        try b.write("H-3", type: .household, area: area, fields: ["address": .text("Jl. C")], wallTime: 5)
        try Sync.untilQuiet(all)
        expect(try a.snapshot() == b.snapshot() && b.snapshot() == c.snapshot(), "replicas differ after syncing new work")
        expect(try c.snapshot().records["H-3"] != nil && c.snapshot().records["H-1"] == nil, "new work lost or H-1 back")
        return problems
    }
}
