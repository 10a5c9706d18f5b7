import FieldModels
import SyncEngine
import Testing

@Suite("Replicas restored from old backups")
struct RewindTests {
    @Test("A restored copy that kept its id is stopped at its first sync, before anything is exchanged")
    func restoredCopyKeepingItsID() throws {
        let a = MemoryReplica(ReplicaID("a")), b = MemoryReplica(ReplicaID("b"))
        try b.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. Senin")], wallTime: 1)
        try Sync.untilQuiet([a, b])
        let monday = b.backup()
        try b.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. Selasa")], wallTime: 2)
        try Sync.untilQuiet([a, b])

        #expect(throws: SyncError.rewound(ReplicaID("b"), holds: 1, peerHolds: 2)) { try Sync.pull(into: monday, from: a) }
        #expect(try monday.versionVector()[ReplicaID("b")] == 1, "nothing was exchanged")
        #expect(SyncError.rewound(ReplicaID("b"), holds: 1, peerHolds: 2).text.id.contains("salinan lama"))

        // Taking a new id is the way out: its edits reuse no dot, and Tuesday's edit comes back.
        let restored = monday.restored(newID: ReplicaID("b2"))
        try restored.write("H-1", type: .household, area: "33.74.11.1006", fields: ["rt": .text("009")], wallTime: 3)
        try Sync.untilQuiet([a, restored])
        #expect(try a.snapshot() == restored.snapshot())
        #expect(try a.snapshot().records["H-1"]?.fields == ["address": .text("Jl. Selasa"), "rt": .text("009")])
    }
}

@Suite("Conflicts as values")
struct ConflictValueTests {
    @Test("A field conflict holds every concurrent value with its author, device and time")
    func conflictCarriesAuthors() throws {
        let a = MemoryReplica(ReplicaID("a"), agent: "A-SITI"), b = MemoryReplica(ReplicaID("b"), agent: "A-JOKO")
        try a.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. 1")], wallTime: 1_000)
        try Sync.untilQuiet([a, b])
        try a.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. A")], wallTime: 2_000)
        try b.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. B")], wallTime: 3_000)
        try Sync.untilQuiet([a, b])
        let conflict = try #require(try a.snapshot().conflicts.first)
        #expect(conflict.kind == .field && conflict.field == "address")
        #expect(conflict.versions.map(\.agent) == ["A-SITI", "A-JOKO"])
        #expect(conflict.versions.map(\.dot.replica) == [ReplicaID("a"), ReplicaID("b")])
        #expect(conflict.versions.map(\.wallTime) == [2_000, 3_000])
        #expect(try b.snapshot().conflicts == a.snapshot().conflicts)
    }
}
