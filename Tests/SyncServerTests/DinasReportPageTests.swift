import FieldModels
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LocalStore
@testable import SyncServer
import SyncEngine
import SyncTestSupport
import Testing

/// `/dinas/laporan`: the month's reports with their status and lateness from the merged state;
/// an operator approves or returns one, and the decision, written as the server's own change,
/// reaches the author's laptop at its next pull. A viewer only reads.
@Suite("Dinas pages: monthly report status and decisions that reach the field", .serialized)
struct DinasReportPageTests {
    typealias Browser = DinasPageTests.Browser

    /// A report of `laptop`'s agent for October 2026, signed and submitted on `submitted`.
    static func submit(_ laptop: ServerTierPropertyTests.Laptop, area: String, submitted: String) throws -> String {
        var report = MonthlyReport(agentID: laptop.agent.id, period: "2026-10", lastMonth: "Pendataan RW 03", nextMonthPlan: "Kunjungan lansia",
                                   evaluation: "Baik", status: .submitted, kelurahanID: area)
        report.agentName = laptop.agent.name
        report.approvedBy = "Drs. Mulyono"
        report.approverID = "196805121990031004"
        report.approvedOn = CivilDate(submitted)
        report.submittedOn = CivilDate(submitted)
        try laptop.replica.save([report])
        return report.id
    }

    @Test("The table shows who is late; a viewer cannot decide; a return needs a reason; the decisions reach the authors' laptops",
          arguments: StoreKind.available)
    func decisions(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-reports-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let siti = try await ServerTierPropertyTests.laptop("siti", agent: AgentProfile(id: "A-SITI", name: "Siti Aminah", role: .psm, area: "33.74.11.1006"),
                                                                store: store, in: directory)
            let dewi = try await ServerTierPropertyTests.laptop("dewi", agent: AgentProfile(id: "A-DEWI", name: "Dewi Lestari", role: .psm, area: "33.74.11.1001"),
                                                                store: store, in: directory)
            let late = try Self.submit(siti, area: "33.74.11.1006", submitted: "2026-11-20")
            let onTime = try Self.submit(dewi, area: "33.74.11.1001", submitted: "2026-11-10")
            var clean: SeededGenerator?
            for laptop in [siti, dewi] { try await ServerTierPropertyTests.push(laptop, to: store, random: &clean, now: 10_000) }
            try await store.addStaff(username: "vina", name: "Vina", role: .viewer, password: DinasPageTests.password, now: 0)
            try await store.addStaff(username: "rina", name: "Rina Wulandari", role: .operator, password: DinasPageTests.password, now: 0)
            // 25 November 2026, 10:00 in Jakarta.
            let now: Int64 = 1_795_579_200_000
            try await Application(router: SyncRoutes(store: store, now: { now }).router()).test(.router) { client in
                var viewer = Browser(client: client)
                _ = try await viewer.login("vina", DinasPageTests.password)
                let page = try await viewer.get("/dinas/laporan")
                let html = String(buffer: page.body)
                #expect(page.status == .ok && html.contains("Laporan bulan 2026-10"), "last month by default")
                #expect(html.contains("Siti Aminah") && html.contains("Dewi Lestari") && html.contains("Srondol Kulon"))
                #expect(html.contains("2 laporan · 2 menunggu keputusan · 1 terlambat"), "\(html)")
                #expect(!html.contains("Setujui"), "a viewer gets no decision forms")
                let refused = try await viewer.post("/dinas/laporan/putuskan", ["csrf": try Browser.token(page), "id": onTime, "keputusan": "setujui", "bulan": "2026-10"])
                #expect(refused.status == .forbidden)

                var officer = Browser(client: client)
                _ = try await officer.login("rina", DinasPageTests.password)
                let table = try await officer.get("/dinas/laporan?bulan=2026-10")
                let token = try Browser.token(table)
                #expect(String(buffer: table.body).contains("Setujui"))
                let bare = try await officer.post("/dinas/laporan/putuskan", ["csrf": token, "id": late, "keputusan": "kembalikan", "alasan": "", "bulan": "2026-10"])
                #expect(bare.status == .conflict && String(buffer: bare.body).contains("alasan"))
                let returned = try await officer.post("/dinas/laporan/putuskan", ["csrf": token, "id": late, "keputusan": "kembalikan",
                                                                                  "alasan": "Lampirkan daftar kunjungan", "bulan": "2026-10"])
                #expect(returned.status == .seeOther)
                #expect(try await officer.post("/dinas/laporan/putuskan", ["csrf": token, "id": onTime, "keputusan": "setujui", "bulan": "2026-10"]).status == .seeOther)
                let again = try await officer.post("/dinas/laporan/putuskan", ["csrf": token, "id": onTime, "keputusan": "kembalikan", "alasan": "x", "bulan": "2026-10"])
                #expect(again.status == .conflict, "a decided report is not decided again")
                let after = String(buffer: try await officer.get("/dinas/laporan?bulan=2026-10").body)
                #expect(after.contains("0 menunggu keputusan") && after.contains("1 dikembalikan") && after.contains("Lampirkan daftar kunjungan"), "\(after)")
            }
            // The decisions reach the field.
            for laptop in [siti, dewi] { try await ServerTierPropertyTests.pull(laptop, from: store, random: &clean) }
            let sitis = try siti.replica.existing(MonthlyReport.self, id: late).record
            #expect(sitis.status == .returned && sitis.decisionReason == "Lampirkan daftar kunjungan" && sitis.decidedBy == "Rina Wulandari"
                    && sitis.decidedOn == CivilDate("2026-11-25"))
            #expect(try dewi.replica.existing(MonthlyReport.self, id: onTime).record.status == .approved)
            #expect(try siti.replica.existing(MonthlyReport.self, id: late).conflicts.isEmpty)
        }
    }
}
