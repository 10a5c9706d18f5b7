import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// A month of reports through every tier, as the laptops would live it: two PSM of one
/// kecamatan draft from their records, record their Lurah's signature and submit; the TKSK
/// combines them and records the Camat's; the Dinas returns both PSM reports; one PSM corrects
/// before the 15th, the other after; every replica agrees on every status. Each report
/// command runs under libfaketime at the day it happens.
@Suite("Monthly reports: PSM → Lurah → TKSK → Camat → Dinas", .serialized)
struct ReportFlowTests {
    static let srondol = "33.74.11.1006", pudak = "33.74.11.1001"

    /// `field … --json` at `date` (UTC unless `tz`), required to succeed; its JSON object.
    @discardableResult
    static func step(_ cli: CLI, at date: String, tz: String = "UTC", _ arguments: String...) throws -> [String: Any] {
        let result = try cli.run(at: date, arguments + ["--json"], env: ["TZ": tz])
        try #require(result.status == 0, "field \(arguments.joined(separator: " ")): \(result.stderr)")
        return try result.jsonObject()
    }

    /// What `field report list --month 2026-11` shows on a replica: id → (status, late).
    static func statuses(_ cli: CLI, at date: String) throws -> [String: String] {
        let result = try cli.run(at: date, ["report", "list", "--month", "2026-11", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        var out: [String: String] = [:]
        for row in try result.jsonArray() { out[row["id"] as! String] = "\(row["status"]!)\((row["late"] as? Bool) == true ? "+late" : "")" }
        return out
    }

    static func syncAll(_ laptops: [CLI]) throws {
        for _ in 0..<2 { for laptop in laptops { try laptop.sync() } }
    }

    @Test("A month: draft, sign, submit, combine, return, correct before and after the 15th; every replica agrees",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func month(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let dewi = try CLI.enrolled(server, agent: "A-DEWI", area: Self.pudak, kelurahan: "Pudakpayung")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")

        // November's work: Siti visits twice (a referral, a follow-up she keeps), Dewi once (a
        // follow-up she misses), the TKSK once.
        let sitiHome = try siti.addHousehold("Jl. Srondol 1", kelurahan: "Srondol Kulon")
        let dewiHome = try dewi.addHousehold("Jl. Pudak 2", kelurahan: "Pudakpayung")
        try Self.step(siti, at: "2026-11-05 03:00:00", "visit", "add", "--household", sitiHome, "--date", "2026-11-05", "--purpose", "Asesmen awal",
                      "--referral", "panti", "--referral-status", "diajukan", "--follow-up", "2026-11-20")
        try Self.step(siti, at: "2026-11-21 03:00:00", "visit", "add", "--household", sitiHome, "--date", "2026-11-21", "--purpose", "Tindak lanjut")
        try Self.step(dewi, at: "2026-11-12 03:00:00", "visit", "add", "--household", dewiHome, "--date", "2026-11-12", "--purpose", "Asesmen",
                      "--follow-up", "2026-11-25")
        try Self.syncAll([siti, dewi, tksk])
        try Self.step(tksk, at: "2026-11-28 03:00:00", "visit", "add", "--household", dewiHome, "--date", "2026-11-28", "--purpose", "Pendampingan")

        // 1 December: both PSM draft, have the Lurah sign, submit.
        let sitiReport = try Self.step(siti, at: "2026-12-01 03:00:00", "report", "draft", "--month", "2026-11",
                                       "--plan", "Pendataan RW 05", "--evaluation", "Rujukan panti masih menunggu")
        let sitiID = try #require(sitiReport["id"] as? String)
        #expect(sitiID == "R-202611SITI")
        let sections = try #require(sitiReport["sections"] as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: sections.flatMap { $0["figures"] as! [[String: Any]] }.map { ($0["key"] as! String, $0["count"] as! Int) })
        #expect(counts == ["visits": 2, "referrals.diajukan": 1, "referrals.to.panti": 1, "followups.done": 1], "part (a) from the records")
        try Self.step(siti, at: "2026-12-01 04:00:00", "report", "sign", "--month", "2026-11", "--name", "Drs. Mulyono", "--nip", "196805121990031004")
        #expect(try Self.step(siti, at: "2026-12-01 05:00:00", "report", "submit", "--month", "2026-11")["status"] as? String == "submitted")

        let dewiReport = try Self.step(dewi, at: "2026-12-01 03:00:00", "report", "draft", "--month", "2026-11", "--plan", "Kunjungan ulang RW 02")
        let dewiID = try #require(dewiReport["id"] as? String)
        let unfinished = try dewi.run(at: "2026-12-01 03:10:00", ["report", "submit", "--month", "2026-11"])
        #expect(unfinished.status == 3 && unfinished.stderr.contains("bagian (c) evaluasi"), "the missing part is named: \(unfinished.stderr)")
        try Self.step(dewi, at: "2026-12-01 03:20:00", "report", "draft", "--month", "2026-11", "--evaluation", "Satu tindak lanjut terlewat")
        let unsigned = try dewi.run(at: "2026-12-01 03:30:00", ["report", "submit", "--month", "2026-11"])
        #expect(unsigned.status == 3 && unsigned.stderr.contains("Lurah"), "\(unsigned.stderr)")
        try Self.step(dewi, at: "2026-12-01 04:00:00", "report", "sign", "--month", "2026-11", "--name", "Sri Wahyuni", "--position", "Lurah Pudakpayung")
        try Self.step(dewi, at: "2026-12-01 05:00:00", "report", "submit", "--month", "2026-11")
        try Self.syncAll([siti, dewi, tksk])

        // 2 December: the TKSK combines, the Camat signs, the TKSK submits.
        try Self.step(tksk, at: "2026-12-02 03:00:00", "report", "draft", "--month", "2026-11", "--plan", "Rapat PSM kecamatan", "--evaluation", "Dua laporan masuk")
        let combined = try Self.step(tksk, at: "2026-12-02 03:10:00", "report", "combine", "--month", "2026-11")
        let tkskID = try #require(combined["id"] as? String)
        #expect((combined["included"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == [dewiID, sitiID].sorted())
        let totals = (combined["totals"] as? [[String: Any]] ?? []).flatMap { $0["figures"] as! [[String: Any]] }
        #expect(totals.first { $0["key"] as? String == "visits" }?["count"] as? Int == 4, "TKSK 1 + Siti 2 + Dewi 1")
        #expect(totals.first { $0["key"] as? String == "followups.overdue" }?["count"] as? Int == 1)
        let missing = try #require(combined["missing"] as? [[String: Any]])
        #expect(!missing.isEmpty && !missing.contains { [Self.srondol, Self.pudak].contains($0["kelurahan"] as? String) })
        #expect(missing.allSatisfy { ($0["reasons"] as? [String]) == ["laporan PSM belum masuk"] }, "named by kelurahan, with why")
        try Self.step(tksk, at: "2026-12-02 04:00:00", "report", "sign", "--month", "2026-11", "--name", "Drs. Bambang Sutejo", "--position", "Camat Banyumanik")
        try Self.step(tksk, at: "2026-12-02 05:00:00", "report", "submit", "--month", "2026-11")
        try Self.syncAll([tksk, dinas])

        // 3 December: the Dinas returns both PSM reports and approves the TKSK's.
        let noReason = try dinas.run(at: "2026-12-03 03:00:00", ["report", "return", sitiID, "--reason", " "])
        #expect(noReason.status == 3, "a return needs a reason")
        try Self.step(dinas, at: "2026-12-03 03:00:00", "report", "return", sitiID, "--reason", "Tindak lanjut rujukan panti belum dijelaskan")
        try Self.step(dinas, at: "2026-12-03 03:05:00", "report", "return", dewiID, "--reason", "Tindak lanjut yang terlewat harus dijelaskan")
        try Self.step(dinas, at: "2026-12-03 03:10:00", "report", "approve", tkskID)
        let notMine = try siti.run(at: "2026-12-03 03:00:00", ["report", "approve", sitiID])
        #expect(notMine.status == 3 && notMine.stderr.contains("Dinas"), "a PSM does not approve: \(notMine.stderr)")
        try Self.syncAll([dinas, siti, dewi])

        // Siti corrects on the 10th; Dewi on the 16th in Jakarta, though her laptop's clock,
        // set to Los Angeles, still says the 15th.
        try Self.step(siti, at: "2026-12-10 03:00:00", "report", "draft", "--month", "2026-11", "--activities", "Panti menunggu surat dari kelurahan")
        let onTime = try Self.step(siti, at: "2026-12-10 03:10:00", "report", "submit", "--month", "2026-11")
        #expect(onTime["status"] as? String == "resubmitted" && onTime["late"] as? Bool == false)
        try Self.step(dewi, at: "2026-12-15 12:00:00", tz: "America/Los_Angeles", "report", "draft", "--month", "2026-11",
                      "--activities", "Kunjungan ulang dijadwalkan")
        let lateSubmit = try dewi.run(at: "2026-12-15 13:00:00", ["report", "submit", "--month", "2026-11", "--json"], env: ["TZ": "America/Los_Angeles"])
        try #require(lateSubmit.status == 0, "\(lateSubmit.stderr)")
        let late = try lateSubmit.jsonObject()
        #expect(late["status"] as? String == "resubmitted" && late["late"] as? Bool == true && late["submittedOn"] as? String == "2026-12-16")
        try Self.syncAll([siti, dewi, dinas])
        try Self.step(dinas, at: "2026-12-17 03:00:00", "report", "approve", sitiID)
        try Self.syncAll([dinas, siti, dewi, tksk])

        // Every replica shows the same statuses for the reports it holds.
        let expected = [sitiID: "approved", dewiID: "resubmitted+late", tkskID: "approved"]
        for (laptop, holds) in [(siti, [sitiID]), (dewi, [dewiID]), (tksk, [sitiID, dewiID, tkskID]), (dinas, [sitiID, dewiID, tkskID])] {
            let seen = try Self.statuses(laptop, at: "2026-12-20 03:00:00")
            #expect(seen == expected.filter { holds.contains($0.key) }, "\(laptop.directory.lastPathComponent)")
        }
        // Who decided what, and when, is in the report's history.
        let history = try siti.openReplica().history(of: sitiID).filter { $0.field == "status" }
        #expect(history.map { "\($0.agent):\($0.value.text ?? "")" } == ["A-SITI:draft", "A-SITI:submitted", "A-DINAS:returned", "A-SITI:resubmitted", "A-DINAS:approved"])

        // The TKSK prints its report with the two PSM reports attached.
        try ReportPrintCheck.pages(of: tksk, report: tkskID, atLeast: 3, containing: ["Camat Kecamatan Banyumanik", "Lurah Kelurahan Srondol Kulon",
                                                                                   "Lurah Kelurahan Pudakpayung", "Drs. Mulyono"])
        #expect(server.stop() == 0)
    }

    /// Siti's November report drafted, signed by her Lurah and submitted on 1 December; its id.
    static func submitNovember(_ siti: CLI, activities: String = "") throws -> String {
        try step(siti, at: "2026-12-01 03:00:00", "report", "draft", "--month", "2026-11", "--activities", activities,
                 "--plan", "Pendataan RW 02", "--evaluation", "Sesuai rencana")
        try step(siti, at: "2026-12-01 03:10:00", "report", "sign", "--month", "2026-11", "--name", "Drs. Mulyono", "--position", "Lurah Srondol Kulon")
        return try #require(try step(siti, at: "2026-12-01 03:20:00", "report", "submit", "--month", "2026-11")["id"] as? String)
    }

    /// The 1-based choice of `conflicts show` whose value is `value`, for `field`.
    static func choice(_ cli: CLI, _ id: String, field: String, value: String) throws -> String {
        let shown = try cli.run("conflicts", "show", id, "--json")
        let conflict = try #require(try (shown.json() as? [[String: Any]])?.first { $0["field"] as? String == field }, "\(shown.stdout)")
        let values = try #require(conflict["values"] as? [[String: Any]])
        let index = try #require(values.firstIndex { ($0["value"] as? String)?.contains(value) == true }, "\(values)")
        return String(index + 1)
    }

    @Test("Two Dinas officers decide differently offline: the report holds both until one settles it; its author cannot settle it as approved",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func twoDecisions(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let rina = try CLI.enrolled(server, agent: "A-RINA", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let id = try Self.submitNovember(siti, activities: "Pendataan RW 01")
        try Self.syncAll([siti, dinas, rina])

        try Self.step(dinas, at: "2026-12-03 03:00:00", "report", "approve", id)
        try Self.step(rina, at: "2026-12-03 03:05:00", "report", "return", id, "--reason", "Uraian RW 01 terlalu singkat")
        try Self.syncAll([dinas, rina, siti])

        for laptop in [siti, dinas, rina] {
            let shown = try Self.step(laptop, at: "2026-12-04 03:00:00", "report", "show", id)
            #expect((shown["conflicts"] as? [String])?.contains("status") == true, "both decisions are kept on every replica")
        }
        let blocked = try dinas.run(at: "2026-12-04 03:00:00", ["report", "approve", id])
        #expect(blocked.status == 3 && blocked.stderr.contains("field conflicts"), "no third decision over two: \(blocked.stderr)")
        let byAuthor = try siti.run("conflicts", "resolve", id, "--field", "status", "--choose", try Self.choice(siti, id, field: "status", value: "approved"))
        #expect(byAuthor.status == 3 && byAuthor.stderr.contains("Dinas"), "the PSM cannot settle it as approved: \(byAuthor.stderr)")

        // The Dinas settles it: returned, by Rina.
        for field in ["status", "decidedBy"] {
            let value = field == "status" ? "returned" : "A-RINA"
            let settled = try dinas.run("conflicts", "resolve", id, "--field", field, "--choose", try Self.choice(dinas, id, field: field, value: value))
            #expect(settled.status == 0, "\(settled.stderr)")
        }
        try Self.syncAll([dinas, siti, rina])
        for laptop in [siti, dinas, rina] {
            let shown = try Self.step(laptop, at: "2026-12-05 03:00:00", "report", "show", id)
            #expect(shown["status"] as? String == "returned" && (shown["conflicts"] as? [String]) == [])
        }
        try Self.step(siti, at: "2026-12-05 03:00:00", "report", "draft", "--month", "2026-11", "--activities", "Pendataan RW 01: 42 rumah tangga")
        #expect(try Self.step(siti, at: "2026-12-05 03:10:00", "report", "submit", "--month", "2026-11")["status"] as? String == "resubmitted")
        #expect(server.stop() == 0)
    }

    @Test("Through the middle tier: a PSM report travels to the TKSK by bundle, is combined there offline, and reaches the Dinas by the TKSK's sync",
          .enabled(if: CLI.hasFaketime), arguments: ServerHarness.Store.available)
    func byBundle(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let tksk = try CLI.enrolled(server, agent: "A-BAMBANG", role: "tksk", area: "33.74.11", kelurahan: "Srondol Kulon")
        let dinas = try CLI.enrolled(server, agent: "A-DINAS", role: "dinas", area: "3374", kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 3", kelurahan: "Srondol Kulon")
        try Self.step(siti, at: "2026-11-09 03:00:00", "visit", "add", "--household", home, "--date", "2026-11-09", "--purpose", "Asesmen")
        let id = try Self.submitNovember(siti)

        let bundle = siti.directory.appendingPathComponent("siti.fsb").path
        try #require(try siti.run("bundle", "export", "--out", bundle).status == 0)
        try #require(try tksk.run("bundle", "import", bundle).status == 0)
        try Self.step(tksk, at: "2026-12-02 03:00:00", "report", "draft", "--month", "2026-11", "--plan", "Rapat PSM", "--evaluation", "Cukup")
        let combined = try Self.step(tksk, at: "2026-12-02 03:05:00", "report", "combine", "--month", "2026-11")
        #expect((combined["included"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "combined from the bundle, offline")
        try tksk.sync()
        try dinas.sync()
        #expect(try Self.statuses(dinas, at: "2026-12-03 03:00:00")[id] == "submitted", "relayed by the TKSK, judged by its origin")
        #expect(server.stop() == 0)
    }
}

/// Printing through the real tools: `field report show --pdf`, then poppler's `pdftoppm`
/// (one PNG per page) and `pdftotext`.
enum ReportPrintCheck {
    static func pages(of cli: CLI, report: String, atLeast count: Int, containing texts: [String]) throws {
        for tool in ["/usr/bin/weasyprint", "/usr/bin/pdftoppm", "/usr/bin/pdftotext"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: run scripts/install-deps")
        }
        let pdf = cli.directory.appendingPathComponent("report.pdf").path
        let shown = try cli.run("report", "show", report, "--pdf", pdf)
        try #require(shown.status == 0, "\(shown.stderr)")
        let prefix = cli.directory.appendingPathComponent("page").path
        try CLI.tool("/usr/bin/pdftoppm", ["-r", "40", "-png", pdf, prefix])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }
        #expect(pngs.count >= count, "pages: \(pngs.sorted())")
        for png in pngs {
            let bytes = try Data(contentsOf: cli.directory.appendingPathComponent(png))
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(png) is a PNG")
        }
        let text = cli.directory.appendingPathComponent("report.txt").path
        try CLI.tool("/usr/bin/pdftotext", ["-layout", pdf, text])
        let content = try String(contentsOfFile: text, encoding: .utf8)
        for wanted in texts { #expect(content.contains(wanted), "the PDF says \(wanted)") }
    }
}
