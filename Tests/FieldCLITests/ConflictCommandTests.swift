import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

@Suite("field conflicts: see and settle what two laptops changed differently")
struct ConflictCommandTests {
    @Test("A concurrent edit from another laptop shows as a conflict and is settled by choosing a value")
    func fieldConflict() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let id = try #require(try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Mawar 12",
                                          "--rt", "3", "--rw", "5").jsonObject()["id"] as? String)
        // Another laptop gets the household, then both change the address offline.
        let other = MemoryReplica(ReplicaID("ffff000000000001"), agent: "A-OTHER")
        try cli.certifyForMemoryPeers()
        try Sync.pull(into: other, from: cli.openReplica())
        try other.write(id, type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. Melati 3")], wallTime: 1)
        #expect(try cli.run("household", "edit", id, "--address", "Jl. Anggrek 1").status == 0)
        try Sync.pull(into: cli.openReplica(), from: other)

        let list = try cli.run("conflicts", "list", "--json").jsonArray()
        #expect(list.count == 1 && list.first?["field"] as? String == "address")
        let show = try cli.run("conflicts", "show", id)
        #expect(show.stdout.contains("Jl. Melati 3") && show.stdout.contains("Jl. Anggrek 1") && show.stdout.contains("A-OTHER"))
        #expect(try cli.run("household", "show", id, "--json").jsonObject()["conflicts"] as? [Any] != nil)

        let bad = try cli.run("conflicts", "resolve", id, "--field", "address", "--choose", "3")
        #expect(bad.status == 64 && bad.stderr.contains("1 sampai 2"))
        let values = try #require(try cli.run("conflicts", "show", id, "--json").jsonArray().first?["values"] as? [[String: Any]])
        let second = try #require(values[1]["value"] as? String)
        #expect(try cli.run("conflicts", "resolve", id, "--field", "address", "--choose", "2").status == 0)
        #expect(try cli.run("conflicts", "list", "--json").jsonArray().isEmpty)
        #expect(try cli.run("household", "show", id, "--json").jsonObject()["address"] as? String == second)

        // The resolution syncs like any change: the other laptop settles too.
        try Sync.pull(into: other, from: cli.openReplica())
        #expect(try other.snapshot().conflicts.isEmpty)
        #expect(try other.snapshot().records[id]?.fields["address"] == .text(second))
    }

    @Test("A household deleted here but edited on another laptop is kept with --keep")
    func deleteConflict() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let id = try #require(try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Mawar 12",
                                          "--rt", "3", "--rw", "5").jsonObject()["id"] as? String)
        let other = MemoryReplica(ReplicaID("ffff000000000002"), agent: "A-OTHER")
        try cli.certifyForMemoryPeers()
        let local = try cli.openReplica()
        try Sync.pull(into: other, from: local)
        try local.delete(id: id)
        try other.write(id, type: .household, area: "33.74.11.1006", fields: ["rt": .text("004")], wallTime: 1)
        try Sync.pull(into: local, from: other)
        #expect(try cli.run("conflicts", "list").stdout.contains("dihapus di satu laptop"))
        #expect(try cli.run("conflicts", "resolve", id, "--keep").status == 0)
        #expect(try cli.run("conflicts", "list", "--json").jsonArray().isEmpty)
        let kept = try #require(try cli.run("household", "list", "--json").jsonArray().first)
        #expect(kept["rt"] as? String == "004", "the other laptop's edit survives")
        #expect(kept["address"] as? String == "Jl. Mawar 12", "what the delete had hidden comes back")
    }

    @Test("The same person entered on two laptops is an identity conflict, settled with --merge-into")
    func identityMerge() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 12", members: ["Budi Santoso;L;1980-05-15;kepala;3374061505800003"])
        let kept = try #require(try MoveCommandTests.members(cli, home)["Budi Santoso"])
        // Another laptop recorded the same man (same NIK) in a household of its own.
        let other = MemoryReplica(ReplicaID("ffff000000000003"), agent: "A-OTHER")
        try cli.certifyForMemoryPeers()
        let area = "33.74.11.1006"
        try other.write("H-OTHER0000001", type: .household, area: area,
                        fields: ["noKK": .text("3374061203150042"), "address": .text("Jl. Melati 2"), "rt": .text("003"), "rw": .text("005"),
                                 "kelurahan": .text(area), "members/P-OTHER0000001": .bool(true)], wallTime: 1)
        try other.write("P-OTHER0000001", type: .person, area: area,
                        fields: ["nik": .text("3374061505800003"), "name": .text("Budi S."), "sex": .text("L"), "household": .text("H-OTHER0000001"),
                                 "kelurahan": .text(area), "status": .text("hidup")], wallTime: 1)
        try Sync.pull(into: cli.openReplica(), from: other)
        #expect(try cli.run("conflicts", "list").stdout.contains("NIK sama pada dua orang"))
        let bad = try cli.run("conflicts", "resolve", "P-OTHER0000001", "--merge-into", home)
        #expect(bad.status != 0, "a household is no person to merge into")
        let merge = try cli.run("conflicts", "resolve", "P-OTHER0000001", "--merge-into", kept)
        #expect(merge.status == 0 && merge.stdout.contains("digabung ke \(kept)"), "\(merge.stdout)\(merge.stderr)")
        #expect(try cli.run("conflicts", "list", "--json").jsonArray().isEmpty)
        #expect(try cli.run("search", "3374061505800003", "--json").jsonArray().count == 1)
    }
}
