import FieldModels
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LocalStore
@testable import SyncServer
import SyncEngine
import SyncTestSupport
import Testing

/// `/dinas/konflik`: a field two laptops changed apart waits with both values, author and
/// device; an operator picks one, written as the server's own change, and both laptops show
/// it, settled, after their next pull.
@Suite("Dinas pages: the conflict queue, settled at the Dinas and synced back", .serialized)
struct DinasConflictPageTests {
    typealias Browser = DinasPageTests.Browser

    @Test("Two offline edits of one address wait in the queue; an operator settles them; the laptops show the choice, no conflict left",
          arguments: StoreKind.available)
    func settle(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-conflicts-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let area = "33.74.11.1006"
            let siti = try await ServerTierPropertyTests.laptop("siti", agent: AgentProfile(id: "A-SITI", name: "Siti", role: .psm, area: area),
                                                                store: store, in: directory)
            let sari = try await ServerTierPropertyTests.laptop("sari", agent: AgentProfile(id: "A-SARI", name: "Sari", role: .psm, area: area),
                                                                store: store, in: directory)
            var clean: SeededGenerator?
            var household = Household(noKK: "3374061203150007", address: "Jl. Srondol 1", rt: "1", rw: "2", kelurahanID: area)
            try siti.replica.save([household])
            try await ServerTierPropertyTests.push(siti, to: store, random: &clean, now: 10_000)
            try await ServerTierPropertyTests.pull(sari, from: store, random: &clean)
            household.address = "Jl. Srondol 1A"
            try siti.replica.save([household])
            household.address = "Jl. Srondol Kulon 1"
            try sari.replica.save([household])
            for laptop in [siti, sari] { try await ServerTierPropertyTests.push(laptop, to: store, random: &clean, now: 20_000) }
            let id = household.id
            try await store.addStaff(username: "rina", name: "Rina", role: .operator, password: DinasPageTests.password, now: 0)
            try await store.addStaff(username: "vina", name: "Vina", role: .viewer, password: DinasPageTests.password, now: 0)

            try await Application(router: SyncRoutes(store: store, now: { 1_795_579_200_000 }).router()).test(.router) { client in
                var viewer = Browser(client: client)
                _ = try await viewer.login("vina", DinasPageTests.password)
                let seen = String(buffer: try await viewer.get("/dinas/konflik?wilayah=33.74.11").body)
                #expect(seen.contains("1 konflik") && seen.contains("Jl. Srondol 1A") && seen.contains("Jl. Srondol Kulon 1")
                        && seen.contains("A-SITI") && seen.contains("A-SARI") && !seen.contains("type=\"radio\""), "\(seen)")
                #expect(String(buffer: try await viewer.get("/dinas/konflik?wilayah=33.74.10").body).contains("0 konflik"), "another kecamatan's queue")

                var officer = Browser(client: client)
                _ = try await officer.login("rina", DinasPageTests.password)
                let page = try await officer.get("/dinas/konflik")
                let html = String(buffer: page.body)
                let queue = try await store.conflictQueue(area: nil)
                let choice = try #require(queue.first?.versions.first { $0.version.value == .text("Jl. Srondol Kulon 1") })
                let dot = "\(choice.version.dot.replica.rawValue):\(choice.version.dot.counter)"
                #expect(html.contains("value=\"\(dot)\""))
                let settled = try await officer.post("/dinas/konflik/selesaikan", ["csrf": try Browser.token(page), "id": id, "bidang": "address", "pilihan": dot])
                #expect(settled.status == .seeOther, "\(String(buffer: settled.body))")
                #expect(try await store.conflictQueue(area: nil).isEmpty)
                let twice = try await officer.post("/dinas/konflik/selesaikan", ["csrf": try Browser.token(page), "id": id, "bidang": "address", "pilihan": dot])
                #expect(twice.status == .conflict, "settled already")
            }
            for laptop in [siti, sari] {
                try await ServerTierPropertyTests.pull(laptop, from: store, random: &clean)
                let shown = try laptop.replica.existing(Household.self, id: household.id)
                #expect(shown.record.address == "Jl. Srondol Kulon 1" && shown.conflicts.isEmpty, "\(laptop.name): \(shown.record.address)")
            }
            let merged = try await store.mergedSnapshot()
            #expect(merged.records[household.id]?.fields["address"] == .text("Jl. Srondol Kulon 1") && merged.conflicts.isEmpty)
        }
    }
}
