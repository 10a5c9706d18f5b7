import Foundation
import Testing

@Suite("Deleting households and persons")
struct DeleteTests {
    static let srondol = "33.74.11.1006"

    @Test("person delete and household delete leave tombstones: gone from lists, history kept, asked for --yes in scripts, twice is harmless")
    func deleteOnOneLaptop() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let added = try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Mawar 12", "--rt", "3", "--rw", "5",
                                "--member", "Budi Santoso;L;1980-05-15;kepala;3374061505800003",
                                "--member", "Rizky Santoso;L;2015-01-01;anak;3374060101150001").jsonObject()
        let household = try #require(added["id"] as? String)
        let members = try #require(added["members"] as? [String])
        #expect(members.count == 2)

        let unasked = try cli.run("person", "delete", members[1])
        #expect(unasked.status != 0 && unasked.stderr.contains("--yes"), "\(unasked.stderr)")
        #expect(try cli.run("person", "delete", members[1], "--yes").status == 0)
        let shown = try cli.run("household", "show", household, "--json").jsonObject()
        #expect((shown["members"] as? [[String: Any]])?.count == 1, "the deleted child no longer shows")
        let row = try #require(try cli.run("household", "list", "--json").jsonArray().first)
        #expect(row["members"] as? Int == 1)

        let gone = try cli.run("household", "delete", household, "--yes", "--json")
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(try gone.jsonObject()["members"] as? [String] == [members[0]], "\(gone.stdout)")
        #expect(try cli.run("household", "list", "--json").jsonArray().isEmpty)
        #expect(try cli.run("household", "show", household, "--json").jsonObject()["deleted"] as? Bool == true)
        #expect(try cli.run("history", household).status == 0, "its history stays")
        let again = try cli.run("household", "delete", household, "--yes", "--json")
        #expect(again.status == 0)
        #expect(try again.jsonObject()["deleted"] as? Bool == false)
        #expect(try cli.run("household", "delete", "H-NOSUCHTHING", "--yes").status != 0)
    }

    @Test("A household deleted on one laptop while another edits it: after sync both show the conflict, and keeping it brings the edit back",
          arguments: ServerHarness.Store.available)
    func deleteAgainstEdit(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let rina = try CLI.enrolled(server, agent: "A-RINA", area: Self.srondol, kelurahan: "Srondol Kulon")
        let id = try #require(try siti.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Mawar 12",
                                           "--rt", "3", "--rw", "5").jsonObject()["id"] as? String)
        try siti.sync()
        try rina.sync()
        #expect(try rina.run("household", "edit", id, "--rt", "4").status == 0)
        #expect(try siti.run("household", "delete", id, "--yes").status == 0)
        try siti.sync()
        try rina.sync()
        try siti.sync()
        for laptop in [siti, rina] {
            let conflicts = try laptop.run("conflicts", "list", "--json").jsonArray()
            #expect(conflicts.count == 1, "\(conflicts)")
        }
        #expect(try rina.run("conflicts", "resolve", id, "--keep").status == 0)
        try rina.sync()
        try siti.sync()
        let kept = try #require(try siti.run("household", "list", "--json").jsonArray().first)
        #expect(kept["rt"] as? String == "004" && kept["address"] as? String == "Jl. Mawar 12")
        #expect(try siti.run("conflicts", "list", "--json").jsonArray().isEmpty)
        #expect(server.stop() == 0)
    }
}
