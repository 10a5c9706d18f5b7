import FieldModels
import SyncEngine

/// Retiring a device, run against any store: once every replica holds all of the retired
/// device's changes, the vectors they exchange no longer name it; a new laptop still receives
/// everything; quiet syncs move nothing; compaction still sees the retired device's changes.
public enum RetirementCheck {
    public static func run(make: (ReplicaID) throws -> any WritableReplica) throws -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ what: String) { if !condition { problems.append(what) } }
        let area = "33.74.11.1006"
        let dinas = try make(ReplicaID("d1")), psm = try make(ReplicaID("d2")), old = try make(ReplicaID("d3"))
        var all: [any WritableReplica] = [dinas, psm, old]
        try old.write("H-1", type: .household, area: area, fields: ["address": .text("Jl. Lama 1"), "rt": .text("001")], wallTime: 1)
        try old.write("H-2", type: .household, area: area, fields: ["address": .text("Jl. Lama 2")], wallTime: 2)
        try psm.write("H-3", type: .household, area: area, fields: ["address": .text("Jl. Baru 3")], wallTime: 3)
        try Sync.untilQuiet(all)

        // The old laptop is handed in; Dinas records its last counter.
        let final = try old.versionVector()[old.replicaID]
        let retirement = Retirements.record(retiring: old.replicaID, finalCounter: final, name: "Laptop lama")
        try dinas.write(retirement.id, type: .device, area: "", fields: retirement.fields, wallTime: 4)
        all.removeAll { $0 === old }
        try Sync.untilQuiet(all + [old])
        for replica in all {
            let vector = try replica.versionVector()
            expect(vector.counters[old.replicaID] == nil, "\(replica.replicaID) still names the retired device")
            expect(vector.retiredDigest != 0, "\(replica.replicaID) has no retirement digest")
        }
        for a in all { for b in all where a !== b { expect(try Sync.pull(into: a, from: b) == 0, "a quiet sync sent changes") } }

        // A new laptop, knowing nothing, still receives the retired device's work.
        let fresh = try make(ReplicaID("d4"))
        try Sync.untilQuiet(all + [fresh])
        expect(try fresh.snapshot() == dinas.snapshot(), "the new laptop differs")
        expect(try fresh.snapshot().records["H-1"]?.fields["address"] == .text("Jl. Lama 1"), "the new laptop lacks H-1")
        expect(try fresh.versionVector().counters[old.replicaID] == nil, "the new laptop still names the retired device")

        // Compaction still counts the retired device's changes as seen by everyone.
        try psm.delete("H-2", wallTime: 5)
        all.append(fresh)
        try Sync.untilQuiet(all)
        let vectors = try all.map { try $0.versionVector() }
        for replica in all { expect(try replica.compact(seenBy: vectors) == ["H-2"], "\(replica.replicaID) kept H-2") }
        expect(try Set(all.map { try $0.snapshot() }).count == 1, "replicas differ at the end")
        return problems
    }
}
