import FieldModels
import Foundation
import SyncTestSupport
import Testing

/// The Dinas pages in a real browser: headless Chromium (Debian's, driven through
/// chromium-driver by `scripts/dinas_browser.py`) against a real `field-server`, at 1366×768.
/// An officer logs in, reads the coverage table, reads an SPM indicator and follows its
/// drill-down, exports a table, settles a conflict two laptops made, opens the reports; the settled value then reaches a laptop by `field sync`. Every page fits the
/// width and keeps WCAG 2.1 AA text contrast (4.5:1); screenshots stay in `.build/artefacts/dinas`.
/// Skipped where Chromium is missing, unless `FIELDSYNC_REQUIRE_BROWSER` is set (CI).
@Suite("Dinas pages in a real browser", .serialized)
struct DinasBrowserTests {
    static let srondol = "33.74.11.1006"
    static var required: Bool { !(ProcessInfo.processInfo.environment["FIELDSYNC_REQUIRE_BROWSER"] ?? "").isEmpty }
    static var driver: String? { OutsidePython.make("scripts/browser-driver") }

    @Test("Log in, read coverage, settle a conflict, open the reports; the choice reaches the field")
    func officer() throws {
        guard let python = Self.driver else {
            #expect(!Self.required, "FIELDSYNC_REQUIRE_BROWSER is set but chromium, chromium-driver or Selenium is missing")
            return
        }
        let server = try ServerHarness(.sqlite)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let sari = try CLI.enrolled(server, agent: "A-SARI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 1", members: ["Budi;L;1980-05-15;kepala"])
        try siti.sync()
        try sari.sync()
        #expect(try siti.run("household", "edit", home, "--address", "Jl. Srondol 1A").status == 0)
        #expect(try sari.run("household", "edit", home, "--address", "Jl. Srondol Kulon 1").status == 0)
        let added = try siti.run("person", "add", "--json", "--household", home, "--name", "Wati", "--sex", "P", "--birth", "1970-05-05",
                                 "--relationship", "istri")
        try #require(added.status == 0, "\(added.stderr)")
        let person = try #require(try added.jsonObject()["id"] as? String)
        #expect(try siti.run("pmks", "add", "--person", person, "--category", "penyandang-disabilitas", "--evidence", "Surat dokter").status == 0)
        // A questionnaire published and answered once.
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        try #require(try server.admin("form", "add", try TestForms.xlsx("spm-disabilitas", in: forms).path).status == 0)
        try siti.sync()
        let answers = siti.directory.appendingPathComponent("asesmen.json")
        try Data(#"{"ragam": ["fisik"], "umur": 41, "alat_bantu": "tidak", "jenis_alat": "Kursi roda", "pengasuh": "ya", "makan": "ya"}"#.utf8).write(to: answers)
        let filled = try siti.run("form", "fill", "spm_disabilitas", "--person", person, "--answers", answers.path)
        try #require(filled.status == 0, "\(filled.stderr)")
        try siti.sync()
        try sari.sync()
        let staff = try server.admin(["staff", "add", "--username", "rina", "--name", "Rina Wulandari", "--role", "operator"],
                                     env: ["FIELD_STAFF_PASSWORD": "rahasia-dinas-1"])
        try #require(staff.status == 0, "\(staff.stderr)")

        let artefacts = OutsidePython.root.appendingPathComponent(".build/artefacts/dinas").path
        let lines = try OutsidePython.run(python, "scripts/dinas_browser.py",
                                          [server.url, "rina", "rahasia-dinas-1", artefacts, Self.srondol, "Jl. Srondol Kulon 1"])
        var seen: [String: String] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            seen[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(seen["login_page"] == "1" && seen["after_login"] == "cakupan", "\(seen)")
        #expect(seen["households"] == "1" && seen["psm"] == "ya", "\(seen)")
        #expect(seen["queue"]?.hasPrefix("1 konflik") == true && seen["settled"]?.contains("diselesaikan") == true, "\(seen)")
        #expect(seen["reports"]?.hasPrefix("0 laporan") == true, "\(seen)")
        #expect(seen["indicator"] == "Penyandang disabilitas telantar: 0,0% (X = 0, Y = 1)" && seen["bars"] == "5", "\(seen)")
        #expect(seen["drilldown"]?.contains("X = 0, Y = 1") == true, "\(seen)")
        #expect(seen["export_status"] == "200" && seen["export_type"] == "text/csv; charset=utf-8"
                && seen["export_header"] == "layanan,wilayah,kode_wilayah,x,y,capaian", "\(seen)")
        #expect(seen["forms"] == "spm_disabilitas,2026010101,Asesmen SPM Disabilitas,Kota Semarang · semua peran,1", "\(seen)")
        #expect(seen["responses"]?.hasPrefix("1 jawaban") == true, "\(seen)")
        for page in ["masuk", "cakupan", "spm", "spm-rincian", "konflik", "konflik-selesai", "laporan", "formulir", "formulir-jawaban"] {
            #expect(seen["fits.\(page)"] == "1", "\(page) is wider than 1366 px")
            #expect(FileManager.default.fileExists(atPath: artefacts + "/\(page).png"))
        }
        let contrast = try #require(seen["contrast"].flatMap(Double.init))
        #expect(contrast >= 4.5, "text contrast \(contrast) below WCAG AA at \(seen["contrast_worst"] ?? "?")")

        try siti.sync()
        let shown = try siti.run("household", "show", home, "--json")
        #expect(try shown.jsonObject()["address"] as? String == "Jl. Srondol Kulon 1", "\(shown.stdout)")
        #expect(try siti.run("conflicts", "list", "--json").jsonArray().isEmpty, "settled on the laptop too")
        #expect(server.stop() == 0)
    }
}
