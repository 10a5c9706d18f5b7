import Foundation
import Testing

/// `field region list CODE|NAME`: the Kemendagri catalogue shipped with `field`, browsable before
/// any replica exists.
@Suite("field region list: every region of Indonesia by its Kemendagri code")
struct RegionListTests {
    @Test("A code lists the region's line of parents and its children, as text and JSON, with no replica")
    func byCode() throws {
        let cli = try CLI()
        let text = try cli.run("region", "list", "33.74.11")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Jawa Tengah › Kota Semarang › Banyumanik (33.74.11)"))
        #expect(text.stdout.contains("33.74.11.1006  Srondol Kulon"))
        let json = try cli.run("region", "list", "3374111006", "--json").jsonObject()
        let lineage = try #require(json["region"] as? [[String: Any]])
        #expect(lineage.compactMap { $0["name"] as? String } == ["Jawa Tengah", "Kota Semarang", "Banyumanik", "Srondol Kulon"])
        #expect((json["children"] as? [Any])?.isEmpty == true, "a kelurahan has nothing below it")
        let provinces = try cli.run("region", "list", "indonesia", "--json").jsonObject()
        #expect((provinces["children"] as? [Any])?.count == 38)
    }

    @Test("A name shared by several regions lists each with its code; an unknown code or name says how to browse")
    func byName() throws {
        let cli = try CLI()
        let semarang = try cli.run("region", "list", "Semarang")
        #expect(semarang.status == 0)
        #expect(semarang.stdout.contains("33.22") && semarang.stdout.contains("Kabupaten Semarang"))
        #expect(semarang.stdout.contains("33.74") && semarang.stdout.contains("Kota Semarang"))
        let unknown = try cli.run("region", "list", "33.99")
        #expect(unknown.status == 4)
        #expect(unknown.stderr.contains("33.99") && unknown.stderr.contains("field region list indonesia"))
        let english = try cli.run("--lang", "en", "region", "list", "Atlantis")
        #expect(english.status == 4)
        #expect(english.stderr.contains("No region is named 'Atlantis'"))
    }
}
