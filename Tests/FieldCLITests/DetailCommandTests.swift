import Foundation
import Testing

/// The person and household details at the command line: flags, what `show` and `export`
/// print (masked unless asked), and refusals that say which value is wrong and what is allowed.
@Suite("field person/household: the details the Dinas asks for")
struct DetailCommandTests {
    @Test("Details typed on a person and a household are shown masked, revealed on request, exported, and found by number")
    func details() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Sri Wahyuni;P;1985-08-12;kepala;3374065208850002"])
        let sri = try #require(try MoveCommandTests.members(cli, home)["Sri Wahyuni"])
        let edit = try cli.run("person", "edit", sri, "--birth-place", "Semarang", "--marital", "cerai-mati", "--occupation", "Pedagang",
                               "--education", "sltp", "--programmes", "pkh,pbi-jk", "--bpjs", "0001 2345 6789 0",
                               "--phone", "+62 812-3456-7890", "--disability", "sensorik-netra,fisik", "--dtks", "3374061203150007001")
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(edit.stdout.contains("diperbarui (9 kolom)"), "\(edit.stdout)")
        let household = try cli.run("household", "edit", home, "--phone", "(024) 7460123", "--dtks", "DTKS-3374-77")
        #expect(household.status == 0, "\(household.stderr)")

        let shown = try cli.run("household", "show", home, "--json").jsonObject()
        #expect(shown["regionCode"] as? String == "33.74.11.1006", "Srondol Kulon's Kemendagri code, from the shipped region file")
        #expect(shown["phone"] as? String == "0247…0123")
        let member = try #require((shown["members"] as? [[String: Any]])?.first)
        let details = try #require(member["details"] as? [String: String])
        #expect(details["telepon"] == "0812…7890" && details["BPJS"] == "0001…7890")
        #expect(details["disabilitas"] == "(tersembunyi)")
        #expect(details["pendidikan"] == "SLTP/sederajat" && details["kawin"] == "Cerai mati" && details["tempat lahir"] == "Semarang")
        let revealed = try cli.run("household", "show", home, "--reveal").stdout
        #expect(revealed.contains("Disabilitas fisik, Disabilitas sensorik netra") && revealed.contains("081234567890"), "\(revealed)")

        let masked = try cli.run("export", "csv", "--type", "person").stdout
        let header = try #require(masked.split(separator: "\n").first).split(separator: ",").map(String.init)
        for column in ["birthPlace", "marital", "occupation", "education", "programmes", "bpjs", "phone", "disability", "dtks", "deathDate"] {
            #expect(header.contains(column), "\(column) is exported")
        }
        #expect(!masked.contains("081234567890") && !masked.contains("sensorik-netra") && !masked.contains("0001234567890"))
        #expect(masked.contains("\"pbi-jk,pkh\""), "\(masked)")
        let full = try cli.run("export", "csv", "--type", "person", "--include-sensitive").stdout
        #expect(full.contains("081234567890") && full.contains("\"fisik,sensorik-netra\"") && full.contains("0001234567890"))
        let households = try cli.run("export", "csv", "--type", "household", "--include-sensitive").stdout
        #expect(households.contains("33.74.11.1006") && households.contains("0247460123") && households.contains("DTKS-3374-77"))

        for number in ["0812 3456 7890", "0001234567890", "3374061203150007001"] {
            #expect(try cli.run("search", number, "--json").jsonArray().map { $0["id"] as? String } == [sri], "\(number)")
        }
        #expect(try cli.run("search", "024-7460123", "--json").jsonArray().map { $0["id"] as? String } == [home])
    }

    @Test("A death is recorded with its date; a date without the status is refused, saying what to do")
    func death() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1950-05-15;kepala"])
        let budi = try #require(try MoveCommandTests.members(cli, home)["Budi Santoso"])
        let alone = try cli.run("person", "edit", budi, "--death-date", "2026-10-01")
        #expect(alone.status == 3 && alone.stderr.contains("--status meninggal"), "\(alone.stderr)")
        let flagged = try cli.run("person", "edit", budi, "--status", "meninggal")
        #expect(flagged.status == 0 && flagged.stdout.contains("--death-date"), "saved and flagged: \(flagged.stdout)")
        let dated = try cli.run("person", "edit", budi, "--death-date", "2026-10-01", "--json").jsonObject()
        let codes = try #require(dated["warnings"] as? [[String: Any]]).compactMap { $0["code"] as? String }
        #expect(!codes.contains("deathDate.missing") && codes.contains("nik.missing"), "\(codes)")
    }

    @Test("A value outside a list is refused by the flag's type, naming the flag and the choices in the run's language; nothing changes", arguments: [
        (["--marital", "janda"], "--marital", "cerai-mati"),
        (["--education", "sma"], "--education", "slta"),
        (["--disability", "fisik,terbang"], "--disability", "sensorik-rungu"),
        (["--programmes", "blt"], "--programmes", "sembako"),
    ] as [([String], String, String)])
    func badChoice(_ flags: [String], _ flag: String, _ choice: String) throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala"])
        let budi = try #require(try MoveCommandTests.members(cli, home)["Budi Santoso"])
        let before = try cli.run("history", budi, "--json").jsonArray().count
        let result = try cli.run(["person", "edit", budi] + flags)
        #expect(result.status == 64 && result.stderr.contains(flag) && result.stderr.contains(choice), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Galat: Nilai '\(flags[1])' tidak sah") && result.stderr.contains("Pilihan:"), "\(result.stderr)")
        let english = try cli.run(["--lang", "en", "person", "edit", budi] + flags)
        #expect(english.status == 64 && english.stderr.contains("is invalid for '\(flag)") && english.stderr.contains(choice), "\(english.stderr)")
        #expect(try cli.run("history", budi, "--json").jsonArray().count == before, "nothing was written")
    }

    @Test("Lists are typed in any case, sex and status as words too; ArgumentParser's own refusals and help headings are in Bahasa Indonesia")
    func flagWords() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala"])
        let budi = try #require(try MoveCommandTests.members(cli, home)["Budi Santoso"])
        let words = try cli.run("person", "edit", budi, "--sex", "laki-laki", "--status", "Pindah", "--relationship", "KEPALA",
                                "--education", "SLTA", "--json").jsonObject()
        #expect(words["changes"] as? Int == 2, "status and education change; sex and relationship were already so: \(words)")
        let role = try cli.run("init", "--db", cli.directory.appendingPathComponent("x.sqlite").path, "--name", "X", "--role", "lurah",
                               "--area", "33.74.11.1006")
        #expect(role.status == 64 && role.stderr.contains("Pilihan: psm, psm-koordinator, tksk, pkh-pendamping, dinas."), "\(role.stderr)")
        let need = try cli.run("visit", "add", "--household", home, "--purpose", "Asesmen", "--need", "uang")
        #expect(need.status == 64 && need.stderr.contains("'--need <need>'") && need.stderr.contains("permakanan"), "\(need.stderr)")
        let unknown = try cli.run("person", "edit", budi, "--bogus")
        #expect(unknown.status == 64 && unknown.stderr.contains("Opsi '--bogus' tidak dikenal"), "\(unknown.stderr)")
        let missing = try cli.run("person", "edit")
        #expect(missing.status == 64 && missing.stderr.contains("Argumen wajib belum diberikan: '<id>'"), "\(missing.stderr)")
        let help = try cli.run("person", "edit", "--help")
        #expect(help.status == 0 && help.stdout.contains("CARA PAKAI:") && help.stdout.contains("OPSI:") && help.stdout.contains("--disability"))
        let english = try cli.run("--lang", "en", "person", "edit", "--help")
        #expect(english.stdout.contains("USAGE:") && english.stdout.contains("Kinds of disability"))
    }
}
