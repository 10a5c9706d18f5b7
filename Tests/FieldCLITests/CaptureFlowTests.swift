import Foundation
import Testing

@Suite("field CLI: a PSM's day, from init to export")
struct CaptureFlowTests {
    @Test("init, household with members, person, visit, show, search, history, export")
    func fullDay() throws {
        let cli = try CLI()
        let created = try cli.initPSM()
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("Replika dibuat") && created.stdout.contains("33.74.11.1006"))

        let add = try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Setiabudi Gg. Mawar 12",
                              "--rt", "3", "--rw", "5",
                              "--member", "Budi Santoso;L;1980-05-15;kepala;3374061505800003",
                              "--member", "Sri Wahyuni;P;1985-08-12;istri;3374065208850002")
        #expect(add.status == 0, "\(add.stderr)")
        let saved = try add.jsonObject()
        let householdID = try #require(saved["id"] as? String)
        #expect((saved["members"] as? [String])?.count == 2)
        #expect((saved["warnings"] as? [Any])?.isEmpty == true)

        let child = try cli.run("person", "add", "--json", "--household", String(householdID.prefix(7)), "--name", "Rizky Santoso",
                                "--sex", "L", "--birth", "2015-01-01", "--relationship", "anak", "--nik", "3374060101150001")
        #expect(child.status == 0, "\(child.stderr)")
        let childID = try #require(try child.jsonObject()["id"] as? String)

        let visit = try cli.run("visit", "add", "--household", householdID, "--date", "2026-11-21", "--purpose", "Asesmen awal",
                                "--findings", "Ibu memakai kursi roda", "--need", "alat-bantu", "--need", "permakanan",
                                "--referral", "rumah-sakit", "--referral-status", "diajukan", "--follow-up", "2026-12-05")
        #expect(visit.status == 0, "\(visit.stderr)")
        #expect(visit.stdout.contains("Kunjungan rumah tersimpan"))
        let pmks = try cli.run("pmks", "add", "--category", "penyandang-disabilitas", "--person", childID, "--date", "2026-11-21",
                               "--evidence", "Surat keterangan dokter")
        #expect(pmks.status == 0, "\(pmks.stderr)")
        let psks = try cli.run("psks", "add", "--category", "karang-taruna", "--label", "Karang Taruna RW 05", "--date", "2026-11-20")
        #expect(psks.status == 0, "\(psks.stderr)")

        let show = try cli.run("household", "show", householdID, "--json")
        #expect(show.status == 0)
        let view = try show.jsonObject()
        let members = try #require(view["members"] as? [[String: Any]])
        #expect(Set(members.compactMap { $0["name"] as? String }) == ["Budi Santoso", "Sri Wahyuni", "Rizky Santoso"])
        #expect(members.allSatisfy { ($0["nik"] as? String)?.contains("…") == true }, "NIKs are masked")
        #expect((view["visits"] as? [[String: Any]])?.first?["needs"] as? [String] == ["alat-bantu", "permakanan"])
        #expect((view["entries"] as? [Any])?.count == 1)
        let text = try cli.run("household", "show", householdID)
        #expect(text.stdout.contains("Anggota (3)") && text.stdout.contains("RT 003/RW 005"))
        #expect(!text.stdout.contains("3374061505800003"))
        #expect(try cli.run("household", "show", householdID, "--reveal").stdout.contains("3374061505800003"))

        let byNIK = try cli.run("search", "3374065208850002", "--json").jsonArray()
        #expect(byNIK.map { $0["summary"] as? String } == ["Sri Wahyuni (\(householdID))"])
        #expect(try cli.run("search", "RT", "3", "RW", "5", "--json").jsonArray().map { $0["id"] as? String } == [householdID])
        #expect(try cli.run("search", "santoso", "--json").jsonArray().count == 2)
        #expect(try cli.run("visit", "list", "--json").jsonArray().count == 1)

        let edit = try cli.run("household", "edit", householdID, "--address", "Jl. Setiabudi Gg. Melati 3")
        #expect(edit.status == 0 && edit.stdout.contains("1 kolom"))
        let history = try cli.run("history", householdID, "--json").jsonArray()
        let addressChanges = history.filter { $0["field"] as? String == "address" }
        #expect(addressChanges.compactMap { $0["value"] as? String } == ["Jl. Setiabudi Gg. Mawar 12", "Jl. Setiabudi Gg. Melati 3"])
        #expect(addressChanges.allSatisfy { ($0["agent"] as? String)?.hasPrefix("A-") == true && ($0["device"] as? String)?.count == 16 })
        #expect((addressChanges.last?["replaces"] as? [String])?.count == 1)
        #expect(history.first { $0["field"] as? String == "noKK" }?["value"] as? String == "3374…0007")

        let csv = try cli.run("export", "csv", "--type", "person")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("id,"))
        #expect(!csv.stdout.contains("3374061505800003") && csv.stdout.contains("3374…0003"))
        let full = try cli.run("export", "csv", "--type", "person", "--include-sensitive")
        #expect(full.stdout.contains("3374061505800003"))
        // Every kind of export starts with the records' ids, so a spreadsheet can be matched back.
        let households = try cli.run("export", "csv", "--type", "household").stdout.split(separator: "\n")
        #expect(households.count == 2 && households[0].hasPrefix("id,") && households[1].hasPrefix(householdID + ","))
        for type in ["pmks", "psks", "visit"] {
            let rows = try cli.run("export", "csv", "--type", type).stdout.split(separator: "\n")
            #expect(rows.count == 2 && rows[0].hasPrefix("id,") && rows[1].count > 3, "\(type): \(rows.first ?? "")")
        }
    }

    @Test("Messages are in Bahasa Indonesia by default and in English with --lang en or FIELD_LANG=en")
    func languages() throws {
        let cli = try CLI()
        _ = try cli.initPSM()
        let id = try cli.run("household", "add", "--kk", "123", "--address", "Jl. X", "--rt", "1", "--rw", "1")
        #expect(id.stderr.contains("Galat: Data belum disimpan") && id.stderr.contains("harus tepat 16 angka"))
        let en = try cli.run("--lang", "en", "household", "add", "--kk", "123", "--address", "Jl. X", "--rt", "1", "--rw", "1")
        #expect(en.stderr.contains("Error: Nothing was saved") && en.stderr.contains("must be exactly 16 digits"))
        let env = try cli.run("household", "list", env: ["FIELD_LANG": "en"])
        #expect(env.stdout.contains("0 households."))
        #expect(try cli.run("household", "add", "--help").stdout.contains("Contoh:"))
        #expect(try cli.run("household", "add", "--help", "--lang", "en").stdout.contains("Example:"))
        #expect(try cli.run("pmks", "add", "--help").stdout.contains("lanjut-usia-telantar"))
    }
}
