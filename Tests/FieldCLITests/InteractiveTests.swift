import Foundation
import Testing

@Suite("field CLI at a terminal: prompts for what the flags did not give")
struct InteractiveTests {
    @Test("household add asks for the card, the address and each member", .enabled(if: CLI.hasScript))
    func householdPrompts() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let result = try cli.atTerminal(["household", "add"], answers: [
            "3374061203150007", "Jl. Setiabudi Gg. Mawar 12", "3", "5",
            "y", "Budi Santoso", "L", "1980-05-15", "kepala", "3374061505800003",
            "n",
        ])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("No. KK (16 angka)") && result.stdout.contains("Tambah anggota keluarga?"))
        #expect(result.stdout.contains("Rumah tangga tersimpan"))
        let households = try cli.run("household", "list", "--json").jsonArray()
        #expect(households.count == 1)
        #expect(households.first?["rt"] as? String == "003" && households.first?["members"] as? Int == 1)
        #expect(households.first?["head"] as? String == "Budi Santoso")
    }

    @Test("household edit at a terminal keeps a value when Enter is pressed", .enabled(if: CLI.hasScript))
    func editPrompts() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let id = try #require(try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Lama 1",
                                          "--rt", "3", "--rw", "5").jsonObject()["id"] as? String)
        let result = try cli.atTerminal(["household", "edit", id], answers: ["", "Jl. Baru 2", "", ""])
        #expect(result.status == 0, "\(result.stdout)")
        let shown = try cli.run("household", "show", id, "--json", "--reveal").jsonObject()
        #expect(shown["address"] as? String == "Jl. Baru 2")
        #expect(shown["noKK"] as? String == "3374061203150007" && shown["rt"] as? String == "003")
    }

    @Test("The passphrase is asked for twice at init, without echo, and once to open", .enabled(if: CLI.hasScript))
    func passphrasePrompts() throws {
        let cli = try CLI()
        let noEnv = ["FIELD_PASSPHRASE": ""]
        let initArgs = ["init", "--name", "Siti", "--role", "psm", "--area", "33.74.11.1006", "--kdf-cost", "10"]
        let mismatch = try cli.atTerminal(initArgs, dialog: [("Kata sandi replika", "kata-sandi-satu"), ("Ulangi", "kata-sandi-dua")], env: noEnv)
        #expect(mismatch.status == 64 && mismatch.stdout.contains("Kedua kata sandi tidak sama"))
        #expect(!FileManager.default.fileExists(atPath: cli.database))

        let created = try cli.atTerminal(initArgs, dialog: [("Kata sandi replika", "kata-sandi-satu"), ("Ulangi", "kata-sandi-satu")], env: noEnv)
        #expect(created.status == 0, "\(created.stdout)")
        #expect(created.stdout.contains("Kata sandi replika") && created.stdout.contains("Ulangi kata sandi"))
        #expect(!created.stdout.contains("kata-sandi-satu"), "the passphrase is not echoed")
        let opened = try cli.atTerminal(["household", "list"], dialog: [("Kata sandi", "kata-sandi-satu")], env: noEnv)
        #expect(opened.status == 0 && opened.stdout.contains("0 rumah tangga"))
        let wrong = try cli.atTerminal(["household", "list"], dialog: [("Kata sandi", "bukan-ini")], env: noEnv)
        #expect(wrong.status == 5 && wrong.stdout.contains("Kata sandi salah"))
    }

    @Test("init --area with a name two kelurahan share asks which one, listing their kecamatan and codes; a code needs no question",
          .enabled(if: CLI.hasScript))
    func ambiguousArea() throws {
        let setup = ["init", "--name", "Siti Aminah", "--role", "psm", "--ntr", "NTR-3374-0012", "--regions", CLI.semarangCSV,
                    "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10"]
        let asked = try CLI()
        let chosen = try asked.atTerminal(setup + ["--area", "Purwosari"], dialog: [("Pilih nomornya", "2")])
        #expect(chosen.status == 0, "\(chosen.stdout)")
        #expect(chosen.stdout.contains("Purwosari, Mijen  33.74.14.1005") && chosen.stdout.contains("Purwosari, Semarang Utara  33.74.02.1004"),
                "\(chosen.stdout)")
        let second = chosen.stdout.contains("2. Purwosari, Semarang Utara") ? "33.74.02.1004" : "33.74.14.1005"
        #expect(try asked.openReplica().agent.areaID == second)

        let scripted = try CLI()
        let refused = try scripted.run(setup + ["--area", "Mangunharjo"])
        #expect(refused.status == 4 && refused.stderr.contains("kode Kemendagri"), "\(refused.stderr)")
        let byCode = try scripted.run(setup + ["--area", "33.74.16.1007"])
        #expect(byCode.status == 0, "\(byCode.stderr)")
        #expect(try scripted.openReplica().agent.areaID == "33.74.16.1007")
    }
}
