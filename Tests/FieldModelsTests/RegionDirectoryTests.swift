import FieldModels
import Foundation
import Testing

/// The Kemendagri catalogue shipped with the product, and the NIK and No. KK region checks it
/// allows.
@Suite("The national region catalogue and the region codes of NIK and No. KK")
struct RegionDirectoryTests {
    static let today = CivilDate("2026-12-02")!

    func directory() throws -> RegionDirectory { try #require(RegionDirectory.shipped, "the catalogue ships with the build") }

    @Test("It holds every region of Indonesia in the counts of Kepmendagri 300.2.2-2138/2025")
    func counts() throws {
        let directory = try directory()
        #expect(directory.count(.province) == 38)
        #expect(directory.count(.kabupatenKota) == 514)
        #expect(directory.count(.kecamatan) == 7_285)
        #expect(directory.count(.desa) == 83_762)
        #expect(directory.children(of: nil).count == 38)
    }

    @Test("Srondol Kulon is 33.74.11.1006, in Banyumanik, Kota Semarang, Jawa Tengah; codes are read with or without dots")
    func lineage() throws {
        let directory = try directory()
        #expect(directory.lineage("33.74.11.1006").map(\.name) == ["Jawa Tengah", "Kota Semarang", "Banyumanik", "Srondol Kulon"])
        #expect(directory.entry("3374111006")?.code == "33.74.11.1006")
        #expect(directory.entry("33.74")?.level == .kabupatenKota)
        #expect(directory.children(of: "33.74.11").map(\.name).contains("Srondol Kulon"))
        #expect(directory.children(of: "33.74.11").allSatisfy { $0.code.hasPrefix("33.74.11.") && $0.level == .desa })
        #expect(directory.children(of: "33.74").count == 16, "Kota Semarang has 16 kecamatan")
        for bad in ["33.7", "337", "33..74", "33.74.11.100", "3374.11", "x", ""] {
            #expect(RegionDirectory.dotted(bad) == nil, "\(bad) is not a code")
            #expect(directory.entry(bad) == nil)
        }
    }

    @Test("A name finds its regions exactly first, and a name two regions share finds both")
    func search() throws {
        let directory = try directory()
        #expect(directory.search("srondol kulon", level: .desa).map(\.code) == ["33.74.11.1006"])
        let semarang = directory.search("Semarang", level: .kabupatenKota).map(\.code)
        #expect(semarang.prefix(2).sorted() == ["33.22", "33.74"], "Kabupaten and Kota Semarang")
    }

    @Test("Codes of earlier editions are still known, marked retired: a NIK from before the 2022 Papua split")
    func retired() throws {
        let directory = try directory()
        let merauke = try #require(directory.entry("91.01"))
        #expect(merauke.retiredAfter == 2022)
        #expect(directory.entry("33.74")?.retiredAfter == nil)
    }

    @Test("A NIK whose kabupaten/kota or kecamatan code does not exist is refused, naming the digits and the region above")
    func impossibleCodes() throws {
        // 33.99 is no kabupaten/kota of Jawa Tengah; 33.74.99 no kecamatan of Kota Semarang.
        let kota = IdentityRules.checkNIK("3399061505800003", sex: .l, birthDate: nil, kotaCode: nil, today: Self.today)
        #expect(kota.map(\.code) == ["nik.kota"])
        #expect(kota.first?.severity == .error)
        #expect(kota.first?.text.id.contains("Jawa Tengah") == true)
        let kecamatan = IdentityRules.checkNIK("3374991505800003", sex: .l, birthDate: nil, kotaCode: nil, today: Self.today)
        #expect(kecamatan.map(\.code) == ["nik.kecamatan"])
        #expect(kecamatan.first?.text.en.contains("Kota Semarang") == true)
        #expect(IdentityRules.checkKK("3374990101150007", kotaCode: nil).map(\.code) == ["kk.kecamatan"])
        #expect(IdentityRules.checkNIK("9974061505800003", sex: .l, birthDate: nil, kotaCode: nil, today: Self.today).map(\.code) == ["nik.province"])
    }

    @Test("A real code of another region is a warning naming both regions; a retired code is no error")
    func otherRegion() throws {
        // Issued in Kabupaten Cilacap (33.01.01), recorded in Kota Semarang.
        let cilacap = IdentityRules.checkNIK("3301011505800003", sex: .l, birthDate: nil, kotaCode: "3374", today: Self.today)
        #expect(cilacap.map(\.code) == ["nik.region"])
        #expect(cilacap.first?.severity == .warning)
        #expect(cilacap.first?.text.id.contains("Kabupaten Cilacap (33.01)") == true)
        #expect(cilacap.first?.text.id.contains("Kota Semarang (33.74)") == true)
        // Issued in Merauke when it was 91.01 (Papua), before Papua Selatan took it as 93.01.
        #expect(IdentityRules.checkNIK("9101011505800003", sex: .l, birthDate: nil, kotaCode: nil, today: Self.today).isEmpty)
    }
}
