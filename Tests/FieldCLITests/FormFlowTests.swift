import FieldModels
import Imaging
import Foundation
@testable import LocalStore
import Spreadsheet
import SyncEngine
import SyncTestSupport
import Testing

/// Questionnaires end to end: an XLSForm published at a real server, pulled by the laptops its
/// audience names, filled in offline (from a file and at a terminal, skip logic and checks
/// applied), merged field by field when two agents answer one response, and exported after sync.
@Suite("Questionnaires: published, filled in offline, merged, exported", .serialized)
struct FormFlowTests {
    static let srondol = "33.74.11.1006"

    func write(_ json: String, in cli: CLI, name: String) throws -> String {
        let path = cli.directory.appendingPathComponent(name).path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("Published at the server, pulled by its audience only, filled from a file with a skip, merged across two agents, exported with the form's column names",
          arguments: ServerHarness.Store.available)
    func publishedFilledMergedExported(store: ServerHarness.Store) async throws {
        let server = try ServerHarness(store)
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        let lansia = try server.admin("form", "add", try TestForms.xlsx("spm-lansia", in: forms).path)
        try #require(lansia.status == 0, "\(lansia.stderr)")
        #expect(lansia.stdout.contains("spm_lansia") && lansia.stdout.contains("2026010101"))
        #expect(try server.admin("form", "add", try TestForms.xlsx("spm-lansia", in: forms).path).stdout.contains("nothing changed"))
        // Another kecamatan's survey, and one for PKH pendamping only.
        try #require(try server.admin("form", "add", try TestForms.xlsx("rtlh", in: forms).path, "--kecamatan", "33.74.12").status == 0)
        try #require(try server.admin("form", "add", try TestForms.xlsx("spm-bencana", in: forms).path, "--role", "pkh-pendamping").status == 0)
        let refused = try server.admin("form", "add", try TestForms.xlsx("salah-rujukan", in: forms).path)
        #expect(refused.status != 0 && refused.stderr.contains("row 3") && refused.stderr.contains("relevant"), "\(refused.stderr)")

        let siti = try CLI.enrolled(server, agent: "A-SITI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: Self.srondol, kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 7", members: ["Mbah Karto;L;1950-02-01;kepala"])
        try siti.sync()
        try rini.sync()

        // Siti's laptop holds what is meant for her kecamatan (not Banyumanik's rtlh), and offers
        // only what is meant for her role.
        let listed = try siti.run("form", "list", "--json").jsonArray().compactMap { $0["formID"] as? String }
        #expect(listed == ["spm_lansia"], "\(listed)")
        let all = try siti.run("form", "list", "--all", "--json").jsonArray()
        #expect(all.compactMap { $0["formID"] as? String }.sorted() == ["spm_bencana", "spm_lansia"], "rtlh lies in another kecamatan: never pulled")
        #expect((all.first { $0["formID"] as? String == "spm_bencana" }?["problem"] as? String)?.contains("peran atau wilayah lain") == true)
        let bencana = try siti.run("form", "fill", "spm_bencana", "--household", home, "--answers", try write("{}", in: siti, name: "e.json"))
        #expect(bencana.status == 3 && bencana.stderr.contains("peran atau wilayah lain"), "\(bencana.stderr)")

        // A constraint refuses the whole file and names the question; nothing is saved.
        let person = try #require(try siti.openReplica().records(Person.self).first?.record.id)
        let young = try siti.run("form", "fill", "spm_lansia", "--person", person, "--answers",
                                 try write(#"{"umur": 45, "tinggal": "keluarga", "mandiri": "ya", "jaminan": "tidak"}"#, in: siti, name: "young.json"))
        #expect(young.status != 0 && young.stderr.contains("umur") && young.stderr.contains("60 tahun atau lebih"), "\(young.stderr)")
        #expect(try siti.openReplica().records(FormResponse.self).isEmpty)
        // An answer to a question the skip leaves out is kept out of the checks; the response is complete.
        let filled = try siti.run("form", "fill", "spm_lansia", "--person", person, "--json", "--answers",
                                  try write(#"{"umur": 78, "tinggal": "keluarga", "mandiri": "ya", "jaminan": "tidak"}"#, in: siti, name: "a.json"))
        try #require(filled.status == 0, "\(filled.stderr)")
        let response = try #require(try filled.jsonObject()["response"] as? String)
        #expect(try filled.jsonObject()["complete"] as? Bool == true)
        try siti.sync()

        // Rini continues the same response offline (weight; and she says Mbah Karto lives
        // alone), while Siti corrects her answer to `jaminan` and says he now lives in a home.
        try rini.sync()
        let more = try rini.run("form", "fill", "--response", response, "--answers",
                                try write(#"{"berat": 51.50, "tinggal": "sendiri", "kebutuhan": ["sandang", "permakanan"]}"#, in: rini, name: "b.json"))
        try #require(more.status == 0, "\(more.stderr)")
        let fix = try siti.run("form", "fill", "--response", response, "--answers", try write(#"{"jaminan": "ya", "tinggal": "panti"}"#, in: siti, name: "c.json"))
        try #require(fix.status == 0, "\(fix.stderr)")
        try rini.sync()
        try siti.sync()
        try rini.sync()
        for laptop in [siti, rini] {
            let stored = try #require(try laptop.openReplica().record(FormResponse.self, id: response))
            let answers = stored.record.answers
            #expect(answers.answer("umur") == "78" && answers.answer("berat") == "51.5" && answers.answer("jaminan") == "ya",
                    "both agents' answers survive: \(answers.values)")
            #expect(answers.answer("kebutuhan") == "permakanan sandang", "a multiple choice is stored in the list's order")
            #expect(stored.conflicts.map(\.field) == ["a.tinggal"], "one question answered two ways is kept as a conflict")
            #expect(Set(stored.conflicts.first?.values.map(\.value) ?? []) == [.text("panti"), .text("sendiri")])
        }
        let shown = try siti.run("form", "show", response)
        #expect(shown.status == 0 && shown.stdout.contains("Umur (tahun): 78") && shown.stdout.contains("KONFLIK"), "\(shown.stdout)")

        // Exported at the server: the form's question names as columns, one row per response.
        let out = server.directory.appendingPathComponent("lansia.xlsx").path
        let exported = try server.admin("form", "export", "spm_lansia", "--out", out)
        try #require(exported.status == 0, "\(exported.stderr)")
        let sheets = try XLSXReader.readSheets(URL(fileURLWithPath: out))
        let main = try #require(sheets.first)
        #expect(main.name == "spm_lansia")
        #expect(Array(main.rows[0].prefix(7)) == ["KEY", "umur", "tinggal", "mandiri", "kebutuhan", "jaminan", "berat"])
        #expect(main.rows.count == 2 && main.rows[1][0] == response && main.rows[1][1] == "78" && main.rows[1][6] == "51.5")
        let csv = server.directory.appendingPathComponent("lansia.csv").path
        try #require(try server.admin("form", "export", "spm_lansia", "--out", csv).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csv))
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte-order mark for spreadsheet programs")
        #expect(text.hasPrefix("KEY,umur,") && text.contains("\r\n\(response),78,"), "\(text.prefix(200))")
        #expect(server.stop() == 0)
    }
}

/// `field form fill` at a terminal: one question at a time, the skip applied as answers come,
/// a constraint's message shown and the question asked again, going back allowed.
@Suite("Questionnaires at a terminal")
struct FormTerminalTests {
    @Test("Asked in order; a wrong age is refused with the form's message; going back to change an answer changes which questions follow", .enabled(if: CLI.hasScript))
    func askedAtATerminal() throws {
        let server = try ServerHarness(.sqlite)
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        try #require(try server.admin("form", "add", try TestForms.xlsx("spm-lansia", in: forms).path).status == 0)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: FormFlowTests.srondol, kelurahan: "Srondol Kulon")
        _ = try siti.addHousehold("Jl. Srondol 9", members: ["Mbah Sumi;P;1948-07-01;kepala"])
        try siti.sync()
        let person = try #require(try siti.openReplica().records(Person.self).first?.record.id)
        let session = try siti.atTerminal(["form", "fill", "spm_lansia", "--person", person], dialog: [
            ("Umur (tahun) (wajib)", "45"),            // refused: the constraint's own message
            ("Lansia berumur 60", "81"),
            ("Tinggal bersama siapa?", "1"),           // sendiri: the needs question will follow
            ("Bisa mengurus diri sendiri?", "1"),      // ya
            ("Kebutuhan dasar yang belum terpenuhi", "<"),   // back to the previous question
            ("Bisa mengurus diri sendiri?", "2"),      // tidak
            ("Kebutuhan dasar yang belum terpenuhi", "1 3"),
            ("Menerima bantuan jaminan sosial?", "<"),
            ("Kebutuhan dasar yang belum terpenuhi", ""),   // Enter keeps the answer shown
            ("Menerima bantuan jaminan sosial?", "ya"),
            ("Berat badan (kg)", "300"),                   // refused: no message in the form, the rule is shown
            ("memenuhi syarat", ""),                        // not required: left empty
        ])
        #expect(session.status == 0, "\(session.stdout)")
        #expect(session.stdout.contains("! Lansia berumur 60 tahun atau lebih"), "\(session.stdout)")
        #expect(session.stdout.contains("Jawaban sekarang: permakanan perawatan"))
        #expect(session.stdout.contains("(lengkap)"), "\(session.stdout)")
        let response = try #require(try siti.openReplica().records(FormResponse.self).first?.record)
        #expect(response.answers.values.filter { !$0.value.isEmpty } == ["umur": "81", "tinggal": "sendiri", "mandiri": "tidak",
                                                                          "kebutuhan": "permakanan perawatan", "jaminan": "ya"])
        #expect(response.completedOn != nil && response.person == person)

        // Going back to say she copes herself: the needs question is no longer on her path, and
        // its answer is cleared when the response is saved.
        let edited = try siti.atTerminal(["form", "fill", "--response", response.id], dialog: [
            ("Umur (tahun)", ""), ("Tinggal bersama siapa?", "2"), ("Bisa mengurus diri sendiri?", "1"), ("Menerima bantuan", ""), ("Berat badan", ""),
        ])
        #expect(edited.status == 0 && !edited.stdout.contains("Kebutuhan dasar"), "\(edited.stdout)")
        let after = try #require(try siti.openReplica().record(FormResponse.self, id: response.id)?.record)
        #expect(after.answers.answer("kebutuhan").isEmpty && after.answers.answer("tinggal") == "keluarga")
        #expect(server.stop() == 0)
    }
}

/// A laptop never fills a questionnaire the server did not sign as it is: a definition altered
/// after publication (here written into the store behind the door, as a restored or tampered
/// disk would hold it) is refused at `field form fill` and shown with why.
@Suite("Questionnaires: a tampered form is refused")
struct FormTamperTests {
    @Test("One label changed after signing: not listed, not filled, the reason shown")
    func tamperedLabel() throws {
        let server = try ServerHarness(.sqlite)
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        try #require(try server.admin("form", "add", try TestForms.xlsx("sederhana", in: forms).path).status == 0)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: FormFlowTests.srondol, kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 11")
        try siti.sync()
        let answers = siti.directory.appendingPathComponent("a.json").path
        try Data(#"{"nama_kk": "Pak Darmo"}"#.utf8).write(to: URL(fileURLWithPath: answers))
        #expect(try siti.run("form", "fill", "sederhana", "--household", home, "--answers", answers).status == 0, "the genuine form is filled")

        let replica = try siti.openReplica()
        let id = FormRecord.id(formID: "sederhana", version: "1")
        let genuine = try #require(try replica.history(of: id).first { $0.field == "definition" })
        let tampered = try #require(genuine.value.text?.replacingOccurrences(of: "Nama kepala keluarga", with: "Nama dan NIK kepala keluarga"))
        #expect(tampered != genuine.value.text)
        let forged = Change(dot: Dot(ReplicaID("TAMPER"), 1), transaction: Dot(ReplicaID("TAMPER"), 1), recordType: .form, recordID: id,
                            area: genuine.area, field: "definition", value: .text(tampered), supersedes: [genuine.dot],
                            lamport: genuine.lamport + 1, wallTime: genuine.wallTime, agent: genuine.agent)
        try replica.transaction { db in _ = try replica.apply([forged], in: db) }

        let fill = try siti.run("form", "fill", "sederhana", "--household", home, "--answers", answers)
        #expect(fill.status == 3 && fill.stderr.contains("tanda tangan server tidak cocok"), "\(fill.stderr)")
        #expect(try siti.run("form", "list", "--json").jsonArray().isEmpty)
        let all = try siti.run("form", "list", "--all", "--json").jsonArray()
        #expect(all.count == 1 && all.first?["usable"] as? Bool == false)
        let responses = try replica.records(FormResponse.self)
        #expect(responses.count == 1)
        let show = try siti.run("form", "show", try #require(responses.first?.record.id))
        #expect(show.status == 3, "a response's form is checked again before it is shown: \(show.stderr)")
        #expect(server.stop() == 0)
    }
}

/// A new version of a questionnaire does not break the responses to the old one.
@Suite("Questionnaires: versions")
struct FormVersionTests {
    static let second = """
        | survey |
        | | type | name | label::Bahasa Indonesia (id) | label::English (en) | default |
        | | text | nama_kk | Nama kepala keluarga | Head of household | |
        | | integer | anggota | Jumlah anggota keluarga | Household members | 1 |
        | | select_one ya_tidak | listrik | Ada listrik? | Has electricity? | ya |
        | choices |
        | | list_name | name | label::Bahasa Indonesia (id) | label::English (en) |
        | | ya_tidak | ya | Ya | Yes |
        | | ya_tidak | tidak | Tidak | No |
        | settings |
        | | form_id | version |
        | | sederhana | 2 |
        """

    @Test("Version 2 published after responses to version 1: new responses take 2 (with its defaults), old ones keep 1 and can still be continued; each version exports its own")
    func secondVersion() throws {
        let server = try ServerHarness(.sqlite)
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        try #require(try server.admin("form", "add", try TestForms.xlsx("sederhana", in: forms).path).status == 0)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: FormFlowTests.srondol, kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 12")
        try siti.sync()
        let first = try siti.directory.appendingPathComponent("1.json")
        try Data(#"{"nama_kk": "Pak Darmo"}"#.utf8).write(to: first)
        let old = try #require(try siti.run("form", "fill", "sederhana", "--household", home, "--answers", first.path, "--json").jsonObject()["response"] as? String)

        let v2 = try TestForms.xlsx(markdown: Self.second, name: "sederhana-2", in: forms)
        let published = try server.admin("form", "add", v2.path)
        try #require(published.status == 0, "\(published.stderr)")
        // Changing version 2's content without raising its version is refused.
        let changed = try TestForms.xlsx(markdown: Self.second.replacingOccurrences(of: "Ada listrik?", with: "Ada listrik PLN?"), name: "sederhana-2b", in: forms)
        let taken = try server.admin("form", "add", changed.path)
        #expect(taken.status != 0 && taken.stderr.contains("Raise 'version'"), "\(taken.stderr)")
        try siti.sync()

        let listed = try siti.run("form", "list", "--json").jsonArray()
        #expect(listed.map { $0["version"] as? String } == ["2"], "the newest version is offered")
        let fresh = try #require(try siti.run("form", "fill", "sederhana", "--household", home, "--answers", first.path, "--json").jsonObject()["response"] as? String)
        let replica = try siti.openReplica()
        let newer = try #require(try replica.record(FormResponse.self, id: fresh)?.record)
        #expect(newer.formVersion == "2" && newer.answers.answer("anggota") == "1" && newer.answers.answer("listrik") == "ya", "defaults filled")
        let more = try siti.directory.appendingPathComponent("2.json")
        try Data(#"{"listrik": "ya"}"#.utf8).write(to: more)
        let continued = try siti.run("form", "fill", "--response", old, "--answers", more.path)
        #expect(continued.status != 0 && continued.stderr.contains("listrik"), "version 1 has no such question: \(continued.stderr)")
        try Data(#"{"nama_kk": "Pak Darmo Sukirman"}"#.utf8).write(to: more)
        #expect(try siti.run("form", "fill", "--response", old, "--answers", more.path).status == 0)
        #expect(try replica.record(FormResponse.self, id: old)?.record.formVersion == "1")
        let english = try siti.run("--lang", "en", "form", "show", fresh)
        #expect(english.status == 0 && english.stdout.contains("Has electricity?: ya"), "\(english.stdout)")
        try siti.sync()

        let out1 = server.directory.appendingPathComponent("v1.xlsx").path, out2 = server.directory.appendingPathComponent("v2.xlsx").path
        try #require(try server.admin("form", "export", "sederhana", "--version", "1", "--out", out1).status == 0)
        try #require(try server.admin("form", "export", "sederhana", "--out", out2).status == 0)
        let sheet1 = try #require(try XLSXReader.readSheets(URL(fileURLWithPath: out1)).first?.rows)
        let sheet2 = try #require(try XLSXReader.readSheets(URL(fileURLWithPath: out2)).first?.rows)
        #expect(sheet1.count == 2 && sheet1[1][0] == old && sheet1[1][1] == "Pak Darmo Sukirman" && !sheet1[0].contains("listrik"))
        #expect(sheet2.count == 2 && sheet2[1][0] == fresh && Array(sheet2[0].prefix(4)) == ["KEY", "nama_kk", "anggota", "listrik"])
        #expect(server.stop() == 0)
    }
}

/// An `image` question takes a photo file (checked and re-encoded like any photo), a `geopoint`
/// a place; the photo travels with the response.
@Suite("Questionnaires: photos and places")
struct FormPhotoTests {
    @Test("A house survey's photo is kept, referred to by the response, and reaches a second laptop after two syncs; a bad place is refused")
    func photoAnswer() throws {
        let server = try ServerHarness(.sqlite)
        let forms = server.directory.appendingPathComponent("forms")
        try FileManager.default.createDirectory(at: forms, withIntermediateDirectories: true)
        try #require(try server.admin("form", "add", try TestForms.xlsx("rtlh", in: forms).path).status == 0)
        let siti = try CLI.enrolled(server, agent: "A-SITI", area: FormFlowTests.srondol, kelurahan: "Srondol Kulon")
        let rini = try CLI.enrolled(server, agent: "A-RINI", area: FormFlowTests.srondol, kelurahan: "Srondol Kulon")
        let home = try siti.addHousehold("Jl. Srondol 14")
        try siti.sync()
        let picture = siti.directory.appendingPathComponent("rumah.jpg")
        try TestPicture.make(width: 1600, height: 1200, seed: 31).write(to: picture)
        func fill(_ json: String) throws -> CLI.Result {
            let file = siti.directory.appendingPathComponent("rtlh-\(UUID().uuidString).json")
            try Data(json.utf8).write(to: file)
            return try siti.run("form", "fill", "survei_rtlh", "--household", home, "--answers", file.path, "--json")
        }
        let far = try fill(#"{"tanah": "milik", "luas": 36, "atap": "baik", "dinding": "rusak", "lantai": "rusak", "titik": "-97 110.4"}"#)
        #expect(far.status != 0 && far.stderr.contains("titik"), "\(far.stderr)")
        let done = try fill(#"{"tanah": "milik", "luas": 36, "penghuni": 6, "atap": "baik", "dinding": "rusak", "lantai": "rusak", "titik": "-7.0551 110.4123", "foto": "\#(picture.path)"}"#)
        try #require(done.status == 0, "\(done.stderr)")
        let id = try #require(try done.jsonObject()["response"] as? String)
        let response = try #require(try siti.openReplica().record(FormResponse.self, id: id)?.record)
        let digest = response.answers.answer("foto")
        #expect(Grammar.isDigest(digest) && response.photos == [digest], "the answer names the photo the record refers to")
        #expect(response.answers.answer("skor") == "2" && response.answers.answer("luas_per_orang") == "6", "calculations: \(response.answers.values)")
        #expect(try siti.openReplica().attachment(digest) != nil)
        try siti.sync()
        try rini.sync()
        #expect(try rini.openReplica().attachmentBytes(digest) == siti.openReplica().attachmentBytes(digest), "the photo reached Rini")
        #expect(server.stop() == 0)
    }
}
