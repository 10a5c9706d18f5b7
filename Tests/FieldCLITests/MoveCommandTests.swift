import Foundation
import Testing

/// `field person move`: pecah KK at the command line.
@Suite("field person move: pecah KK")
struct MoveCommandTests {
    static func members(_ cli: CLI, _ household: String) throws -> [String: String] {
        let view = try cli.run("household", "show", household, "--json").jsonObject()
        let members = try #require(view["members"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: members.compactMap { member in
            (member["name"] as? String).flatMap { name in (member["id"] as? String).map { (name, $0) } }
        })
    }

    @Test("A child moves to a new card of its own, then its mother joins another household; each card lists exactly its members")
    func pecahKK() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala;3374061505800003",
                                                                   "Sri Wahyuni;P;1985-08-12;istri;3374065208850002",
                                                                   "Rizky Santoso;L;2001-01-01;anak"])
        let other = try cli.addHousehold("Jl. Melati 2")
        let people = try Self.members(cli, home)
        let rizky = try #require(people["Rizky Santoso"])
        let split = try cli.run("person", "move", rizky, "--new-household", "--kk", "3374061203150099", "--json")
        #expect(split.status == 0, "\(split.stderr)")
        let card = try #require(try split.jsonObject()["to"] as? String)
        #expect(try Self.members(cli, card) == ["Rizky Santoso": rizky])
        let show = try cli.run("household", "show", card, "--json").jsonObject()
        #expect(show["address"] as? String == "Jl. Mawar 1", "a new card takes the old address")

        let sri = try #require(people["Sri Wahyuni"])
        let joined = try cli.run("person", "move", String(sri.prefix(6)), "--to-household", other, "--relationship", "kepala")
        #expect(joined.status == 0 && joined.stdout.contains("pindah dari \(home) ke \(other)"), "\(joined.stdout)\(joined.stderr)")
        #expect(Set(try Self.members(cli, home).keys) == ["Budi Santoso"])
        #expect(try Self.members(cli, other) == ["Sri Wahyuni": sri])
        let history = try cli.run("history", sri, "--json").jsonArray().filter { $0["field"] as? String == "household" }
        #expect(history.compactMap { $0["value"] as? String } == [home, other])
    }

    @Test("A move that names no target, two targets, or a new card without its number is refused with what to do")
    func refused() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala"])
        let budi = try #require(try Self.members(cli, home)["Budi Santoso"])
        for arguments in [["person", "move", budi], ["person", "move", budi, "--new-household", "--to-household", home],
                          ["person", "move", budi, "--new-household"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("--new-household"), "\(arguments): \(result.stderr)")
        }
        let same = try cli.run("person", "move", budi, "--to-household", home)
        #expect(same.status == 3 && same.stderr.contains("sudah menjadi anggota"), "\(same.stderr)")
        let bad = try cli.run("person", "move", budi, "--new-household", "--kk", "123")
        #expect(bad.status == 3 && bad.stderr.contains("16 angka"), "\(bad.stderr)")
        #expect(Set(try Self.members(cli, home).keys) == ["Budi Santoso"], "nothing moved")
    }
}
