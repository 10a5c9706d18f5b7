import Foundation
@testable import FieldModels
import Testing

@Suite("Regions imported from CSV")
struct RegionTests {
    static let semarang = Kota(code: "3374", name: "Kota Semarang")

    /// `data/kota-semarang-wilayah.csv`, shipped with the repository.
    static var sharedFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/kota-semarang-wilayah.csv")
    }

    @Test("The real Kota Semarang file: 16 kecamatan, 177 kelurahan, postal codes kept")
    func realFile() throws {
        let catalog = try RegionCatalog.parse(csv: String(contentsOf: Self.sharedFile, encoding: .utf8), kota: Self.semarang)
        #expect(catalog.kecamatan.count == 16)
        #expect(catalog.kelurahan.count == 177)
        #expect(Set(catalog.kelurahan.map(\.id)).count == 177)
        let srondol = try #require(catalog.kelurahan.first { $0.name == "Srondol Kulon" })
        #expect(srondol.id == "33.74.11.1006" && srondol.kotaCode == "3374")
        #expect(srondol.postalCode?.count == 5)
        #expect(catalog.resolve("Srondol Kulon", depth: 3) == [srondol.id])
        #expect(catalog.resolve("banyumanik", depth: 2) == ["33.74.11"])
        #expect(catalog.resolve("Kota Semarang", depth: 1) == ["33.74"])
    }

    @Test("Every kelurahan of the file carries its Kemendagri code, as the shipped catalogue has it; local spellings keep their code")
    func officialCodes() throws {
        let catalog = try RegionCatalog.parse(csv: String(contentsOf: Self.sharedFile, encoding: .utf8), kota: Self.semarang)
        let directory = try #require(RegionDirectory.shipped)
        let codes = catalog.kelurahan.map(\.code)
        #expect(codes.count == 177 && Set(codes).count == 177)
        #expect(Set(codes) == Set(directory.children(of: "33.74").flatMap { directory.children(of: $0.code) }.map(\.code)),
                "the file and the catalogue list the same 177 kelurahan")
        #expect(catalog.kelurahan.first { $0.name == "Srondol Kulon" }?.code == "33.74.11.1006")
        #expect(catalog.kelurahan.first { $0.name == "Pendrikan Kidul" }?.code == "33.74.01.1014", "Kemendagri spells it Pindrikan Kidul")
        #expect(catalog.kecamatan.first { $0.name == "Banyumanik" }?.code == "33.74.11")
        for kel in catalog.kelurahan {
            let kecamatan = try #require(catalog.kecamatan.first { $0.id == kel.kecamatanID })
            #expect(kel.code.hasPrefix(kecamatan.code + "."), "\(kel.name)")
        }
    }

    @Test("A bad kode column is refused with the line and what is wrong", arguments: [
        ("A,B,33.74.11.1006\nA,C,33.74.11.1006\n", 3, "already listed on line 2"),
        ("A,B,33.01.01.2001\n", 2, "must be a Kemendagri desa/kelurahan code in Kota Semarang"),
        ("A,B,33.74.11\n", 2, "must be a Kemendagri desa/kelurahan code"),
        ("A,B,33.74.11.9999\n", 2, "not in the 2025 Kemendagri catalogue"),
        ("A,B,33.74.11.1006\nA,C,33.74.10.1001\n", 3, "other kelurahan of this kecamatan lie in 33.74.11"),
    ] as [(String, Int, String)])
    func badCodes(_ rows: String, _ line: Int, _ phrase: String) {
        #expect {
            _ = try RegionCatalog.parse(csv: "kecamatan,kelurahan,kode\n" + rows, kota: Self.semarang)
        } throws: { error in
            guard let error = error as? RegionImportError else { return false }
            return error.line == line && error.text.en.contains(phrase) && error.text.id.contains("Baris \(line)")
        }
    }

    @Test("Bad files are refused with the line and what to do", arguments: [
        ("kec,kel\nA,B\n", 1, "kecamatan"),
        ("kecamatan,kelurahan\nA,\n", 2, "required"),
        ("kecamatan,kelurahan,kodepos\nA,B,5026\n", 2, "5 digits"),
        ("kecamatan,kelurahan\nBanyumanik,Srondol Kulon\nbanyumanik,SRONDOL KULON\n", 3, "already listed on line 2"),
        ("kecamatan,kelurahan\nBanyumanik,Atlantis\n", 2, "not in the Kemendagri catalogue of Kota Semarang"),
        ("kecamatan,kelurahan\n", 0, "no kelurahan"),
        ("", 0, "empty"),
    ] as [(String, Int, String)])
    func badFiles(_ csv: String, _ line: Int, _ phrase: String) {
        #expect {
            _ = try RegionCatalog.parse(csv: csv, kota: Self.semarang)
        } throws: { error in
            guard let error = error as? RegionImportError else { return false }
            return error.line == line && error.text.en.contains(phrase) && !error.text.id.isEmpty
        }
    }

    @Test("A file without a kode column takes each kelurahan's code from the shipped catalogue by its names")
    func codesByName() throws {
        let catalog = try RegionCatalog.parse(csv: "kecamatan,kelurahan\nBanyumanik,Srondol Kulon\nTembalang,Bulusan\nTembalang,Mangunharjo\nTugu,Mangunharjo\n",
                                              kota: Kota(code: "33.74", name: "Kota Semarang"))
        #expect(catalog.kelurahan.map(\.id) == ["33.74.11.1006", "33.74.10.1004", "33.74.10.1003", "33.74.16.1007"])
        #expect(catalog.kecamatan.map(\.id) == ["33.74.11", "33.74.10", "33.74.16"])
        #expect(catalog.resolve("Mangunharjo", depth: 3).count == 2, "two kelurahan share the name")
        #expect(catalog.resolve("Tugu/Mangunharjo", depth: 3) == ["33.74.16.1007"])
        #expect(catalog.resolve("3374161007", depth: 3) == ["33.74.16.1007"], "a code without dots")
    }

    @Test("A city code must be 4 digits with a real province", arguments: ["337", "9974", "33a4"])
    func badKota(_ code: String) {
        #expect(throws: RegionImportError.self) {
            try RegionCatalog.parse(csv: "kecamatan,kelurahan\nA,B\n", kota: Kota(code: code, name: "X"))
        }
    }

    @Test("CSV cells: quotes, commas and CRLF")
    func csv() {
        #expect(CSV.parse("a,\"b, c\",\"d \"\"e\"\"\"\r\n1,2,3") == [["a", "b, c", "d \"e\""], ["1", "2", "3"]])
        #expect(CSV.escape("Jl. Mawar, 12") == "\"Jl. Mawar, 12\"")
        #expect(RegionPath.contains("33.74.11", "33.74.11.1006"))
        #expect(!RegionPath.contains("33.74.1", "33.74.11.1006"))
    }
}
