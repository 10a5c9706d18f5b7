import FieldModels
import Foundation
@testable import LocalStore
import Testing

/// `field export csv|xlsx --type keluarga` and `field import csv|xlsx`: a family sheet that goes
/// out and comes back unchanged, and a sheet from elsewhere loaded with a report of every row refused.
@Suite("field import: family sheets in and out")
struct ImportCommandTests {
    static func write(_ text: String, in cli: CLI, name: String) throws -> String {
        let path = cli.directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("A family sheet exported as XLSX (or CSV) from one laptop loads into another with the same ids and values; loading it again changes nothing",
          arguments: ["xlsx", "csv"])
    func roundTrip(format: String) throws {
        let from = try CLI()
        #expect(try from.initPSM().status == 0)
        let home = try from.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala;3374061505800003",
                                                                    "Sri Wahyuni;P;1985-08-12;istri;3374065208850002"])
        let sri = try #require(try MoveCommandTests.members(from, home)["Sri Wahyuni"])
        #expect(try from.run("person", "edit", sri, "--disability", "fisik", "--phone", "0812-2500-1234", "--programmes", "pkh",
                             "--bpjs", "0001234567890", "--health-notes", "Kursi roda, kontrol tiap bulan").status == 0)
        #expect(try from.run("household", "edit", home, "--dtks", "DTKS-77").status == 0)
        let file = from.directory.appendingPathComponent("keluarga.\(format)").path
        let exported = try from.run("export", format, "--type", "keluarga", "--include-sensitive", "--output", file)
        #expect(exported.status == 0 && exported.stdout.contains("2 baris"), "\(exported.stdout)\(exported.stderr)")
        let original = try from.run("export", "csv", "--type", "keluarga", "--include-sensitive").stdout

        let to = try CLI()
        #expect(try to.initPSM().status == 0)
        let loaded = try to.run("import", format, file, "--json")
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
        let report = try loaded.jsonObject()
        #expect(report["families"] as? Int == 1 && report["persons"] as? Int == 2 && report["written"] as? Bool == true)
        #expect(try to.run("export", "csv", "--type", "keluarga", "--include-sensitive").stdout == original)
        #expect(try to.openReplica().existing(Household.self, id: home).record.members.count == 2)

        let again = try to.run("import", format, file, "--json").jsonObject()
        #expect(again["changes"] as? Int == 0, "the same sheet twice changes nothing: \(again)")
    }

    @Test("A sheet with a refused row saves nothing and names every refused or held-back row; --partial saves the right families; --check saves nothing")
    func refusedRows() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let sheet = try Self.write("""
            No KK,Nama,JK,Tgl Lahir,SHDK,NIK,Alamat,RT,RW,Kolom Lain
            3374061203150111,Agus Wibowo,L,15/05/1970,Kepala Keluarga,3374061505700001,Jl. Pudak 7,2,1,x
            3374061203150111,Siti Rahma,X,1975-01-01,Istri,3374064101750002,Jl. Pudak 7,2,1,y
            3374061203150222,Joko Susilo,L,1990-01-01,kepala,3374…0003,Jl. Melati 2,1,1,
            3374061203150333,Rina Marlina,Perempuan,29356,kepala,,Jl. Kenanga 3,1,1,
            3374061203150444,Dedi,L,2030-01-01,kepala,,Jl. Anggrek 4,1,1,
            """, in: cli, name: "dtks.csv")
        let checked = try cli.run("import", "csv", sheet, "--check")
        #expect(checked.status == 3)
        let refused = try cli.run("import", "csv", sheet)
        #expect(refused.status == 3)
        for phrase in ["Baris 2: ditahan", "Baris 3: jenis_kelamin 'X' tidak dikenal", "Baris 4: nik '3374…0003' disamarkan",
                       "Baris 6:", "di masa depan", "Kolom dilewati: Kolom Lain", "Tidak ada yang disimpan: 4 baris ditolak"] {
            #expect(refused.stdout.contains(phrase), "\(phrase): \(refused.stdout)")
        }
        #expect(try cli.openReplica().records(Person.self).isEmpty && cli.openReplica().records(Household.self).isEmpty,
                "nothing was written, by --check or by the refused import")

        let partial = try cli.run("import", "csv", sheet, "--partial", "--json")
        #expect(partial.status == 3)
        let report = try partial.jsonObject()
        #expect(report["families"] as? Int == 1 && report["written"] as? Bool == true, "\(report)")
        let rina = try #require(try cli.openReplica().records(Person.self).map(\.record).first)
        #expect(rina.name == "Rina Marlina" && rina.sex == .p && rina.birthDate == CivilDate("1980-05-15"),
                "a spreadsheet's date serial and a sex written as a word")
        #expect(try cli.openReplica().existing(Household.self, id: rina.householdID).record.rt == "001")
    }

    @Test("A person already recorded is found by NIK and updated, not added twice; a person of another family is refused with how to move them")
    func matchesByNumber() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let home = try cli.addHousehold("Jl. Mawar 1", members: ["Budi Santoso;L;1980-05-15;kepala;3374061505800003"])
        let budi = try #require(try MoveCommandTests.members(cli, home)["Budi Santoso"])
        let kk = try cli.openReplica().existing(Household.self, id: home).record.noKK
        let update = try Self.write("""
            no_kk,nama,nik,telepon,pekerjaan
            \(kk),Budi Santoso,3374 0615 0580 0003,+62 812 1111 2222,Buruh harian lepas
            """, in: cli, name: "update.csv")
        let loaded = try cli.run("import", "csv", update, "--json").jsonObject()
        #expect(loaded["persons"] as? Int == 1 && loaded["changes"] as? Int == 2, "\(loaded)")
        let person = try cli.openReplica().existing(Person.self, id: budi).record
        #expect(person.phone == "081211112222" && person.occupation == "Buruh harian lepas")
        #expect(try cli.openReplica().records(Person.self).count == 1)

        let elsewhere = try Self.write("""
            no_kk,nama,nik,alamat,rt,rw
            3374061203150999,Budi Santoso,3374061505800003,Jl. Lain 9,4,4
            """, in: cli, name: "elsewhere.csv")
        let moved = try cli.run("import", "csv", elsewhere)
        #expect(moved.status == 3 && moved.stdout.contains("field person move \(budi)"), "\(moved.stdout)")
    }

    @Test("A file that is not a sheet, or lacks the columns, is refused saying what is expected")
    func badFiles() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let notXLSX = try Self.write("nama,no_kk\nBudi,3374\n", in: cli, name: "palsu.xlsx")
        let xlsx = try cli.run("import", "xlsx", notXLSX)
        #expect(xlsx.status == 64 && xlsx.stderr.contains("tidak dapat dibaca sebagai XLSX"), "\(xlsx.stderr)")
        let columns = try Self.write("name;kk\nBudi;3374\n", in: cli, name: "kolom.csv")
        let missing = try cli.run("import", "csv", columns)
        #expect(missing.status == 64 && missing.stderr.contains("'nama'") && missing.stderr.contains("field export csv --type keluarga"))
        let absent = try cli.run("import", "csv", cli.directory.appendingPathComponent("tidak-ada.csv").path)
        #expect(absent.status == 4)
        let xlsxOut = try cli.run("export", "xlsx", "--type", "keluarga")
        #expect(xlsxOut.status == 64 && xlsxOut.stderr.contains("--output"))
    }
}
