import FieldModels
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LocalStore
import Spreadsheet
@testable import SyncServer
import SyncEngine
import SyncTestSupport
import Testing

/// `/dinas/formulir`: the questionnaires published and their responses, shown and exported with
/// the form's column names, one sheet per repeat; the answers sealed at rest on the server.
@Suite("Dinas pages: questionnaires and their responses", .serialized)
struct DinasFormPageTests {
    typealias Browser = DinasPageTests.Browser

    @Test("A response with two repeat instances reaches the server: listed, shown, exported as XLSX (a sheet per repeat) and CSV per sheet; its answers sealed at rest",
          arguments: StoreKind.available)
    func listedShownExported(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-forms-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let definition = try XLSFormFile.read(try TestForms.xlsx("spm-bencana", in: directory))
            let (outcome, published) = try await store.publishForm(definition, audience: "33.74", roles: [], now: 5_000)
            #expect(outcome == .published)
            let area = "33.74.11.1006"
            let siti = try await ServerTierPropertyTests.laptop("siti", agent: AgentProfile(id: "A-SITI", name: "Siti", role: .psm, area: area),
                                                                store: store, in: directory)
            var clean: SeededGenerator?
            try await ServerTierPropertyTests.pull(siti, from: store, random: &clean)
            let form = try #require(try siti.replica.record(FormRecord.self, id: published.id)?.record, "the laptop pulled the form")
            var response = FormResponse(form: form, kelurahan: area, household: "H-7KQ2M9X4TD1B", person: nil, agent: "A-SITI")
            var random = SeededGenerator(seed: 3)
            for (name, value) in ["bencana": "rob", "tanggal": "2026-11-30", "rumah": "berat", "jiwa": "2", "bantuan": "permakanan penampungan"] {
                response.answers.set(name, value)
            }
            for (nama, umur) in [("Budi Rahardjo", "70"), ("Sri Lestari", "3")] {
                let instance = "korban." + response.answers.addInstance(to: "korban", using: &random)
                response.answers.set("nama", nama, instance: instance)
                response.answers.set("umur", umur, instance: instance)
                response.answers.set("luka", "tidak", instance: instance)
            }
            let plan = try FormPlan(definition)
            plan.calculate(&response.answers, today: CivilDate("2026-12-01")!)
            try siti.replica.save([response])
            let responseID = response.id
            try await ServerTierPropertyTests.push(siti, to: store, random: &clean, now: 10_000)

            // Sealed at rest: no answer readable in the change log.
            let bodies = try await store.database.transaction { db in
                try await db.query("SELECT body FROM changes WHERE record_id = ?", [.text(responseID)]).map { try $0.text("body") }
            }
            #expect(bodies.filter { $0.hasPrefix(ServerStore.sealedPrefix) }.count == 13, "every answer sealed (5, and 4 in each of 2 instances)")
            for body in bodies where !body.hasPrefix(ServerStore.sealedPrefix) {
                #expect(!body.contains("\"field\":\"a.") && !body.contains("Budi"), "\(body)")
            }

            try await store.addStaff(username: "vina", name: "Vina", role: .viewer, password: DinasPageTests.password, now: 0)
            try await Application(router: SyncRoutes(store: store, now: { 1_795_579_200_000 }).router()).test(.router) { client in
                var viewer = Browser(client: client)
                _ = try await viewer.login("vina", DinasPageTests.password)
                let list = String(buffer: try await viewer.get("/dinas/formulir").body)
                #expect(list.contains("spm_bencana") && list.contains("2026010101") && list.contains(">1</td>"), "\(list)")
                let shown = String(buffer: try await viewer.get("/dinas/formulir/\(published.id)").body)
                #expect(shown.contains(responseID) && shown.contains("permakanan penampungan") && shown.contains("<th scope=\"col\">jiwa</th>"), "\(shown)")
                let english = String(buffer: try await viewer.get("/dinas/formulir?lang=en").body)
                #expect(english.contains("Questionnaires") && english.contains("every role"))

                let xlsx = try await viewer.get("/dinas/ekspor/formulir?id=\(published.id)&format=xlsx")
                #expect(xlsx.status == .ok)
                let file = directory.appendingPathComponent("export.xlsx")
                try Data(buffer: xlsx.body).write(to: file)
                let sheets = try XLSXReader.readSheets(file)
                #expect(sheets.map(\.name) == ["spm_bencana", "korban"])
                #expect(sheets[1].rows.first == ["PARENT_KEY", "KEY", "nama", "umur", "luka", "rujuk", "rentan"])
                let people = sheets[1].rows.dropFirst().map { [$0[2], $0[3], $0[6]] }
                #expect(people == [["Budi Rahardjo", "70", "ya"], ["Sri Lestari", "3", "ya"]], "calculated 'rentan' exported: \(people)")
                let csv = try await viewer.get("/dinas/ekspor/formulir?id=\(published.id)&lembar=korban&format=csv")
                let text = String(decoding: Data(buffer: csv.body).dropFirst(3), as: UTF8.self)
                #expect(text.hasPrefix("PARENT_KEY,KEY,nama,umur") && text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 3, "\(text)")
                #expect(try await viewer.get("/dinas/formulir/F-NOTAFORM0000").status == .notFound)
            }
        }
    }
}
