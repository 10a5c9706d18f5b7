import FieldModels
import Foundation
@testable import LocalStore
import Spreadsheet
@testable import SyncServer
import SyncEngine
import SyncTestSupport
import Testing

/// Answers are judged at the door against the form version their response names: a question
/// the form does not have, one in the wrong place, or a value the question cannot hold is
/// refused, by the server and by a laptop alike (one check, `AnswerCheck`). A receiver that does
/// not hold the form lets the answers pass.
@Suite("Questionnaire answers at the door", .serialized)
struct AnswerDoorTests {
    @Test("A laptop that never saw the form writes answers it cannot judge; the server refuses the wrong ones and takes the right ones; once the laptop holds the form it refuses them itself",
          arguments: StoreKind.available)
    func judged(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-answers-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let definition = try XLSFormFile.read(try TestForms.xlsx("spm-bencana", in: directory))
            let (_, published) = try await store.publishForm(definition, audience: "33.74", roles: [], now: 5_000)
            let area = "33.74.11.1006"
            var clean: SeededGenerator?
            var random = SeededGenerator(seed: 5)
            func response(_ answers: [String: String], inRepeat: [String: String] = [:]) -> FormResponse {
                var made = FormResponse(form: published, kelurahan: area, household: "H-7KQ2M9X4TD1B", person: nil, agent: "A-SITI")
                for (name, value) in answers { made.answers.set(name, value) }
                if !inRepeat.isEmpty {
                    let instance = "korban." + made.answers.addInstance(to: "korban", using: &random)
                    for (name, value) in inRepeat { made.answers.set(name, value, instance: instance) }
                }
                return made
            }
            let cases: [(FormResponse, ErrorCode, String)] = [
                (response(["jiwa": "banyak"]), .badValue, "jiwa"),                       // an integer question
                (response(["bencana": "gempa"]), .badValue, "bencana"),                  // not in the list
                (response(["bantuan": "permakanan emas"]), .badValue, "bantuan"),        // one choice not in the list
                (response(["tanggal": "30/11/2026"]), .badValue, "tanggal"),
                (response(["nama_ayah": "Darmo"]), .unknownField, "nama_ayah"),          // no such question
                (response(["nama": "Budi"]), .unknownField, "nama"),                     // inside the repeat, written at the top
                (response([:], inRepeat: ["umur": "tujuh"]), .badValue, "umur"),
            ]
            for (index, (bad, code, question)) in cases.enumerated() {
                // A laptop that has not pulled the form cannot judge, and keeps the answers.
                let laptop = try await Self.laptop("psm\(index)", area: area, store: store, in: directory)
                try laptop.replica.save([bad])
                await #expect("\(question) is refused") {
                    try await ServerTierPropertyTests.push(laptop, to: store, random: &clean, now: 10_000)
                } throws: { error in
                    guard let refusal = error as? Refusal else { return false }
                    return refusal.code == code && refusal.text.en.contains(question)
                }
                #expect(try await store.formResponses(formID: "spm_bencana").isEmpty, "nothing of a refused batch is kept")
            }
            let good = response(["bencana": "rob", "jiwa": "3", "bantuan": "sandang permakanan", "tanggal": "2026-11-30"],
                                inRepeat: ["nama": "Sri", "umur": "4", "luka": "tidak"])
            let fresh = try await Self.laptop("rini", area: area, store: store, in: directory)
            try fresh.replica.save([good])
            try await ServerTierPropertyTests.push(fresh, to: store, random: &clean, now: 20_000)
            #expect(try await store.formResponses(formID: "spm_bencana").contains { $0.id == good.id })

            // Now holding the form, a laptop refuses a wrong answer at save, with the same words.
            try await ServerTierPropertyTests.pull(fresh, from: store, random: &clean)
            #expect(try fresh.replica.record(FormRecord.self, id: published.id) != nil)
            #expect {
                try fresh.replica.save([response(["jiwa": "banyak"])])
            } throws: { error in
                (error as? StoreError)?.text.en.contains("answer 'jiwa'") == true
            }
        }
    }

    static func laptop(_ name: String, area: String, store: ServerStore, in directory: URL) async throws -> ServerTierPropertyTests.Laptop {
        try await ServerTierPropertyTests.laptop(name, agent: AgentProfile(id: "A-" + name.uppercased(), name: name, role: .psm, area: area),
                                                 store: store, in: directory)
    }
}
