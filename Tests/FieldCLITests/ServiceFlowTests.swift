import FieldModels
import Foundation
@testable import LocalStore
import Testing

/// Service cases on the laptops: a referral opened from a home visit, its checklist, its clock
/// in the working calendar, the status path, and the same due time on every replica.
@Suite("Service cases: from a home visit to the Dinas, on the clock", .serialized)
struct ServiceFlowTests {
    static let srondol = "33.74.11.1006"

    @Test("Open from a visit, tick, move only forward, refuse, close, reopen only with a reason", .enabled(if: CLI.hasFaketime))
    func path() throws {
        let cli = try CLI()
        try #require(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Srondol 4")
        // Friday 13 March 2026, 09:00 in Jakarta (02:00 UTC).
        let visit = try cli.run(at: "2026-03-13 02:00:00", ["visit", "add", "--household", home, "--date", "2026-03-13", "--purpose", "Asesmen",
                                                             "--refer", "rujukan"])
        try #require(visit.status == 0, "\(visit.stderr)")
        let opened = try cli.run(at: "2026-03-13 02:01:00", ["service", "list", "--json"]).jsonArray()
        let id = try #require(opened.first?["id"] as? String)
        #expect(opened.first?["status"] as? String == "diterima" && opened.first?["due"] == nil, "no clock before the file is complete")
        #expect(opened.first?["visit"] as? String != nil)

        let early = try cli.run(at: "2026-03-13 02:05:00", ["service", "move", id, "--to", "asesmen"])
        #expect(early.status == 3 && early.stderr.contains("berkas lengkap"), "\(early.stderr)")
        let unknown = try cli.run(at: "2026-03-13 02:05:00", ["service", "check", id, "--have", "paspor"])
        #expect(unknown.status == 3 && unknown.stderr.contains("bpjs, kk, kontak, ktp"), "\(unknown.stderr)")
        let checked = try cli.run(at: "2026-03-13 02:30:00", ["service", "check", id, "--have", "ktp", "--have", "kk", "--have", "kontak", "--have", "bpjs", "--json"])
        try #require(checked.status == 0, "\(checked.stderr)")
        let complete = try checked.jsonObject()
        #expect(complete["status"] as? String == "lengkap" && complete["completeAt"] as? String == "2026-03-13 09:30")
        #expect(complete["due"] as? String == "2026-03-16 14:00", "one working day: Monday, at the end of service hours")

        // Tuesday 17 March 09:00 in Jakarta: a day late.
        let overdue = try cli.run(at: "2026-03-17 02:00:00", ["service", "list", "--overdue", "--json"]).jsonArray()
        #expect(overdue.map { $0["id"] as? String } == [id] && overdue.first?["minutesLeft"] as? Int == -19 * 60,
                "late since Monday 14:00")
        #expect(try cli.run(at: "2026-03-16 01:00:00", ["service", "list", "--due-within", "6h", "--json"]).jsonArray().count == 1)
        #expect(try cli.run(at: "2026-03-16 01:00:00", ["service", "list", "--due-within", "4h", "--json"]).jsonArray().isEmpty)

        #expect(try cli.run(at: "2026-03-17 02:10:00", ["service", "move", id, "--to", "disposisi"]).status == 0)
        let back = try cli.run(at: "2026-03-17 02:20:00", ["service", "move", id, "--to", "asesmen"])
        #expect(back.status == 3 && back.stderr.contains("hanya maju"), "\(back.stderr)")
        #expect(try cli.run(at: "2026-03-17 03:00:00", ["service", "close", id, "--outcome", "Diterima RSUD Wongsonegoro"]).status == 0)
        let reopenBare = try cli.run(at: "2026-03-18 03:00:00", ["service", "move", id, "--to", "diterima", "--reopen"])
        #expect(reopenBare.status == 3 && reopenBare.stderr.contains("--reason"))
        let reopened = try cli.run(at: "2026-03-18 03:00:00", ["service", "move", id, "--to", "diterima", "--reopen", "--reason", "Pasien dipulangkan, rujuk ulang", "--json"])
        try #require(reopened.status == 0, "\(reopened.stderr)")
        #expect(try reopened.jsonObject()["completeAt"] == nil, "the clock restarts once the file is complete again")
        let statuses = try cli.openReplica().history(of: id).filter { $0.field == "status" }.compactMap(\.value.text)
        #expect(statuses == ["diterima", "lengkap", "disposisi", "selesai", "diterima"], "every transition is in the history")

        // March's report counts the case the agent received, by service and by status now.
        let report = try cli.run(at: "2026-04-01 02:00:00", ["report", "draft", "--month", "2026-03", "--json"])
        try #require(report.status == 0, "\(report.stderr)")
        let figures = try (report.jsonObject()["sections"] as? [[String: Any]] ?? []).flatMap { $0["figures"] as? [[String: Any]] ?? [] }
        let counts = Dictionary(uniqueKeysWithValues: figures.map { ($0["key"] as! String, $0["count"] as! Int) })
        #expect(counts["services.rujukan"] == 1 && counts["services.status.diterima"] == 1 && counts["visits"] == 1, "\(counts)")
    }

    @Test("A PSM's referral from a visit reaches the TKSK by bundle (overdue in its kecamatan), the server by the TKSK, is closed at the Dinas; every replica shows the same due time",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func throughTheTiers(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 5")
        // Offline, Friday 13 March 2026: the visit, the referral, the file complete at 09:30.
        let visit = try siti.run(at: "2026-03-13 02:00:00", ["visit", "add", "--household", home, "--date", "2026-03-13", "--purpose", "Lansia sakit",
                                                              "--refer", "rujukan"])
        try #require(visit.status == 0, "\(visit.stderr)")
        let id = try #require(try siti.run(at: "2026-03-13 02:01:00", ["service", "list", "--json"]).jsonArray().first?["id"] as? String)
        try #require(try siti.run(at: "2026-03-13 02:30:00", ["service", "check", id, "--have", "ktp", "--have", "kk", "--have", "kontak", "--have", "bpjs"]).status == 0)

        let bundle = siti.directory.appendingPathComponent("siti.fsb").path
        try #require(try siti.run("bundle", "export", "--out", bundle).status == 0)
        try #require(try tksk.run("bundle", "import", bundle).status == 0)
        let overdue = try tksk.run(at: "2026-03-17 02:00:00", ["service", "list", "--overdue", "--json"]).jsonArray()
        #expect(overdue.map { $0["id"] as? String } == [id], "the TKSK sees what is overdue in its kecamatan")
        try tksk.sync()
        try dinas.sync()
        for step in [["service", "move", id, "--to", "disposisi"], ["service", "close", id, "--outcome", "Diterima RSUD Wongsonegoro"]] {
            let moved = try dinas.run(at: "2026-03-17 03:00:00", step)
            #expect(moved.status == 0, "\(moved.stderr)")
        }
        try dinas.sync()
        try tksk.sync()
        try siti.sync()
        for laptop in [siti, tksk, dinas] {
            let shown = try laptop.run(at: "2026-03-18 02:00:00", ["service", "show", id, "--json"])
            try #require(shown.status == 0, "\(shown.stderr)")
            let view = try shown.jsonObject()
            #expect(view["due"] as? String == "2026-03-16 14:00" && view["status"] as? String == "selesai"
                    && view["outcome"] as? String == "Diterima RSUD Wongsonegoro", "\(laptop.directory.lastPathComponent): \(view)")
        }
        #expect(server.stop() == 0)
    }

    @Test("KUBE and RST groups on the laptop: the size and age rules refuse by name, a group gathers with a warning, then completes")
    func groups() throws {
        let cli = try CLI()
        try #require(try cli.initPSM().status == 0)
        var homes: [String] = []
        for index in 0..<10 { homes.append(try cli.addHousehold("Jl. KUBE \(index)", members: ["Kepala \(index);L;1980-08-12;kepala"])) }
        let elder = try cli.addHousehold("Jl. Lansia 1", members: ["Mbah Sastro;L;1950-01-05;kepala"])

        let tooOld = try cli.run(["service", "open", "kube", "--have", "dtks"] + (homes.dropLast() + [elder]).flatMap { ["--family", $0] })
        #expect(tooOld.status == 3 && tooOld.stderr.contains("20–55") && tooOld.stderr.contains("Mbah Sastro"), "\(tooOld.stderr)")
        let gathering = try cli.run(["service", "open", "kube", "--json"] + homes.dropLast().flatMap { ["--family", $0] })
        try #require(gathering.status == 0, "\(gathering.stderr)")
        let id = try #require(try gathering.jsonObject()["id"] as? String)
        #expect(try cli.run("service", "show", id).stdout.contains("9 KK"))
        let complete = try cli.run(["service", "check", id, "--family", homes[9], "--json"] + ServiceKind.kube.requirements.flatMap { ["--have", $0.code] })
        try #require(complete.status == 0, "\(complete.stderr)")
        #expect(try complete.jsonObject()["status"] as? String == "lengkap" && (try complete.jsonObject()["families"] as? [String])?.count == 10)

        let small = try cli.run(["service", "open", "rst"] + ServiceKind.rst.requirements.flatMap { ["--have", $0.code] } + homes.prefix(2).flatMap { ["--family", $0] })
        #expect(small.status == 3 && small.stderr.contains("3–15 KK"), "a complete RST file with 2 families: \(small.stderr)")
        let alone = try cli.run(["service", "open", "rst", "--household", elder] + ServiceKind.rst.requirements.flatMap { ["--have", $0.code] })
        #expect(alone.status == 0, "one household alone: \(alone.stderr)")
    }
}
