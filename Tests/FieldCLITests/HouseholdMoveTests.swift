import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// `field household move`: a family moving to another kelurahan, through a real server.
@Suite("field household move: a household moves kelurahan", .serialized)
struct HouseholdMoveTests {
    static let kulon = "33.74.11.1006"
    static let wetan = "33.74.11.1007"
    static let budiNIK = "3374061505800003"

    /// The fields a laptop still holds of a record that left its area: where it went, nothing more.
    static let whereabouts: Set<String> = [Placement.field, Placement.departureField, "regionCode"]

    @Test("Siti moves a family to Srondol Wetan while Rini edits it offline: after sync Wati holds it with its history and Rini's edit; Siti and Rini keep only where it went",
          arguments: ServerHarness.Store.available)
    func moveAcrossKelurahan(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.kulon, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: Self.kulon, kelurahan: "Srondol Kulon")
        let wati = try CLI.enrolled(server, agent: "A-WATI", area: Self.wetan, kelurahan: "Srondol Wetan")
        let home = try siti.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala;\(Self.budiNIK)",
                                                                  "Sri Wahyuni;P;1985-08-12;istri"])
        let visit = try siti.run("visit", "add", "--household", home, "--date", "2026-11-02", "--purpose", "Asesmen awal", "--json")
        #expect(visit.status == 0, "\(visit.stderr)")
        _ = try siti.sync()
        _ = try rini.sync()
        let family = try siti.openReplica().snapshot().records.filter { $0.value.area == Self.kulon && $0.value.type != .agent }.keys.sorted()
        #expect(family.count == 4, "the household, two persons and the visit: \(family)")

        // Rini, offline, corrects the address; Siti records the move, by the kelurahan's code.
        #expect(try rini.run("household", "edit", home, "--address", "Jl. Mawar 1A").status == 0)
        let moved = try siti.run("household", "move", home, "--to", "33.74.11.1007", "--yes", "--json")
        #expect(moved.status == 0, "\(moved.stderr)")
        let answer = try moved.jsonObject()
        #expect(answer["to"] as? String == Self.wetan && answer["code"] as? String == "33.74.11.1007")
        #expect(Set(try #require(answer["records"] as? [String])) == Set(family))
        // The move is not an edit: Siti may no longer change it, and an edit cannot move a record.
        let edit = try siti.run("household", "edit", home, "--address", "Jl. Lain")
        #expect(edit.status != 0 && edit.stderr.contains("di luar wilayah"), "\(edit.stderr)")

        _ = try siti.sync()
        _ = try wati.sync()
        _ = try rini.sync()
        _ = try wati.sync()

        // Wati holds the family, with its history from Siti's laptop and Rini's edit.
        let watiView = try wati.openReplica().snapshot()
        for id in family {
            #expect(watiView.records[id]?.area == Self.wetan, "\(id) in Srondol Wetan on Wati's laptop")
        }
        #expect(watiView.records[home]?.fields["address"] == .text("Jl. Mawar 1A"), "Rini's edit made before she knew survives")
        #expect(watiView.records[home]?.fields["regionCode"] == .text("33.74.11.1007"))
        let listed = try wati.run("household", "list", "--json").jsonArray().compactMap { $0["id"] as? String }
        #expect(listed.contains(home))
        let history = try wati.run("history", home, "--json").jsonArray()
        #expect(history.contains { $0["field"] as? String == "address" && $0["value"] as? String == "Jl. Mawar 1" }, "the history came along")
        let found = try wati.run("search", Self.budiNIK, "--json")
        #expect(found.status == 0 && found.stdout.contains("Budi"), "\(found.stdout)\(found.stderr)")

        // Siti and Rini keep only where the family went: no name, no NIK, no address.
        for laptop in [siti, rini] {
            let view = try laptop.openReplica().snapshot()
            for id in family {
                let record = try #require(view.records[id])
                #expect(record.area == Self.wetan)
                #expect(Self.whereabouts.isSuperset(of: record.fields.keys), "\(id) keeps \(record.fields.keys.sorted())")
            }
            #expect(try laptop.run("household", "list", "--json").jsonArray().isEmpty)
            let search = try laptop.run("search", Self.budiNIK, "--json")
            #expect(!search.stdout.contains("Budi"), "\(search.stdout)")
            let file = try Data(contentsOf: URL(fileURLWithPath: laptop.database))
            #expect(file.range(of: Data("Mawar".utf8)) == nil)
        }
        // Nothing comes back on the next sync, and nothing is lost on the server.
        let again = try siti.sync().jsonObject()
        #expect(again["pulled"] as? Int == 0, "\(again)")
        #expect(server.stop() == 0)
    }

    @Test("A move is refused for a household outside one's area, to the kelurahan it is in, or to an unknown one; a move without --yes asks")
    func refusedMoves() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala"])
        let same = try cli.run("household", "move", home, "--to", "Srondol Kulon", "--yes")
        #expect(same.status != 0 && same.stderr.contains("sudah di kelurahan"), "\(same.stderr)")
        let unknown = try cli.run("household", "move", home, "--to", "Atlantis", "--yes")
        #expect(unknown.status != 0 && unknown.stderr.contains("tidak dikenal"), "\(unknown.stderr)")
        let unasked = try cli.run("household", "move", home, "--to", "Srondol Wetan")
        #expect(unasked.status != 0, "no terminal, no --yes: nothing moves")
        #expect(try cli.openReplica().snapshot().records[home]?.area == Self.kulon)
    }
}
