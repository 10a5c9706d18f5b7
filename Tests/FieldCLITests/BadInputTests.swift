import Foundation
import Testing

@Suite("field CLI: bad input gets a clear message, a non-zero exit and saves nothing")
struct BadInputTests {
    /// (arguments, exit code, a phrase stderr must contain)
    static let cases: [([String], Int32, String)] = [
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--member", "Budi;L;1980-05-15;kepala;33740615058000"], 3, "16 angka"),
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--member", "Budi;L;1980-02-31;kepala"], 64, "--member (TGL-LAHIR)"),
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--member", "Budi;L;1980-05-15;kepala;3374991505800003"], 3, "bukan kode kecamatan di Kota Semarang"),
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--member", "Budi;L;1980-05-15;bos"], 64, "kepala, suami"),
        (["household", "add", "--kk", "3374061203150007", "--address", "", "--rt", "1", "--rw", "1"], 3, "--address"),
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--kelurahan", "Bulusan"], 6, "di luar wilayah tugas"),
        (["household", "add", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
          "--kelurahan", "Atlantis"], 4, "tidak dikenal"),
        (["household", "edit", "H-XYZ"], 4, "tidak ditemukan"),
        (["household", "show", "H"], 4, "tidak ditemukan"),
        (["visit", "add", "--purpose", "Asesmen"], 3, "--household"),
        (["visit", "add", "--purpose", "Asesmen", "--person", "P-NOBODY", "--date", "2026-11-21"], 4, "P-NOBODY"),
        (["pmks", "add", "--category", "miskin", "--household", "H-NOBODY"], 4, "H-NOBODY"),
        (["psks", "add", "--category", "karang-taruna"], 3, "Nama PSKS"),
        (["export", "csv", "--type", "semua"], 64, "household, person"),
        (["region", "import", "/nonexistent.csv"], 4, "/nonexistent.csv"),
        (["report", "draft", "--month", "2026-13"], 64, "harus YYYY-MM"),
        (["report", "draft", "--month", "11-2026"], 64, "harus YYYY-MM"),
        (["report", "draft", "--month", "2999-01"], 64, "belum dimulai"),
        (["report", "submit", "--month", "2026-10"], 4, "field report draft --month 2026-10"),
        (["report", "sign", "--month", "2026-10", "--name", "Drs. Mulyono", "--nip", "1968-05"], 64, "18 angka"),
        (["report", "show"], 64, "--month"),
        (["report", "approve", "R-202610X"], 4, "tidak ditemukan"),
        (["report", "combine", "--month", "2026-10"], 3, "Hanya TKSK"),
    ]

    @Test("Refused commands", arguments: cases.indices)
    func refused(_ index: Int) throws {
        let (arguments, status, phrase) = Self.cases[index]
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let result = try cli.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(phrase), "\(arguments): \(result.stderr)")
        #expect(try cli.run("household", "list", "--json").jsonArray().isEmpty)
        #expect(try cli.run("visit", "list", "--json").jsonArray().isEmpty)
    }

    @Test("A NIK already recorded is refused, naming the person who has it, however it is typed")
    func duplicateNIK() throws {
        let cli = try CLI()
        _ = try cli.initPSM()
        let first = try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
                                "--member", "Sri Wahyuni;P;1985-08-12;istri;3374065208850002")
        let memberID = try #require((try first.jsonObject()["members"] as? [String])?.first)
        // Typed with the separators people use (dashes, dots, spaces): the same numbers.
        let again = try cli.run("household", "add", "--json", "--kk", "3374-0612-0315-0008", "--address", "Jl. B", "--rt", "2", "--rw", "1",
                                "--member", "Sri W.;P;1985-08-12;kepala;3374.0652.0885 0002")
        #expect(again.status == 3)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(again.stderr.utf8)) as? [String: [String: Any]])
        #expect(error["error"]?["code"] as? String == "duplicateNIK")
        let message = try #require(error["error"]?["message"] as? String)
        #expect(message.contains("Sri Wahyuni") && message.contains(memberID) && !message.contains("3374065208850002"))
        #expect(try cli.run("household", "list", "--json").jsonArray().count == 1, "the second household was not half-saved")
    }

    @Test("Warnings save the record, flag it, and are shown")
    func warningsSaveAndFlag() throws {
        let cli = try CLI()
        _ = try cli.initPSM()
        let add = try cli.run("household", "add", "--json", "--kk", "3322061203150007", "--address", "Jl. A", "--rt", "1", "--rw", "1",
                              "--member", "Joko;L;1980-05-16;kepala;3374061505800003")
        #expect(add.status == 0)
        let codes = (try add.jsonObject()["warnings"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        #expect(Set(codes ?? []) == ["kk.region", "nik.birthdate-mismatch"])
        #expect(try cli.run("household", "list").stdout.contains("  !"))
        // A sex that disagrees with the NIK is flagged the same way, not refused.
        let sri = try cli.run("household", "add", "--json", "--kk", "3374061203150009", "--address", "Jl. B", "--rt", "1", "--rw", "1",
                              "--member", "Sri;L;1985-08-12;kepala;3374065208850002")
        #expect(sri.status == 0, "\(sri.stderr)")
        #expect((try sri.jsonObject()["warnings"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["nik.sex"])
    }

    @Test("Setup errors: no replica yet, a replica already there, a wrong passphrase, no passphrase in a script")
    func setupErrors() throws {
        let cli = try CLI()
        let missing = try cli.run("household", "list")
        #expect(missing.status == 7 && missing.stderr.contains("field init"))
        #expect(try cli.initPSM().status == 0)
        let twice = try cli.initPSM()
        #expect(twice.status == 7 && twice.stderr.contains("--db"))
        let wrong = try cli.run("household", "list", env: ["FIELD_PASSPHRASE": "bukan-ini"])
        #expect(wrong.status == 5 && wrong.stderr.contains("Kata sandi salah"))
        let none = try cli.run("household", "list", env: ["FIELD_PASSPHRASE": ""])
        #expect(none.status == 64 && none.stderr.contains("FIELD_PASSPHRASE"))
        let badRole = try cli.run("init", "--db", cli.directory.appendingPathComponent("b.sqlite").path, "--name", "X",
                                  "--role", "lurah", "--area", "33.74.11.1006")
        #expect(badRole.status == 64 && badRole.stderr.contains("psm, psm-koordinator"))
        let badArea = try cli.run("init", "--db", cli.directory.appendingPathComponent("c.sqlite").path, "--name", "X",
                                  "--role", "psm", "--area", "Srondol Kulon")
        #expect(badArea.status == 64 && badArea.stderr.contains("--regions"))
        #expect(!FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("c.sqlite").path))
    }

    @Test("Region import: the same file twice changes nothing; a bad file names its line")
    func regionImport() throws {
        let cli = try CLI()
        _ = try cli.initPSM()
        let again = try cli.run("region", "import", CLI.semarangCSV, "--json")
        #expect(again.status == 0)
        let summary = try again.jsonObject()
        #expect(summary["kelurahan"] as? Int == 177 && summary["kecamatan"] as? Int == 16 && summary["added"] as? Int == 0)
        let bad = cli.directory.appendingPathComponent("bad.csv")
        try "kecamatan,kelurahan,kodepos\nBanyumanik,Pudakpayung,50265\nBanyumanik,,50265\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try cli.run("region", "import", bad.path)
        #expect(refused.status == 64 && refused.stderr.contains("bad.csv:3"))
        let list = try cli.run("region", "list", "--kecamatan", "Banyumanik")
        #expect(list.stdout.contains("Srondol Kulon") && list.stdout.split(separator: "\n").count == 11)
    }

    @Test("A registration longer than its kind allows is refused at init, naming the term; a valid one is kept")
    func registrationTerm() throws {
        let cli = try CLI()
        let base = ["init", "--name", "Siti Aminah", "--role", "psm", "--area", "Srondol Kulon", "--ntr", "NTR-3374-0012",
                    "--regions", CLI.semarangCSV, "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10",
                    "--ntr-from", "2025-01-01"]
        let relawan = try cli.run(base + ["--registration", "relawan", "--ntr-until", "2028-01-01"])
        #expect(relawan.status == 64 && relawan.stderr.contains("paling lama 2 tahun"), "\(relawan.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.database))
        let unknown = try cli.run(base + ["--registration", "sertifikat", "--ntr-until", "2028-01-01"])
        #expect(unknown.status == 64 && unknown.stderr.contains("relawan"), "\(unknown.stderr)")
        let tks = try cli.run(base + ["--registration", "tks", "--ntr-until", "2028-01-01"])
        #expect(tks.status == 0, "\(tks.stderr)")
    }
}
