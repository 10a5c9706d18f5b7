import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// Regional holidays: declared at the server, carried to every laptop of the kota whatever its
/// scope (directly, through the TKSK's bundle, to a PKH pendamping), moving a case's deadline
/// the same way on each; written only by the server.
@Suite("Regional holidays: from the server to every laptop, moving deadlines", .serialized)
struct HolidayFlowTests {
    static let srondol = "33.74.11.1006"

    /// The due time and the regional days of 2026 a laptop shows.
    func state(_ laptop: CLI, case id: String?) throws -> (due: String?, regional: [String]) {
        let days = try laptop.run(["holiday", "list", "--year", "2026", "--json"])
        try #require(days.status == 0, "\(days.stderr)")
        let regional = try days.jsonArray().filter { $0["kind"] as? String == "daerah" }.compactMap { $0["date"] as? String }
        guard let id else { return (nil, regional) }
        let shown = try laptop.run(at: "2026-03-13 03:00:00", ["service", "show", id, "--json"])
        try #require(shown.status == 0, "\(shown.stderr)")
        return (try shown.jsonObject()["due"] as? String, regional)
    }

    @Test("A holiday declared at the server reaches a PSM through its TKSK's bundle, a PKH pendamping and the Dinas by sync; the due time moves alike on each; removing it moves it back",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func declared(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 5")
        // Friday 13 March 2026, 09:00 in Jakarta: a referral whose file is complete at 09:30.
        try #require(try siti.run(at: "2026-03-13 02:00:00", ["visit", "add", "--household", home, "--date", "2026-03-13", "--purpose", "Lansia sakit",
                                                              "--refer", "rujukan"]).status == 0)
        let id = try #require(try siti.run(at: "2026-03-13 02:01:00", ["service", "list", "--json"]).jsonArray().first?["id"] as? String)
        try #require(try siti.run(at: "2026-03-13 02:30:00", ["service", "check", id, "--have", "ktp", "--have", "kk", "--have", "kontak", "--have", "bpjs"]).status == 0)
        try siti.sync()
        let pkh = try CLI.enrolled(server, agent: "A-PKH", role: "pkh-pendamping", area: "33.74.11", kelurahan: "Srondol Kulon", families: home)
        #expect(try state(siti, case: id).due == "2026-03-16 14:00", "one working day: Monday")

        // The Dinas declares Monday 16 March a regional holiday.
        let declared = try server.admin("holiday", "add", "--date", "2026-03-16", "--name", "Libur daerah uji", "--name-en", "Test regional holiday")
        try #require(declared.status == 0, "\(declared.stderr)")
        #expect(declared.stdout.contains("K-337420260316"))
        let again = try server.admin("holiday", "add", "--date", "2026-03-16", "--name", "Libur daerah uji", "--name-en", "Test regional holiday")
        #expect(again.status == 0 && again.stdout.contains("nothing changed"), "\(again.stdout)")

        // Siti stays offline: the TKSK syncs and hands her a bundle.
        let fromSiti = siti.directory.appendingPathComponent("siti.fsb").path
        try #require(try siti.run("bundle", "export", "--out", fromSiti).status == 0)
        try tksk.sync()
        let forSiti = tksk.directory.appendingPathComponent("for-siti.fsb").path
        try #require(try tksk.run("bundle", "export", "--out", forSiti, "--since", fromSiti).status == 0)
        let imported = try siti.run("bundle", "import", forSiti)
        try #require(imported.status == 0, "\(imported.stderr)")
        try dinas.sync()
        try pkh.sync()
        for laptop in [siti, tksk, dinas] {
            let seen = try state(laptop, case: id)
            #expect(seen.due == "2026-03-17 14:00" && seen.regional == ["2026-03-16"], "\(laptop.directory.lastPathComponent): \(seen)")
        }
        #expect(try state(pkh, case: nil).regional == ["2026-03-16"], "a PKH pendamping's families scope reads the kota's holidays too")

        // Removed at the server: back to Monday everywhere, after the next syncs.
        let removed = try server.admin("holiday", "remove", "--date", "2026-03-16")
        try #require(removed.status == 0, "\(removed.stderr)")
        #expect(try server.admin("holiday", "remove", "--date", "2026-03-16").status != 0, "nothing left to remove")
        for laptop in [tksk, siti, dinas, pkh] { try laptop.sync() }
        for laptop in [siti, tksk, dinas] {
            let seen = try state(laptop, case: id)
            #expect(seen.due == "2026-03-16 14:00" && seen.regional.isEmpty, "\(laptop.directory.lastPathComponent): \(seen)")
        }
        #expect(try state(pkh, case: nil).regional.isEmpty)
        // Declared again, it comes back (the record, deleted, is written again).
        try #require(try server.admin("holiday", "add", "--date", "2026-03-16", "--name", "Libur daerah uji").status == 0)
        try siti.sync()
        #expect(try state(siti, case: id).due == "2026-03-17 14:00")
        let listed = try server.admin("holiday", "list")
        #expect(listed.stdout.contains("2026-03-16") && listed.stdout.contains("Libur daerah uji"), "\(listed.stdout)")
        #expect(server.stop() == 0)
    }

    @Test("Only the server writes a regional holiday: a laptop refuses to save one, whatever its role; bad input to the server names the option")
    func serverOnly() throws {
        let server = try ServerHarness(.sqlite)
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let replica = try dinas.openReplica()
        let forged = RegionalHoliday(kota: "33.74", date: CivilDate("2026-03-16")!, name: "Libur buatan laptop")
        #expect(throws: StoreError.self) { try replica.save([forged]) }
        #expect(try replica.regionalHolidays().isEmpty)

        let badDate = try server.admin("holiday", "add", "--date", "16 Maret", "--name", "X")
        #expect(badDate.status != 0 && badDate.stderr.contains("--date"), "\(badDate.stderr)")
        let noName = try server.admin("holiday", "add", "--date", "2026-03-16", "--name", " ")
        #expect(noName.status != 0 && noName.stderr.contains("--name"), "\(noName.stderr)")
        let badKota = try server.admin("holiday", "add", "--date", "2026-03-16", "--name", "X", "--kota", "33.75")
        #expect(badKota.status != 0 && badKota.stderr.contains("--kota"), "\(badKota.stderr)")
        let weekend = try server.admin("holiday", "add", "--date", "2026-03-28", "--name", "Sabtu")
        #expect(weekend.status == 0 && weekend.stdout.contains("weekend"), "\(weekend.stdout)")
        #expect(server.stop() == 0)
    }
}
