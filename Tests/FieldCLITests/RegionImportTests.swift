import Foundation
import Testing

/// `field-server region import --catalogue`: a store's region table from the Kemendagri catalogue
/// the product ships, one kabupaten/kota, a province or all of Indonesia, without a CSV file.
@Suite("field-server region import --catalogue: the region table from the shipped catalogue")
struct RegionImportTests {
    @Test("A kabupaten/kota, then a whole province: its kecamatan and kelurahan are in the table and take agents; a wrong code says what is expected")
    func fromTheCatalogue() throws {
        let server = try ServerHarness(.sqlite, loadRegions: false)
        defer { _ = server.stop() }
        let one = try server.admin("region", "import", "--catalogue", "33.22")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("new"), "\(one.stdout)")
        let listed = try server.admin("region", "list").stdout
        #expect(listed.contains("33.22\tkota\tKabupaten Semarang"), "\(listed.prefix(300))")
        let kelurahan = try #require(listed.split(separator: "\n").first { $0.hasPrefix("33.22.") && $0.contains("\tkelurahan\t") })
        let area = String(kelurahan.split(separator: "\t")[0])
        _ = try server.addAgent(id: "A-KABSMG", role: "psm", area: area)

        // The province: its 35 kabupaten/kota, 33.22 again among them (nothing doubled).
        let province = try server.admin("region", "import", "--catalogue", "33")
        #expect(province.status == 0, "\(province.stderr)")
        #expect(province.stdout.hasPrefix("35 kabupaten/kota"), "\(province.stdout)")
        #expect(province.stderr.contains("35 of 35"), "progress is shown: \(province.stderr)")
        let again = try server.admin("region", "list").stdout.split(separator: "\n")
        #expect(again.filter { $0.hasPrefix("33.22\t") }.count == 1)
        #expect(again.contains { $0.hasPrefix("33.74.11.1006\tkelurahan") }, "Kota Semarang came with the province")

        let wrong = try server.admin("region", "import", "--catalogue", "33.99")
        #expect(wrong.status != 0 && wrong.stderr.contains("'33.99' is not a current province or kabupaten/kota code"), "\(wrong.stderr)")
        let nothing = try server.admin("region", "import")
        #expect(nothing.status != 0 && nothing.stderr.contains("--catalogue"), "\(nothing.stderr)")
    }
}
