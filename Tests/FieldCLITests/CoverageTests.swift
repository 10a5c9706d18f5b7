import FieldModels
import Foundation
import Testing

/// `field-server coverage`: records per kelurahan from the server's merged state, devices heard
/// of directly or through a TKSK's relay, the quiet ones, and the kelurahan no PSM has written in.
@Suite("Coverage at the Dinas: per kelurahan, per device, the quiet and the empty", .serialized)
struct CoverageTests {
    static let srondol = "33.74.11.1006", pudak = "33.74.11.1007"

    @Test("Counts follow the merged records (a deleted household leaves them); a relayed device is heard of; a silent one is quiet; a kelurahan with only a TKSK's record has no PSM data",
          arguments: ServerHarness.Store.available)
    func coverage(store: ServerHarness.Store) throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        _ = try CLI.enrolled(server, agent: "A-DEWI", area: Self.pudak, kelurahan: "Srondol Kulon")
        let first = try siti.addHousehold("Jl. Srondol 1", members: ["Budi;L;1980-05-15;kepala"])
        let second = try siti.addHousehold("Jl. Srondol 2", members: ["Sari;P;1985-01-02;kepala"])
        try #require(try siti.run("visit", "add", "--household", first, "--date", "2026-11-02", "--purpose", "Pendataan").status == 0)
        try #require(try siti.run("household", "delete", second, "--yes").status == 0)
        try siti.sync()
        // Offline, Siti adds one more; it reaches the server through the TKSK's relay.
        _ = try siti.addHousehold("Jl. Srondol 3")
        let bundle = siti.directory.appendingPathComponent("siti.fsb").path
        try #require(try siti.run("bundle", "export", "--out", bundle).status == 0)
        try #require(try tksk.run("bundle", "import", bundle).status == 0)
        _ = try tksk.addHousehold("Jl. Pudak 1", kelurahan: "33.74.11.1007")
        try tksk.sync()

        let answer = try server.admin("coverage", "--quiet-days", "0", "--json")
        try #require(answer.status == 0, "\(answer.stderr)")
        let coverage = try #require(try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [String: Any])
        let rows = Dictionary(uniqueKeysWithValues: (coverage["kelurahan"] as? [[String: Any]] ?? []).map { ($0["id"] as! String, $0) })
        let srondol = try #require(rows[Self.srondol]), pudak = try #require(rows[Self.pudak])
        let counts = srondol["records"] as? [String: Int] ?? [:]
        #expect(counts["household"] == 2 && counts["person"] == 1 && counts["visit"] == 1, "the deleted household and its member are not counted: \(counts)")
        #expect(srondol["psmData"] as? Bool == true && pudak["psmData"] as? Bool == false)
        #expect((pudak["records"] as? [String: Int])?["household"] == 1)
        let without = coverage["withoutPSM"] as? [String] ?? []
        #expect(without.contains(Self.pudak) && !without.contains(Self.srondol))

        let devices = Dictionary(uniqueKeysWithValues: (coverage["devices"] as? [[String: Any]] ?? []).map { ($0["agent"] as! String, $0) })
        #expect(devices["A-SITI"]?["relayed"] as? Bool == true, "her newest change came through the TKSK: \(String(describing: devices["A-SITI"]))")
        #expect(devices["A-BAMBANG"]?["relayed"] as? Bool == false)
        #expect(devices["A-DEWI"]?["lastSync"] == nil && devices["A-DEWI"]?["quietDays"] == nil, "enrolled, never synced")
        let quietNow = try #require(try JSONSerialization.jsonObject(with: Data(try server.admin("coverage", "--quiet-days", "1", "--json").stdout.utf8)) as? [String: Any])
        let quietIDs = Set(quietNow["quiet"] as? [String] ?? [])
        #expect(quietIDs == Set([devices["A-DEWI"]?["id"] as? String].compactMap { $0 }), "only the silent device is quiet after a day: \(quietIDs)")
        #expect(try server.admin("coverage", "--quiet-days", "-1").status != 0)
        #expect(server.stop() == 0)
    }
}

/// A laptop set up for its agent's own role syncs its agent record, whatever level its area is.
@Suite("Laptops of every role sync their own agent record", .serialized)
struct AgentRecordTests {
    @Test("A Dinas laptop (the kota), a TKSK's (a kecamatan) and a PKH pendamping's (families) each sync what `field init` wrote")
    func everyRole() throws {
        let server = try ServerHarness(.sqlite)
        let home = try CLI.enrolled(server, agent: "A-SITI", area: "33.74.11.1006", kelurahan: "Srondol Kulon").addHousehold("Jl. Srondol 9")
        for (agent, role, area, name, families) in [("A-DINAS", "dinas", "33.74", "Kota Semarang", nil), ("A-TKSK", "tksk", "33.74.11", "Banyumanik", nil),
                                                    ("A-PKH", "pkh-pendamping", "33.74.11", "Banyumanik", home)] {
            let code = try server.addAgent(id: agent, role: role, area: area, families: families)
            var laptop = try CLI()
            laptop.namespace = server.namespace
            let initialised = try laptop.run("init", "--name", agent, "--role", role, "--area", name, "--regions", CLI.semarangCSV,
                                             "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10")
            try #require(initialised.status == 0, "\(role): \(initialised.stderr)")
            try #require(try laptop.run("enroll", "--server", server.url, "--code", code).status == 0)
            let synced = try laptop.run("sync", "--json")
            #expect(synced.status == 0, "\(role): \(synced.stderr)")
        }
        #expect(server.stop() == 0)
    }
}
